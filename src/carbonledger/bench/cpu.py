"""CPU time of this process and its descendants, grouped by role (Linux ``/proc``).

End-to-end benchmarks run the load generator, the API and the chain (nodes and NATS
servers) on one machine. Wall-clock rates on a shared machine are noisy; CPU seconds per
operation, split by component, say where the time goes and stay comparable across runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

#: (group, predicate on the command line), first match wins
GROUPS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("nats", lambda cmd: "nats-server" in cmd),
    ("chain nodes", lambda cmd: "carbonledger node" in cmd or "carbonledger.chain" in cmd),
    ("api", lambda cmd: " serve" in cmd),
    ("anvil", lambda cmd: "anvil" in cmd),
)


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, utime + stime in seconds) of `pid`, or None when it has gone."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name is in parentheses and may hold spaces: split after the last ')'
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def classify(cmdline: str) -> str:
    for group, matches in GROUPS:
        if matches(cmdline):
            return group
    return "other"


def available() -> bool:
    return (PROC / str(os.getpid()) / "stat").exists()


def sample(root: int | None = None) -> dict[int, tuple[str, float]]:
    """CPU seconds so far of `root` (default: this process) and every descendant, by pid,
    with the group each belongs to (`root` itself is "load generator")."""
    root = os.getpid() if root is None else root
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        found = _stat(int(entry.name))
        if found is not None:
            parents[int(entry.name)], used[int(entry.name)] = found
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    out: dict[int, tuple[str, float]] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in used:
            group = "load generator" if pid == root else classify(_cmdline(pid))
            out[pid] = (group, used[pid])
        stack.extend(children.get(pid, []))
    return out


def spent(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds per group between two samples (processes present in both)."""
    totals: dict[str, float] = {}
    for pid, (group, seconds) in after.items():
        if pid in before:
            totals[group] = totals.get(group, 0.0) + seconds - before[pid][1]
    return dict(sorted(totals.items()))
