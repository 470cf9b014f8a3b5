"""A throwaway back end for the web UI's end-to-end tests (``web/e2e``).

anvil, the contract suite deployed on it, the platform API on a fresh SQLite database in
a temporary directory serving the UI's build (``web/dist``) at ``/``, and the demo dataset
loaded through the API. Prints ``ready <url>`` on one line once everything is loaded, then
runs until SIGTERM/SIGINT and removes what it created.

    python -m carbonledger.devtools.webapp [--port 0]
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m carbonledger.devtools.webapp")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    args = parser.parse_args(argv)

    import httpx
    import uvicorn

    from carbonledger.devtools.anvil import Anvil
    from carbonledger.ledger import Chain, Signer, deploy_suite
    from carbonledger.platform.app import Platform, create_app, serve_web
    from carbonledger.platform.config import Settings
    from carbonledger.platform.demo import ADMIN_PASSWORD, seed

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    directory = Path(tempfile.mkdtemp(prefix="carbonledger-web-e2e-"))
    node = Anvil(accounts=1).start()
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None
    try:
        key = node.private_keys[0]
        chain = Chain(node.url)
        deploy_suite(chain, Signer(key)).book.write(directory / "addresses.json")
        chain.close()
        settings = Settings.from_env(
            database_url=f"sqlite:///{directory / 'platform.db'}",
            data_dir=directory,
            rpc_url=node.url,
            addresses_file=directory / "addresses.json",
            operator_key=key,
            master_key=secrets.token_bytes(32),
            jwt_secret=secrets.token_bytes(32),
            admin_password=ADMIN_PASSWORD,
        )
        app = create_app(Platform(settings))
        if not serve_web(app):
            print("the web UI is not built: run make web-build first", file=sys.stderr)
            return 2
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, name="api", daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                print("the API server did not start", file=sys.stderr)
                return 1
            time.sleep(0.05)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        url = f"http://{host}:{port}"
        with httpx.Client(base_url=url, timeout=120) as client:
            seed(client)
        print(f"ready {url}", flush=True)
        stop.wait()
        return 0
    finally:
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(timeout=15)
        node.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
