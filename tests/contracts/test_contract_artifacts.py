import re
from pathlib import Path

import pytest

from carbonledger.contracts import (
    CONTRACTS,
    VYPER_VERSION,
    build,
    compile_suite,
    load_suite,
    source_hash,
)
from carbonledger.contracts.build import SOURCE_DIR


def test_committed_artifacts_match_sources() -> None:
    """Fails when a .vy file changed without `make contracts`."""
    committed = load_suite()
    fresh = compile_suite(use_cache=False)
    for name in CONTRACTS:
        assert committed[name].source_sha256 == source_hash(), f"{name}: run `make contracts`"
        assert committed[name].abi == fresh[name].abi, name
        assert committed[name].bytecode == fresh[name].bytecode, name


def test_every_source_pins_the_compiler() -> None:
    for path in SOURCE_DIR.glob("*.vy"):
        assert path.read_text().startswith(f"#pragma version {VYPER_VERSION}\n"), path.name


def test_every_external_function_has_natspec() -> None:
    pattern = re.compile(r"@external\n(?:@\w+\n)*def (\w+)\([^)]*\)[^:]*:\n\s+\"\"\"\n\s+@notice")
    for name in CONTRACTS:
        text = (SOURCE_DIR / f"{name}.vy").read_text()
        externals = re.findall(r"@external\n(?:@\w+\n)*def (\w+)", text)
        documented = set(pattern.findall(text.replace("(\n", "(").replace(",\n", ",")))
        missing = [f for f in externals if f not in documented]
        assert not missing, f"{name}: no NatSpec @notice on {missing}"


def test_python_role_flag_mirrors_roles_vy() -> None:
    from carbonledger.ledger import Role

    text = (SOURCE_DIR / "roles.vy").read_text()
    body = text.split("flag Role:\n", 1)[1]
    names = re.findall(r"^    (\w+)\s+#", body, re.M)
    assert names == [r.name for r in Role]
    assert [r.value for r in Role] == [1 << i for i in range(len(names))]


def test_compile_is_cached_by_source_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = compile_suite()
    assert sorted(
        p.name for p in (tmp_path / "carbonledger" / "vyper" / source_hash()).iterdir()
    ) == sorted(f"{n}.json" for n in CONTRACTS)

    def refuse(*_: object) -> None:
        raise AssertionError("compiled again although the sources did not change")

    monkeypatch.setattr(build, "compile_contract", refuse)
    assert compile_suite() == first
