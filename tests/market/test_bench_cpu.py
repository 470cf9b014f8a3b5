"""CPU accounting of the end-to-end benchmarks: real child processes, real /proc."""

import subprocess
import sys
import time

import pytest

from carbonledger.bench import cpu

pytestmark = pytest.mark.skipif(not cpu.available(), reason="needs Linux /proc")

# The child burns its CPU only once told to (a line on stdin), so the test's "started"
# sample is taken before it, however slowly a loaded machine runs the parent.
BUSY = (
    "import sys, time\nsys.stdin.readline()\n"
    "end = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"
)


def test_a_busy_child_is_found_and_charged_to_its_group() -> None:
    before = cpu.sample()
    # " serve" in the command line: counted as the API
    child = subprocess.Popen(
        [sys.executable, "-c", BUSY + "time.sleep(30)", "serve"], stdin=subprocess.PIPE
    )
    assert child.stdin is not None
    try:
        started = cpu.sample()
        assert child.pid in started and started[child.pid][0] == "api"
        child.stdin.write(b"go\n")
        child.stdin.flush()
        deadline = time.monotonic() + 30
        while cpu.sample()[child.pid][1] - started[child.pid][1] < 0.25:
            assert time.monotonic() < deadline, "the child never used its CPU"
            time.sleep(0.05)
        spent = cpu.spent(started, cpu.sample())
        assert spent["api"] >= 0.25
        assert child.pid not in before  # born after the first sample: not charged from it
    finally:
        child.kill()
        child.wait()


def test_groups_follow_the_command_line() -> None:
    assert cpu.classify("/x/nats-server -c nats.conf") == "nats"
    assert cpu.classify("python -m carbonledger node --config node.toml") == "chain nodes"
    assert cpu.classify("python -m carbonledger.cli serve --port 1") == "api"
    assert cpu.classify("/x/anvil --port 2") == "anvil"
    assert cpu.classify("bash") == "other"
