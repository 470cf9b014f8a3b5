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


def rpc_batch(url: str, batch: list[dict[str, Any]], timeout: float = 10.0) -> list[Any]:
    request = urllib.request.Request(
        url, data=json.dumps(batch).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        replies: Any = json.loads(response.read())
    if isinstance(replies, dict):
        return [replies]
    return sorted(replies, key=lambda r: r["id"])


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
    if isinstance(tx.get("to"), str) and tx["to"]:
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


class Load:
    """Background senders: one thread per account, each bound to one node's RPC URL.

    A transaction that is refused (for example while NATS elects a new stream leader) is
    resent unchanged until accepted, so nonces never leave gaps. Receipts are polled and
    kept as returned, to compare with every node afterwards.
    """

    def __init__(self, chain_id: int, senders: list[tuple[str, str]], interval: float = 0.01):
        import threading

        self.chain_id = chain_id
        self.senders = senders  # (private key, rpc url)
        self.interval = interval
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.accepted: dict[str, str] = {}  # tx hash -> url it was sent to
        self.receipts: dict[str, dict[str, Any]] = {}
        self.longest_wait = 0.0
        self.errors: list[str] = []
        self.threads = [
            threading.Thread(target=self._send, args=(key, url), daemon=True)
            for key, url in senders
        ]
        self.threads.append(threading.Thread(target=self._poll, daemon=True))

    def start(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=30)

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)

    def _send(self, key: str, url: str) -> None:
        nonce = 0
        while not self.stop_event.is_set():
            raw = sign(key, self.chain_id, nonce, gas=30_000)
            first_attempt = time.monotonic()
            while not self.stop_event.is_set():
                try:
                    reply = rpc_raw(url, "eth_sendRawTransaction", raw, timeout=20)
                except OSError as err:
                    reply = {"error": {"message": str(err)}}
                if "result" in reply:
                    break
                message = str(reply["error"].get("message"))
                if message.startswith("already known"):
                    break
                time.sleep(0.05)
            else:
                return
            # from the first attempt to acceptance, whether the node held the request
            # while JetStream recovered or refused it and the sender retried
            self.longest_wait = max(self.longest_wait, time.monotonic() - first_attempt)
            with self.lock:
                self.accepted[reply.get("result") or "0x" + _hash(raw)] = url
            nonce += 1
            time.sleep(self.interval)

    def _poll(self) -> None:
        while not self.stop_event.is_set():
            with self.lock:
                todo = [(h, u) for h, u in self.accepted.items() if h not in self.receipts]
            for tx_hash, url in todo[:200]:
                try:
                    receipt = rpc(url, "eth_getTransactionReceipt", tx_hash, timeout=5)
                except (OSError, AssertionError):
                    continue
                if receipt is not None:
                    with self.lock:
                        self.receipts[tx_hash] = receipt
            time.sleep(0.1)


def _hash(raw: str) -> str:
    from eth_utils import keccak

    return bytes(keccak(bytes.fromhex(raw[2:]))).hex()


def same_receipts_everywhere(urls: list[str], receipts: dict[str, dict[str, Any]]) -> None:
    for tx_hash, returned in receipts.items():
        for url in urls:
            assert rpc(url, "eth_getTransactionReceipt", tx_hash) == returned, (tx_hash, url)
