"""Accounting commands: calc, methods, allocate, demo."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def demo() -> None:
        """Compute the bundled example submissions and print their reports."""
        typer.echo("carbonledger demo")
