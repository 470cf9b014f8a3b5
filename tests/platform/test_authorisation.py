"""The authorisation matrix: every endpoint × every role (and anonymous).

Every route declares exactly one access rule; calling it as each kind of user must give
401 (anonymous on a non-public route), 403 (a role the rule does not admit) or get past
the rule (any other status, never a 5xx). Object-level visibility — another organisation's
submission, balance or certificate answering 404 — is tested with each domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from platform_testing import Actor, Api, ChainEnv, running_platform

from carbonledger.platform.security import Access, Kind

KINDS = [k.value for k in Kind]


def access_rules(route: APIRoute) -> list[Access]:
    found: list[Access] = []
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Access):
            found.append(dep.call)
        stack.extend(dep.dependencies)
    return found


def api_routes(api: Api) -> list[APIRoute]:
    """Every API route, including those of included routers (FastAPI keeps them nested)."""
    found: list[APIRoute] = []
    stack = list(api.client.app.routes)  # type: ignore[attr-defined]
    while stack:
        route = stack.pop(0)
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            stack.extend(route.original_router.routes)
    assert len(found) >= 10, f"found only {len(found)} API routes; the walk is broken"
    return found


@pytest.fixture(scope="module")
def world(
    chain_env: ChainEnv, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Api, dict[str, Actor]]]:
    assert chain_env.snapshot is not None and chain_env.revert is not None
    snap = chain_env.snapshot()
    directory: Path = tmp_path_factory.mktemp("authz")
    try:
        with running_platform(chain_env, directory) as api:
            actors = {
                "admin": api.admin,
                "regulator": api.regulator,
                "verifier": api.organisation("verifier", "Matrix Verifier"),
                "enterprise": api.organisation("enterprise", "Matrix Enterprise"),
                "finance": api.organisation("finance", "Matrix Bank"),
            }
            yield api, actors
    finally:
        chain_env.revert(snap)


def test_every_route_declares_exactly_one_access_rule(world: tuple[Api, dict[str, Actor]]) -> None:
    api, _ = world
    missing = [
        f"{sorted(r.methods)} {r.path}: {len(access_rules(r))} rules"
        for r in api_routes(api)
        if len(access_rules(r)) != 1
    ]
    assert not missing, "routes without exactly one access rule:\n" + "\n".join(missing)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


def test_authorisation_matrix(world: tuple[Api, dict[str, Actor]]) -> None:
    api, actors = world
    failures: list[str] = []
    checked = 0
    for route in api_routes(api):
        (rule,) = access_rules(route)
        path = _concrete(route.path)
        for method in sorted(route.methods):
            for who in ["anonymous", *KINDS]:
                headers = {} if who == "anonymous" else actors[who].headers
                kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
                r = api.client.request(method, path, headers=headers, **kwargs)
                checked += 1
                if who == "anonymous":
                    expected = "pass" if rule.public else 401
                elif rule.public or not rule.kinds or Kind(who) in rule.kinds:
                    expected = "pass"
                else:
                    expected = 403
                got = r.status_code
                ok = (
                    (got not in (401, 403) and got < 500) if expected == "pass" else got == expected
                )
                if not ok:
                    failures.append(
                        f"{method} {route.path} as {who}: {got} (expected {expected}) "
                        + r.text[:120]
                    )
    assert checked > 0
    assert not failures, f"{len(failures)} of {checked} calls wrong:\n" + "\n".join(failures)
