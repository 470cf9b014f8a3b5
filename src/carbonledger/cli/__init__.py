"""The ``carbonledger`` command line.

Each component registers its own sub-commands in a module of this package; heavy imports
happen inside the commands so that ``carbonledger --help`` stays fast.
"""

from __future__ import annotations

import typer

from carbonledger.cli import accounting as _accounting
from carbonledger.cli import bench as _bench
from carbonledger.cli import chain as _chain
from carbonledger.cli import contracts as _contracts
from carbonledger.cli import platform as _platform
from carbonledger.cli import run as _run

app = typer.Typer(
    name="carbonledger",
    help="Carbon accounting (MRV), a consortium chain and carbon trading.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_accounting.register(app)
_chain.register(app)
_run.register(app)
_platform.register(app)
app.add_typer(_bench.app, name="bench")
app.add_typer(_contracts.app, name="contracts")


def main() -> None:
    app()
