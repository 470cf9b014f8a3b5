"""``carbonledger bench ...``: benchmarks. Targets are checked here, never in timed unit tests."""

from __future__ import annotations

import typer

app = typer.Typer(help="Run a benchmark and print its measurements.", no_args_is_help=True)
