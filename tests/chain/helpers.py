"""Signing and JSON-RPC helpers for chain tests."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address


def rpc(url: str, method: str, *params: Any, timeout: float = 10.0) -> Any:
    reply = rpc_raw(url, method, *params, timeout=timeout)
    if "error" in reply:
        raise AssertionError(f"{method}: {reply['error']}")
    return reply["result"]


def rpc_raw(url: str, method: str, *params: Any, timeout: float = 10.0) -> dict[str, Any]:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        reply: dict[str, Any] = json.loads(response.read())
    return reply


def sign(key: str, chain_id: int, nonce: int, **fields: Any) -> str:
    tx: dict[str, Any] = {
        "chainId": chain_id,
        "nonce": nonce,
        "gas": 100_000,
        "to": "0x" + "22" * 20,
        "value": 0,
        "data": b"",
        "maxFeePerGas": 0,
        "maxPriorityFeePerGas": 0,
    }
    tx.update(fields)
    if isinstance(tx.get("to"), str):
        tx["to"] = to_checksum_address(tx["to"])
    if "gasPrice" in tx:
        tx.pop("maxFeePerGas")
        tx.pop("maxPriorityFeePerGas")
    signed = Account.sign_transaction(tx, key)
    return "0x" + bytes(signed.raw_transaction).hex()


def wait_receipt(url: str, tx_hash: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        receipt = rpc(url, "eth_getTransactionReceipt", tx_hash)
        if receipt is not None:
            return dict(receipt)
        time.sleep(0.05)
    raise AssertionError(f"no receipt for {tx_hash} within {timeout}s")


def wait_until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
