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
        f"activity lines each, median of {result['rounds']} rounds (one core), engine "
        f"{'compiled (mypyc)' if result['compiled'] else 'pure Python'}:"
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


@app.command("api")
def bench_api(
    chain: Annotated[str, typer.Option(help="devnet (3 bundled nodes) or anvil.")] = "devnet",
    seconds: Annotated[float, typer.Option(help="Seconds per scenario and round.")] = 5.0,
    concurrency: Annotated[int, typer.Option(help="Requests kept in flight.")] = 8,
    rounds: Annotated[int, typer.Option(help="Rounds; medians are reported.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Requests/s and p50/p99 latency of the main REST endpoints under concurrent load."""
    import json

    from carbonledger.bench.api import render, run

    if chain not in ("devnet", "anvil"):
        raise typer.BadParameter("choose devnet or anvil", param_hint="--chain")
    result = run(chain, seconds, concurrency, rounds, progress=lambda m: typer.echo(m, err=True))
    typer.echo(json.dumps(result, indent=2) if as_json else render(result))


@app.command("market")
def bench_market(
    matching: Annotated[
        bool, typer.Option("--matching", help="Time the matching engine alone (one core).")
    ] = False,
    end_to_end: Annotated[
        bool,
        typer.Option(
            "--end-to-end",
            help="HTTP -> escrow -> match -> on-chain settlement through the platform API.",
        ),
    ] = False,
    chain: Annotated[str, typer.Option(help="--end-to-end: devnet (3 nodes) or anvil.")] = (
        "devnet"
    ),
    accounts: Annotated[int, typer.Option(help="--end-to-end: trading enterprises.")] = 16,
    seconds: Annotated[float, typer.Option(help="--end-to-end: seconds of load.")] = 10.0,
    batch: Annotated[
        int,
        typer.Option(
            help="--end-to-end: orders per request through POST /market/orders/batch "
            "(0: one POST /market/orders per order)."
        ),
    ] = 0,
    rate: Annotated[
        float,
        typer.Option(
            help="--end-to-end: offer orders at this fixed rate per second (open loop: "
            "latency counted from when each was due); 0: each client sends again when "
            "answered (closed loop, the most the platform takes)."
        ),
    ] = 0.0,
    commands: Annotated[int, typer.Option(help="Commands in the seeded stream.")] = 200_000,
    rounds: Annotated[int, typer.Option(help="Timed rounds; the median is reported.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the command stream.")] = 2024,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Market throughput. --matching: orders/s through the matching engine (target
    100,000/s). --end-to-end: orders/s and order-to-settled latency through the API (target
    500/s, p99 <= 2 s)."""
    import json
    import platform

    if matching == end_to_end:
        raise typer.BadParameter(
            "choose one mode: --matching or --end-to-end", param_hint="--matching"
        )
    if end_to_end:
        from carbonledger.bench.market import run_end_to_end

        if chain not in ("devnet", "anvil"):
            raise typer.BadParameter("choose devnet or anvil", param_hint="--chain")
        if not 0 <= batch <= 100:
            raise typer.BadParameter("0 to 100 orders per request", param_hint="--batch")
        if rate < 0:
            raise typer.BadParameter("a rate of orders per second, or 0", param_hint="--rate")
        e2e = run_end_to_end(
            chain,
            accounts,
            seconds,
            progress=lambda m: typer.echo(m, err=True),
            batch=batch,
            rate=rate,
        )
        if as_json:
            typer.echo(json.dumps(e2e, indent=2))
            return
        lat = e2e["order_to_settled_s"]
        typer.echo(
            f"market end to end on {e2e['chain']}: {e2e['accounts']} enterprises, "
            f"{e2e['seconds']:.1f} s of load, "
            + (f"{batch} orders per request" if batch else "one order per request")
            + (f", offered at {rate:g} orders/s" if rate else ", closed loop")
        )
        typer.echo(f"  orders accepted      {e2e['orders']:>8,}  ({e2e['errors']} errors)")
        typer.echo(f"  orders/s             {e2e['orders_per_second']:>8,.1f}   (target 500/s)")
        typer.echo(f"  trades settled       {e2e['trades_settled']:>8,} of {e2e['trades']:,}")
        typer.echo(
            f"  order-to-settled     p50 {lat['p50']:.3f} s, p99 {lat['p99']:.3f} s, "
            f"max {lat['max']:.3f} s   (target p99 <= 2 s; {e2e['traded_on_arrival']} orders)"
        )
        if e2e["cpu_ms_per_order"]:
            typer.echo("  CPU per order (load and settlement), by process:")
            for group, ms in e2e["cpu_ms_per_order"].items():
                typer.echo(f"    {group:<18} {ms:>8.2f} ms")
            total = sum(e2e["cpu_ms_per_order"].values())
            typer.echo(
                f"    {'total':<18} {total:>8.2f} ms   "
                f"(= {1000 / total:,.0f} orders per CPU second)"
            )
        return
    from carbonledger.bench.market import run_matching

    result = run_matching(commands, rounds, seed, progress=lambda m: typer.echo(m, err=True))
    result["machine"] = {
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
    }
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    m = result["median_per_second"]
    typer.echo(
        f"{result['commands']:,} commands (seed {result['seed']}), "
        f"median of {result['rounds']} rounds (one core):"
    )
    typer.echo(f"  matching engine              {m['engine']:>12,.0f} /s   (target 100,000/s)")
    typer.echo(f"  reference: build + dict insert {m['reference']:>10,.0f} /s")
    typer.echo(f"  ratio to reference           {result['ratio_to_reference']:>12.3f}")
    c = result["median_per_cpu_second"]
    typer.echo(
        f"  per CPU second: engine {c['engine']:,.0f} /s, reference {c['reference']:,.0f} /s"
    )
    typer.echo("  events: " + ", ".join(f"{k} {v:,}" for k, v in result["events"].items()))
