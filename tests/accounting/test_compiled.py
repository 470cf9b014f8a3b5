"""The compiled engine (mypyc, ``tools/compile_accounting.py``) gives what pure Python gives.

Every digit of the canonical JSON, every digest and every problem message of the bench's
synthetic submissions (and of invalid copies of them) is pinned, whichever way the engine
runs; a second interpreter with ``CARBONLEDGER_PURE_PYTHON=1`` must agree with this one.
A build whose sources changed since is never used.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import carbonledger.accounting
from carbonledger.accounting import _native_dir

#: run in this interpreter and in a pure-Python one; prints the fingerprint of 140
#: submissions' canonical JSON (70 valid, 70 with one invalid line each) and problems
FINGERPRINT = """
import copy, hashlib
from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError
from carbonledger.bench.accounting import synthetic_submissions

docs = synthetic_submissions(70, 7)
bad = []
for i, doc in enumerate(docs):
    doc = copy.deepcopy(doc)
    line = doc["facilities"][0]["lines"][i % 20]
    line["quantity"] = [{"value": "-1", "unit": line["quantity"]["unit"]},
                        {"value": "1", "unit": "furlong"}, {"value": "x"}, None][i % 4]
    bad.append(doc)
h = hashlib.sha256()
for doc in docs + bad:
    try:
        report = calculate_dict(doc)
        h.update(report.to_json())
        h.update(report.render_text().encode())
    except InputError as err:
        h.update("\\n".join(str(p) for p in err.problems).encode())
    h.update(b"\\0")
print(h.hexdigest())
"""
#: FINGERPRINT of the engine before it was made compilable (pure Python)
PINNED = "3177f017568c512f85fdae68ac80f239eb82baa83928d584c59a3f9c731994da"


def _fingerprint_here() -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(FINGERPRINT, {})
    return out.getvalue().strip()


def test_the_bench_submissions_give_the_pinned_results() -> None:
    assert _fingerprint_here() == PINNED


def test_pure_python_agrees_with_this_interpreter() -> None:
    env = {**os.environ, "CARBONLEDGER_PURE_PYTHON": "1"}
    pure = subprocess.run(
        [
            sys.executable,
            "-c",
            "import carbonledger.accounting as a; assert not a.compiled\n" + FINGERPRINT,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert pure == _fingerprint_here() == PINNED


def test_compiled_flag_matches_the_modules_running() -> None:
    from carbonledger.accounting import engine, sources

    suffix = ".py" if not carbonledger.accounting.compiled else ".so"
    assert Path(engine.__file__ or "").suffix == suffix
    assert Path(sources.__file__ or "").suffix == suffix


def _package(tmp_path: Path, manifest: str) -> Path:
    (tmp_path / "mod.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "_native").mkdir()
    (tmp_path / "_native" / "MANIFEST").write_text(manifest, encoding="utf-8")
    return tmp_path


def _manifest(digest: str, tag: str = sys.implementation.cache_tag) -> str:
    return f"carbonledger-accounting-native 1\ncache_tag {tag}\n{digest}  mod.py\n"


def test_a_build_is_used_only_while_its_sources_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARBONLEDGER_PURE_PYTHON", raising=False)
    good = hashlib.sha256(b"x = 1\n").hexdigest()
    package = _package(tmp_path, _manifest(good))
    assert _native_dir(package) == str(package / "_native")
    monkeypatch.setenv("CARBONLEDGER_PURE_PYTHON", "1")
    assert _native_dir(package) is None
    monkeypatch.delenv("CARBONLEDGER_PURE_PYTHON")
    (package / "mod.py").write_text("x = 2\n", encoding="utf-8")
    assert _native_dir(package) is None


@pytest.mark.parametrize(
    "manifest",
    [
        "unavailable: no C compiler (cc)\n",
        _manifest("0" * 64),
        _manifest(hashlib.sha256(b"x = 1\n").hexdigest(), tag="cpython-399"),
        "",
    ],
)
def test_no_usable_build_means_pure_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manifest: str
) -> None:
    monkeypatch.delenv("CARBONLEDGER_PURE_PYTHON", raising=False)
    assert _native_dir(_package(tmp_path, manifest)) is None
