"""Fault tests with real processes under load: NATS leader loss, node loss, full restart."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account

from carbonledger.chain.devnet import Devnet

from .helpers import Load, rpc, same_receipts_everywhere, sign, wait_receipt, wait_until

pytestmark = pytest.mark.slow

SENDERS = [Account.create() for _ in range(6)]


@pytest.fixture
def devnet(tmp_path: Path) -> Iterator[Devnet]:
    net = Devnet(tmp_path / "devnet")
    try:
        net.up(3, genesis_overrides={"allowlist": [a.address for a in SENDERS]})
        yield net
    finally:
        if net.manifest_path.exists():
            net.down()


def urls(devnet: Devnet) -> list[str]:
    return [n["rpc_url"] for n in devnet.manifest()["nodes"]]


def load_on(devnet: Devnet, node_indices: list[int]) -> Load:
    u = urls(devnet)
    senders = [(a.key.hex(), u[node_indices[i % len(node_indices)]]) for i, a in enumerate(SENDERS)]
    return Load(devnet.manifest()["chain_id"], senders).start()


def settle(load: Load, node_urls: list[str], timeout: float = 60.0) -> None:
    """Every accepted transaction gets a receipt, identical on every node."""
    load.stop()
    pending = dict(load.accepted)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for tx_hash, url in list(pending.items()):
            receipt = rpc(url, "eth_getTransactionReceipt", tx_hash)
            if receipt is not None:
                load.receipts.setdefault(tx_hash, receipt)
                del pending[tx_hash]
        time.sleep(0.2)
    assert not pending, f"{len(pending)} accepted transactions never got a receipt"
    heads = lambda: {int(rpc(u, "eth_blockNumber"), 16) for u in node_urls}  # noqa: E731
    wait_until(lambda: len(heads()) == 1, 30, "nodes at the same height")
    same_receipts_everywhere(node_urls, load.receipts)


def head(url: str) -> tuple[int, str]:
    block = rpc(url, "eth_getBlockByNumber", "latest", False)
    return int(block["number"], 16), block["hash"]


@pytest.mark.parametrize(
    ("sig", "bound"),
    [
        # a stopped server hands its stream leadership over at once
        (signal.SIGTERM, 5.0),
        # after a crash, JetStream's Raft followers wait 4-9 s (nats-server's election
        # timeout, not configurable) before electing a new stream leader
        (signal.SIGKILL, 15.0),
    ],
    ids=["SIGTERM", "SIGKILL"],
)
def test_killing_the_stream_leader(devnet: Devnet, sig: signal.Signals, bound: float) -> None:
    u = urls(devnet)
    load = load_on(devnet, [0, 1, 2])
    wait_until(lambda: load.count() > 100, 30, "load to run")
    leader = rpc(u[0], "carbon_nodeInfo")["nats"]["leader"]
    leader_index = int(leader.removeprefix("nats")) - 1
    before = load.count()
    devnet.stop_process("nats", leader_index, sig)
    wait_until(lambda: load.count() > before + 200, 30, "transactions accepted after the kill")
    new_leader = rpc(u[(leader_index + 1) % 3], "carbon_nodeInfo")["nats"].get("leader")
    assert new_leader != leader
    print(f"longest wait for acceptance: {load.longest_wait:.2f}s")
    assert load.longest_wait < bound, f"a transaction waited {load.longest_wait:.1f}s"
    settle(load, u)
    assert len(load.receipts) == load.count()


def test_killing_and_restarting_a_node(devnet: Devnet) -> None:
    u = urls(devnet)
    load = load_on(devnet, [0, 2])
    wait_until(lambda: load.count() > 100, 30, "load to run")
    devnet.stop_process("nodes", 1, signal.SIGKILL)
    height = head(u[0])[0]
    wait_until(lambda: head(u[0])[0] > height + 5, 30, "the others to keep committing")
    wait_until(lambda: rpc(u[2], "carbon_nodeInfo")["finalized"] > height + 3, 30, "finality")
    devnet.start_node(1)
    devnet.wait_nodes(60, [1])
    settle(load, u)
    assert head(u[1]) == head(u[0]) == head(u[2])


def test_a_node_added_later_replays_the_stream(devnet: Devnet) -> None:
    u = urls(devnet)
    load = load_on(devnet, [0, 1, 2])
    wait_until(lambda: load.count() > 200, 30, "load to run")
    index = devnet.add_node()
    new_url = urls(devnet)[index]
    settle(load, [*u, new_url])
    assert head(new_url) == head(u[0])
    assert rpc(new_url, "carbon_nodeInfo")["finalized"] > 0


def test_stopping_everything_and_restarting(devnet: Devnet) -> None:
    u = urls(devnet)
    load = load_on(devnet, [0, 1, 2])
    wait_until(lambda: load.count() > 300, 30, "load to run")
    settle(load, u)
    before = head(u[0])
    nonces = [rpc(u[0], "eth_getTransactionCount", a.address, "latest") for a in SENDERS]
    devnet.down()
    devnet.start_all()
    for url in u:
        assert head(url) == before
        assert [rpc(url, "eth_getTransactionCount", a.address, "latest") for a in SENDERS] == nonces
    same_receipts_everywhere(u, load.receipts)
    # and the chain still moves
    admin = devnet.manifest()["admin"]
    nonce = int(rpc(u[1], "eth_getTransactionCount", admin["address"], "pending"), 16)
    raw = sign(admin["private_key"], devnet.manifest()["chain_id"], nonce)
    receipt = wait_receipt(u[1], rpc(u[1], "eth_sendRawTransaction", raw))
    assert int(receipt["blockNumber"], 16) == before[0] + 1
