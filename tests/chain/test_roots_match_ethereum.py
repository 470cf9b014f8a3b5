"""Our transactions root, receipt encoding, bloom and receipts root against anvil's."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account

from carbonledger.chain.block import Receipt
from carbonledger.chain.trie import logs_bloom, ordered_trie_root
from carbonledger.devtools.anvil import Anvil, rpc

pytestmark = pytest.mark.slow


def test_roots_match_anvil(erc20: dict[str, Any]) -> None:
    with Anvil(no_mining=True) as anvil:
        key = anvil.private_keys[0]
        sender = Account.from_key(key).address
        base = {"chainId": 31337, "gas": 1_000_000}
        raws = [
            Account.sign_transaction(
                {
                    **base,
                    "nonce": 0,
                    "gasPrice": 10**10,
                    "to": "",
                    "data": erc20["bytecode"] + "00" * 31 + "64",
                },
                key,
            ),
            Account.sign_transaction(
                {
                    **base,
                    "nonce": 1,
                    "maxFeePerGas": 10**10,
                    "maxPriorityFeePerGas": 1,
                    "to": sender,
                    "value": 5,
                },
                key,
            ),
        ]
        hexes = ["0x" + bytes(s.raw_transaction).hex() for s in raws]
        for raw in hexes:
            rpc(anvil.url, "eth_sendRawTransaction", [raw])
        rpc(anvil.url, "evm_mine")
        block: Any = rpc(anvil.url, "eth_getBlockByNumber", ["latest", False])
        assert len(block["transactions"]) == 2
        assert (
            "0x" + ordered_trie_root([bytes.fromhex(h[2:]) for h in hexes]).hex()
            == block["transactionsRoot"]
        )

        receipts = []
        for tx_hash in block["transactions"]:
            r: Any = rpc(anvil.url, "eth_getTransactionReceipt", [tx_hash])
            logs = tuple(
                (
                    bytes.fromhex(log["address"][2:]),
                    tuple(bytes.fromhex(t[2:]) for t in log["topics"]),
                    bytes.fromhex(log["data"][2:]),
                )
                for log in r["logs"]
            )
            bloom = logs_bloom(logs)
            assert "0x" + bloom.to_bytes(256, "big").hex() == r["logsBloom"]
            receipts.append(
                Receipt(
                    int(r["type"], 16),
                    int(r["status"], 16),
                    int(r["cumulativeGasUsed"], 16),
                    int(r["gasUsed"], 16),
                    logs,
                    bloom,
                    None,
                )
            )
        assert receipts[0].logs, "the ERC-20 constructor emits a Transfer"
        assert (
            "0x" + ordered_trie_root([r.encode() for r in receipts]).hex() == block["receiptsRoot"]
        )
