"""The platform's door to the chain: the contract suite, custodial signers, the indexer.

It speaks only Ethereum JSON-RPC through :mod:`carbonledger.ledger`. Organisations' keys
are held sealed under the master key; :meth:`LedgerGateway.signer` opens one for the
duration of a request. Transactions of one account are serialised (nonces), and after
every write the indexer is brought up to the receipt's block so the SQL projection reads
what was just written.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from eth_hash.auto import keccak
from sqlalchemy import Engine

from carbonledger.ledger import Chain, Receipt, Signer, Suite, TxResult
from carbonledger.ledger.deploy import AddressBook
from carbonledger.ledger.indexer import Indexer

log = logging.getLogger("carbonledger.platform.gateway")

_deferred_index: ContextVar[list[int] | None] = ContextVar("deferred_index", default=None)

#: the bundled chain's native allowlist (see docs/chain.md); other chains have their own
PERMISSIONS_ADDRESS = "0x00000000000000000000000000000000000c0de1"
_ALLOW = keccak(b"allow(address)")[:4]
_IS_ALLOWED = keccak(b"isAllowed(address)")[:4]
#: intrinsic 21,000 + calldata + the node's fixed 20,000 for a permission change, rounded up
PERMISSION_TX_GAS = 60_000
#: gas money given to a new custodial account on chains that charge for gas
GAS_ALLOWANCE_WEI = 10**18


def _address_arg(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(address.removeprefix("0x"))


def new_private_key() -> bytes:
    while True:
        key = secrets.token_bytes(32)
        # below the secp256k1 group order and not zero
        if (
            0
            < int.from_bytes(key, "big")
            < 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
        ):
            return key


class LedgerGateway:
    def __init__(self, rpc_url: str, book: AddressBook, operator_key: str, engine: Engine) -> None:
        self.chain = Chain(rpc_url)
        if self.chain.chain_id != book.chain_id:
            raise RuntimeError(
                f"the address book is for chain {book.chain_id} but {rpc_url} is chain "
                f"{self.chain.chain_id}; deploy the contracts on this chain first"
            )
        self.book = book
        self.suite = Suite(self.chain, book)
        self.operator = Signer(operator_key)
        self.indexer = Indexer(self.chain, book, engine=engine, name="platform")
        self._index_lock = threading.Lock()
        self._account_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()
        self.permissioned = self._detect_permissioning()
        self.charges_gas = int(self.chain.rpc.call("eth_gasPrice"), 16) > 0

    def _detect_permissioning(self) -> bool:
        out = self.chain.call(
            PERMISSIONS_ADDRESS, _IS_ALLOWED + _address_arg(self.operator.address)
        )
        return len(out) == 32

    @contextmanager
    def acting(self, signer: Signer) -> Iterator[Signer]:
        """Hold the account's lock: its transactions go out one at a time, in nonce order."""
        with self._locks_guard:
            lock = self._account_locks[signer.address.lower()]
        with lock:
            yield signer

    def sync(self, to_block: int | None = None) -> int:
        """Bring the SQL projection up to `to_block` (default: the head)."""
        with self._index_lock:
            return self.indexer.sync(to_block)

    def settle(self, receipt: Receipt) -> Receipt:
        """After a write: index up to its block so reads see it — at once, or, inside a
        unit of work, right after it commits (the projection is written by another
        connection, which must not wait for the request's own open transaction)."""
        deferred = _deferred_index.get()
        if deferred is None:
            self.sync(receipt.block_number)
        else:
            deferred.append(receipt.block_number)
        return receipt

    @contextmanager
    def deferring_index(self) -> Iterator[None]:
        """Within the block, :meth:`settle` only notes blocks; they are indexed at its end."""
        blocks: list[int] = []
        token = _deferred_index.set(blocks)
        try:
            yield
        finally:
            _deferred_index.reset(token)
        if blocks:
            self.sync(max(blocks))

    def open_account(self, address: str) -> None:
        """Make a new custodial account usable: allowlist it (bundled chain) and give it
        gas money (chains that charge for gas). Idempotent."""
        with self.acting(self.operator):
            if self.permissioned:
                allowed = self.chain.call(PERMISSIONS_ADDRESS, _IS_ALLOWED + _address_arg(address))
                if int.from_bytes(allowed, "big") == 0:
                    # the node handles this address natively (no EVM code to estimate)
                    self.chain.transact(
                        self.operator,
                        PERMISSIONS_ADDRESS,
                        _ALLOW + _address_arg(address),
                        gas=PERMISSION_TX_GAS,
                    )
            if self.charges_gas and self.chain.balance(address) < GAS_ALLOWANCE_WEI // 2:
                self.chain.send_value(self.operator, address, GAS_ALLOWANCE_WEI)

    def close(self) -> None:
        self.chain.close()


class IndexFollower(threading.Thread):
    """Keeps the projection following the chain (writes by others, e.g. the market)."""

    def __init__(self, gateway: LedgerGateway, interval: float) -> None:
        super().__init__(name="indexer", daemon=True)
        self.gateway = gateway
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.gateway.sync()
            except Exception:  # a chain hiccup must not kill the follower
                log.exception("indexer follow failed; retrying")

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


def run_as(
    gateway: LedgerGateway, signer: Signer, action: Callable[[Signer], TxResult]
) -> TxResult:
    """Send one transaction as `signer` (serialised per account), then index its block."""
    with gateway.acting(signer):
        result = action(signer)
    gateway.settle(result.receipt)
    return result
