"""Unmodified web3.py against a 3-node devnet: deploy an ERC-20, transfer, read, filter logs."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from web3 import Web3

from carbonledger.chain.devnet import Devnet

from .helpers import rpc, wait_until

pytestmark = pytest.mark.slow


def test_web3_erc20_through_any_node(devnet3: Devnet, erc20: dict[str, Any]) -> None:
    manifest = devnet3.manifest()
    urls = [n["rpc_url"] for n in manifest["nodes"]]
    admin = Account.from_key(manifest["admin"]["private_key"])
    w3s = [Web3(Web3.HTTPProvider(url)) for url in urls]
    assert all(w3.eth.chain_id == manifest["chain_id"] for w3 in w3s)

    w3 = w3s[0]
    factory = w3.eth.contract(abi=erc20["abi"], bytecode=erc20["bytecode"])
    deploy = factory.constructor(10**24).build_transaction(
        {"from": admin.address, "nonce": w3.eth.get_transaction_count(admin.address, "pending")}
    )
    tx_hash = w3.eth.send_raw_transaction(admin.sign_transaction(deploy).raw_transaction)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)
    assert receipt.status == 1
    token_address = receipt.contractAddress
    assert token_address is not None

    recipients = [Account.create().address for _ in range(3)]
    # each transfer goes through a different node, waiting for its receipt there
    for i, (node_w3, to) in enumerate(zip(w3s, recipients, strict=True)):
        token = node_w3.eth.contract(address=token_address, abi=erc20["abi"])
        tx = token.functions.transfer(to, 100 + i).build_transaction(
            {
                "from": admin.address,
                "nonce": node_w3.eth.get_transaction_count(admin.address, "pending"),
            }
        )
        h = node_w3.eth.send_raw_transaction(admin.sign_transaction(tx).raw_transaction)
        r = node_w3.eth.wait_for_transaction_receipt(h, timeout=30, poll_latency=0.05)
        assert r.status == 1
        assert len(r.logs) == 1

    head = max(w3.eth.block_number for w3 in w3s)
    wait_until(lambda: all(w.eth.block_number >= head for w in w3s), 20, "all nodes at head")
    for node_w3 in w3s:
        token = node_w3.eth.contract(address=token_address, abi=erc20["abi"])
        assert [token.functions.balanceOf(to).call() for to in recipients] == [100, 101, 102]
        assert token.functions.balanceOf(admin.address).call() == 10**24 - 303
        events = token.events.Transfer().get_logs(from_block=0, to_block=head)
        assert [(e.args.receiver, e.args.value) for e in events] == [
            (admin.address, 10**24),
            *[(to, 100 + i) for i, to in enumerate(recipients)],
        ]
        to_second = token.events.Transfer().get_logs(
            from_block=0, argument_filters={"receiver": recipients[1]}
        )
        assert [e.args.value for e in to_second] == [101]

    # identical blocks on every node: same hashes, same receipts roots
    for number in range(1, head + 1):
        blocks = [rpc(url, "eth_getBlockByNumber", hex(number), False) for url in urls]
        assert len({b["hash"] for b in blocks}) == 1
        assert len({b["receiptsRoot"] for b in blocks}) == 1
