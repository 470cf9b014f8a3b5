"""Escrow of many orders in one chain transaction.

Placing an order escrows what its owner gives on chain before the engine sees it. One
transaction per order made the chain the market's bottleneck: every order paid for a
gas estimate, a signed transaction, its own trip through ordering and execution on every
node, and a receipt poll. Here each order is an :class:`OrderIntent` its owner signs
(EIP-712; the platform signs with the custodial key of the organisation, a
client-custody organisation could sign in its wallet), and the market operator places
the intents that arrived within a few milliseconds of each other with one
``Settlement.place_signed_orders`` transaction. The contract checks every owner's
signature, so batching gives the operator no power over anybody's assets that the owner
did not sign for.

The batch is atomic on chain. When it is refused (a gas estimate that reverts: some
owner cannot cover its order), each order is dry-run alone: those the chain would refuse
get their reason, the rest are placed together (one by one if they still fail together,
an owner short only for the sum of its orders), so good orders are not held back by a bad
one. An answer lost after
sending (the node down) fails the orders of the batch: their escrow, if it happened, is
released at the next start by :meth:`Market.release_orphans`, like any escrow whose
order never reached the journal.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import secrets
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from carbonledger.ledger import OrderIntent, RevertError, Signer

if TYPE_CHECKING:
    from carbonledger.ledger.contracts import Settlement
    from carbonledger.platform.gateway import LedgerGateway

log = logging.getLogger("carbonledger.platform.market")

#: orders per transaction (the contract takes up to 128; ~190k gas each, 19M a batch)
MAX_BATCH = 100
#: how long the first order of a batch waits for company
WINDOW_SECONDS = 0.004
#: transactions in flight at once (each sender thread has one)
SENDERS = 6
#: how long a signed intent stays valid on chain
INTENT_TTL_SECONDS = 600


@dataclass(frozen=True)
class Placed:
    """An order escrowed on chain."""

    order_id: int
    tx_hash: str
    block_number: int


@dataclass
class _Item:
    intent: OrderIntent
    signature: bytes
    digest: bytes
    future: Future[Placed] = field(default_factory=Future)


class EscrowBatcher:
    """Places owner-signed orders on chain in batches (see the module docstring)."""

    def __init__(
        self,
        gateway: LedgerGateway,
        operator: Signer,
        *,
        max_batch: int = MAX_BATCH,
        window: float = WINDOW_SECONDS,
        senders: int = SENDERS,
    ) -> None:
        self.gateway = gateway
        self.operator = operator
        self.max_batch = max_batch
        self.window = window
        self.queue: queue.Queue[_Item | None] = queue.Queue()
        self.stopping = threading.Event()
        self._gathering = threading.Lock()
        self.threads = [
            threading.Thread(target=self._run, name=f"escrow-{k}", daemon=True)
            for k in range(senders)
        ]
        self.batches = 0  # transactions sent (statistics for the bench and tests)

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stopping.set()
        for _ in self.threads:
            self.queue.put(None)
        for t in self.threads:
            t.join(timeout=30)

    # -- the caller's side ----------------------------------------------------------------
    def intent(
        self, owner: Signer, side: int, vintage: int, amount: int, price: int
    ) -> OrderIntent:
        return OrderIntent(
            owner.address,
            side,
            vintage,
            amount,
            price,
            secrets.randbits(128),
            int(time.time()) + INTENT_TTL_SECONDS,
        )

    def submit(
        self, intent: OrderIntent, signature: bytes, digest: bytes | None = None
    ) -> Future[Placed]:
        """Queue a signed intent (`digest`: its EIP-712 digest, when the caller has it)."""
        if self.stopping.is_set():
            raise RuntimeError("the escrow batcher is stopped")
        if digest is None:
            digest = self.gateway.suite.settlement.order_digest_local(intent)
        item = _Item(intent, signature, digest)
        self.queue.put(item)
        return item.future

    def escrow(self, owner: Signer, side: int, vintage: int, amount: int, price: int) -> Placed:
        """Sign an intent as `owner`, have it placed, wait for the answer (raises
        :class:`RevertError` when the chain refuses this order)."""
        (placed,) = self.escrow_many(owner, [(side, vintage, amount, price)])
        if isinstance(placed, RevertError):
            raise placed
        return placed

    def escrow_many(
        self, owner: Signer, orders: list[tuple[int, int, int, int]]
    ) -> list[Placed | RevertError]:
        """Escrow `owner`'s orders (side, vintage, amount, price): each signed first, then
        all queued at once so they arrive within one batch's window; each answered with
        where it was placed or why the chain refused it."""
        settlement = self.gateway.suite.settlement
        intents = [self.intent(owner, *order) for order in orders]
        digests = [settlement.order_digest_local(intent) for intent in intents]
        futures = [
            self.submit(intent, settlement.sign_digest(owner, digest), digest)
            for intent, digest in zip(intents, digests, strict=True)
        ]
        out: list[Placed | RevertError] = []
        for f in futures:
            try:
                out.append(f.result())
            except RevertError as err:
                out.append(err)
        return out

    # -- the sender threads ---------------------------------------------------------------
    def _run(self) -> None:
        while True:
            # one thread gathers a batch while the others may be sending theirs
            with self._gathering:
                batch = self._gather()
            if batch is None:
                return
            try:
                self._place(batch)
            except BaseException as err:  # never leave a caller waiting
                for it in batch:
                    if not it.future.done():
                        it.future.set_exception(err)
                if not isinstance(err, Exception):
                    raise

    def _gather(self) -> list[_Item] | None:
        """The next batch: the first order and those arriving within the window after it
        (None when stopping)."""
        first = self.queue.get()
        if first is None:
            return None
        batch = [first]
        until = time.monotonic() + self.window
        while len(batch) < self.max_batch:
            left = until - time.monotonic()
            try:
                item = self.queue.get(timeout=left) if left > 0 else self.queue.get_nowait()
            except queue.Empty:
                break
            if item is None:  # stopping: send this batch, leave the signal for the next
                self.queue.put(None)
                break
            batch.append(item)
        return batch

    def _place(self, batch: list[_Item], checked: bool = False) -> None:
        if not batch:
            return
        gw = self.gateway
        settlement = gw.suite.settlement.by(self.operator)
        try:
            # the account's lock only while the nonce is taken and the transaction sent:
            # other batches and the settler's transactions go out while this one is mined
            with gw.acting(self.operator):
                pending = settlement.submit_signed_orders(
                    [(it.intent, it.signature) for it in batch]
                )
            res = pending.result()
        except RevertError as err:
            if len(batch) == 1:
                batch[0].future.set_exception(err)
            elif checked:
                # every order passes alone but not together (one owner short for the sum
                # of its orders): one by one, in arrival order
                for it in batch:
                    self._place([it], checked=True)
            else:
                log.info("a batch of %d orders was refused (%s)", len(batch), err.reason)
                self._place(self._without_refused(settlement, batch), checked=True)
            return
        self.batches += 1
        ids = {ev["digest"]: int(ev["order_id"]) for ev in res.all("SignedOrderPlaced")}
        receipt = res.receipt
        for it in batch:
            order_id = ids.get(it.digest)
            if order_id is None:  # cannot happen with the contract as written
                it.future.set_exception(RuntimeError("the batch placed no order for an intent"))
            else:
                it.future.set_result(Placed(order_id, receipt.tx_hash, receipt.block_number))

    @staticmethod
    def _without_refused(settlement: Settlement, batch: list[_Item]) -> list[_Item]:
        """Dry-run each order alone (no transaction): those the chain would refuse get
        their reason now; the rest go on together."""
        good: list[_Item] = []
        for it in batch:
            try:
                settlement.check_signed_orders([(it.intent, it.signature)])
            except RevertError as err:
                it.future.set_exception(err)
            else:
                good.append(it)
        return good

    def __enter__(self) -> EscrowBatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.stop()
