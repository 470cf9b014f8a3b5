"""The market service: the matching engine behind HTTP, escrow and settlement on chain.

One :class:`Market` per platform process holds the engine. Each engine command runs
under one lock and is journaled with the engine's sequence number in the same database
transaction as the orders and trades it caused, so the journal (plus the latest
snapshot) rebuilds the same book after a restart. Escrow happens on chain *before* the
engine sees an order (a refused escrow never reaches the book); settlement happens after
the match, in batches of at most 128 fills, by the market operator's key
(docs/platform/market.md).

This module commits its own units of work (unlike other services): durability needs the
journal committed while the engine lock is held.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_hash.auto import keccak
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from carbonledger.ledger import RevertError, Signer
from carbonledger.ledger.contracts import Fill, Role
from carbonledger.ledger.contracts import Side as ChainSide
from carbonledger.ledger.indexer import events as ledger_events
from carbonledger.ledger.indexer import orders as ledger_orders
from carbonledger.market.engine import (
    Accepted,
    Amend,
    Amended,
    Cancel,
    Cancelled,
    CloseSession,
    Command,
    EndOfDay,
    Engine,
    Event,
    Expired,
    OpenSession,
    OrderType,
    Rejected,
    Side,
    Submit,
    TimeInForce,
    Trade,
)
from carbonledger.market.instrument import Instrument
from carbonledger.market.negotiated import BlockProblem
from carbonledger.market.service import (
    MAX_FILLS,
    FillKey,
    Listing,
    NoProtectivePriceError,
    PreCheck,
    already_settled,
    encode_command,
    escrow_for,
    precheck,
    rebuild,
)
from carbonledger.platform import problem_codes
from carbonledger.platform.db import unit_of_work, utcnow
from carbonledger.platform.errors import Problem, conflict, not_found
from carbonledger.platform.market.escrow import EscrowBatcher, Placed
from carbonledger.platform.market.models import (
    MarketInstrument,
    MarketJournal,
    MarketNotice,
    MarketOrder,
    MarketSnapshot,
    MarketTrade,
    OrderKind,
    OrderState,
    TradeState,
)
from carbonledger.platform.security import Principal

if TYPE_CHECKING:
    from carbonledger.platform.app import Platform

log = logging.getLogger("carbonledger.platform.market")

#: a trade whose settlement reverted this many times is reversed
MAX_ATTEMPTS = 3
#: a snapshot of the engine every this many journal entries
SNAPSHOT_EVERY = 1000
UNSETTLED = (TradeState.MATCHED, TradeState.SETTLING, TradeState.FAILED)
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def market_operator_key(operator_key: str) -> bytes:
    """The market operator's key, derived from the platform operator's.

    The registry gives every account exactly one role and the platform operator is its
    ADMIN, so settlement needs a second account; deriving it means there is no second
    secret to keep, and every process of the platform signs with the same account.
    """
    seed = bytes.fromhex(operator_key.removeprefix("0x"))
    key = keccak(b"carbonledger/market-operator\0" + seed)
    while not 0 < int.from_bytes(key, "big") < SECP256K1_N:
        key = keccak(key)
    return key


def account_of(org_id: int) -> str:
    """The engine's account name of an organisation."""
    return str(org_id)


def instrument_of(row: MarketInstrument) -> Instrument:
    return Instrument(
        row.code,
        tick=row.tick,
        lot=row.lot,
        price_limit_bps=row.price_limit_bps,
        block_band_bps=row.block_band_bps,
        block_min_quantity=row.block_min_quantity,
    )


def escrow_problem(err: RevertError, code: str, quantity: int, price: int) -> Problem:
    """A refused escrow as a problem naming the asset that is short."""
    reason = err.reason or ""
    if reason.startswith("allowances: insufficient"):
        return Problem(
            409,
            "insufficient-allowances",
            f"not enough {code} allowances to escrow {quantity} t for this sell order",
            field="body:quantity",
            params={"quantity_t": quantity},
        )
    if reason.startswith("coin: insufficient"):
        return Problem(
            409,
            "insufficient-coin",
            f"not enough carbon coin to escrow {quantity} t × {price} cents/t = "
            f"{quantity * price} cents for this buy order",
            field="body:quantity",
            params={"amount_cents": quantity * price},
        )
    return Problem(
        409,
        "chain-rejected",
        f"the chain refused the escrow: {reason or 'no reason'}",
        params={"reason": reason} if reason else None,
    )


def engine_code(code: str) -> str:
    """The problem code of a matching-engine code (``bad_lot`` → ``bad-lot``): the engine's
    RejectCode, BlockProblemCode and PreCheck codes are all registered problem codes."""
    return str(code).replace("_", "-")


def precheck_problem(problem: PreCheck) -> Problem:
    """An order the engine's own rules refuse, before anything is escrowed."""
    return Problem(
        409 if problem.code == "market_closed" else 422,
        engine_code(problem.code),
        problem.message,
        field=problem.field,
        params=problem.params or None,
    )


def rejected_problem(event: Rejected, status: int, **candidates: str | int | None) -> Problem:
    """A command the engine refused, with the values the caller knows that its code
    declares as params (the engine's event carries only the English message)."""
    code = engine_code(event.code)
    return Problem(
        status, code, event.message, params=problem_codes.pick(code, **candidates) or None
    )


def block_problem(problems: Sequence[BlockProblem]) -> Problem:
    """A negotiated trade that breaks the block-trade rules: the first rule as the problem,
    every broken rule in ``errors``."""
    first = problems[0]
    return Problem(
        422,
        engine_code(first.code),
        first.message,
        field="body:counterparty_id"
        if first.field in ("buyer", "seller")
        else f"body:{first.field}",
        params=dict(first.params) or None,
        errors=[
            {
                "field": f"body:{x.field}",
                "message": x.message,
                "type": engine_code(x.code),
                **({"params": dict(x.params)} if x.params else {}),
            }
            for x in problems
        ],
    )


@dataclass(frozen=True)
class OrderRequest:
    """An order as its owner asks for it (validated by the route's schema)."""

    code: str
    side: Side
    order_type: OrderType
    quantity: int
    price: int | None
    tif: TimeInForce
    client_ref: str = ""


@dataclass(frozen=True)
class EscrowTerms:
    side: ChainSide
    vintage: int
    quantity: int
    price: int


