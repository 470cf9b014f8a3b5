"""Send signed transactions over JSON-RPC: explicit nonces, local signing, receipts.

Transactions are EIP-155 legacy transactions signed locally with eth-account, which every
EVM node accepts (the bundled node, anvil, Besu, geth). The chain id is read from the node;
gas is estimated by the node, which also surfaces a revert reason before anything is sent.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from coincurve import PrivateKey
from eth_abi.exceptions import DecodingError
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from carbonledger.ledger.abi import decode_revert, hex_bytes
from carbonledger.ledger.rpc import RpcClient, RpcError

# added to the node's estimate: state can change between estimate and inclusion
GAS_MARGIN_PERCENT = 25
# seconds a gas price read from the node is used before it is read again
GAS_PRICE_TTL = 10.0
# a pending receipt is asked for at least this often even when no new block was seen
RECHECK_SECONDS = 0.25


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
        # the secp256k1 key, parsed once (a market signs every order with it)
        self.secp256k1 = PrivateKey(bytes(self.account.key))

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
        self._waiter = _ReceiptWaiter(self)
        self._gas_price: tuple[float, int] | None = None  # (read at, price)

    # -- reads ---------------------------------------------------------------------------
    def block_number(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def gas_price(self) -> int:
        """The node's gas price, read again after :data:`GAS_PRICE_TTL` seconds (a
        permissioned chain's price does not move; one request per transaction saved)."""
        now = time.monotonic()
        cached = self._gas_price
        if cached is None or now - cached[0] > GAS_PRICE_TTL:
            cached = (now, int(self.rpc.call("eth_gasPrice"), 16))
            self._gas_price = cached
        return cached[1]

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
            "gasPrice": self.gas_price(),
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
        """The receipt of `tx_hash` once mined. Every thread waiting on this chain shares
        one poller (:class:`_ReceiptWaiter`), so concurrent writers cost one request per
        poll, not one each."""
        raw = self._waiter.wait(tx_hash, self.receipt_timeout)
        return Receipt(
            tx_hash=tx_hash,
            status=int(raw["status"], 16),
            gas_used=int(raw["gasUsed"], 16),
            block_number=int(raw["blockNumber"], 16),
            contract_address=raw.get("contractAddress"),
            logs=list(raw.get("logs", [])),
        )

    def transact(
        self, signer: Signer, to: str | None, data: bytes, value: int = 0, gas: int | None = None
    ) -> Receipt:
        """Estimate, sign, send and wait; raises :class:`RevertError` on a revert."""
        return self.submit(signer, to, data, value, gas).receipt()

    def submit(
        self, signer: Signer, to: str | None, data: bytes, value: int = 0, gas: int | None = None
    ) -> Pending:
        """Estimate, sign and send; the receipt is awaited by :meth:`Pending.receipt`. An
        account's transactions keep their nonce order when each is submitted under the
        account's lock, which then need not be held while the chain works."""
        if gas is None:
            gas = self.estimate_gas(signer, to, data, value) * (100 + GAS_MARGIN_PERCENT) // 100
        _, raw = self.sign(signer, to, data, gas, value)
        try:
            tx_hash = self.send_raw(raw)
        except RpcError:
            # the nonce may or may not have been consumed: ask the node next time
            self.forget_nonces()
            raise
        return Pending(self, signer, to, data, tx_hash)

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


class _ReceiptWaiter:
    """One poller for every thread waiting on a chain's receipts.

    A waiter registers its transaction hash and sleeps on a future. The poller asks the
    node for the block number each round; receipts are fetched in one batch request for
    the hashes registered since the last round, and for all pending hashes when a new
    block appeared (or :data:`RECHECK_SECONDS` passed, in case a node announces a block
    before its receipts). The poller thread exits when nobody waits.
    """

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.lock = threading.Lock()
        self.pending: dict[str, list[Future[dict[str, Any]]]] = {}
        self.fresh: set[str] = set()
        self.thread: threading.Thread | None = None

    def wait(self, tx_hash: str, timeout: float) -> dict[str, Any]:
        future: Future[dict[str, Any]] = Future()
        with self.lock:
            self.pending.setdefault(tx_hash, []).append(future)
            self.fresh.add(tx_hash)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="receipt-poller", daemon=True)
                self.thread.start()
        try:
            return future.result(timeout)
        except FutureTimeout:
            with self.lock:
                waiting = self.pending.get(tx_hash, [])
                if future in waiting:
                    waiting.remove(future)
                if not waiting:
                    self.pending.pop(tx_hash, None)
            raise LedgerError(f"no receipt for {tx_hash} after {timeout}s") from None

    def _run(self) -> None:
        last_block = -1
        last_full = 0.0
        while True:
            with self.lock:
                if not self.pending:
                    self.thread = None
                    return
                everything = list(self.pending)
                fresh = [h for h in everything if h in self.fresh]
                self.fresh.clear()
            try:
                block = self.chain.block_number()
                now = time.monotonic()
                if block != last_block or now - last_full >= RECHECK_SECONDS:
                    ask, last_block, last_full = everything, block, now
                else:
                    ask = fresh
                found = self.chain.rpc.batch([("eth_getTransactionReceipt", [h]) for h in ask])
            except Exception as err:  # the node is away: tell the waiters, let them decide
                self._fail_all(err)
                continue
            with self.lock:
                for tx_hash, raw in zip(ask, found, strict=True):
                    if raw is not None:
                        for future in self.pending.pop(tx_hash, []):
                            future.set_result(raw)
                still_waiting = bool(self.pending)
            if still_waiting:
                time.sleep(self.chain.poll_interval)

    def _fail_all(self, err: Exception) -> None:
        with self.lock:
            waiting, self.pending = self.pending, {}
            self.fresh.clear()
        for futures in waiting.values():
            for future in futures:
                future.set_exception(err)


@dataclass
class Pending:
    """A transaction sent and not yet awaited."""

    chain: Chain
    signer: Signer
    to: str | None
    data: bytes
    tx_hash: str

    def receipt(self) -> Receipt:
        """Wait for it; raises :class:`RevertError` when it reverted."""
        receipt = self.chain.wait(self.tx_hash)
        if receipt.status != 1:
            raise self.chain._mined_revert(self.signer, self.to, self.data, receipt)
        return receipt
