"""``carbonledger serve``: the platform's REST API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


def _chain_from_dir(chain_dir: Path) -> dict[str, str]:
    """RPC URL, operator key and address book of a chain started by ``carbonledger run``."""
    import json

    manifest_path = chain_dir / "devnet" / "devnet.json"
    book = chain_dir / "addresses.json"
    if not manifest_path.exists() or not book.exists():
        raise typer.BadParameter(
            f"{chain_dir} holds no running chain (expected devnet/devnet.json and "
            "addresses.json); start one with 'carbonledger run' or give --rpc-url etc.",
            param_hint="--chain-dir",
        )
    manifest = json.loads(manifest_path.read_text())
    return {
        "rpc_url": manifest["nodes"][0]["rpc_url"],
        "operator_key": manifest["admin"]["private_key"],
        "addresses_file": str(book),
    }


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        data_dir: Annotated[
            Path | None, typer.Option(help="Database (SQLite default) and evidence files.")
        ] = None,
        chain_dir: Annotated[
            Path | None,
            typer.Option(help="Use the chain that 'carbonledger run' keeps in this directory."),
        ] = None,
        dev: Annotated[
            bool,
            typer.Option(
                "--dev",
                help="Create the master key and JWT secret once in the data directory "
                "instead of requiring them in the environment.",
            ),
        ] = False,
        migrate: Annotated[bool, typer.Option(help="Apply database migrations at start.")] = True,
    ) -> None:
        """Run the platform's REST API (OpenAPI at /docs); settings from CARBONLEDGER_*."""
        import uvicorn

        from carbonledger.platform.app import Platform, create_app, serve_web
        from carbonledger.platform.config import ConfigError, Settings, dev_secrets

        overrides: dict[str, object] = {}
        if data_dir is not None:
            overrides["data_dir"] = data_dir
            if "CARBONLEDGER_DATABASE_URL" not in os.environ:
                overrides["database_url"] = f"sqlite:///{data_dir / 'platform.db'}"
        if chain_dir is not None:
            chain = _chain_from_dir(chain_dir)
            overrides["rpc_url"] = chain["rpc_url"]
            overrides["operator_key"] = chain["operator_key"]
            overrides["addresses_file"] = Path(chain["addresses_file"])
        try:
            settings = Settings.from_env(**overrides)
            if dev:
                settings = Settings.from_env(**overrides, **dev_secrets(settings.data_dir))
            platform = Platform(settings)
        except ConfigError as err:
            typer.secho(str(err), err=True, fg=typer.colors.RED)
            raise typer.Exit(2) from None
        app = create_app(platform)
        web = serve_web(app)
        typer.echo(
            f"carbonledger API on http://{host}:{port}  (OpenAPI: http://{host}:{port}/docs)"
            + (f"; web app: http://{host}:{port}/" if web else "")
        )
        uvicorn.run(app, host=host, port=port, log_level="info")
