"""Send signed transactions over JSON-RPC: explicit nonces, local signing, receipts.

Transactions are EIP-155 legacy transactions signed locally with eth-account, which every
EVM node accepts (the bundled node, anvil, Besu, geth). The chain id is read from the node;
gas is estimated by the node, which also surfaces a revert reason before anything is sent.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from eth_abi.exceptions import DecodingError
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from carbonledger.ledger.abi import decode_revert, hex_bytes
from carbonledger.ledger.rpc import RpcClient, RpcError

# added to the node's estimate: state can change between estimate and inclusion
GAS_MARGIN_PERCENT = 25


# anvil sometimes resolves "latest" to a block whose state it has not published yet while
# a block is being mined ("BlockOutOfRangeError: block height is N but requested was N+1",
# foundry-rs/foundry#4843 and #10709); the same call a moment later succeeds
LATEST_RACE_RETRIES = 3


def _latest_race(err: RpcError, block: str) -> bool:
    return block == "latest" and "BlockOutOfRangeError" in err.message


class LedgerError(RuntimeError):
    """A transaction could not be sent or did not succeed."""


class RevertError(LedgerError):
    """The contract refused the call; ``reason`` is its revert string (or None)."""

    def __init__(self, reason: str | None, detail: str = "") -> None:
        super().__init__(f"reverted: {reason}" if reason else f"reverted {detail}".strip())
        self.reason = reason


@dataclass(frozen=True)
class Receipt:
    tx_hash: str
    status: int
    gas_used: int
    block_number: int
    contract_address: str | None
    logs: list[dict[str, Any]] = field(default_factory=list)


def revert_from_rpc(err: RpcError) -> RevertError | None:
    """The revert inside a node's error, or None when the error is something else.

    Nodes differ: geth and anvil put the ABI-encoded ``Error(string)`` in ``data`` (a
    string, or an object with a ``data`` field); others only say
    ``execution reverted: <reason>`` in the message.
    """
    data = err.data
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        try:
            reason = decode_revert(hex_bytes(data))
        except (ValueError, DecodingError):
            reason = None
        if reason is not None or "revert" in err.message.lower():
            return RevertError(reason, err.message)
    if "revert" in err.message.lower():
        marker = "execution reverted:"
        text = err.message.split(marker, 1)[1].strip() if marker in err.message else None
        return RevertError(text or None, err.message)
    return None


class Signer:
    """A local private key."""

    def __init__(self, private_key: str | bytes) -> None:
        self.account: LocalAccount = Account.from_key(private_key)
        self.address: str = to_checksum_address(self.account.address)

    def __repr__(self) -> str:
        return f"Signer({self.address})"


class Chain:
    """One JSON-RPC endpoint plus the nonces of the signers that use it."""

    def __init__(self, url: str, poll_interval: float = 0.01, receipt_timeout: float = 60.0):
        self.rpc = RpcClient(url)
        self.url = url
        self.chain_id = int(self.rpc.call("eth_chainId"), 16)
        self.poll_interval = poll_interval
        self.receipt_timeout = receipt_timeout
        self._nonces: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- reads ---------------------------------------------------------------------------
    def block_number(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def balance(self, address: str) -> int:
        return int(self.rpc.call("eth_getBalance", [address, "latest"]), 16)

    def call(self, to: str, data: bytes, sender: str | None = None, block: str = "latest") -> bytes:
        tx: dict[str, Any] = {"to": to, "data": "0x" + data.hex()}
        if sender:
            tx["from"] = sender
        for attempt in range(LATEST_RACE_RETRIES + 1):
            try:
                return hex_bytes(self.rpc.call("eth_call", [tx, block]))
            except RpcError as err:
                revert = revert_from_rpc(err)
                if revert is not None:
                    raise revert from err
                if not (_latest_race(err, block) and attempt < LATEST_RACE_RETRIES):
                    raise
                time.sleep(self.poll_interval)
        raise AssertionError("unreachable")  # pragma: no cover

    def get_logs(
        self, from_block: int, to_block: int, addresses: list[str]
    ) -> list[dict[str, Any]]:
        logs: list[dict[str, Any]] = self.rpc.call(
            "eth_getLogs",
            [{"fromBlock": hex(from_block), "toBlock": hex(to_block), "address": addresses}],
        )
        return logs

    # -- nonces --------------------------------------------------------------------------
    def _next_nonce(self, address: str) -> int:
        with self._lock:
            if address not in self._nonces:
                self._nonces[address] = int(
                    self.rpc.call("eth_getTransactionCount", [address, "pending"]), 16
                )
            nonce = self._nonces[address]
            self._nonces[address] = nonce + 1
            return nonce

    def forget_nonces(self) -> None:
        """Re-read nonces from the node on next use (after a failure or a state revert)."""
        with self._lock:
            self._nonces.clear()

    # -- writes --------------------------------------------------------------------------
    def estimate_gas(self, signer: Signer, to: str | None, data: bytes, value: int = 0) -> int:
        tx: dict[str, Any] = {
            "from": signer.address,
            "data": "0x" + data.hex(),
            "value": hex(value),
        }
        if to is not None:
            tx["to"] = to
        try:
            return int(self.rpc.call("eth_estimateGas", [tx]), 16)
        except RpcError as err:
            revert = revert_from_rpc(err)
            if revert is not None:
                raise revert from err
            raise

    def sign(
        self, signer: Signer, to: str | None, data: bytes, gas: int, value: int = 0
    ) -> tuple[str, bytes]:
        """Sign a transaction with the next nonce; returns (tx hash, raw bytes)."""
        tx: dict[str, Any] = {
            "nonce": self._next_nonce(signer.address),
            "gasPrice": int(self.rpc.call("eth_gasPrice"), 16),
            "gas": gas,
            "value": value,
            "data": data,
            "chainId": self.chain_id,
        }
        if to is not None:
            tx["to"] = to_checksum_address(to)
        signed = signer.account.sign_transaction(tx)
        return "0x" + signed.hash.hex().removeprefix("0x"), bytes(signed.raw_transaction)

    def send_raw(self, raw: bytes) -> str:
        tx_hash: str = self.rpc.call("eth_sendRawTransaction", ["0x" + raw.hex()])
        return tx_hash

    def wait(self, tx_hash: str) -> Receipt:
        deadline = time.monotonic() + self.receipt_timeout
        while True:
            raw = self.rpc.call("eth_getTransactionReceipt", [tx_hash])
            if raw is not None:
                return Receipt(
                    tx_hash=tx_hash,
                    status=int(raw["status"], 16),
                    gas_used=int(raw["gasUsed"], 16),
                    block_number=int(raw["blockNumber"], 16),
                    contract_address=raw.get("contractAddress"),
                    logs=list(raw.get("logs", [])),
                )
            if time.monotonic() > deadline:
                raise LedgerError(f"no receipt for {tx_hash} after {self.receipt_timeout}s")
            time.sleep(self.poll_interval)

    def transact(
        self, signer: Signer, to: str | None, data: bytes, value: int = 0, gas: int | None = None
    ) -> Receipt:
        """Estimate, sign, send and wait; raises :class:`RevertError` on a revert."""
        if gas is None:
            gas = self.estimate_gas(signer, to, data, value) * (100 + GAS_MARGIN_PERCENT) // 100
        _, raw = self.sign(signer, to, data, gas, value)
        try:
            tx_hash = self.send_raw(raw)
        except RpcError:
            # the nonce may or may not have been consumed: ask the node next time
            self.forget_nonces()
            raise
        receipt = self.wait(tx_hash)
        if receipt.status != 1:
            raise self._mined_revert(signer, to, data, receipt)
        return receipt

    def _mined_revert(
        self, signer: Signer, to: str | None, data: bytes, receipt: Receipt
    ) -> RevertError:
        """Replay a failed transaction to learn its reason: on the previous block's state
        (exact when it was alone in its block), else, where the node keeps no history,
        on the latest state (a reverted transaction changed nothing there but the
        sender's nonce).
        """
        detail = f"in mined transaction {receipt.tx_hash}"
        if to is None:
            return RevertError(None, detail)
        for block in (hex(receipt.block_number - 1), "latest"):
            try:
                self.call(to, data, signer.address, block=block)
            except RevertError as err:
                return RevertError(err.reason, detail)
            except RpcError:
                continue
            break
        return RevertError(None, detail)

    def send_value(self, signer: Signer, to: str, value: int) -> Receipt:
        return self.transact(signer, to, b"", value=value, gas=21000)

    def close(self) -> None:
        self.rpc.close()
