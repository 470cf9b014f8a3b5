"""``carbonledger run``: start the whole system as it stands, on embedded defaults.

Today that is: the accounting engine's demo (every example submission computed), a
3-node devnet of the bundled chain (3 NATS servers as a JetStream cluster, 3 nodes) on
127.0.0.1, the contract suite deployed on it, and the platform's REST API on SQLite with a
demo dataset (regulator, verifiers, enterprises in four industries, a bank). The state
lives in ``--dir`` (default ``var/run``) and survives restarts: a second ``run`` restarts
the same chain with its data, finds the deployed contracts and the database again. Ctrl-C
stops exactly what it started.
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


class ApiServer:
    """The platform's API served by uvicorn in a background thread."""

    def __init__(self, directory: Path, manifest: dict[str, Any], host: str, port: int) -> None:
        import os

        import uvicorn

        from carbonledger.platform.app import Platform, create_app, serve_web
        from carbonledger.platform.config import Settings, dev_secrets
        from carbonledger.platform.demo import ADMIN_PASSWORD

        data = directory / "platform"
        overrides: dict[str, Any] = {
            "data_dir": data,
            "rpc_url": manifest["nodes"][0]["rpc_url"],
            "node_urls": tuple(n["rpc_url"] for n in manifest["nodes"]),
            "addresses_file": directory / "addresses.json",
            "operator_key": manifest["admin"]["private_key"],
            "admin_password": ADMIN_PASSWORD,
            **dev_secrets(data),
        }
        if not os.environ.get("CARBONLEDGER_DATABASE_URL"):
            overrides["database_url"] = f"sqlite:///{data / 'platform.db'}"
        self.platform = Platform(Settings.from_env(**overrides))
        app = create_app(self.platform)
        self.web = serve_web(app)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="api", daemon=True)

    def start(self, timeout: float = 60.0) -> str:
        import time

        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start (is the port taken? --port)")
            time.sleep(0.05)
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def _seed_demo(url: str) -> None:
    import httpx

    from carbonledger.platform.demo import seed

    with httpx.Client(base_url=url, timeout=120) as client:
        seed(client)


def _print_logins(url: str) -> None:
    from carbonledger.platform.demo import ADMIN_PASSWORD, DEMO_ORGS, DEMO_PASSWORD

    typer.echo(f"  REST API:  {url}/api/v1   (OpenAPI docs: {url}/docs)")
    typer.echo("  demo logins (web app, or POST /api/v1/auth/login):")
    typer.echo(f"    {'admin':<11} {ADMIN_PASSWORD:<18} platform administrator")
    for org in DEMO_ORGS:
        typer.echo(f"    {org.username:<11} {DEMO_PASSWORD:<18} {org.kind:<10} {org.name}")


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        directory: Annotated[
            Path, typer.Option("--dir", help="Where the chain's keys, data and logs live.")
        ] = Path("var/run"),
        nodes: Annotated[int, typer.Option(help="Chain nodes (and NATS servers).")] = 3,
        host: Annotated[str, typer.Option(help="Where the API listens.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="The API's port (0: any free port).")] = 8000,
        check: Annotated[
            bool,
            typer.Option(
                "--check", help="Start everything, print where it is, then stop (smoke test)."
            ),
        ] = False,
    ) -> None:
        """Start carbonledger: 3-node chain, contracts, API with demo data; Ctrl-C stops."""
        from carbonledger.chain.devnet import Devnet, DevnetError
        from carbonledger.platform import geo
        from carbonledger.platform.config import ConfigError, Settings

        # settings read from files are checked before anything starts
        settings = Settings.from_env()
        if settings.china_map is not None:
            try:
                geo.load(settings.china_map, settings.china_map_attribution)
            except ConfigError as err:
                typer.secho(str(err), err=True, fg=typer.colors.RED)
                raise typer.Exit(2) from None

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
        api: ApiServer | None = None
        try:
            addresses = _contracts(manifest, directory / "addresses.json")
            typer.echo("starting the API and loading the demo dataset …")
            api = ApiServer(directory, manifest, host, port)
            url = api.start()
            _seed_demo(url)
            typer.echo("")
            typer.echo("Open it:")
            if api.web:
                typer.echo(f"  web app:   {url}/   (sign in with a demo login below)")
            else:
                typer.echo("  web app:   not built (make web-build, or make run builds it)")
            _print_logins(url)
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
            if api is not None:
                api.stop()
            stopped = devnet.down()
            typer.echo(f"stopped: {', '.join(stopped)}")
