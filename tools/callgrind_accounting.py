"""Instructions per accounting submission, counted by callgrind (repeatable on a noisy machine).

    python tools/callgrind_accounting.py [calc|parse|digest]

Runs the bench's synthetic workload under ``valgrind --tool=callgrind`` twice, computing 70
and then 210 submissions after the same setup (280 generated, the seven industries warmed),
and prints (I(210) - I(70)) / 140: the instructions of one submission, with start-up,
generation and warm-up cancelled out (the hash seed is fixed, so runs repeat). ``calc`` is
what ``bench accounting`` times as "calculate" (parse the decoded dict, calculate, total);
``digest`` adds the canonical JSON and the result digest; ``parse`` is parsing alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

WORK = """
import sys
from carbonledger.accounting.engine import calculate
from carbonledger.accounting.submission import parse_submission_dict
from carbonledger.bench.accounting import synthetic_submissions

n, mode = int(sys.argv[1]), sys.argv[2]
docs = synthetic_submissions(280)
for d in docs[:7]:
    calculate(parse_submission_dict(d)).to_json()
for d in docs[:n]:
    if mode == "parse":
        parse_submission_dict(d)
    elif mode == "digest":
        calculate(parse_submission_dict(d)).result_digest
    else:
        calculate(parse_submission_dict(d)).total
"""


def instructions(n: int, mode: str, script: Path, out: Path) -> int:
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            str(script),
            str(n),
            mode,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        raise SystemExit(run.stderr)
    return int(found.group(1))


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "calc"
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "work.py"
        script.write_text(WORK)
        low = instructions(70, mode, script, Path(tmp) / "low.out")
        high = instructions(210, mode, script, Path(tmp) / "high.out")
    print(f"{mode}: {(high - low) / 140:,.0f} instructions per submission")


if __name__ == "__main__":
    main()
