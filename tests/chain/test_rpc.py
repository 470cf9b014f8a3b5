"""The JSON-RPC surface beyond what web3.py's ERC-20 flow touches."""

from __future__ import annotations

from typing import Any

import pytest

from carbonledger.chain.devnet import Devnet

from .helpers import rpc, rpc_batch, rpc_raw, sign, wait_receipt

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deployed(devnet3: Devnet, erc20: dict[str, Any]) -> dict[str, Any]:
    manifest = devnet3.manifest()
    url = manifest["nodes"][2]["rpc_url"]
    admin = manifest["admin"]
    nonce = int(rpc(url, "eth_getTransactionCount", admin["address"], "pending"), 16)
    data = bytes.fromhex(erc20["bytecode"][2:]) + (5000).to_bytes(32, "big")
    raw = sign(admin["private_key"], manifest["chain_id"], nonce, to="", data=data, gas=900_000)
    receipt = wait_receipt(url, rpc(url, "eth_sendRawTransaction", raw))
    return {"url": url, "receipt": receipt, "admin": admin["address"]}


def test_block_and_transaction_lookups(deployed: dict[str, Any]) -> None:
    url, receipt = deployed["url"], deployed["receipt"]
    by_number = rpc(url, "eth_getBlockByNumber", receipt["blockNumber"], True)
    by_hash = rpc(url, "eth_getBlockByHash", receipt["blockHash"], True)
    assert by_number == by_hash
    tx = rpc(url, "eth_getTransactionByHash", receipt["transactionHash"])
    assert by_number["transactions"][int(receipt["transactionIndex"], 16)] == tx
    assert tx["from"].lower() == deployed["admin"].lower() and tx["to"] is None
    assert rpc(url, "eth_getTransactionByHash", "0x" + "00" * 32) is None
    assert rpc(url, "eth_getTransactionReceipt", "0x" + "00" * 32) is None
    count = rpc(url, "eth_getBlockTransactionCountByNumber", receipt["blockNumber"])
    assert int(count, 16) == len(by_number["transactions"])


def test_state_queries(deployed: dict[str, Any], erc20: dict[str, Any]) -> None:
    url, token = deployed["url"], deployed["receipt"]["contractAddress"]
    assert len(rpc(url, "eth_getCode", token, "latest")) > 100
    assert rpc(url, "eth_getCode", "0x" + "99" * 20, "latest") == "0x"
    assert int(rpc(url, "eth_getBalance", deployed["admin"], "latest"), 16) > 0
    total_supply_slot = rpc(url, "eth_getStorageAt", token, "0x5", "latest")
    assert int(total_supply_slot, 16) == 5000
    call = {"to": token, "data": "0x18160ddd"}  # totalSupply()
    assert int(rpc(url, "eth_call", call, "latest"), 16) == 5000
    transfer_too_much = "0xa9059cbb" + "00" * 12 + "22" * 20 + f"{10**9:064x}"
    gas = rpc(
        url,
        "eth_estimateGas",
        {
            "from": deployed["admin"],
            "to": token,
            "data": "0xa9059cbb" + "00" * 12 + "22" * 20 + f"{1:064x}",
        },
    )
    assert 21_000 < int(gas, 16) < 100_000
    reverted = rpc_raw(
        url,
        "eth_call",
        {"from": deployed["admin"], "to": token, "data": transfer_too_much},
        "latest",
    )
    assert reverted["error"]["code"] == 3
    assert reverted["error"]["message"] == "execution reverted"
    old = rpc_raw(url, "eth_getBalance", deployed["admin"], "0x0")
    assert old["error"]["message"] == "historical state for block 0 is not available"


def test_logs_fees_and_batches(deployed: dict[str, Any]) -> None:
    url, receipt = deployed["url"], deployed["receipt"]
    token = receipt["contractAddress"]
    transfer_topic = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    logs = rpc(
        url,
        "eth_getLogs",
        {"fromBlock": "0x0", "toBlock": "latest", "address": token, "topics": [transfer_topic]},
    )
    assert [entry["transactionHash"] for entry in logs] == [receipt["transactionHash"]]
    assert (
        rpc(
            url,
            "eth_getLogs",
            {"blockHash": receipt["blockHash"], "address": token, "topics": [None, transfer_topic]},
        )
        == []
    )
    history = rpc(url, "eth_feeHistory", "0x4", "latest", [50])
    assert len(history["baseFeePerGas"]) == len(history["gasUsedRatio"]) + 1
    assert rpc(url, "eth_gasPrice") == "0x0"
    replies = rpc_batch(
        url,
        [
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            {"jsonrpc": "2.0", "id": 2, "method": "no_such_method", "params": []},
            {"jsonrpc": "2.0", "id": 3, "method": "web3_clientVersion", "params": []},
        ],
    )
    assert replies[0]["result"] == rpc(url, "eth_chainId")
    assert replies[1]["error"] == {"code": -32601, "message": "method no_such_method not found"}
    assert replies[2]["result"].startswith("carbonledger-chain/")


def test_oversized_batch_is_refused(deployed: dict[str, Any]) -> None:
    call = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
    reply = rpc_batch(deployed["url"], [call] * 1001)
    assert reply == [
        {
            "jsonrpc": "2.0",
            "id": None,
            "error": {
                "code": -32600,
                "message": "batch of 1001 requests; at most 1000 are accepted",
            },
        }
    ]
