"""``carbonledger contracts ...``: build the artefacts and deploy the suite to a node."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Smart contracts: build and deploy.", no_args_is_help=True)


@app.command()
def build() -> None:
    """Recompile the Vyper sources into the packaged artefacts."""
    from carbonledger.contracts.build import main

    main()


@app.command()
def deploy(
    rpc: Annotated[str, typer.Option(help="JSON-RPC URL of any EVM node")],
    key_file: Annotated[
        Path, typer.Option(help="file holding the deployer's hex private key (becomes ADMIN)")
    ],
    out: Annotated[Path, typer.Option(help="where to write the address book (JSON)")] = Path(
        "addresses.json"
    ),
    max_consecutive: Annotated[
        int, typer.Option(help="periods one verifier may verify one enterprise in a row")
    ] = 3,
) -> None:
    """Deploy and wire the whole contract suite; write its address book."""
    from carbonledger.ledger import Chain, LedgerError, Signer, deploy_suite
    from carbonledger.ledger.rpc import RpcError

    try:
        key = key_file.read_text().strip()
    except OSError as err:
        raise typer.BadParameter(
            f"cannot read {key_file}: {err.strerror}", param_hint="--key-file"
        ) from None
    try:
        signer = Signer(key)
    except ValueError:
        raise typer.BadParameter(
            f"{key_file} must hold one hex private key (64 hex digits)", param_hint="--key-file"
        ) from None
    try:
        chain = Chain(rpc)
        suite = deploy_suite(chain, signer, max_consecutive=max_consecutive)
    except (LedgerError, RpcError, OSError) as err:
        typer.echo(f"deploy failed: {err}", err=True)
        raise typer.Exit(1) from err
    suite.book.write(out)
    typer.echo(f"deployed to chain {chain.chain_id}; admin {signer.address}; addresses in {out}")
    for name, address in suite.book.__dict__.items():
        typer.echo(f"  {name:18} {address}")


@app.command()
def index(
    *,
    rpc: Annotated[str, typer.Option(help="JSON-RPC URL of any EVM node")],
    addresses: Annotated[Path, typer.Option(help="address book written by `deploy`")],
    db: Annotated[str, typer.Option(help="SQLAlchemy database URL")] = "sqlite:///ledger.db",
    follow: Annotated[bool, typer.Option(help="keep indexing new blocks until stopped")] = False,
    batch_blocks: Annotated[int, typer.Option(help="blocks applied per transaction")] = 500,
    poll: Annotated[float, typer.Option(help="seconds between polls with --follow")] = 0.5,
    reconcile: Annotated[
        bool, typer.Option(help="then compare SQL balances with the chain")
    ] = False,
) -> None:
    """Stream contract events into SQL tables from the stored checkpoint."""
    from carbonledger.ledger import AddressBook, Chain
    from carbonledger.ledger.indexer import Indexer

    book = AddressBook.read(addresses)
    indexer = Indexer(Chain(rpc), book, engine=db, batch_blocks=batch_blocks)
    if follow:
        typer.echo(f"indexing from block {indexer.checkpoint() + 1}; Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            indexer.follow(poll_interval=poll)
    else:
        n = indexer.sync()
        typer.echo(f"applied {n} events; checkpoint at block {indexer.checkpoint()}")
    if reconcile:
        mismatches = indexer.reconcile()
        for m in mismatches:
            typer.echo(f"MISMATCH {m.what} {m.key}: sql {m.sql} chain {m.chain}", err=True)
        if mismatches:
            raise typer.Exit(1)
        typer.echo("SQL balances match the chain")
