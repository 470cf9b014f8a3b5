"""``carbonledger bench ...``: benchmarks. Targets are checked here, never in timed unit tests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Run a benchmark and print its measurements.", no_args_is_help=True)


@app.command("accounting")
def bench_accounting(
    submissions: int = typer.Option(10_000, help="Number of synthetic submissions."),
    rounds: int = typer.Option(3, help="Timed rounds; the median is reported."),
    seed: int = typer.Option(2024, help="Seed of the synthetic workload."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Calculations per second on one core (target: 10,000/s)."""
    import json
    import platform

    from carbonledger.bench.accounting import run

    result = run(submissions, rounds, seed, progress=lambda m: typer.echo(m, err=True))
    result["machine"] = {
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
    }
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    m = result["median_per_second"]
    typer.echo(
        f"{result['submissions']} submissions, {result['lines_per_submission']:.1f} "
        f"activity lines each, median of {result['rounds']} rounds (one core):"
    )
    typer.echo(f"  calculate                    {m['calculate']:>10,.0f} /s   (target 10,000/s)")
    typer.echo(f"  calculate + canonical digests {m['calculate+digests']:>9,.0f} /s")
    typer.echo(f"  reference: json.loads         {m['json.loads']:>9,.0f} /s")
    ratio = result["ratio_to_json_loads"]
    typer.echo(
        f"  ratio to json.loads: calculate {ratio['calculate']:.3f}, "
        f"with digests {ratio['calculate+digests']:.3f}"
    )


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


@app.command("chain")
def bench_chain(
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