class Market:
    def __init__(
        self, platform: Platform, settle_interval: float, batch_escrow: bool = True
    ) -> None:
        self.platform = platform
        self.settle_interval = settle_interval
        self.engine = Engine()
        self.lock = threading.RLock()  # the engine and its journal
        self.settle_lock = threading.Lock()
        self.release_lock = threading.Lock()  # one releaser at a time: no double cancel
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.operator: Signer | None = None
        #: escrow through owner-signed batches (:mod:`.escrow`) where the Settlement
        #: contract has them; else one transaction per order, sent by its owner
        self.batch_escrow = batch_escrow
        self.batcher: EscrowBatcher | None = None
        self.since_snapshot = 0
        self.listeners: set[Callable[[dict[str, Any]], None]] = set()

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> None:
        self.restore()
        gw = self.platform.gateway
        if gw is None:
            return
        self.operator = Signer(market_operator_key(self.platform.settings.operator_key or ""))
        self._ensure_operator()
        if self.batch_escrow and gw.suite.settlement.supports_signed_orders():
            self.batcher = EscrowBatcher(gw, self.operator)
            self.batcher.start()
        self.release_orphans()
        if self.settle_interval > 0:
            self.thread = threading.Thread(target=self._run, name="market-settler", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.batcher is not None:
            self.batcher.stop()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
        with contextlib.suppress(Exception):
            self.snapshot()

    def restore(self) -> None:
        """Latest snapshot + journal replay: the book as the last committed command left
        it."""
        with unit_of_work(self.platform.sessions) as s:
            snap = s.execute(
                select(MarketSnapshot).order_by(MarketSnapshot.id.desc()).limit(1)
            ).scalar_one_or_none()
            after = snap.journal_id if snap is not None else 0
            entries = s.execute(
                select(MarketJournal.seq_before, MarketJournal.command)
                .where(MarketJournal.id > after)
                .order_by(MarketJournal.id)
            ).all()
            data = json.loads(snap.data) if snap is not None else None
        with self.lock:
            self.engine = rebuild(data, [(e.seq_before, e.command) for e in entries])
            self.since_snapshot = len(entries)

    def snapshot(self) -> None:
        with self.lock, unit_of_work(self.platform.sessions) as s:
            last = s.execute(select(MarketJournal.id).order_by(MarketJournal.id.desc()).limit(1))
            journal_id = last.scalar() or 0
            s.add(
                MarketSnapshot(
                    seq=self.engine.seq,
                    journal_id=journal_id,
                    data=json.dumps(self.engine.snapshot(), sort_keys=True),
                )
            )
            self.since_snapshot = 0

    def _ensure_operator(self) -> None:
        gw = self.platform.require_gateway()
        assert self.operator is not None
        address = self.operator.address
        registry = gw.suite.registry
        gw.open_account(address)
        if registry.has_role(address, Role.MARKET_OPERATOR):
            return
        if int(registry.role_of(address)) != 0:
            raise RuntimeError(
                f"the market operator account {address} is registered without the "
                "MARKET_OPERATOR role, or suspended; fix it in the registry"
            )
        with gw.acting(gw.operator):
            registry.by(gw.operator).register(address, Role.MARKET_OPERATOR, "", "")
        log.info("registered the market operator %s", address)

    # -- the engine ---------------------------------------------------------------------------
    def book(self, code: str) -> Any:
        book = self.engine.books.get(code)
        if book is None:
            raise not_found("instrument", code)
        return book

    def list_instrument(self, s: Session, row: MarketInstrument, is_open: bool) -> None:
        """Add an instrument to the engine and journal it (caller holds the lock and
        commits)."""
        listing = Listing(instrument_of(row), row.reference_price, is_open)
        s.add(
            MarketJournal(
                seq_before=self.engine.seq, seq_after=self.engine.seq, command=listing.encode()
            )
        )
        self.engine.add_instrument(
            listing.instrument, previous_close=row.reference_price, is_open=is_open
        )

    @contextlib.contextmanager
    def command(self) -> Iterator[Session]:
        """The engine lock and one unit of work; a failed commit reloads the engine from
        the journal so memory never runs ahead of the database."""
        with self.lock:
            try:
                with unit_of_work(self.platform.sessions) as s:
                    yield s
            except BaseException:
                self.restore()
                raise
        if self.since_snapshot >= SNAPSHOT_EVERY:
            self.snapshot()

    def apply(self, s: Session, command: Command, new: MarketOrder | None = None) -> list[Event]:
        """Run one command, journal it and record what it caused (lock held)."""
        events = self._engine_step(s, command, new)
        rows: dict[int, MarketOrder] = {}
        if new is not None and new.engine_order_id is not None:
            rows[new.engine_order_id] = new
        self._record(s, events, new, rows)
        return events

    def _engine_step(self, s: Session, command: Command, new: MarketOrder | None) -> list[Event]:
        """Run one command in the engine and journal it (lock held)."""
        seq_before = self.engine.seq
        events = self.engine.apply(command)
        s.add(
            MarketJournal(
                seq_before=seq_before, seq_after=self.engine.seq, command=encode_command(command)
            )
        )
        self.since_snapshot += 1
        if new is not None and isinstance(command, Submit):
            new.engine_order_id = self.engine.next_order_id - 1
        return events

    @staticmethod
    def _load_rows(s: Session, events: list[Event], rows: dict[int, MarketOrder]) -> None:
        """Fetch the order rows the events touch that `rows` lacks, in one query."""
        wanted: set[int] = set()
        for ev in events:
            if isinstance(ev, Trade):
                wanted.update((ev.buy_order_id, ev.sell_order_id))
            elif isinstance(ev, Cancelled | Expired | Amended):
                wanted.add(ev.order_id)
        missing = sorted(wanted - rows.keys())
        for k in range(0, len(missing), 500):
            for o in s.execute(
                select(MarketOrder).where(MarketOrder.engine_order_id.in_(missing[k : k + 500]))
            ).scalars():
                assert o.engine_order_id is not None
                rows[o.engine_order_id] = o

    def _record(
        self,
        s: Session,
        events: list[Event],
        new: MarketOrder | None,
        rows: dict[int, MarketOrder],
    ) -> None:
        """Write what the engine's events caused: trades, fills, ends (lock held)."""

        def row(order_id: int) -> MarketOrder:
            found = rows.get(order_id)
            if found is None:
                found = s.execute(
                    select(MarketOrder).where(MarketOrder.engine_order_id == order_id)
                ).scalar_one()
                rows[order_id] = found
            return found

        now = utcnow()
        for ev in events:
            if isinstance(ev, Trade):
                buy, sell = row(ev.buy_order_id), row(ev.sell_order_id)
                if buy.id is None or sell.id is None:
                    s.flush()  # the new order's row id, for the trade to refer to
                limits = self.engine.books[ev.instrument].price_limits
                s.add(
                    MarketTrade(
                        kind="book",
                        instrument=ev.instrument,
                        seq=ev.seq,
                        buy_order_id=buy.id,
                        sell_order_id=sell.id,
                        buy_chain_order=buy.chain_order_id,
                        sell_chain_order=sell.chain_order_id,
                        buyer_org=buy.org_id,
                        seller_org=sell.org_id,
                        price=ev.price,
                        quantity=ev.quantity,
                        aggressor=str(ev.aggressor),
                        at_limit=limits is not None and ev.price in limits,
                        matched_at=now,
                    )
                )
                for o in (buy, sell):
                    o.filled += ev.quantity
                    o.updated_at = now
                    if o.filled >= o.quantity:
                        o.state = OrderState.FILLED
            elif isinstance(ev, Cancelled):
                o = row(ev.order_id)
                o.state = OrderState.CANCELLED
                o.reason = str(ev.reason)
                o.updated_at = now
            elif isinstance(ev, Expired):
                o = row(ev.order_id)
                o.state = OrderState.EXPIRED
                o.updated_at = now
            elif isinstance(ev, Amended):
                o = row(ev.order_id)
                o.quantity = ev.quantity
                o.price = ev.price
                o.updated_at = now
            elif (
                isinstance(ev, Rejected) and new is not None and ev.order_id == new.engine_order_id
            ):
                new.state = OrderState.REJECTED
                new.reason = f"{ev.code}: {ev.message}"
            elif isinstance(ev, Accepted):
                pass

    def publish(self, events: list[Event]) -> None:
        """Tell WebSocket listeners about trades and the new depth of touched books."""
        touched: set[str] = set()
        out: list[dict[str, Any]] = []
        for ev in events:
            instrument = getattr(ev, "instrument", "")
            if instrument:
                touched.add(instrument)
            if isinstance(ev, Trade):
                out.append(
                    {
                        "type": "trade",
                        "kind": "book",
                        "instrument": ev.instrument,
                        "price": ev.price,
                        "quantity": ev.quantity,
                        "aggressor": str(ev.aggressor),
                        "seq": ev.seq,
                    }
                )
        with self.lock:
            for code in sorted(touched):
                book = self.engine.books.get(code)
                if book is not None:
                    out.append({"type": "depth", "instrument": code, **book.depth(10).to_dict()})
        self._tell(out)
        if any(isinstance(ev, Trade | Cancelled | Expired | Rejected) for ev in events):
            self.wake.set()

    def announce(self, kind: str, instrument: str, fills: list[tuple[int, int]]) -> None:
        """Tell WebSocket listeners about trades made away from the book (an auction's
        allocations, a negotiated trade): (price, quantity) each; the depth is unchanged."""
        self._tell(
            [
                {
                    "type": "trade",
                    "kind": kind,
                    "instrument": instrument,
                    "price": price,
                    "quantity": quantity,
                    "aggressor": "",
                }
                for price, quantity in fills
            ]
        )

    def _tell(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            for listener in list(self.listeners):
                with contextlib.suppress(Exception):
                    listener(message)

    # -- orders -------------------------------------------------------------------------------
    def place_order(
        self,
        p: Principal,
        code: str,
        side: Side,
        order_type: OrderType,
        quantity: int,
        price: int | None,
        tif: TimeInForce,
        client_ref: str,
        record: Callable[[Session, MarketOrder], Any] | None = None,
    ) -> tuple[MarketOrder, list[MarketTrade]]:
        """Validate, escrow, match. ``record(session, order)`` runs in the transaction
        that journals the order (the route's audit entry: one write per order)."""
        request = OrderRequest(code, side, order_type, quantity, price, tif, client_ref)
        each = None if record is None else (lambda s, orders: record(s, orders[0]))
        (outcome,) = self.place_orders(p, [request], each)
        if isinstance(outcome, Problem):
            raise outcome
        return outcome

    def place_orders(
        self,
        p: Principal,
        requests: list[OrderRequest],
        record: Callable[[Session, list[MarketOrder]], Any] | None = None,
    ) -> list[tuple[MarketOrder, list[MarketTrade]] | Problem]:
        """Several orders of one organisation: each validated, all escrowed together (one
        chain transaction where the batcher runs), then matched in their order in one
        journal transaction. Each gets its order and trades, or the problem that stopped
        it (nothing of a refused order reaches the book or stays escrowed).
        ``record(session, orders)`` runs once, in the journal transaction, with the
        orders that reached the book (the route's audit entry)."""
        platform = self.platform
        platform.require_gateway()
        codes = {r.code for r in requests}
        with unit_of_work(platform.sessions) as s:
            vintages: dict[str, int] = {}
            for code in codes:
                inst = s.get(MarketInstrument, code)
                if inst is not None:
                    vintages[code] = inst.vintage
            signer = platform.signer_for(s, p.org_id)
        outcomes: list[tuple[MarketOrder, list[MarketTrade]] | Problem | None] = []
        escrows: list[tuple[int, EscrowTerms]] = []
        for k, r in enumerate(requests):
            prepared = self._prepare(r, vintages)
            if isinstance(prepared, Problem):
                outcomes.append(prepared)
            else:
                outcomes.append(None)
                escrows.append((k, prepared))
        placed = self._escrow_all(signer, escrows)
        orders: list[tuple[int, MarketOrder, OrderRequest]] = []
        for (k, terms), result in zip(escrows, placed, strict=True):
            r = requests[k]
            if isinstance(result, RevertError):
                outcomes[k] = escrow_problem(result, r.code, terms.quantity, terms.price)
                continue
            orders.append(
                (
                    k,
                    MarketOrder(
                        kind=OrderKind.BOOK,
                        instrument=r.code,
                        org_id=p.org_id,
                        side=str(r.side),
                        order_type=str(r.order_type),
                        tif=str(r.tif),
                        price=r.price,
                        quantity=r.quantity,
                        chain_order_id=result.order_id,
                        escrow_price=terms.price,
                        escrow_quantity=terms.quantity,
                        escrow_tx=result.tx_hash,
                        client_ref=r.client_ref,
                    ),
                    r,
                )
            )
        if orders:
            events = self._journal(p, orders, outcomes, record)
            self.publish(events)
        assert all(o is not None for o in outcomes)
        return [o for o in outcomes if o is not None]

    def _prepare(self, r: OrderRequest, vintages: dict[str, int]) -> EscrowTerms | Problem:
        """What an order escrows, or why the engine would refuse it without the chain."""
        if r.code not in vintages:
            return not_found("instrument", r.code)
        with self.lock:
            book = self.engine.books.get(r.code)
            if book is None:
                return not_found("instrument", r.code)
            problem = precheck(book, r.order_type, r.quantity, r.price)
            limits = book.price_limits
        if problem is not None:
            return precheck_problem(problem)
        try:
            escrow = escrow_for(r.side, r.order_type, r.quantity, r.price, limits)
        except NoProtectivePriceError as err:
            return Problem(422, "no-protective-price", str(err), field="body:type")
        side = ChainSide.BUY if r.side is Side.BUY else ChainSide.SELL
        return EscrowTerms(side, vintages[r.code], escrow.quantity, escrow.price)

    def _escrow_all(
        self, signer: Signer, escrows: list[tuple[int, EscrowTerms]]
    ) -> list[Placed | RevertError]:
        """Escrow on chain, all at once through the batcher (else one by one)."""
        if self.batcher is not None:
            return self.batcher.escrow_many(
                signer, [(int(t.side), t.vintage, t.quantity, t.price) for _, t in escrows]
            )
        out: list[Placed | RevertError] = []
        for _, t in escrows:
            try:
                out.append(self.escrow(signer, t.side, t.vintage, t.quantity, t.price))
            except RevertError as err:
                out.append(err)
        return out

    def _journal(
        self,
        p: Principal,
        orders: list[tuple[int, MarketOrder, OrderRequest]],
        outcomes: list[tuple[MarketOrder, list[MarketTrade]] | Problem | None],
        record: Callable[[Session, list[MarketOrder]], Any] | None,
    ) -> list[Event]:
        """Match the escrowed orders in their order, journaled in one transaction."""
        events: list[Event] = []
        try:
            with self.command() as s:
                # the engine first, then the rows the fills touch fetched in one query
                steps: list[tuple[list[Event], MarketOrder]] = []
                for _, order, r in orders:
                    s.add(order)
                    command = Submit(
                        r.code,
                        account_of(p.org_id),
                        r.side,
                        r.order_type,
                        r.quantity,
                        r.price,
                        r.tif,
                        r.client_ref,
                    )
                    steps.append((self._engine_step(s, command, order), order))
                rows = {o.engine_order_id: o for _, o, _ in orders if o.engine_order_id}
                self._load_rows(s, [ev for evs, _ in steps for ev in evs], rows)
                for evs, order in steps:
                    self._record(s, evs, order, rows)
                    events += evs
                if record is not None:
                    record(s, [order for _, order, _ in orders])
                s.flush()
                ids = [order.id for _, order, _ in orders]
                trades: dict[int, list[MarketTrade]] = defaultdict(list)
                for t in s.execute(
                    select(MarketTrade).where(
                        or_(MarketTrade.buy_order_id.in_(ids), MarketTrade.sell_order_id.in_(ids))
                    )
                ).scalars():
                    trades[t.buy_order_id].append(t)
                    if t.sell_order_id != t.buy_order_id:
                        trades[t.sell_order_id].append(t)
                for k, order, _ in orders:
                    outcomes[k] = (order, sorted(trades[order.id], key=lambda t: t.id))
        except BaseException:
            # the orders never reached the journal: give their escrow back now (a crash
            # here is caught by release_orphans at the next start)
            for _, order, _ in orders:
                if order.chain_order_id is not None:
                    with contextlib.suppress(Exception):
                        self._cancel_on_chain(order.chain_order_id)
            raise
        return events

    def escrow(
        self, signer: Signer, side: ChainSide, vintage: int, quantity: int, price: int
    ) -> Placed:
        """Escrow an order's units or coin on chain for `signer` (raises RevertError
        when the chain refuses it)."""
        if self.batcher is not None:
            return self.batcher.escrow(signer, int(side), vintage, quantity, price)
        gw = self.platform.require_gateway()
        with gw.acting(signer):
            res = gw.suite.settlement.by(signer).place_order(side, vintage, quantity, price)
        receipt = res.receipt
        return Placed(
            int(res.event("OrderPlaced")["order_id"]), receipt.tx_hash, receipt.block_number
        )

    def cancel_order(self, p: Principal, order_id: int) -> MarketOrder:
        with self.command() as s:
            order = self._own_open_order(s, p, order_id)
            events = self.apply(s, Cancel(order.engine_order_id or 0, account_of(p.org_id)))
            rejected = [e for e in events if isinstance(e, Rejected)]
            if rejected:
                raise conflict("not-cancellable", rejected[0].message)
        self.publish(events)
        self.release_ended(only=order.id)
        with unit_of_work(self.platform.sessions) as s:
            return s.get(MarketOrder, order.id)  # type: ignore[return-value]

    def amend_order(
        self, p: Principal, order_id: int, quantity: int | None, price: int | None
    ) -> MarketOrder:
        """Lower the quantity (keeps priority; the escrow's excess is released when the
        order ends) or change the price / raise the quantity (a new arrival: escrowed anew
        on chain, then the old escrow is released)."""
        self.platform.require_gateway()
        with unit_of_work(self.platform.sessions) as s:
            order = self._own_open_order(s, p, order_id)
            inst = s.get(MarketInstrument, order.instrument)
            assert inst is not None
            signer = self.platform.signer_for(s, p.org_id)
        new_quantity = order.quantity if quantity is None else quantity
        new_price = order.price if price is None else price
        with self.lock:
            problem = precheck(
                self.book(order.instrument), OrderType.LIMIT, new_quantity, new_price
            )
        if problem is not None:
            raise precheck_problem(problem)
        assert new_price is not None
        re_escrow = new_price != order.price or new_quantity > order.quantity
        new_chain: int | None = None
        new_tx = ""
        if re_escrow:
            left = new_quantity - order.filled
            if left <= 0:
                raise Problem(
                    422,
                    "bad-quantity",
                    f"the new quantity must be above the {order.filled} t filled",
                    field="body:quantity",
                    params={"filled_t": order.filled},
                )
            side = ChainSide.BUY if order.side == "buy" else ChainSide.SELL
            try:
                placed = self.escrow(signer, side, inst.vintage, left, new_price)
            except RevertError as err:
                raise escrow_problem(err, order.instrument, left, new_price) from None
            new_chain = placed.order_id
            new_tx = placed.tx_hash
        old_chain = order.chain_order_id
        try:
            with self.command() as s:
                row = s.get(MarketOrder, order.id)
                assert row is not None
                if re_escrow and self._unsettled(s, row.id):
                    raise conflict(
                        "settlement-pending",
                        f"order {order_id} has trades still settling; amend it when they "
                        "are settled",
                    )
                events = self.apply(
                    s, Amend(row.engine_order_id or 0, account_of(p.org_id), quantity, price)
                )
                rejected = [e for e in events if isinstance(e, Rejected)]
                if rejected:
                    raise rejected_problem(
                        rejected[0], 422, filled_t=order.filled, instrument=order.instrument
                    )
                if re_escrow:
                    row.chain_order_id = new_chain
                    row.escrow_price = new_price
                    row.escrow_quantity = new_quantity - order.filled
                    row.escrow_tx = new_tx
        except BaseException:
            if new_chain is not None:
                with contextlib.suppress(Exception):
                    self._cancel_on_chain(new_chain)
            raise
        if re_escrow and old_chain is not None:
            self._cancel_on_chain(old_chain)
        self.publish(events)
        with unit_of_work(self.platform.sessions) as s:
            return s.get(MarketOrder, order.id)  # type: ignore[return-value]

    def _own_open_order(self, s: Session, p: Principal, order_id: int) -> MarketOrder:
        order = s.get(MarketOrder, order_id)
        if order is None or order.org_id != p.org_id:
            raise not_found("order", order_id)
        if order.kind != OrderKind.BOOK or order.state != OrderState.OPEN:
            raise conflict("order-not-open", f"order {order_id} is {order.state}, not open")
        return order

    def session(self, code: str, is_open: bool) -> list[Event]:
        with self.command() as s:
            self.book(code)
            events = self.apply(s, OpenSession(code) if is_open else CloseSession(code))
        self.publish(events)
        return events

    def end_of_day(self, code: str) -> list[Event]:
        with self.command() as s:
            self.book(code)
            events = self.apply(s, EndOfDay(code))
        self.publish(events)
        return events

    # -- settlement -------------------------------------------------------------------------
    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait(self.settle_interval)
            self.wake.clear()
            if self.stopping.is_set():
                return
            try:
                self.settle_pending()
            except Exception:  # the chain may be away for a while; try again
                if self.stopping.is_set():  # shut down mid-round: the next start resumes it
                    return
                log.exception("settlement round failed; retrying")
                self.stopping.wait(1.0)

    def settle_pending(self) -> int:
        """Settle every trade not yet settled, then release what ended orders left in
        escrow. Exactly once: trades found 'settling' (a crash, or a lost answer) are first
        looked up among the chain's TradeSettled events. Returns trades settled."""
        gw = self.platform.require_gateway()
        done = 0
        with self.settle_lock:
            self._reconcile_settling()
            while not self.stopping.is_set():
                with unit_of_work(self.platform.sessions) as s:
                    batch = list(
                        s.execute(
                            select(MarketTrade)
                            .where(
                                or_(
                                    MarketTrade.state == TradeState.MATCHED,
                                    MarketTrade.state == TradeState.FAILED,
                                )
                            )
                            .order_by(MarketTrade.id)
                            .limit(MAX_FILLS)
                        ).scalars()
                    )
                    for t in batch:
                        t.state = TradeState.SETTLING
                if not batch:
                    break
                done += self._send(gw, batch)
            self.release_ended()
        return done

    def _send(self, gw: Any, batch: list[MarketTrade]) -> int:
        assert self.operator is not None
        fills = [Fill(t.buy_chain_order, t.sell_chain_order, t.quantity, t.price) for t in batch]
        try:
            with gw.acting(self.operator):  # held while sending, not while mined
                pending = gw.suite.settlement.by(self.operator).submit_settle(fills)
            res = pending.result()
        except RevertError as err:
            if len(batch) > 1:  # one bad fill reverts the batch: find it
                return sum(self._send(gw, [t]) for t in batch)
            self._failed(batch[0], err.reason or "reverted without a reason")
            return 0
        # LedgerError (no answer): the trades stay 'settling' for the reconciliation
        now = utcnow()
        with unit_of_work(self.platform.sessions) as s:
            s.execute(
                update(MarketTrade)
                .where(MarketTrade.id.in_([t.id for t in batch]))
                .values(
                    state=TradeState.SETTLED,
                    tx_hash=res.receipt.tx_hash,
                    block_number=res.receipt.block_number,
                    settled_at=now,
                )
                .execution_options(synchronize_session=False)
            )
        return len(batch)

    def _failed(self, trade: MarketTrade, reason: str) -> None:
        with unit_of_work(self.platform.sessions) as s:
            row = s.get(MarketTrade, trade.id)
            assert row is not None
            row.attempts += 1
            row.last_error = reason[:300]
            row.state = TradeState.FAILED
            if row.attempts < MAX_ATTEMPTS:
                return
            row.state = TradeState.REVERSED
            for org in (row.buyer_org, row.seller_org):
                s.add(
                    MarketNotice(
                        org_id=org,
                        kind="trade-reversed",
                        trade_id=row.id,
                        message=(
                            f"trade {row.id} ({row.quantity} t of {row.instrument} at "
                            f"{row.price} cents/t) could not be settled on chain ({reason}); "
                            "it is reversed and both orders are cancelled with their escrow "
                            "released"
                        ),
                    )
                )
            ends = [s.get(MarketOrder, row.buy_order_id), s.get(MarketOrder, row.sell_order_id)]
        events: list[Event] = []
        with self.command() as s:
            for o in ends:
                assert o is not None
                current = s.get(MarketOrder, o.id)
                assert current is not None
                if current.state == OrderState.OPEN and current.engine_order_id is not None:
                    events += self.apply(
                        s, Cancel(current.engine_order_id, account_of(current.org_id))
                    )
                # what was reversed was never filled; the order ends here either way
                current.filled -= trade.quantity
                current.state = OrderState.CANCELLED
                current.reason = "settlement_reversed"
        self.publish(events)

    def _reconcile_settling(self) -> None:
        with unit_of_work(self.platform.sessions) as s:
            pending = list(
                s.execute(
                    select(MarketTrade)
                    .where(MarketTrade.state == TradeState.SETTLING)
                    .order_by(MarketTrade.id)
                ).scalars()
            )
        if not pending:
            return
        gw = self.platform.require_gateway()
        gw.sync()
        chain_orders = {t.buy_chain_order for t in pending}
        seen: dict[FillKey, list[tuple[str, int]]] = defaultdict(list)
        with unit_of_work(self.platform.sessions) as s:
            rows = s.execute(
                select(ledger_events.c.args, ledger_events.c.tx_hash, ledger_events.c.block_number)
                .where(
                    ledger_events.c.contract == "settlement", ledger_events.c.name == "TradeSettled"
                )
                .order_by(ledger_events.c.block_number, ledger_events.c.log_index)
            ).all()
            settled = s.execute(
                select(MarketTrade).where(
                    MarketTrade.state == TradeState.SETTLED,
                    MarketTrade.buy_chain_order.in_(chain_orders),
                )
            ).scalars()
            settled_keys = [
                (t.buy_chain_order, t.sell_chain_order, t.quantity, t.price) for t in settled
            ]
        for args_text, tx_hash, block in rows:
            a = json.loads(args_text)
            if int(a["buy_order"]) in chain_orders:
                key = (int(a["buy_order"]), int(a["sell_order"]), int(a["amount"]), int(a["price"]))
                seen[key].append((tx_hash, block))
        keyed = [
            (t.id, (t.buy_chain_order, t.sell_chain_order, t.quantity, t.price)) for t in pending
        ]
        on_chain = [k for k, found in seen.items() for _ in found]
        found_ids = set(already_settled(keyed, settled_keys, on_chain))
        used: dict[FillKey, int] = defaultdict(int)
        for k in settled_keys:
            used[k] += 1
        now = utcnow()
        with unit_of_work(self.platform.sessions) as s:
            for trade_id, key in keyed:
                row = s.get(MarketTrade, trade_id)
                assert row is not None
                if trade_id in found_ids:
                    tx_hash, block = seen[key][used[key]]
                    used[key] += 1
                    row.state = TradeState.SETTLED
                    row.tx_hash = tx_hash
                    row.block_number = block
                    row.settled_at = now
                else:
                    row.state = TradeState.MATCHED
        log.info("reconciled %d settling trades: %d already on chain", len(keyed), len(found_ids))

    def _unsettled(self, s: Session, order_id: int) -> bool:
        q = select(MarketTrade.id).where(
            or_(MarketTrade.buy_order_id == order_id, MarketTrade.sell_order_id == order_id),
            MarketTrade.state.in_(UNSETTLED),
        )
        return s.execute(q.limit(1)).first() is not None

    def release_ended(self, only: int | None = None) -> int:
        """Give back what ended orders (filled, cancelled, expired, rejected, reversed)
        still hold in escrow, once none of their trades is waiting for settlement."""
        with self.release_lock:
            return self._release_ended(only)

    def _release_ended(self, only: int | None) -> int:
        released = 0
        with unit_of_work(self.platform.sessions) as s:
            q = select(MarketOrder).where(
                MarketOrder.released.is_(False),
                MarketOrder.state != OrderState.OPEN,
            )
            if only is not None:
                q = q.where(MarketOrder.id == only)
            candidates = list(s.execute(q).scalars())
            # two set queries for all of them (a busy market ends hundreds of orders a round)
            waiting = self._with_unsettled(s, [o.id for o in candidates])
            ended = [o for o in candidates if o.id not in waiting]
            used = self._settled_quantities(s, [o.chain_order_id for o in ended])
        quiet = [
            o.id
            for o in ended
            if o.chain_order_id is None or used.get(o.chain_order_id, 0) >= o.escrow_quantity
        ]
        if quiet:
            with unit_of_work(self.platform.sessions) as s:
                for done in s.execute(
                    select(MarketOrder).where(MarketOrder.id.in_(quiet))
                ).scalars():
                    done.released = True
            released += len(quiet)
        for o in ended:
            if o.id in quiet:
                continue
            tx = ""
            if o.chain_order_id is not None:
                try:
                    tx = self._cancel_on_chain(o.chain_order_id)
                except RevertError as err:
                    # e.g. the owner is suspended: it can receive nothing until it is
                    # reactivated; the escrow stays safe in the contract, retried later
                    log.warning("cannot release order %s yet: %s", o.id, err.reason)
                    continue
            with unit_of_work(self.platform.sessions) as s:
                row = s.get(MarketOrder, o.id)
                assert row is not None
                row.released = True
                row.release_tx = tx
            released += 1
        return released

    @staticmethod
    def _with_unsettled(s: Session, order_ids: list[int]) -> set[int]:
        """Which of these orders have a trade not yet settled (in chunks: SQL parameter
        limits)."""
        out: set[int] = set()
        for k in range(0, len(order_ids), 500):
            chunk = order_ids[k : k + 500]
            for buy, sell in s.execute(
                select(MarketTrade.buy_order_id, MarketTrade.sell_order_id).where(
                    or_(
                        MarketTrade.buy_order_id.in_(chunk),
                        MarketTrade.sell_order_id.in_(chunk),
                    ),
                    MarketTrade.state.in_(UNSETTLED),
                )
            ):
                out.update((buy, sell))
        return out

    @staticmethod
    def _settled_quantities(s: Session, chain_ids: list[int | None]) -> dict[int, int]:
        """Tonnes settled on chain per Settlement order id (as buyer or seller)."""
        wanted = [c for c in chain_ids if c is not None]
        used: dict[int, int] = defaultdict(int)
        for k in range(0, len(wanted), 500):
            chunk = wanted[k : k + 500]
            for column in (MarketTrade.buy_chain_order, MarketTrade.sell_chain_order):
                for chain_id, total in s.execute(
                    select(column, func.sum(MarketTrade.quantity))
                    .where(column.in_(chunk), MarketTrade.state == TradeState.SETTLED)
                    .group_by(column)
                ):
                    used[chain_id] += int(total)
        return used

    def _cancel_on_chain(self, chain_order_id: int) -> str:
        """Release a Settlement order's remaining escrow (no-op when it is closed)."""
        gw = self.platform.require_gateway()
        assert self.operator is not None
        settlement = gw.suite.settlement
        if not settlement.order(chain_order_id).open:
            return ""
        try:
            with gw.acting(self.operator):
                res = settlement.by(self.operator).cancel_order(chain_order_id)
        except RevertError:
            if not settlement.order(chain_order_id).open:  # closed meanwhile: nothing left
                return ""
            raise
        return res.receipt.tx_hash

    def release_orphans(self) -> int:
        """Open Settlement orders of this platform's enterprises that no market order
        refers to: escrowed by a process that stopped before journaling the order (or an
        amendment's old escrow). Their escrow goes back to the owner."""
        from carbonledger.platform.accounts.models import Organisation

        gw = self.platform.require_gateway()
        gw.sync()
        with unit_of_work(self.platform.sessions) as s:
            ours = {
                a.lower()
                for a in s.execute(
                    select(Organisation.address).where(Organisation.address.is_not(None))
                ).scalars()
                if a
            }
            known = set(
                s.execute(
                    select(MarketOrder.chain_order_id).where(
                        MarketOrder.chain_order_id.is_not(None)
                    )
                ).scalars()
            )
            open_orders = s.execute(
                select(ledger_orders.c.order_id, ledger_orders.c.owner).where(
                    ledger_orders.c.open.is_(True)
                )
            ).all()
        count = 0
        for order_id, owner in open_orders:
            if int(order_id) not in known and owner.lower() in ours:
                log.warning("releasing the escrow of unjournaled chain order %s", order_id)
                self._cancel_on_chain(int(order_id))
                count += 1
        return count

    # -- negotiated trades ------------------------------------------------------------------
    def propose_deal(
        self,
        p: Principal,
        code: str,
        counterparty_id: int,
        as_seller: bool,
        quantity: int,
        price: int,
    ) -> Any:
        from carbonledger.market.negotiated import BlockProposal, block_trade_problems
        from carbonledger.platform.accounts.models import Organisation, OrgStatus
        from carbonledger.platform.market.models import MarketDeal

        gw = self.platform.require_gateway()
        with unit_of_work(self.platform.sessions) as s:
            inst = s.get(MarketInstrument, code)
            if inst is None:
                raise not_found("instrument", code)
            other = s.get(Organisation, counterparty_id)
            if (
                other is None
                or other.kind != "enterprise"
                or other.status != OrgStatus.ACTIVE
                or not other.certified
                or other.address is None
            ):
                raise Problem(
                    404,
                    "not-found",
                    f"enterprise {counterparty_id} does not exist or cannot trade",
                    field="body:counterparty_id",
                )
            counterparty = other.address
            signer = self.platform.signer_for(s, p.org_id)
            vintage = inst.vintage
        with self.lock:
            book = self.book(code)
            seller, buyer = (
                (p.org_id, counterparty_id) if as_seller else (counterparty_id, p.org_id)
            )
            problems = block_trade_problems(
                BlockProposal(code, account_of(buyer), account_of(seller), price, quantity),
                book.instrument,
                book.previous_close,
            )
        if problems:
            raise block_problem(problems)
        with gw.acting(signer):
            res = gw.suite.settlement.by(signer).propose_deal(
                counterparty, as_seller, vintage, quantity, price
            )
        with unit_of_work(self.platform.sessions) as s:
            deal = MarketDeal(
                instrument=code,
                chain_deal_id=int(res.event("DealProposed")["deal_id"]),
                proposer_org=p.org_id,
                counterparty_org=counterparty_id,
                seller_org=seller,
                buyer_org=buyer,
                price=price,
                quantity=quantity,
                proposed_tx=res.receipt.tx_hash,
            )
            s.add(deal)
            s.flush()
        return deal

    def decide_deal(self, p: Principal, deal_id: int, accept: bool) -> Any:
        from carbonledger.platform.market.models import MarketDeal

        gw = self.platform.require_gateway()
        with unit_of_work(self.platform.sessions) as s:
            deal = s.get(MarketDeal, deal_id)
            if deal is None or p.org_id not in (deal.proposer_org, deal.counterparty_org):
                raise not_found("deal", deal_id)
            if deal.state != "proposed":
                raise conflict("deal-not-open", f"deal {deal_id} is {deal.state}")
            if accept and p.org_id != deal.counterparty_org:
                raise Problem(
                    403,
                    "forbidden",
                    "only the counterparty accepts a deal; the proposer approved it by proposing",
                )
            signer = self.platform.signer_for(s, p.org_id)
            inst = s.get(MarketInstrument, deal.instrument)
            assert inst is not None
            vintage = inst.vintage
        settlement = gw.suite.settlement.by(signer)
        try:
            with gw.acting(signer):
                if accept:
                    res = settlement.accept_deal(
                        deal.chain_deal_id, vintage, deal.quantity, deal.price
                    )
                else:
                    res = settlement.cancel_deal(deal.chain_deal_id)
        except RevertError as err:
            reason = err.reason or ""
            if "allowances: insufficient" in reason:
                raise Problem(
                    409,
                    "insufficient-allowances",
                    f"the seller lacks {deal.quantity} t of {deal.instrument} "
                    "allowances for this deal",
                    params={"quantity_t": deal.quantity},
                ) from None
            if "coin: insufficient" in reason:
                raise Problem(
                    409,
                    "insufficient-coin",
                    f"the buyer lacks {deal.quantity * deal.price} cents of carbon "
                    "coin for this deal",
                    params={"amount_cents": deal.quantity * deal.price},
                ) from None
            raise
        with unit_of_work(self.platform.sessions) as s:
            row = s.get(MarketDeal, deal_id)
            assert row is not None
            row.state = "settled" if accept else "cancelled"
            row.tx_hash = res.receipt.tx_hash
            row.block_number = res.receipt.block_number
            row.decided_at = utcnow()
        if accept:
            self.announce("deal", row.instrument, [(row.price, row.quantity)])
        return row

    # -- auctions ---------------------------------------------------------------------------
    def _escrow_only(
        self,
        p: Principal,
        code: str,
        side: Side,
        quantity: int,
        price: int,
        kind: OrderKind,
        auction_id: int | None,
    ) -> MarketOrder:
        """An auction's offer or bid: escrowed on chain, kept out of the order book."""
        self.platform.require_gateway()
        with unit_of_work(self.platform.sessions) as s:
            inst = s.get(MarketInstrument, code)
            if inst is None:
                raise not_found("instrument", code)
            signer = self.platform.signer_for(s, p.org_id)
            vintage, lot, tick = inst.vintage, inst.lot, inst.tick
        if quantity % lot:
            raise Problem(
                422,
                "bad-lot",
                f"{quantity} t is not a multiple of the lot of {lot} t",
                field="body:quantity",
                params={"quantity_t": quantity, "lot_t": lot},
            )
        if price % tick:
            raise Problem(
                422,
                "bad-tick",
                f"{price} is not on the {tick}-cent tick",
                field="body:price" if kind is OrderKind.AUCTION_BID else "body:reserve",
                params={"price_cents_per_t": price, "tick_cents_per_t": tick},
            )
        chain_side = ChainSide.BUY if side is Side.BUY else ChainSide.SELL
        try:
            placed = self.escrow(signer, chain_side, vintage, quantity, price)
        except RevertError as err:
            raise escrow_problem(err, code, quantity, price) from None
        with unit_of_work(self.platform.sessions) as s:
            order = MarketOrder(
                kind=kind,
                instrument=code,
                org_id=p.org_id,
                side=str(side),
                order_type="limit",
                tif="day",
                price=price,
                quantity=quantity,
                chain_order_id=placed.order_id,
                escrow_price=price,
                escrow_quantity=quantity,
                escrow_tx=placed.tx_hash,
                auction_id=auction_id,
            )
            s.add(order)
            s.flush()
        return order

    def open_auction(self, p: Principal, code: str, quantity: int, reserve: int) -> Any:
        from carbonledger.platform.market.models import MarketAuction

        offer = self._escrow_only(
            p, code, Side.SELL, quantity, reserve, OrderKind.AUCTION_OFFER, None
        )
        with unit_of_work(self.platform.sessions) as s:
            auction = MarketAuction(
                instrument=code,
                seller_org=p.org_id,
                quantity=quantity,
                reserve=reserve,
                offer_order_id=offer.id,
            )
            s.add(auction)
            s.flush()
            row = s.get(MarketOrder, offer.id)
            assert row is not None
            row.auction_id = auction.id
        return auction

    def bid(self, p: Principal, auction_id: int, price: int, quantity: int) -> MarketOrder:
        from carbonledger.platform.market.models import MarketAuction

        with unit_of_work(self.platform.sessions) as s:
            auction = s.get(MarketAuction, auction_id)
            if auction is None:
                raise not_found("auction", auction_id)
            if auction.state != "open":
                raise conflict("auction-closed", f"auction {auction_id} is closed")
            if auction.seller_org == p.org_id:
                raise conflict("self-trade", "a seller cannot bid in its own auction")
            code = auction.instrument
        return self._escrow_only(
            p, code, Side.BUY, quantity, price, OrderKind.AUCTION_BID, auction_id
        )

    def close_auction(self, p: Principal, auction_id: int) -> Any:
        """Clear at one price; the allocations become trades settled like the book's."""
        from carbonledger.market.auction import Bid, clear
        from carbonledger.platform.market.models import MarketAuction

        with unit_of_work(self.platform.sessions) as s:
            auction = s.get(MarketAuction, auction_id)
            if auction is None or (p.kind != "regulator" and auction.seller_org != p.org_id):
                raise not_found("auction", auction_id)
            if auction.state != "open":
                raise conflict("auction-closed", f"auction {auction_id} is already closed")
            inst = s.get(MarketInstrument, auction.instrument)
            offer = s.get(MarketOrder, auction.offer_order_id)
            assert inst is not None and offer is not None
            bids = list(
                s.execute(
                    select(MarketOrder)
                    .where(
                        MarketOrder.auction_id == auction_id,
                        MarketOrder.kind == OrderKind.AUCTION_BID,
                    )
                    .order_by(MarketOrder.id)
                ).scalars()
            )
            result = clear(
                auction.quantity,
                auction.reserve,
                [Bid(str(b.id), account_of(b.org_id), b.price or 0, b.quantity) for b in bids],
                lot=inst.lot,
                tick=inst.tick,
            )
            now = utcnow()
            granted = {int(a.bid_id): a.allocated for a in result.allocations}
            for b in bids:
                b.filled = granted.get(b.id, 0)
                b.state = OrderState.FILLED if b.filled == b.quantity else OrderState.CANCELLED
                b.updated_at = now
                if b.filled:
                    s.add(
                        MarketTrade(
                            kind="auction",
                            instrument=auction.instrument,
                            seq=None,
                            buy_order_id=b.id,
                            sell_order_id=offer.id,
                            buy_chain_order=b.chain_order_id,
                            sell_chain_order=offer.chain_order_id,
                            buyer_org=b.org_id,
                            seller_org=offer.org_id,
                            price=result.clearing_price or 0,
                            quantity=b.filled,
                            aggressor="",
                            matched_at=now,
                        )
                    )
            offer.filled = result.sold
            offer.state = OrderState.FILLED if result.unsold == 0 else OrderState.CANCELLED
            offer.updated_at = now
            auction.state = "closed"
            auction.clearing_price = result.clearing_price
            auction.sold = result.sold
            auction.closed_at = now
            code, price = auction.instrument, result.clearing_price or 0
        self.wake.set()
        self.announce("auction", code, [(price, a.allocated) for a in result.allocations])
        return auction
