"""Compile the accounting engine's hot modules with mypyc (``make install`` runs this).

The extension modules go to ``src/carbonledger/accounting/_native/`` (not in git) with a
``MANIFEST`` naming the SHA-256 of every source compiled. ``carbonledger.accounting`` puts
that directory first on its module path only when every hash still matches its ``.py``
file (and the interpreter is the one it was built for); otherwise, and when
``CARBONLEDGER_PURE_PYTHON=1`` is set, the pure-Python modules run, unchanged.
``carbonledger.accounting.compiled`` says which is running.

When compilation is unavailable (no C compiler, no mypyc) or fails, the MANIFEST records
why and nothing is compiled: the engine runs as pure Python and ``make`` does not retry
until a source changes. Usage (from the repository root, with the project's interpreter):

    python tools/compile_accounting.py          # build if out of date
    python tools/compile_accounting.py --force  # build anyway
    python tools/compile_accounting.py --clean  # remove the compiled modules
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = SRC / "carbonledger" / "accounting"
NATIVE = PACKAGE / "_native"
#: read by carbonledger.accounting (the format is shared: keep the two in step)
MANIFEST_HEADER = "carbonledger-accounting-native 1"

#: the modules a calculation runs through, relative to the package; report.py (cached
#: properties, not a hot path) and the modules outside the calculation stay pure Python
MODULES = (
    "canonical.py",
    "context.py",
    "engine.py",
    "factors.py",
    "methodology.py",
    "model.py",
    "numbers.py",
    "sources.py",
    "submission.py",
    "units.py",
    "methodologies/cn2013.py",
    "methodologies/common.py",
    "methodologies/ghg_protocol.py",
    "methodologies/mee_power.py",
)


def source_hashes() -> list[tuple[str, str]]:
    return [(hashlib.sha256((PACKAGE / m).read_bytes()).hexdigest(), m) for m in MODULES]


def _mypy_version() -> str:
    try:
        from mypy.version import __version__
    except ImportError:
        return "none"
    return __version__


def manifest_text(hashes: list[tuple[str, str]]) -> str:
    # the "built-by" line is for this script (a new mypyc rebuilds); the package skips it
    lines = [MANIFEST_HEADER, f"cache_tag {sys.implementation.cache_tag}"]
    lines.append(f"built-by mypy {_mypy_version()}")
    lines += [f"{digest}  {module}" for digest, module in hashes]
    return "\n".join(lines) + "\n"


def up_to_date() -> bool:
    try:
        text = (NATIVE / "MANIFEST").read_text(encoding="utf-8")
    except OSError:
        return False
    return text == manifest_text(source_hashes())


def _record_unavailable(reason: str) -> None:
    """No compiled modules; the MANIFEST says why (and keeps make from retrying)."""
    shutil.rmtree(NATIVE, ignore_errors=True)
    NATIVE.mkdir(parents=True)
    (NATIVE / "MANIFEST").write_text(f"unavailable: {reason}\n", encoding="utf-8")
    print(f"accounting engine: not compiled ({reason}); it runs as pure Python")


def build(jobs: int) -> None:
    try:
        from mypyc.build import mypycify
        from setuptools import Distribution
    except ImportError as err:
        _record_unavailable(f"cannot import {err.name}")
        return
    compiler = os.environ.get("CC", "cc").split()[0]
    if shutil.which(compiler) is None:
        _record_unavailable(f"no C compiler ({compiler})")
        return
    hashes = source_hashes()
    started = time.monotonic()
    print("accounting engine: compiling with mypyc (1-2 minutes)...", flush=True)
    with tempfile.TemporaryDirectory(prefix="carbonledger-mypyc-") as tmp:
        work = Path(tmp)
        cwd = Path.cwd()
        os.chdir(SRC)  # mypyc names modules by their path from here
        # mypyc's and the compiler's output go to a log, printed only if the build fails
        log = (work / "build.log").open("w+")
        saved = os.dup(1), os.dup(2)
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            paths = [str(Path("carbonledger/accounting") / m) for m in MODULES]
            extensions = mypycify(
                # the project's mypy settings (pyproject.toml) apply; its per-package
                # sections for packages not compiled here are expected to go unused
                ["--no-warn-unused-configs", *paths],
                target_dir=str(work / "c"),
                # one shared library, inside the package (not a top-level module)
                group_name="carbonledger.accounting.native",
                # -O2: within 0.3% of -O3's instructions per submission, a tenth quicker
                # to build (callgrind, tools/callgrind_accounting.py)
                opt_level=os.environ.get("CARBONLEDGER_MYPYC_OPT", "2"),
                debug_level="0",
            )
            dist = Distribution({"name": "carbonledger-native", "ext_modules": extensions})
            dist.script_args = [
                "build_ext",
                "--build-lib",
                str(work / "lib"),
                "--build-temp",
                str(work / "tmp"),
                f"--parallel={jobs}",
            ]
            dist.parse_command_line()
            dist.run_commands()
        except (Exception, SystemExit) as err:
            failure: BaseException | None = err
        else:
            failure = None
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            os.chdir(cwd)
        if failure is not None:
            log.seek(0)
            sys.stderr.write(log.read()[-4000:])
            log.close()
            _record_unavailable(f"mypyc failed: {type(failure).__name__}: {failure}")
            return
        log.close()
        built = work / "lib" / "carbonledger" / "accounting"
        staging = PACKAGE / "_native.new"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(built, staging)
        (staging / "MANIFEST").write_text(manifest_text(hashes), encoding="utf-8")
        shutil.rmtree(NATIVE, ignore_errors=True)
        staging.rename(NATIVE)
    print(f"accounting engine: compiled with mypyc in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="build even if up to date")
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.clean:
        shutil.rmtree(NATIVE, ignore_errors=True)
        return
    if args.force or not up_to_date():
        build(args.jobs)
    else:
        (NATIVE / "MANIFEST").touch()  # up to date: tell make so


if __name__ == "__main__":
    main()
