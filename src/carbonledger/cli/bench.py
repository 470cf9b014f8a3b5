"""``carbonledger bench ...``: benchmarks. Targets are checked here, never in timed unit tests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Run a benchmark and print its measurements.", no_args_is_help=True)


@app.command("contracts")
def contracts(
    rpc: Annotated[
        str | None, typer.Option(help="JSON-RPC URL; default: start a fresh anvil")
    ] = None,
    key_file: Annotated[
        Path | None, typer.Option(help="funded hex private key, needed with --rpc")
    ] = None,
) -> None:
    """Gas used per common contract operation (deploy, mint, allocate, settle, ...)."""
    from carbonledger.bench.contracts import run

    if rpc is not None and key_file is None:
        raise typer.BadParameter("--rpc needs --key-file", param_hint="--key-file")
    key = key_file.read_text().strip() if key_file is not None else None
    typer.echo(run(rpc, key))
