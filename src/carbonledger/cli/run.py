"""``carbonledger run``: start the whole system as it stands, on embedded defaults.

Today that is: the accounting engine's demo (every example submission computed), a
3-node devnet of the bundled chain (3 NATS servers as a JetStream cluster, 3 nodes) on
127.0.0.1, and the contract suite deployed on it. The state lives in ``--dir`` (default
``var/run``) and survives restarts: a second ``run`` restarts the same chain with its data
and finds the deployed contracts again. Ctrl-C stops exactly the processes it started.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer


def _summary_of_examples() -> list[str]:
    from importlib import resources

    from carbonledger.accounting.engine import calculate_json
    from carbonledger.accounting.numbers import present

    examples = resources.files("carbonledger.accounting") / "data" / "examples"
    lines = []
    for p in sorted(examples.iterdir(), key=lambda p: p.name):
        if not p.name.endswith(".json") or p.name.startswith("allocation"):
            continue
        report = calculate_json(p.read_bytes())
        lines.append(
            f"  {report.methodology:<28} {report.submission.enterprise.name:<24} "
            f"{present(report.total):>16,} tCO2e   {report.result_digest[:23]}…"
        )
    return lines


def _start_chain(directory: Path, nodes: int) -> dict[str, Any]:
    from carbonledger.chain.devnet import Devnet

    devnet = Devnet(directory)
    if devnet.manifest_path.exists():
        status = devnet.status()
        if status["nodes"] and all("error" not in n for n in status["nodes"]):
            return devnet.manifest()  # already running (an earlier run still up)
    return devnet.up(nodes)


def _contracts(manifest: dict[str, Any], book_path: Path) -> dict[str, str]:
    """Deploy the contract suite once per chain; later runs find it in the address book."""
    from carbonledger.ledger import Chain, Signer, deploy_suite
    from carbonledger.ledger.deploy import AddressBook

    chain = Chain(manifest["nodes"][0]["rpc_url"])
    try:
        if book_path.exists():
            book = AddressBook.read(book_path)
            code = chain.rpc.call("eth_getCode", [book.registry, "latest"])
            if book.chain_id == chain.chain_id and code not in ("0x", "0x0", None):
                return _addresses(book)
        suite = deploy_suite(chain, Signer(manifest["admin"]["private_key"]))
        suite.book.write(book_path)
        return _addresses(suite.book)
    finally:
        chain.close()


def _addresses(book: Any) -> dict[str, str]:
    return {
        name: getattr(book, name)
        for name in (
            "registry",
            "coin",
            "allowances",
            "offsets",
            "reports",
            "compliance",
            "settlement",
        )
        if hasattr(book, name)
    }


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        directory: Annotated[
            Path, typer.Option("--dir", help="Where the chain's keys, data and logs live.")
        ] = Path("var/run"),
        nodes: Annotated[int, typer.Option(help="Chain nodes (and NATS servers).")] = 3,
        check: Annotated[
            bool,
            typer.Option(
                "--check", help="Start everything, print where it is, then stop (smoke test)."
            ),
        ] = False,
    ) -> None:
        """Start carbonledger: accounting demo, a 3-node chain, the contracts; Ctrl-C stops."""
        from carbonledger.chain.devnet import Devnet, DevnetError

        typer.echo("carbonledger — accounting engine: example submissions")
        for line in _summary_of_examples():
            typer.echo(line)
        typer.echo("  (full reports: carbonledger demo; your own: carbonledger calc FILE)")
        typer.echo("")
        devnet_dir = directory / "devnet"
        typer.echo(f"starting the chain: {nodes} NATS servers and {nodes} nodes on 127.0.0.1 …")
        try:
            manifest = _start_chain(devnet_dir, nodes)
        except DevnetError as err:
            typer.secho(f"the chain did not start: {err}", err=True, fg=typer.colors.RED)
            raise typer.Exit(1) from None
        devnet = Devnet(devnet_dir)
        stop = threading.Event()
        try:
            addresses = _contracts(manifest, directory / "addresses.json")
            typer.echo("")
            typer.echo("Open it:")
            for entry in manifest["nodes"]:
                typer.echo(
                    f"  JSON-RPC {entry['name']}: {entry['rpc_url']}  "
                    f"(chain id {manifest['chain_id']}; web3.py, ethers, wallets)"
                )
            typer.echo(
                f"  admin account: {manifest['admin']['address']} "
                f"(key in {devnet_dir / 'devnet.json'})"
            )
            typer.echo("  contracts:")
            for name, address in addresses.items():
                typer.echo(f"    {name:<11} {address}")
            typer.echo(f"  address book: {directory / 'addresses.json'}")
            typer.echo("  node status: carbonledger devnet status --dir " + str(devnet_dir))
            if check:
                return
            typer.echo("")
            typer.echo("running — press Ctrl-C to stop")
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            stop.wait()
        finally:
            stopped = devnet.down()
            typer.echo(f"stopped: {', '.join(stopped)}")
