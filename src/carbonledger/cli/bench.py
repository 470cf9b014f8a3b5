"""``carbonledger bench ...``: benchmarks. Targets are checked here, never in timed unit tests."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Run a benchmark and print its measurements.", no_args_is_help=True)


@app.command("chain")
def bench_chain(  # noqa: PLR0917 - typer maps each option to a parameter
    nodes: Annotated[int, typer.Option(help="Chain nodes (and NATS servers).")] = 3,
    accounts: Annotated[int, typer.Option(help="Sending accounts.")] = 1000,
    rates: Annotated[str, typer.Option(help="Comma-separated send rates (tx/s).")] = (
        "250,500,1000,2000,3000"
    ),
    round_seconds: Annotated[float, typer.Option(help="Length of each rate round.")] = 10.0,
    fixed_load: Annotated[int, typer.Option(help="Transactions in the fixed-load round.")] = 20000,
    in_flight: Annotated[int, typer.Option(help="Kept in flight in the fixed-load round.")] = 4000,
    anvil: Annotated[bool, typer.Option(help="Also run the workload against anvil.")] = True,
    block_gap_ms: Annotated[
        int | None, typer.Option(help="Chain's minimum block gap (default: genesis default).")
    ] = None,
) -> None:
    """ERC-20 transfers at rising send rates and one fixed load, on a devnet and on anvil."""
    from carbonledger.bench.chain import run

    run(
        nodes=nodes,
        accounts=accounts,
        rates=[int(r) for r in rates.split(",") if r],
        round_seconds=round_seconds,
        fixed_load=fixed_load,
        fixed_in_flight=in_flight,
        anvil=anvil,
        block_gap_ms=block_gap_ms,
    )
