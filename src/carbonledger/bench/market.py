"""``carbonledger bench market``: the market's throughput.

``--matching`` (the only mode so far) times the matching engine alone on one core: a
reproducible stream of commands built from a seed, replayed on a fresh engine each round.
The mix is roughly what an exchange sees: 60 % DAY limit orders priced near a wandering
mid price (some cross and trade), 20 % cancels of recent limit orders (some of them are
already filled and get rejected, as in real life), 10 % market orders and 10 % IOC or FOK
limit orders, from 200 accounts. As a same-run reference it times a loop that only builds
the same order objects and inserts them in a dict, so figures from noisy machines can be
compared as ratios.

``--end-to-end`` (:func:`run_end_to_end`) drives the whole market service: the platform
API in its own process (``carbonledger serve``, SQLite) on a fresh chain (the bundled
3-node devnet by default), enterprises registered, approved and certified through HTTP
and funded on chain, then one client per enterprise placing 1 t limit orders at one
price for a fixed time — half the enterprises sell, half buy, so about every other order
trades on arrival. Each order escrows on chain before it is matched; trades are settled
on chain in batches by the market operator. Reported: orders/s accepted through HTTP,
and for every order that traded on arrival its order-to-settled latency (from sending
the POST to the server's ``settled_at`` of its last trade; one host, one clock).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from carbonledger.market.engine import Engine, Order, OrderType, Side, TimeInForce
from carbonledger.market.instrument import Instrument

INSTRUMENT = "CEA-2024"
PREVIOUS_CLOSE = 8_000  # cents per tonne (80.00 carbon coin)

# One command of the stream: (kind, account, side, order type, quantity, price, tif, order id)
Command = tuple[str, str, Side, OrderType, int, int | None, TimeInForce, int]


def order_stream(n: int, seed: int = 2024, accounts: int = 200) -> list[Command]:
    """``n`` commands, deterministic for a seed (see the module docstring for the mix).

    Every submission takes the next order id (the engine numbers accepted and rejected
    submissions alike), so the stream knows the ids its cancels refer to.
    """
    rng = random.Random(seed)
    names = [f"acct{i:03d}" for i in range(accounts)]
    low, high = PREVIOUS_CLOSE * 95 // 100, PREVIOUS_CLOSE * 105 // 100
    mid = PREVIOUS_CLOSE
    recent: list[tuple[int, str]] = []  # (order id, account) of recent DAY limit orders
    next_id = 1
    out: list[Command] = []
    buy, sell = Side.BUY, Side.SELL
    limit, market = OrderType.LIMIT, OrderType.MARKET
    day, ioc, fok = TimeInForce.DAY, TimeInForce.IOC, TimeInForce.FOK
    for _ in range(n):
        mid = min(high, max(low, mid + rng.choice((-2, -1, 0, 0, 1, 2))))
        r = rng.random()
        if r < 0.2 and recent:
            order_id, account = recent.pop(rng.randrange(len(recent)))
            out.append(("cancel", account, buy, limit, 0, None, day, order_id))
            continue
        account = rng.choice(names)
        side = buy if rng.random() < 0.5 else sell
        quantity = rng.choice((1, 2, 5, 10, 10, 20, 50, 100))
        # mostly behind the mid, sometimes through it (a marketable limit order)
        offset = int(rng.expovariate(1 / 20)) - 2
        price = mid - offset if side is buy else mid + offset
        if r < 0.8:
            out.append(("submit", account, side, limit, quantity, price, day, next_id))
            recent.append((next_id, account))
            if len(recent) > 500:
                recent.pop(0)
        elif r < 0.9:
            out.append(("submit", account, side, market, quantity, None, day, next_id))
        else:
            tif = ioc if r < 0.95 else fok
            out.append(("submit", account, side, limit, quantity, price, tif, next_id))
        next_id += 1
    return out


def fresh_engine() -> Engine:
    engine = Engine()
    engine.add_instrument(Instrument(INSTRUMENT), previous_close=PREVIOUS_CLOSE)
    return engine


def replay(engine: Engine, stream: list[Command]) -> dict[str, int]:
    """Feed the stream to the engine; count the events by kind."""
    counts: dict[str, int] = {}
    submit = engine.submit
    cancel = engine.cancel
    for kind, account, side, order_type, quantity, price, tif, order_id in stream:
        if kind == "submit":
            events = submit(INSTRUMENT, account, side, order_type, quantity, price, tif)
        else:
            events = cancel(order_id, account)
        for event in events:
            counts[event.kind] = counts.get(event.kind, 0) + 1
    return counts


def run_matching(
    n: int = 200_000,
    rounds: int = 5,
    seed: int = 2024,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    progress(f"generating {n:,} commands (seed {seed})...")
    stream = order_stream(n, seed)

    def engine_round() -> tuple[float, float]:
        engine = fresh_engine()
        submit = engine.submit
        cancel = engine.cancel
        start, cpu = time.perf_counter(), time.process_time()
        for kind, account, side, order_type, quantity, price, tif, order_id in stream:
            if kind == "submit":
                submit(INSTRUMENT, account, side, order_type, quantity, price, tif)
            else:
                cancel(order_id, account)
        n = len(stream)
        return n / (time.perf_counter() - start), n / (time.process_time() - cpu)

    def reference_round() -> tuple[float, float]:
        table: dict[int, Order] = {}
        start, cpu = time.perf_counter(), time.process_time()
        for _kind, account, side, _order_type, quantity, price, _tif, order_id in stream:
            table[order_id] = Order(order_id, account, side, price or 0, quantity or 1, "")
        n = len(stream)
        return n / (time.perf_counter() - start), n / (time.process_time() - cpu)

    counts = replay(fresh_engine(), stream)  # warm-up, and what the stream does
    engine_rates: list[float] = []
    reference_rates: list[float] = []
    engine_cpu: list[float] = []
    reference_cpu: list[float] = []
    for r in range(rounds):
        wall, cpu = engine_round()
        engine_rates.append(wall)
        engine_cpu.append(cpu)
        wall, cpu = reference_round()
        reference_rates.append(wall)
        reference_cpu.append(cpu)
        progress(
            f"round {r + 1}/{rounds}: engine {engine_rates[-1]:,.0f} commands/s, "
            f"reference {reference_rates[-1]:,.0f}/s"
        )
    engine_median = statistics.median(engine_rates)
    reference_median = statistics.median(reference_rates)
    return {
        "mode": "matching",
        "commands": n,
        "seed": seed,
        "rounds": rounds,
        "events": dict(sorted(counts.items())),
        "median_per_second": {"engine": engine_median, "reference": reference_median},
        # per second of this process's CPU time: steadier than wall time on a shared machine
        "median_per_cpu_second": {
            "engine": statistics.median(engine_cpu),
            "reference": statistics.median(reference_cpu),
        },
        "all_rounds_per_second": {"engine": engine_rates, "reference": reference_rates},
        "ratio_to_reference": engine_median / reference_median,
        "target_per_second": 100_000,
    }


# --- end to end -------------------------------------------------------------------------------

E2E_VINTAGE = 2024
E2E_PRICE = 8000


def _percentile(data: list[float], q: float) -> float:
    if not data:
        return float("nan")
    ordered = sorted(data)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _fund(rpc_url: str, key: str, directory: Any, addresses: list[str], book: Any) -> None:
    """Allowances and coin for the enterprises, from a regulator and a bank account the
    benchmark registers on chain with the operator (the registry's ADMIN)."""
    from sqlalchemy import create_engine

    from carbonledger.ledger import Signer
    from carbonledger.ledger.contracts import AllocationKind, Role
    from carbonledger.platform.gateway import LedgerGateway, new_private_key

    engine = create_engine(f"sqlite:///{directory / 'bench-funding.db'}")
    gw = LedgerGateway(rpc_url, book, key, engine)
    try:
        regulator, bank = Signer(new_private_key()), Signer(new_private_key())
        for signer, role in ((regulator, Role.REGULATOR), (bank, Role.FINANCE)):
            gw.open_account(signer.address)
            gw.suite.registry.by(gw.operator).register(signer.address, role, "", "")
        sellers, buyers = addresses[0::2], addresses[1::2]
        gw.suite.allowances.by(regulator).allocate(
            E2E_VINTAGE, sellers, [10**7] * len(sellers), AllocationKind.FREE
        )
        for address in buyers:
            gw.suite.coin.by(bank).mint(address, 10**7 * E2E_PRICE)
    finally:
        gw.close()
        engine.dispose()


def run_end_to_end(
    chain: str = "devnet",
    accounts: int = 16,
    seconds: float = 10.0,
    progress: Callable[[str], None] = print,
    batch: int = 0,
    rate: float = 0.0,
) -> dict[str, Any]:
    """``batch`` > 0: each client sends its orders ``batch`` at a time through
    ``POST /market/orders/batch`` (one request, one escrow transaction); else one
    ``POST /market/orders`` per order.

    ``rate`` = 0: closed loop, each client sends its next request when the last is
    answered (the most the platform takes; latency then grows with the orders in
    flight). ``rate`` > 0: open loop, orders offered at that fixed rate (a request every
    ``max(batch, 1) / rate`` seconds, the clients taking turns) whether or not earlier
    ones were answered, and each order's latency counted from when it was due."""
    import asyncio
    import shutil
    import tempfile
    from datetime import datetime
    from pathlib import Path

    import httpx

    from carbonledger.bench import cpu
    from carbonledger.bench.api import _chain, _server
    from carbonledger.ledger.deploy import AddressBook
    from carbonledger.platform.demo import ADMIN_PASSWORD, DEMO_PASSWORD

    if accounts < 2 or accounts % 2:
        raise ValueError(f"accounts must be an even number of at least 2, got {accounts}")
    directory = Path(tempfile.mkdtemp(prefix="carbonledger-bench-market-"))
    try:
        progress(f"starting the chain ({chain}) …")
        with _chain(chain, directory) as (rpc_url, key):
            progress("deploying contracts, starting the API …")
            with _server(directory, rpc_url, key) as url:
                book = AddressBook.read(directory / "addresses.json")
                with httpx.Client(base_url=url, timeout=120) as client:

                    def login(user: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
                        r = client.post(
                            "/api/v1/auth/login", json={"username": user, "password": password}
                        )
                        r.raise_for_status()
                        return {"Authorization": f"Bearer {r.json()['access_token']}"}

                    admin = login("admin", ADMIN_PASSWORD)
                    reg = client.post(
                        "/api/v1/auth/register",
                        json={
                            "organisation": "Bench Regulator",
                            "kind": "regulator",
                            "username": "bench.regulator",
                            "password": DEMO_PASSWORD,
                        },
                    )
                    reg.raise_for_status()
                    client.post(
                        f"/api/v1/admin/organisations/{reg.json()['organisation']['id']}/approve",
                        json={},
                        headers=admin,
                    ).raise_for_status()
                    regulator = login("bench.regulator")
                    progress(f"registering {accounts} trading enterprises through HTTP …")
                    tokens: list[dict[str, str]] = []
                    addresses: list[str] = []
                    for i in range(accounts):
                        name = f"bench.trader{i:03d}"
                        reg = client.post(
                            "/api/v1/auth/register",
                            json={
                                "organisation": f"Bench Trader {i}",
                                "kind": "enterprise",
                                "username": name,
                                "password": DEMO_PASSWORD,
                            },
                        )
                        reg.raise_for_status()
                        org_id = reg.json()["organisation"]["id"]
                        client.post(
                            f"/api/v1/admin/organisations/{org_id}/approve",
                            json={},
                            headers=admin,
                        ).raise_for_status()
                        client.post(
                            f"/api/v1/organisations/{org_id}/certify",
                            json={
                                "industry": "power",
                                "region": "CN-JS",
                                "credit_code": f"91110000MB{i:08d}",
                            },
                            headers=regulator,
                        ).raise_for_status()
                        tokens.append(login(name))
                        me = client.get("/api/v1/auth/me", headers=tokens[-1]).json()
                        addresses.append(me["organisation"]["address"])
                    progress("funding them on chain, listing the instrument …")
                    _fund(rpc_url, key, directory, addresses, book)
                    client.post(
                        "/api/v1/market/instruments",
                        json={"vintage": E2E_VINTAGE, "reference_price": E2E_PRICE},
                        headers=regulator,
                    ).raise_for_status()

                progress(f"placing orders from {accounts} clients for {seconds:g} s …")
                cpu_before = cpu.sample() if cpu.available() else {}
                sent: list[tuple[float, dict[str, Any]]] = []
                errors: list[str] = []

                async def load() -> float:
                    # open loop: requests overlap freely, so no connection limit holds them
                    limits = httpx.Limits(max_connections=None if rate else accounts)
                    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as c:
                        stop_at = time.perf_counter() + seconds

                        async def send(k: int, t0: float) -> None:
                            """One request of client `k`, due at wall time `t0`."""
                            side = "sell" if k % 2 == 0 else "buy"
                            body = {
                                "instrument": f"CEA-{E2E_VINTAGE}",
                                "side": side,
                                "quantity": 1,
                                "price": E2E_PRICE,
                            }
                            if batch:
                                r = await c.post(
                                    "/api/v1/market/orders/batch",
                                    json={"orders": [body] * batch},
                                    headers=tokens[k],
                                )
                                if r.status_code != 200:
                                    errors.append(f"{r.status_code} {r.text[:200]}")
                                    return
                                for outcome in r.json()["results"]:
                                    if outcome["problem"] is None:
                                        sent.append((t0, outcome["order"]))
                                    else:
                                        errors.append(str(outcome["problem"])[:200])
                                return
                            r = await c.post("/api/v1/market/orders", json=body, headers=tokens[k])
                            if r.status_code == 201:
                                sent.append((t0, r.json()))
                            else:
                                errors.append(f"{r.status_code} {r.text[:200]}")

                        async def trader(k: int) -> None:
                            while time.perf_counter() < stop_at:
                                await send(k, time.time())

                        async def offer() -> None:
                            interval = max(batch, 1) / rate
                            begun, wall0 = time.perf_counter(), time.time()
                            tasks: list[asyncio.Task[None]] = []
                            n = 0
                            while True:
                                due = begun + n * interval
                                if due >= stop_at:
                                    break
                                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                                # the clients take turns: buyers and sellers alternate
                                tasks.append(
                                    asyncio.create_task(send(n % accounts, wall0 + n * interval))
                                )
                                n += 1
                            await asyncio.gather(*tasks)

                        start = time.perf_counter()
                        if rate:
                            await offer()
                        else:
                            await asyncio.gather(*(trader(k) for k in range(accounts)))
                        return time.perf_counter() - start

                elapsed = asyncio.run(load())
                progress(f"{len(sent)} orders in {elapsed:.1f} s; waiting for settlement …")
                settled: dict[int, float] = {}
                with httpx.Client(base_url=url, timeout=120, headers=regulator) as client:
                    deadline = time.monotonic() + 300
                    while True:
                        page = client.get("/api/v1/market/trades?limit=1&state=settled").json()
                        everything = client.get("/api/v1/market/trades?limit=1").json()
                        if page["total"] == everything["total"] or time.monotonic() > deadline:
                            break
                        time.sleep(0.5)
                    offset = 0
                    while True:
                        page = client.get(f"/api/v1/market/trades?limit=200&offset={offset}").json()
                        for t in page["items"]:
                            if t["settled_at"]:
                                settled[t["id"]] = datetime.fromisoformat(
                                    t["settled_at"]
                                ).timestamp()
                        offset += 200
                        if offset >= page["total"]:
                            break
                    trades_total = page["total"]
                cpu_spent = cpu.spent(cpu_before, cpu.sample()) if cpu_before else {}
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    latencies: list[float] = []
    for t0, order in sent:
        ids = [t["id"] for t in order["trades"]]
        if ids and all(i in settled for i in ids):
            latencies.append(max(settled[i] for i in ids) - t0)
    return {
        "mode": "end-to-end",
        "chain": chain,
        "batch": batch,
        "offered_per_second": rate or None,
        "accounts": accounts,
        "seconds": elapsed,
        "orders": len(sent),
        "errors": len(errors),
        "first_errors": errors[:3],
        "orders_per_second": len(sent) / elapsed if elapsed else 0.0,
        "trades": trades_total,
        "trades_settled": len(settled),
        "traded_on_arrival": len(latencies),
        "order_to_settled_s": {
            "p50": _percentile(latencies, 0.50),
            "p99": _percentile(latencies, 0.99),
            "max": max(latencies) if latencies else float("nan"),
        },
        "target": {"orders_per_second": 500, "p99_s": 2.0},
        # CPU milliseconds per accepted order, by process group, over load and settlement
        "cpu_ms_per_order": {
            group: 1000 * seconds / len(sent) for group, seconds in cpu_spent.items()
        }
        if sent
        else {},
    }
