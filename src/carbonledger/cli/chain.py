"""Chain commands: ``node``, ``devnet up|status|down`` and ``chain verify``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

devnet_app = typer.Typer(
    help="Run a local network of chain nodes and NATS servers.", no_args_is_help=True
)
chain_app = typer.Typer(help="Inspect and verify a chain node's data.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def node(
        config: Annotated[Path, typer.Option("--config", help="Node configuration file (TOML).")],
        log_level: Annotated[str, typer.Option(help="Logging level.")] = "INFO",
    ) -> None:
        """Run one chain node (JetStream ordering, EVM execution, JSON-RPC server)."""
        import asyncio
        import logging

        from carbonledger.chain.config import NodeConfig
        from carbonledger.chain.node import ChainCorruptedError, serve

        logging.basicConfig(
            level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        try:
            code = asyncio.run(serve(NodeConfig.load(config)))
        except ChainCorruptedError as err:
            typer.echo(f"refusing to start: stored chain does not verify: {err}", err=True)
            raise typer.Exit(2) from None
        raise typer.Exit(code)

    app.add_typer(devnet_app, name="devnet")
    app.add_typer(chain_app, name="chain")


@devnet_app.command("up")
def devnet_up(
    directory: Annotated[Path, typer.Option("--dir", help="Directory for keys, data and logs.")],
    nodes: Annotated[int, typer.Option("--nodes", help="Number of nodes and NATS servers.")] = 3,
    base_port: Annotated[
        int | None,
        typer.Option("--base-port", help="First of 3*N consecutive ports (default: free ports)."),
    ] = None,
) -> None:
    """Generate keys and genesis, start the NATS cluster and the nodes, wait until they serve.

    On a directory that holds a stopped devnet, start it again with its data.
    """
    from carbonledger.chain.devnet import Devnet, DevnetError

    try:
        manifest = Devnet(directory).up(nodes, base_port)
    except DevnetError as err:
        typer.echo(f"devnet up failed: {err}", err=True)
        raise typer.Exit(1) from None
    for entry in manifest["nodes"]:
        typer.echo(f"{entry['name']}: {entry['rpc_url']} (pid {entry['pid']})")
    typer.echo(f"admin account: {manifest['admin']['address']} (key in {directory}/devnet.json)")


@devnet_app.command("status")
def devnet_status(
    directory: Annotated[Path, typer.Option("--dir", help="The devnet directory.")],
) -> None:
    """Show each node's height, finality and the NATS servers."""
    from carbonledger.chain.devnet import Devnet, DevnetError

    try:
        typer.echo(json.dumps(Devnet(directory).status(), indent=2))
    except DevnetError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None


@devnet_app.command("down")
def devnet_down(
    directory: Annotated[Path, typer.Option("--dir", help="The devnet directory.")],
) -> None:
    """Stop exactly the processes this devnet started."""
    from carbonledger.chain.devnet import Devnet, DevnetError

    try:
        stopped = Devnet(directory).down()
    except DevnetError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    typer.echo("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))


@chain_app.command("verify")
def chain_verify(
    data: Annotated[
        Path, typer.Option("--data", help="A node's data directory (holds chain.sqlite).")
    ],
    genesis: Annotated[
        Path | None,
        typer.Option(
            "--genesis", help="Genesis file (default: ../../genesis.json of a devnet node)."
        ),
    ] = None,
) -> None:
    """Check the hash chain, roots, receipts and attestations; exit 1 naming the first bad block."""
    from carbonledger.chain.genesis import Genesis
    from carbonledger.chain.store import BlockStore
    from carbonledger.chain.verify import verify_store

    db = data / "chain.sqlite"
    if not db.exists():
        typer.echo(f"no chain database at {db}", err=True)
        raise typer.Exit(2)
    genesis_path = genesis or data.resolve().parent.parent / "genesis.json"
    if not genesis_path.exists():
        typer.echo(f"genesis file {genesis_path} not found; pass --genesis", err=True)
        raise typer.Exit(2)
    store = BlockStore(db)
    try:
        result = verify_store(store, Genesis.load(genesis_path))
    finally:
        store.close()
    if not result.ok:
        typer.echo(f"FAILED: {result.error}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {result.blocks} blocks verified")
