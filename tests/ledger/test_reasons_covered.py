"""Keeps the contract tests complete: every revert reason and event is asserted somewhere."""

import re
from pathlib import Path

from carbonledger.contracts.build import SOURCE_DIR

TESTS = Path(__file__).parent
REASON = re.compile(r'assert [^\n]*?,\s*\(?\s*"([a-z]+: [^"]+)"', re.S)


def _test_text() -> str:
    return "".join(p.read_text() for p in TESTS.glob("test_*.py") if p.name != Path(__file__).name)


def test_every_revert_reason_is_asserted_by_a_test() -> None:
    tests = _test_text()
    reasons = {r for p in SOURCE_DIR.glob("*.vy") for r in REASON.findall(p.read_text())}
    assert len(reasons) > 80
    missing = sorted(r for r in reasons if f'"{r}"' not in tests)
    assert not missing, f"no test expects these revert reasons: {missing}"


def test_every_event_is_asserted_by_a_test() -> None:
    tests = _test_text()
    names = {
        e
        for p in SOURCE_DIR.glob("*.vy")
        for e in re.findall(r"^event (\w+):", p.read_text(), re.M)
    }
    missing = sorted(e for e in names if f'"{e}"' not in tests)
    assert not missing, f"no test checks these events: {missing}"
