"""Test harness of the platform: a chain (anvil by default, the bundled devnet on demand),
a fresh database (SQLite by default; PostgreSQL or MariaDB with
``CARBONLEDGER_TEST_DATABASE=postgresql|mariadb``) and an HTTP client with helpers that
act as the users of each role — through HTTP only.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from carbonledger.devtools.anvil import Anvil, rpc
from carbonledger.ledger import Chain, Signer, deploy_suite
from carbonledger.ledger.deploy import AddressBook
from carbonledger.platform.app import Platform, create_app
from carbonledger.platform.config import Settings

ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "s3cret-password"


@dataclass
class ChainEnv:
    name: str
    url: str
    operator_key: str
    book: AddressBook
    snapshot: Callable[[], str] | None = None
    revert: Callable[[str], None] | None = None
    close: Callable[[], None] = field(default=lambda: None)


def anvil_chain() -> ChainEnv:
    node = Anvil(accounts=1).start()
    key = node.private_keys[0]
    chain = Chain(node.url)
    book = deploy_suite(chain, Signer(key)).book
    chain.close()

    def snapshot() -> str:
        return str(rpc(node.url, "evm_snapshot"))

    def revert(snap: str) -> None:
        if rpc(node.url, "evm_revert", [snap]) is not True:
            raise RuntimeError(f"anvil could not revert to {snap}")

    return ChainEnv("anvil", node.url, key, book, snapshot, revert, node.stop)


def devnet_chain(nodes: int = 3) -> ChainEnv:
    """The bundled chain: `nodes` nodes on a NATS JetStream cluster, in a temp directory."""
    from carbonledger.chain.devnet import Devnet

    directory = Path(tempfile.mkdtemp(prefix="carbonledger-platform-devnet-"))
    devnet = Devnet(directory)
    manifest = devnet.up(nodes)
    key = manifest["admin"]["private_key"]
    chain = Chain(manifest["nodes"][0]["rpc_url"])
    book = deploy_suite(chain, Signer(key)).book
    chain.close()

    def close() -> None:
        devnet.down()
        shutil.rmtree(directory, ignore_errors=True)

    return ChainEnv(f"devnet-{nodes}", manifest["nodes"][0]["rpc_url"], key, book, close=close)


# -- databases ----------------------------------------------------------------------------

#: the names of the threads a running platform works in (settler, escrow senders, indexer)
WORKER_THREADS = ("market-settler", "escrow-", "indexer")


def platform_threads(exclude: set[int] | None = None) -> list[threading.Thread]:
    return [
        t
        for t in threading.enumerate()
        if t.name.startswith(WORKER_THREADS) and t.ident not in (exclude or set())
    ]


def join_platform_threads(exclude: set[int], timeout: float = 60) -> list[str]:
    """Wait for the platform threads started since `exclude` was taken to end (a loaded
    machine may take a while to finish a settlement round); the names of those still
    running."""
    for t in platform_threads(exclude):
        t.join(timeout=timeout)
    return [t.name for t in platform_threads(exclude) if t.is_alive()]


SERVERS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306",
}


def database_kind() -> str:
    return os.environ.get("CARBONLEDGER_TEST_DATABASE", "sqlite")


@contextmanager
def fresh_database(kind: str, directory: Path) -> Iterator[str]:
    """A new empty database of `kind`, dropped afterwards; yields its URL."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'platform.db'}"
        return
    if kind not in SERVERS:
        raise RuntimeError(f"CARBONLEDGER_TEST_DATABASE={kind}: use sqlite, postgresql or mariadb")
    from sqlalchemy import create_engine, text

    name = f"cl_test_{uuid.uuid4().hex[:12]}"
    before = {t.ident for t in platform_threads() if t.ident is not None}
    admin_db = "/postgres" if kind == "postgresql" else "/"
    admin = create_engine(SERVERS[kind] + admin_db, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if kind == "postgresql":
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        yield f"{SERVERS[kind]}/{name}" + ("?charset=utf8mb4" if kind == "mariadb" else "")
    finally:
        # a platform thread still at work would find its database gone mid-round
        join_platform_threads(before)
        with admin.connect() as conn:
            if kind == "postgresql":
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def settings_for(env: ChainEnv | None, database_url: str, directory: Path) -> Settings:
    book_file = directory / "addresses.json"
    if env is not None:
        env.book.write(book_file)
    return Settings(
        database_url=database_url,
        data_dir=directory,
        rpc_url=env.url if env else None,
        addresses_file=book_file if env else None,
        operator_key=env.operator_key if env else None,
        master_key=secrets.token_bytes(32),
        jwt_secret=secrets.token_bytes(32),
        admin_username="admin",
        admin_password=ADMIN_PASSWORD,
        index_interval=0,
    )


# -- acting through HTTP -----------------------------------------------------------------


@dataclass
class Actor:
    """A signed-in user of one organisation."""

    api: Api
    username: str
    org_id: int
    kind: str
    headers: dict[str, str]
    address: str | None = None

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.api.client.get(path, headers=self.headers, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.api.client.post(path, headers=headers, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.api.client.put(path, headers=self.headers, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.api.client.delete(path, headers=self.headers, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        """Call and insist on `status`; returns the JSON body."""
        headers = {**self.headers, **kw.pop("headers", {})}
        r = self.api.client.request(method, path, headers=headers, **kw)
        assert r.status_code == status, f"{method} {path} -> {r.status_code}: {r.text}"
        return r.json() if r.content else None


class Api:
    def __init__(self, client: TestClient, platform: Platform) -> None:
        self.client = client
        self.platform = platform
        self._admin: Actor | None = None
        self._regulator: Actor | None = None
        self._count = 0

    def login(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        r = self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def actor(self, username: str, password: str = PASSWORD) -> Actor:
        headers = self.login(username, password)
        me = self.client.get("/api/v1/auth/me", headers=headers).json()
        org = me["organisation"]
        return Actor(self, username, org["id"], org["kind"], headers, org["address"])

    @property
    def admin(self) -> Actor:
        if self._admin is None:
            self._admin = self.actor("admin", ADMIN_PASSWORD)
        return self._admin

    @property
    def regulator(self) -> Actor:
        if self._regulator is None:
            self._regulator = self.organisation("regulator", "生态环境部 MEE Test Regulator")
        return self._regulator

    def credit_code(self) -> str:
        self._count += 1
        return f"91110000MA{self._count:08d}"

    def register(
        self, kind: str, name: str, username: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        self._count += 1
        username = username or f"{kind}{self._count}"
        body = {
            "organisation": name,
            "kind": kind,
            "username": username,
            "password": PASSWORD,
            **extra,
        }
        r = self.client.post("/api/v1/auth/register", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def organisation(
        self, kind: str, name: str, *, industry: str = "power", region: str = "CN-JS"
    ) -> Actor:
        """Register, approve and (enterprises) certify an organisation; sign in as it."""
        reg = self.register(kind, name)
        org_id = reg["organisation"]["id"]
        self.admin.ok("POST", f"/api/v1/admin/organisations/{org_id}/approve", json={})
        if kind == "enterprise":
            self.regulator.ok(
                "POST",
                f"/api/v1/organisations/{org_id}/certify",
                json={"industry": industry, "region": region, "credit_code": self.credit_code()},
            )
        return self.actor(reg["user"]["username"])


@contextmanager
def running_platform(env: ChainEnv | None, directory: Path) -> Iterator[Api]:
    with fresh_database(database_kind(), directory) as url:
        platform = Platform(settings_for(env, url, directory))
        with TestClient(create_app(platform), raise_server_exceptions=False) as client:
            yield Api(client, platform)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
