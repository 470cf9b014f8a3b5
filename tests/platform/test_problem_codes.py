"""Every problem code the platform can raise is registered, with the params it carries.

The source is read with ``ast`` (see carbonledger.platform.problem_codes): each call that
makes a problem must name its code as a string literal, or be one of the few sites below
that pass on a code from elsewhere; what those can produce is listed from the real enums
and tables. The web UI's vitest checks that each registered code is translated.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

import carbonledger
from carbonledger.contracts.reasons import revert_reasons
from carbonledger.market.engine import RejectCode
from carbonledger.market.negotiated import BlockProblemCode
from carbonledger.platform import errors
from carbonledger.platform.compliance.service import REVERTS
from carbonledger.platform.errors import HTTP_CODES, Problem, conflict, invalid
from carbonledger.platform.market.service import engine_code
from carbonledger.platform.problem_codes import (
    CODES,
    VALIDATION_TYPES,
    openapi_schemas,
    placeholder,
)

SRC = Path(carbonledger.__file__).parent
ERRORS_MODULE = "carbonledger.platform.errors"

#: the makers of problems, and where their code is: (position, keyword, default)
MAKERS: dict[str, tuple[int | None, str | None, str | None]] = {
    "Problem": (1, "code", None),
    "conflict": (0, "code", None),
    "invalid": (2, "code", "invalid-input"),
    "forbidden": (None, None, "forbidden"),
    "not_found": (None, None, "not-found"),
}
#: keywords of the makers that are not params
NOT_PARAMS = {"status", "code", "detail", "title", "field", "errors", "headers", "params", "type"}

ENGINE_CODES = {engine_code(c) for c in RejectCode} | {engine_code(c) for c in BlockProblemCode}

#: Sites that pass on a code they do not spell out: (module, function) → the codes it can
#: produce. A new such site fails the test until it is listed here.
DYNAMIC: dict[tuple[str, str], set[str]] = {
    ("platform/errors.py", "conflict"): set(),  # its callers are scanned
    ("platform/errors.py", "invalid"): set(),
    ("platform/errors.py", "_http"): set(HTTP_CODES.values()) | {"http-error"},
    ("platform/compliance/service.py", "translate_revert"): {c for c, _ in REVERTS.values()}
    | {"chain-rejected"},
    ("platform/market/service.py", "precheck_problem"): ENGINE_CODES,
    ("platform/market/service.py", "rejected_problem"): ENGINE_CODES,
    ("platform/market/service.py", "block_problem"): ENGINE_CODES,
    ("platform/market/routes.py", "place_order"): ENGINE_CODES,
}


@dataclass(frozen=True)
class Site:
    where: str  # module:line
    function: tuple[str, str]
    code: str | None  # None: not a literal
    params: frozenset[str]
    #: an `invalid(...)`'s validation type: its `type=` literal, "" when not a literal,
    #: None when it gives none (or the site is not an `invalid`)
    vtype: str | None = None
    maker: str = ""


def _makers_of(tree: ast.Module, module: str) -> tuple[dict[str, str], set[str]]:
    """Names that are makers in this module (local name → maker), and names of the errors
    module itself (``errors.Problem``)."""
    names: dict[str, str] = {}
    modules: set[str] = set()
    if module == ERRORS_MODULE:
        names.update({m: m for m in MAKERS})
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == ERRORS_MODULE:
            for alias in node.names:
                if alias.name in MAKERS:
                    names[alias.asname or alias.name] = alias.name
        if isinstance(node, ast.ImportFrom) and node.module == "carbonledger.platform":
            for alias in node.names:
                if alias.name == "errors":
                    modules.add(alias.asname or "errors")
    return names, modules


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """(name of the innermost enclosing top-level or nested function, node)."""

    def walk(node: ast.AST, name: str) -> Iterator[tuple[str, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else name
            )
            yield inner, child
            yield from walk(child, inner)

    yield from walk(tree, "<module>")


def _params(call: ast.Call, maker: str) -> frozenset[str]:
    out: set[str] = set()
    for kw in call.keywords:
        if kw.arg == "params" and isinstance(kw.value, ast.Dict):
            out |= {k.value for k in kw.value.keys if isinstance(k, ast.Constant)}
        elif kw.arg is not None and kw.arg not in NOT_PARAMS and maker in ("conflict", "invalid"):
            out.add(kw.arg)
    return frozenset(out)


def scan() -> list[Site]:
    sites = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        module = "carbonledger." + rel.removesuffix(".py").replace("/", ".")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names, modules = _makers_of(tree, module)
        if not names and not modules:
            continue
        for function, node in _functions(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Name) and f.id in names:
                maker = names[f.id]
            elif (
                isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and f.value.id in modules
                and f.attr in MAKERS
            ):
                maker = f.attr
            else:
                continue
            position, keyword, default = MAKERS[maker]
            arg: ast.expr | None = next((k.value for k in node.keywords if k.arg == keyword), None)
            if arg is None and position is not None and len(node.args) > position:
                arg = node.args[position]
            if arg is None:
                code: str | None = default
            elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                code = arg.value
            else:
                code = None
            vtype: str | None = None
            if maker == "invalid":
                given = next((k.value for k in node.keywords if k.arg == "type"), None)
                if isinstance(given, ast.Constant) and isinstance(given.value, str):
                    vtype = given.value
                elif given is not None:
                    vtype = ""
            sites.append(
                Site(
                    f"{rel}:{node.lineno}",
                    (rel, function),
                    code,
                    _params(node, maker),
                    vtype,
                    maker,
                )
            )
    return sites


SITES = scan()


def test_the_scan_finds_the_makers() -> None:
    # the scan must see the platform's problems (a broken scan would find nothing to check)
    assert len(SITES) > 150
    assert {s.function[0] for s in SITES} >= {
        "platform/accounts/service.py",
        "platform/market/service.py",
        "platform/mrv/service.py",
        "platform/registry/service.py",
        "platform/compliance/service.py",
    }


def test_every_code_raised_is_registered() -> None:
    literal = {s.where: s.code for s in SITES if s.code is not None}
    assert {w: c for w, c in literal.items() if c not in CODES} == {}


def test_codes_passed_on_come_from_listed_sites_only() -> None:
    dynamic = {s.function for s in SITES if s.code is None}
    unlisted = {s.where for s in SITES if s.code is None and s.function not in DYNAMIC}
    assert unlisted == set(), "list what these sites can raise in DYNAMIC"
    assert set(DYNAMIC) == dynamic, "DYNAMIC names a site that no longer exists"
    for function, codes in DYNAMIC.items():
        assert codes - set(CODES) == set(), function


def test_every_registered_code_is_raised_somewhere() -> None:
    raised = {s.code for s in SITES if s.code is not None}
    raised |= set().union(*DYNAMIC.values())
    assert set(CODES) - raised == set(), "registered codes nothing raises"


def _declared(site: Site) -> set[str]:
    if site.code == "invalid-input" and site.vtype is not None:
        return set(VALIDATION_TYPES.get(site.vtype, ()))
    return set(CODES[site.code].params) if site.code in CODES else set()


def test_params_at_each_site_are_declared() -> None:
    wrong = {
        s.where: sorted(s.params - _declared(s))
        for s in SITES
        if s.code in CODES and not s.params <= _declared(s)
    }
    assert wrong == {}


def test_every_invalid_input_names_its_validation_type() -> None:
    """`invalid(...)` without a code of its own must say which rule the field breaks
    (``type="..."``, registered in VALIDATION_TYPES): the UI shows its text for the type,
    where an English sentence alone would reach a Chinese user untranslated."""
    invalids = [s for s in SITES if s.maker == "invalid"]
    untyped = [s.where for s in invalids if s.code == "invalid-input" and s.vtype is None]
    assert untyped == [], "give these invalid(...) calls a type= (see VALIDATION_TYPES)"
    typed = {s.where: s.vtype for s in invalids if s.code == "invalid-input" and s.vtype}
    assert len(typed) > 20
    assert {w: t for w, t in typed.items() if t not in VALIDATION_TYPES} == {}
    dynamic = [s.where for s in invalids if s.vtype == ""]
    assert dynamic == [], "name the validation type as a string literal"


def test_an_invalid_input_carries_its_type_and_values_as_an_entry() -> None:
    problem = invalid(
        "first (9) is after last (3)", "query:first", type="range_reversed", first=9, last=3
    )
    assert problem.code == "invalid-input" and problem.params is None
    assert problem.errors == [
        {
            "field": "query:first",
            "message": "first (9) is after last (3)",
            "type": "range_reversed",
            "params": {"first": 9, "last": 3},
        }
    ]
    with pytest.raises(ValueError, match="must name its validation type"):
        invalid("x", "body:a")
    with pytest.raises(ValueError, match="not registered"):
        invalid("x", "body:a", type="brand_new_rule")
    with pytest.raises(ValueError, match="declares no param 'lot_t'"):
        invalid("x", "body:a", type="self_transfer", lot_t=1)
    # a code of its own: no type, its params on the problem
    own = invalid("upload a file", "path:submission_id", "evidence-required")
    assert (own.code, own.errors) == ("evidence-required", None)


#: codes whose params name one value in either of two units (only one is sent)
ALTERNATIVE_UNITS = {"insufficient-balance"}


def test_declared_params_name_their_unit() -> None:
    for code, spec in CODES.items():
        assert len(set(spec.params)) == len(spec.params), code
        for name in spec.params:
            assert name == name.lower() and name.replace("_", "").isalnum(), (code, name)
            assert placeholder(name), (code, name)
        # two params must not fill the same placeholder ({cap} from cap_t and cap_bps)
        names = [placeholder(n) for n in spec.params]
        if code not in ALTERNATIVE_UNITS:
            assert len(set(names)) == len(names), code
    assert placeholder("price_cents_per_t") == "price" and placeholder("lot_t") == "lot"


def test_a_problem_checks_its_code_and_params() -> None:
    assert errors.STRICT_CODES  # tests/conftest.py
    with pytest.raises(ValueError, match="not registered"):
        Problem(409, "brand-new-code", "x")
    with pytest.raises(ValueError, match="declares no param 'lot_t'"):
        conflict("no-change", "x", lot_t=10)
    with pytest.raises(ValueError, match="must be an int"):
        Problem(422, "bad-lot", "x", params={"lot_t": "10"})
    assert invalid("x", "body:a", type="missing").params is None


def test_params_go_into_the_body_and_detail_stays() -> None:
    body = Problem(
        422,
        "bad-lot",
        "quantity 15 t is not a multiple of the lot of 10 t",
        field="body:quantity",
        params={"quantity_t": 15, "lot_t": 10},
    ).body("/api/v1/market/orders")
    assert body == {
        "type": "https://carbonledger.dev/problems/bad-lot",
        "title": "Bad lot",
        "status": 422,
        "detail": "quantity 15 t is not a multiple of the lot of 10 t",
        "code": "bad-lot",
        "instance": "/api/v1/market/orders",
        "field": "body:quantity",
        "params": {"quantity_t": 15, "lot_t": 10},
    }
    assert "params" not in Problem(404, "not-found", "x").body()
    assert conflict("year-taken", "x", "body:document.period", year=2025).body()["params"] == {
        "year": 2025
    }


class Thing(BaseModel):
    quantity: int = Field(gt=0)
    name: str = Field(min_length=2, max_length=4)
    side: str = Field(pattern=r"^(buy|sell)$")


def test_validation_errors_carry_their_type_and_limits() -> None:
    app = FastAPI()
    errors.install(app)

    @app.post("/things")
    def make(thing: Thing) -> dict[str, str]:
        return {}

    @app.get("/gone")
    def gone() -> None:
        raise errors.not_found("thing", 7)

    r = TestClient(app).post("/things", json={"quantity": 0, "name": "abcdef", "side": "x"})
    assert r.status_code == 422
    entries = {e["field"]: e for e in r.json()["errors"]}
    assert entries["body:quantity"]["type"] == "greater_than"
    assert entries["body:quantity"]["params"] == {"gt": 0}
    assert entries["body:name"]["type"] == "string_too_long"
    assert entries["body:name"]["params"] == {"max_length": 4}
    assert entries["body:side"]["params"] == {"pattern": "^(buy|sell)$"}
    for e in entries.values():
        assert e["type"] in VALIDATION_TYPES
    missing = TestClient(app).post("/things", json={}).json()["errors"]
    assert {e["type"] for e in missing} == {"missing"}
    assert all("params" not in e for e in missing)
    assert TestClient(app).delete("/things").json()["code"] == "method-not-allowed"


def test_the_openapi_document_lists_the_codes() -> None:
    from carbonledger.platform.openapi import document

    schemas = document()["components"]["schemas"]
    assert schemas["ProblemCode"]["enum"] == sorted(CODES)
    assert schemas["ProblemCode"]["x-params"]["bad-lot"] == ["quantity_t", "lot_t"]
    assert schemas["ValidationType"]["enum"] == sorted(VALIDATION_TYPES)
    assert schemas["Problem"]["properties"]["code"] == {"$ref": "#/components/schemas/ProblemCode"}


# -- the contracts' revert reasons (the `reason` of chain-rejected) --------------------------

#: where a contract states a reason: an assert's message (on its line or wrapped in brackets
#: on the next), a raise, or the message argument of a helper that asserts with it
VY_ASSERT = re.compile(r'\bassert\s[^"#]*?,\s*\(?\s*"([^"]*)"')
VY_RAISE = re.compile(r'\braise\s+"([^"]*)"')
VY_HELPER = re.compile(r'self\._require_\w+\([^"()]*,\s*"([^"]*)"\)')
VY_ASSERT_BY_NAME = re.compile(r"\bassert\s[^\n]*,\s*(\w+)\s*$", re.MULTILINE)


def test_every_revert_reason_of_the_contracts_is_published() -> None:
    """Read the reasons off the Vyper sources statement by statement (independently of
    carbonledger.contracts.reasons): the OpenAPI document lists exactly these, so the web
    UI's vitest fails for a reason it has no `revert.<contract>.<reason>` text for."""
    found: set[str] = set()
    for path in sorted((SRC / "contracts").glob("*.vy")):
        source = path.read_text(encoding="utf-8")
        here = set(VY_ASSERT.findall(source) + VY_RAISE.findall(source))
        here |= set(VY_HELPER.findall(source))
        # a message passed in a variable must come from a helper call the scan sees
        for name in VY_ASSERT_BY_NAME.findall(source):
            assert name == "message" and VY_HELPER.search(source), (path.name, name)
        # each reason names its contract, the same in one file
        assert len({r.split(": ", 1)[0] for r in here}) <= 1, (path.name, sorted(here))
        found |= here
    assert len(found) > 90
    assert {"allowances: insufficient balance", "settlement: order intent expired"} <= found
    assert "" not in found and all(": " in r for r in found)
    assert set(revert_reasons()) == found
    assert openapi_schemas()["ChainRevertReason"]["enum"] == sorted(found)
