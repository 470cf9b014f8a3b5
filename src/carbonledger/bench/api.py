"""``carbonledger bench api``: requests/s and latency of the REST API under concurrent load.

The API runs as its own process (``carbonledger serve``, uvicorn, SQLite) on a fresh chain
— the bundled 3-node devnet by default, or anvil — with the demo dataset loaded through
the API. The load generator (asyncio + httpx, in this process) keeps ``concurrency``
requests in flight for ``seconds`` per scenario and records every latency. ``GET /health``
is the same-run reference: the framework's floor on this machine.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from carbonledger.ledger import Chain, Signer, deploy_suite
from carbonledger.platform.config import new_secret
from carbonledger.platform.demo import ADMIN_PASSWORD, DEMO_PASSWORD, seed


@dataclass
class Scenario:
    name: str
    kind: str  # read | write | chain-write | reference
    method: str
    path: str
    user: str | None = None
    body: Callable[[int], Any] | None = None
    headers: Callable[[int], dict[str, str]] | None = None


@dataclass
class Measured:
    name: str
    kind: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _chain(kind: str, directory: Path) -> Iterator[tuple[str, str]]:
    if kind == "anvil":
        from carbonledger.devtools.anvil import Anvil

        node = Anvil(accounts=1).start()
        try:
            yield node.url, node.private_keys[0]
        finally:
            node.stop()
        return
    from carbonledger.chain.devnet import Devnet

    devnet = Devnet(directory / "devnet")
    manifest = devnet.up(3)
    try:
        yield manifest["nodes"][0]["rpc_url"], manifest["admin"]["private_key"]
    finally:
        devnet.down()


@contextmanager
def _server(directory: Path, rpc_url: str, key: str) -> Iterator[str]:
    chain = Chain(rpc_url)
    book = deploy_suite(chain, Signer(key)).book
    chain.close()
    book.write(directory / "addresses.json")
    port = _free_port()
    env = {
        **os.environ,
        "CARBONLEDGER_DATA_DIR": str(directory / "platform"),
        "CARBONLEDGER_DATABASE_URL": f"sqlite:///{directory / 'platform' / 'platform.db'}",
        "CARBONLEDGER_RPC_URL": rpc_url,
        "CARBONLEDGER_ADDRESSES": str(directory / "addresses.json"),
        "CARBONLEDGER_OPERATOR_KEY": key,
        "CARBONLEDGER_MASTER_KEY": new_secret(),
        "CARBONLEDGER_JWT_SECRET": new_secret(),
        "CARBONLEDGER_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    log = (directory / "api.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "carbonledger.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the API exited: {(directory / 'api.log').read_text()[-2000:]}")
            try:
                if httpx.get(url + "/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API did not become ready within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def scenarios(org_ids: dict[str, int] | None = None) -> list[Scenario]:
    cement = (org_ids or {}).get("cement", 0)
    return [
        Scenario("GET /health (reference)", "reference", "GET", "/health"),
        Scenario("GET /api/v1/auth/me", "read", "GET", "/api/v1/auth/me", user="power"),
        Scenario(
            "GET /api/v1/organisations (page of 50)",
            "read",
            "GET",
            "/api/v1/organisations?limit=50",
            user="regulator",
        ),
        Scenario(
            "GET /api/v1/registry/balances",
            "read",
            "GET",
            "/api/v1/registry/balances",
            user="power",
        ),
        Scenario(
            "GET /api/v1/mrv/submissions (page of 50)",
            "read",
            "GET",
            "/api/v1/mrv/submissions?limit=50",
            user="regulator",
        ),
        Scenario(
            "POST /api/v1/registry/transfers/allowances (chain)",
            "chain-write",
            "POST",
            "/api/v1/registry/transfers/allowances",
            user="power",
            body=lambda i: {"to_org_id": cement, "vintage": 2024, "amount": 1},
            headers=lambda i: {"Idempotency-Key": f"bench-{i}"},
        ),
        Scenario(
            "POST /api/v1/auth/login (argon2)",
            "write",
            "POST",
            "/api/v1/auth/login",
            body=lambda i: {"username": "cement", "password": DEMO_PASSWORD},
        ),
    ]


async def _measure(
    url: str, sc: Scenario, tokens: dict[str, str], seconds: float, concurrency: int
) -> Measured:
    out = Measured(sc.name, sc.kind)
    counter = 0
    headers = {"Authorization": f"Bearer {tokens[sc.user]}"} if sc.user else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        stop_at = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal counter
            while time.perf_counter() < stop_at:
                counter += 1
                i = counter
                h = {**headers, **(sc.headers(i) if sc.headers else {})}
                body = sc.body(i) if sc.body else None
                t0 = time.perf_counter()
                r = await client.request(sc.method, sc.path, json=body, headers=h)
                out.latencies.append(time.perf_counter() - t0)
                out.requests += 1
                if r.status_code >= 400:
                    out.errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        out.seconds = time.perf_counter() - start
    return out


def _fund(url: str, tokens: dict[str, str]) -> dict[str, int]:
    """Allowances for the transfer scenario: the regulator allocates vintage 2024."""
    ids: dict[str, int] = {}
    for user in ("power", "cement"):
        token = tokens.get(user) or _login(url, user, DEMO_PASSWORD)
        me = httpx.get(url + "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        me.raise_for_status()
        ids[user] = int(me.json()["organisation"]["id"])
    regulator = {"Authorization": f"Bearer {tokens['regulator']}"}
    body = {
        "vintage": 2024,
        "kind": "free",
        "items": [{"org_id": ids["power"], "amount": 10_000_000}],
    }
    r = httpx.post(url + "/api/v1/registry/allocations", json=body, headers=regulator, timeout=60)
    r.raise_for_status()
    return ids


def _login(url: str, user: str, password: str) -> str:
    r = httpx.post(url + "/api/v1/auth/login", json={"username": user, "password": password})
    r.raise_for_status()
    return str(r.json()["access_token"])


def run(
    chain: str = "devnet",
    seconds: float = 5.0,
    concurrency: int = 8,
    rounds: int = 3,
    progress: Callable[[str], None] = lambda m: None,
) -> dict[str, Any]:
    directory = Path(tempfile.mkdtemp(prefix="carbonledger-bench-api-"))
    try:
        progress(f"starting the chain ({chain}) …")
        with _chain(chain, directory) as (rpc_url, key):
            progress("deploying contracts, starting the API, loading the demo dataset …")
            with _server(directory, rpc_url, key) as url:
                with httpx.Client(base_url=url, timeout=120) as client:
                    seed(client)
                users = {s.user for s in scenarios() if s.user}
                tokens = {u: _login(url, u, DEMO_PASSWORD) for u in users}
                org_ids = _fund(url, tokens)
                plan = scenarios(org_ids)
                results: dict[str, list[Measured]] = {}
                for r in range(rounds):
                    for sc in plan:
                        progress(f"round {r + 1}/{rounds}: {sc.name}")
                        m = asyncio.run(_measure(url, sc, tokens, seconds, concurrency))
                        results.setdefault(sc.name, []).append(m)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    rows: list[dict[str, Any]] = []
    reference: float | None = None
    for name, runs in results.items():
        rps = statistics.median(m.per_second for m in runs)
        row: dict[str, Any] = {
            "scenario": name,
            "kind": runs[0].kind,
            "requests_per_second": rps,
            "p50_ms": statistics.median(m.percentile(0.50) for m in runs),
            "p99_ms": statistics.median(m.percentile(0.99) for m in runs),
            "errors": sum(m.errors for m in runs),
            "requests": sum(m.requests for m in runs),
        }
        if runs[0].kind == "reference":
            reference = rps
        rows.append(row)
    for row in rows:
        row["ratio_to_reference"] = row["requests_per_second"] / reference if reference else None
    return {
        "chain": chain,
        "seconds_per_round": seconds,
        "concurrency": concurrency,
        "rounds": rounds,
        "rows": rows,
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        f"REST API on {result['chain']}: {result['concurrency']} concurrent clients, "
        f"{result['seconds_per_round']:g} s per scenario, median of {result['rounds']} rounds",
        f"  {'scenario':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>6}",
    ]
    for row in result["rows"]:
        ratio = row["ratio_to_reference"]
        shown = "-" if ratio is None else f"{ratio:.2f}"
        lines.append(
            f"  {row['scenario']:<44} {row['requests_per_second']:>8,.0f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['errors']:>7} {shown:>6}"
        )
    return "\n".join(lines)
