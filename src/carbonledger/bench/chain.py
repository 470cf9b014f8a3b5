"""``carbonledger bench chain``: a Caliper-style benchmark of the consortium chain.

Workload: pre-signed ERC-20 transfers from many accounts (each account sends to one node,
in nonce order). Rounds at rising fixed send rates, then one fixed-load round (a fixed
number of transactions kept in flight). The same workload and client run against a
3-node devnet and against anvil (``--no-mining`` with ``evm_mine`` at a fixed interval,
like a chain with a block time), and a table per target is printed.

Latency is submit-to-commit: from sending ``eth_sendRawTransaction`` to seeing the
transaction in a block fetched from a node (polled every few milliseconds), which is
when its receipt is available.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import coincurve
import rlp

from carbonledger.chain.crypto import address_of_private_key, keccak, sign_hash

TRANSFER = keccak(b"transfer(address,uint256)")[:4]
TRANSFER_GAS = 60_000
MAX_BATCH = 250
ERC20_SOURCE = Path(__file__).with_name("erc20.vy")


def sign_1559(
    key: bytes, chain_id: int, nonce: int, to: bytes | None, data: bytes, *, gas: int
) -> bytes:
    """An EIP-1559 transaction with zero fees, signed with coincurve (fast enough to pre-sign
    tens of thousands)."""
    fields: list[Any] = [chain_id, nonce, 0, 0, gas, to or b"", 0, data, []]
    signature = sign_hash(key, keccak(b"\x02" + rlp.encode(fields)))
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    encoded: bytes = rlp.encode([*fields, signature[64], r, s])
    return b"\x02" + encoded


def transfer_data(to: bytes, amount: int) -> bytes:
    return TRANSFER + bytes(12) + to + amount.to_bytes(32, "big")


@dataclass
class Account:
    key: bytes
    address: bytes
    nonce: int = 0


@dataclass
class RoundResult:
    name: str
    send_rate: float | None
    sent: int
    committed: int
    failures: int
    duration: float
    latencies: list[float]
    block_sizes: list[int]
    refusals: dict[str, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.committed / self.duration if self.duration > 0 else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


@dataclass
class Target:
    """Where the workload goes: RPC URLs (account i sends to urls[i % len]) and a chain id."""

    name: str
    urls: list[str]
    chain_id: int
    funder_key: bytes
    mine_interval: float | None = None  # anvil: call evm_mine this often
    results: list[RoundResult] = field(default_factory=list)


class Client:
    def __init__(self, target: Target, session: aiohttp.ClientSession) -> None:
        self.target = target
        self.session = session
        self.ids = 0
        self.refusals: dict[str, int] = {}

    async def call(self, url: str, method: str, params: list[Any]) -> Any:
        self.ids += 1
        body = {"jsonrpc": "2.0", "id": self.ids, "method": method, "params": params}
        async with self.session.post(url, json=body) as response:
            reply = await response.json(content_type=None)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    async def send_batch(self, url: str, raws: Sequence[bytes]) -> list[str | None]:
        """Send raw transactions in one JSON-RPC batch; None for each refused one."""
        batch = []
        for raw in raws:
            self.ids += 1
            batch.append(
                {
                    "jsonrpc": "2.0",
                    "id": self.ids,
                    "method": "eth_sendRawTransaction",
                    "params": ["0x" + raw.hex()],
                }
            )
        try:
            async with self.session.post(url, json=batch) as response:
                replies = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError) as err:
            key = f"client: {type(err).__name__}"
            self.refusals[key] = self.refusals.get(key, 0) + len(raws)
            return [None] * len(raws)
        by_id = {r.get("id"): r for r in replies}
        out = []
        for item in batch:
            reply = by_id.get(item["id"], {})
            if "error" in reply:
                key = str(reply["error"].get("message"))[:50]
                self.refusals[key] = self.refusals.get(key, 0) + 1
            out.append(reply.get("result"))
        return out

    async def wait_receipt(self, url: str, tx_hash: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            receipt = await self.call(url, "eth_getTransactionReceipt", [tx_hash])
            if receipt is not None:
                return dict(receipt)
            await asyncio.sleep(0.05)
        raise RuntimeError(f"no receipt for {tx_hash}")


class Observer:
    """Follows new blocks on one node and records when each transaction was committed."""

    def __init__(self, client: Client, url: str) -> None:
        self.client = client
        self.url = url
        self.committed: dict[str, float] = {}
        self.blocks: list[tuple[float, int]] = []
        self.next_block = 0
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.next_block = int(await self.client.call(self.url, "eth_blockNumber", []), 16) + 1
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _run(self) -> None:
        while True:
            try:
                head = int(await self.client.call(self.url, "eth_blockNumber", []), 16)
                while self.next_block <= head:
                    block = await self.client.call(
                        self.url, "eth_getBlockByNumber", [hex(self.next_block), False]
                    )
                    now = time.monotonic()
                    for tx_hash in block["transactions"]:
                        self.committed[tx_hash] = now
                    self.blocks.append((now, len(block["transactions"])))
                    self.next_block += 1
            except (TimeoutError, aiohttp.ClientError, RuntimeError):
                pass
            await asyncio.sleep(0.005)


async def _setup(client: Client, accounts: list[Account], erc20_bytecode: bytes) -> bytes:
    """Deploy the token from the funder and give every account 10**6 units."""
    target = client.target
    funder = address_of_private_key(target.funder_key)
    url = target.urls[0]
    nonce = int(
        await client.call(url, "eth_getTransactionCount", ["0x" + funder.hex(), "pending"]), 16
    )
    supply = (10**6) * (len(accounts) + 1)
    deploy = sign_1559(
        target.funder_key,
        target.chain_id,
        nonce,
        None,
        erc20_bytecode + supply.to_bytes(32, "big"),
        gas=2_000_000,
    )
    (tx_hash,) = await client.send_batch(url, [deploy])
    if tx_hash is None:
        raise RuntimeError("the token deployment was refused")
    receipt = await client.wait_receipt(url, tx_hash)
    token = bytes.fromhex(receipt["contractAddress"][2:])
    raws = []
    for i, account in enumerate(accounts):
        raws.append(
            sign_1559(
                target.funder_key,
                target.chain_id,
                nonce + 1 + i,
                token,
                transfer_data(account.address, 10**6),
                gas=TRANSFER_GAS,
            )
        )
    hashes: list[str | None] = []
    for start in range(0, len(raws), 200):
        hashes += await client.send_batch(url, raws[start : start + 200])
    if None in hashes:
        raise RuntimeError("funding transfers were refused")
    last = hashes[-1]
    assert last is not None
    await client.wait_receipt(url, last, timeout=120)
    return token


def _presign(
    target: Target, accounts: list[Account], token: bytes, count: int
) -> list[tuple[int, bytes]]:
    """``count`` transfers, round-robin over accounts: (account index, raw transaction)."""
    out = []
    n = len(accounts)
    for i in range(count):
        index = i % n
        account = accounts[index]
        to = accounts[(index + 1) % n].address
        out.append(
            (
                index,
                sign_1559(
                    account.key,
                    target.chain_id,
                    account.nonce,
                    token,
                    transfer_data(to, 1),
                    gas=TRANSFER_GAS,
                ),
            )
        )
        account.nonce += 1
    return out


async def _run_round(
    *,
    client: Client,
    observer: Observer,
    name: str,
    txs: list[tuple[int, bytes]],
    rate: float | None,
    in_flight: int,
    drain_timeout: float,
) -> RoundResult:
    target = client.target
    urls = target.urls
    submitted: dict[str, float] = {}
    failures = 0
    blocks_before = len(observer.blocks)
    client.refusals = {}
    start = time.monotonic()
    tick = 0.01
    position = 0
    sends: list[asyncio.Task[None]] = []

    async def send(chunk: list[tuple[int, bytes]]) -> None:
        nonlocal failures
        per_url: dict[str, list[bytes]] = {}
        for index, raw in chunk:
            per_url.setdefault(urls[index % len(urls)], []).append(raw)
        now = time.monotonic()
        results = await asyncio.gather(
            *(
                client.send_batch(url, raws[i : i + MAX_BATCH])
                for url, raws in per_url.items()
                for i in range(0, len(raws), MAX_BATCH)
            )
        )
        for hashes in results:
            for tx_hash in hashes:
                if tx_hash is None:
                    failures += 1
                else:
                    submitted[tx_hash] = now

    while position < len(txs):
        if rate is not None:
            due = min(len(txs), int((time.monotonic() - start) * rate) + 1)
        else:
            outstanding = len(submitted) - sum(1 for h in submitted if h in observer.committed)
            due = min(len(txs), position + max(0, in_flight - outstanding))
        if due > position:
            sends.append(asyncio.create_task(send(txs[position:due])))
            position = due
        sends = [t for t in sends if not t.done()]
        await asyncio.sleep(tick)
    await asyncio.gather(*sends)
    deadline = time.monotonic() + drain_timeout
    while time.monotonic() < deadline and any(h not in observer.committed for h in submitted):
        await asyncio.sleep(0.02)
    commit_times = [observer.committed[h] for h in submitted if h in observer.committed]
    latencies = [observer.committed[h] - t for h, t in submitted.items() if h in observer.committed]
    end = max(commit_times) if commit_times else time.monotonic()
    sizes = [size for _, size in observer.blocks[blocks_before:] if size]
    not_committed = len(submitted) - len(latencies)
    refusals = dict(client.refusals)
    if not_committed:
        refusals["accepted but not committed in time"] = not_committed
    return RoundResult(
        name,
        rate,
        len(txs),
        len(latencies),
        failures + not_committed,
        end - start,
        latencies,
        sizes,
        refusals,
    )


async def _miner(client: Client, url: str, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        with contextlib.suppress(aiohttp.ClientError, RuntimeError):
            await client.call(url, "evm_mine", [])


async def run_target(
    *,
    target: Target,
    accounts: list[Account],
    erc20_bytecode: bytes,
    rates: list[int],
    round_seconds: float,
    fixed_load: int,
    fixed_in_flight: int,
) -> None:
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        client = Client(target, session)
        miner = None
        if target.mine_interval is not None:
            miner = asyncio.create_task(_miner(client, target.urls[0], target.mine_interval))
        try:
            token = await _setup(client, accounts, erc20_bytecode)
            observer = Observer(client, target.urls[0])
            await observer.start()
            for rate in rates:
                txs = _presign(target, accounts, token, int(rate * round_seconds))
                result = await _run_round(
                    client=client,
                    observer=observer,
                    name=f"rate {rate}",
                    txs=txs,
                    rate=rate,
                    in_flight=0,
                    drain_timeout=30,
                )
                target.results.append(result)
                print(_row(target.name, result), flush=True)
            txs = _presign(target, accounts, token, fixed_load)
            result = await _run_round(
                client=client,
                observer=observer,
                name=f"fixed load ({fixed_in_flight} in flight)",
                txs=txs,
                rate=None,
                in_flight=fixed_in_flight,
                drain_timeout=60,
            )
            target.results.append(result)
            print(_row(target.name, result), flush=True)
            await observer.stop()
        finally:
            if miner is not None:
                miner.cancel()


HEADER = (
    f"{'target':<8} {'round':<26} {'send/s':>7} {'tput/s':>8} {'avg ms':>8} {'p50 ms':>8} "
    f"{'p95 ms':>8} {'p99 ms':>8} {'fail':>6} {'blk size':>9}"
)


def _row(target: str, r: RoundResult) -> str:
    rate = f"{r.send_rate:.0f}" if r.send_rate is not None else "-"
    avg = statistics.fmean(r.latencies) * 1000 if r.latencies else float("nan")
    size = statistics.fmean(r.block_sizes) if r.block_sizes else 0.0
    return (
        f"{target:<8} {r.name:<26} {rate:>7} {r.throughput:>8.0f} {avg:>8.0f} "
        f"{r.percentile(50) * 1000:>8.0f} {r.percentile(95) * 1000:>8.0f} "
        f"{r.percentile(99) * 1000:>8.0f} {r.failures:>6} {size:>9.1f}"
    )


def run(
    *,
    nodes: int = 3,
    accounts: int = 1000,
    rates: Sequence[int] = (250, 500, 1000, 2000, 3000),
    round_seconds: float = 10.0,
    fixed_load: int = 20_000,
    fixed_in_flight: int = 4000,
    anvil: bool = True,
    anvil_block_interval: float = 0.1,
    block_gap_ms: int | None = None,
    directory: Path | None = None,
) -> dict[str, list[RoundResult]]:
    """Run the benchmark and print a table per target; returns the results."""
    import vyper

    from carbonledger.chain.devnet import Devnet
    from carbonledger.devtools.anvil import Anvil

    bytecode = bytes.fromhex(
        vyper.compile_code(ERC20_SOURCE.read_text(), output_formats=["bytecode"])["bytecode"][2:]
    )
    keys = [coincurve.PrivateKey().secret for _ in range(accounts)]
    results: dict[str, list[RoundResult]] = {}
    print(HEADER, flush=True)

    with tempfile.TemporaryDirectory(prefix="carbonledger-bench-") as tmp:
        net = Devnet((directory or Path(tmp)) / "devnet")
        allowlist = ["0x" + address_of_private_key(k).hex() for k in keys]
        overrides: dict[str, Any] = {"allowlist": allowlist}
        if block_gap_ms is not None:
            overrides["min_block_gap_ms"] = block_gap_ms
        net.up(nodes, genesis_overrides=overrides)
        try:
            manifest = net.manifest()
            target = Target(
                "chain",
                [n["rpc_url"] for n in manifest["nodes"]],
                manifest["chain_id"],
                bytes.fromhex(manifest["admin"]["private_key"][2:]),
            )
            chain_accounts = [Account(k, address_of_private_key(k)) for k in keys]
            asyncio.run(
                run_target(
                    target=target,
                    accounts=chain_accounts,
                    erc20_bytecode=bytecode,
                    rates=list(rates),
                    round_seconds=round_seconds,
                    fixed_load=fixed_load,
                    fixed_in_flight=fixed_in_flight,
                )
            )
            results["chain"] = target.results
        finally:
            net.down()

    if anvil:
        with Anvil(
            no_mining=True,
            gas_limit=100_000_000,
            extra_args=["--base-fee", "0", "--gas-price", "0", "--disable-min-priority-fee"],
        ) as node:
            target = Target(
                "anvil",
                [node.url],
                node.chain_id,
                bytes.fromhex(node.private_keys[0][2:]),
                mine_interval=anvil_block_interval,
            )
            anvil_accounts = [Account(k, address_of_private_key(k)) for k in keys]
            asyncio.run(
                run_target(
                    target=target,
                    accounts=anvil_accounts,
                    erc20_bytecode=bytecode,
                    rates=list(rates),
                    round_seconds=round_seconds,
                    fixed_load=fixed_load,
                    fixed_in_flight=fixed_in_flight,
                )
            )
            results["anvil"] = target.results

    print()
    print(HEADER)
    for name, rows in results.items():
        for r in rows:
            print(_row(name, r))
    for name, rows in results.items():
        for r in rows:
            if r.refusals:
                print(f"{name} {r.name} failures: {r.refusals}")
    if "anvil" in results:
        print()
        print("chain / anvil committed throughput per round:")
        for c, a in zip(results["chain"], results["anvil"], strict=True):
            ratio = c.throughput / a.throughput if a.throughput else float("nan")
            print(f"  {c.name:<26} {ratio:6.2f}")
    print(json.dumps({"machine_cores": _cores()}))
    return results


def _cores() -> int:
    import os

    return os.cpu_count() or 0
