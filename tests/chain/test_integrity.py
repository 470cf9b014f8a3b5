"""Finality, offline verification, tampering, and a node whose execution diverges."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonledger.chain.devnet import Devnet
from carbonledger.cli import app

from .helpers import rpc, sign, wait_receipt, wait_until

pytestmark = pytest.mark.slow


def verify(data_dir: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["chain", "verify", "--data", str(data_dir)])
    return result.exit_code, result.stdout + result.stderr


def send_some(devnet: Devnet, count: int, node: int = 0) -> list[dict[str, object]]:
    manifest = devnet.manifest()
    url = manifest["nodes"][node]["rpc_url"]
    admin = manifest["admin"]
    receipts = []
    for _ in range(count):
        nonce = int(rpc(url, "eth_getTransactionCount", admin["address"], "pending"), 16)
        raw = sign(admin["private_key"], manifest["chain_id"], nonce)
        receipts.append(wait_receipt(url, rpc(url, "eth_sendRawTransaction", raw)))
    return receipts


def test_blocks_become_final_and_verify(devnet3: Devnet) -> None:
    send_some(devnet3, 3)
    urls = [n["rpc_url"] for n in devnet3.manifest()["nodes"]]
    height = int(rpc(urls[0], "eth_blockNumber"), 16)
    wait_until(
        lambda: all(rpc(u, "carbon_nodeInfo")["finalized"] >= height for u in urls),
        20,
        "every node to see its blocks finalized",
    )
    final = rpc(urls[1], "eth_getBlockByNumber", "finalized", False)
    assert int(final["number"], 16) >= height
    info = rpc(urls[2], "carbon_nodeInfo")
    assert info["nats"]["leader"] in {"nats1", "nats2", "nats3"}
    assert len(info["nats"]["replicas"]) == 2
    assert rpc(urls[0], "carbon_verifyChain")["ok"] is True
    for i in range(3):
        code, output = verify(devnet3.directory / f"node{i + 1}" / "data")
        assert code == 0, output
        assert output.startswith("ok: ")


@pytest.fixture
def stopped_single_node(tmp_path: Path) -> Iterator[Devnet]:
    devnet = Devnet(tmp_path / "devnet1")
    try:
        devnet.up(1)
        send_some(devnet, 4)
        devnet.down()
        yield devnet
    finally:
        devnet.down()


def tamper(devnet: Devnet, sql: str) -> None:
    db = sqlite3.connect(devnet.directory / "node1" / "data" / "chain.sqlite")
    with db:
        db.execute(sql)
    db.close()


def start_refused(devnet: Devnet) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "carbonledger", "node", "--config",
         str(devnet.directory / "node1" / "node.toml")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr[-2000:]
    return proc.stderr


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            # a receipt's status flipped from success to failure
            "UPDATE receipts SET encoded = CAST(substr(encoded, 1, 4) || X'80' "
            "|| substr(encoded, 6) AS BLOB) WHERE block_number = 3",
            "block 3: receipts root does not match the stored receipts",
        ),
        (
            "UPDATE txs SET raw = (SELECT raw FROM txs WHERE block_number = 1) "
            "WHERE block_number = 2",
            "block 2: transactions root does not match the stored transactions",
        ),
        (
            "UPDATE blocks SET header = (SELECT header FROM blocks WHERE number = 3) "
            "WHERE number = 2",
            "block 2: stored hash does not match its header",
        ),
        (
            "UPDATE receipts SET encoded = X'00' WHERE block_number = 2",
            "block 2: receipts root does not match the stored receipts",
        ),
        (
            "UPDATE receipts SET gas_used = gas_used + 1 WHERE block_number = 4",
            "block 4: receipt 0: gas used was altered",
        ),
    ],
)
def test_tampering_is_detected_and_the_node_refuses_to_start(
    stopped_single_node: Devnet, sql: str, expected: str
) -> None:
    data = stopped_single_node.directory / "node1" / "data"
    assert verify(data)[0] == 0
    tamper(stopped_single_node, sql)
    code, output = verify(data)
    assert code == 1
    assert f"FAILED: {expected}" in output
    stderr = start_refused(stopped_single_node)
    assert "refusing to start: stored chain does not verify: block" in stderr


def test_a_diverging_node_halts_and_never_finalizes_its_block(tmp_path: Path) -> None:
    devnet = Devnet(tmp_path / "devnet")
    devnet.init(3)
    config = devnet.directory / "node3" / "node.toml"
    config.write_text(config.read_text() + "fault_from_block = 3\n")
    try:
        devnet.start_all()
        manifest = devnet.manifest()
        urls = [n["rpc_url"] for n in manifest["nodes"]]
        send_some(devnet, 5)
        # the diverging node halts with a loud error once the majority outvotes it
        node3 = devnet.directory / "node3" / "node.log"
        wait_until(lambda: "HALTING node node3" in node3.read_text(), 30, "node3 to halt")
        assert "block 3: a majority of validators attested" in node3.read_text()
        pid = manifest["nodes"][2]["pid"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if subprocess.run(["kill", "-0", str(pid)], check=False).returncode != 0:
                break
            time.sleep(0.1)
        # the healthy majority finalized the correct blocks
        height = int(rpc(urls[0], "eth_blockNumber"), 16)
        assert height >= 5
        wait_until(lambda: rpc(urls[1], "carbon_nodeInfo")["finalized"] >= height, 20, "finality")
        assert rpc(urls[0], "eth_getBlockByNumber", "0x3", False) == rpc(
            urls[1], "eth_getBlockByNumber", "0x3", False
        )
        # node3 stored its own (wrong) block 3 but never counted it final: its store
        # holds the majority's attestations for another hash, which verify reports
        code, output = verify(devnet.directory / "node3" / "data")
        assert code == 1
        assert "block 3: a majority of validators attested a different block hash" in output
    finally:
        devnet.down()
