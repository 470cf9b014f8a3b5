"""``carbonledger contracts ...``: build the artefacts and deploy the suite to a node."""

from __future__ import annotations

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
