"""The matching engine: a limit order book per instrument with price–time priority.

Pure and deterministic: no I/O, no clock, no randomness. Every command (submit, cancel,
amend, open, close, end of day) returns the list of events it caused, and every event
carries the engine's global sequence number, so the service can journal commands, replay
them and get the same events and the same book. ``Engine.snapshot()`` gives the whole
state as a plain JSON-able dict and ``Engine.restore()`` rebuilds it exactly.

Rules (docs/market.md says the same for users):

- Prices are integer cents per tonne on the instrument's tick grid; quantities are
  integer tonnes, a positive multiple of the lot.
- Limit prices must lie within the daily price limits around the previous close.
- Priority is price, then time of arrival. A trade is priced at the resting order's price.
- Market orders sweep the book; what they cannot fill at once is cancelled. IOC orders
  trade what they can and the rest is cancelled. FOK orders trade in full at once or are
  rejected without touching the book. DAY limit orders rest until filled, cancelled or the
  end of the day.
- Self-trade prevention, policy *cancel resting*: an incoming order never trades with a
  resting order of the same account; that resting order is cancelled (reason
  ``self_trade``) and the incoming order goes on matching against the next one.
- Amend: lowering the quantity keeps the order's place in the queue; a new price or a
  higher quantity is a new arrival (it loses its place and may trade at once).
- Order ids are given to every submission, accepted or rejected, from one counter.

Implementation: per side a dict price → deque of orders, a running total per level and a
heap of the level prices (bids negated). Cancelled orders are removed from their queue
lazily (skipped when they reach the front); empty levels leave the heap lazily too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from enum import StrEnum
from heapq import heappop, heappush
from typing import Any, ClassVar

from carbonledger.market.instrument import Instrument, band

SNAPSHOT_FORMAT = "carbonledger/market-engine@1"


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class OrderType(StrEnum):
    LIMIT = "limit"
    MARKET = "market"


class TimeInForce(StrEnum):
    DAY = "day"  # rests until filled, cancelled or the end of the day
    IOC = "ioc"  # immediate or cancel: trade what is possible now, cancel the rest
    FOK = "fok"  # fill or kill: trade all of it now or nothing


class RejectCode(StrEnum):
    """Why a command was refused; the command changed nothing but the sequence number."""

    UNKNOWN_INSTRUMENT = "unknown_instrument"
    MARKET_CLOSED = "market_closed"
    BAD_ACCOUNT = "bad_account"
    BAD_QUANTITY = "bad_quantity"
    BAD_LOT = "bad_lot"
    BAD_TICK = "bad_tick"
    MISSING_PRICE = "missing_price"
    UNEXPECTED_PRICE = "unexpected_price"
    PRICE_LIMIT = "price_limit"
    FOK_NOT_FILLABLE = "fok_not_fillable"
    UNKNOWN_ORDER = "unknown_order"
    NOT_OWNER = "not_owner"
    NO_CHANGE = "no_change"


class CancelReason(StrEnum):
    REQUESTED = "requested"  # the account cancelled it
    SELF_TRADE = "self_trade"  # resting order met an incoming order of the same account
    UNFILLED_IOC = "unfilled_ioc"  # the rest of an IOC order
    UNFILLED_MARKET = "unfilled_market"  # the rest of a market order


# --- events ---------------------------------------------------------------------------------


class Event:
    """Base of all events. ``seq`` is the engine's global sequence number."""

    __slots__ = ()
    kind: ClassVar[str] = "event"
    seq: int

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            out[f.name] = getattr(self, f.name)
        return out


@dataclass(slots=True)
class Accepted(Event):
    kind: ClassVar[str] = "accepted"
    seq: int
    instrument: str
    order_id: int
    account: str
    side: Side
    order_type: OrderType
    price: int | None
    quantity: int
    tif: TimeInForce
    client_ref: str


@dataclass(slots=True)
class Rejected(Event):
    """A refused command. ``order_id``: the id given to a refused submission, or the order a
    refused cancel/amend named."""

    kind: ClassVar[str] = "rejected"
    seq: int
    instrument: str
    order_id: int | None
    account: str
    code: RejectCode
    message: str
    client_ref: str = ""


@dataclass(slots=True)
class Trade(Event):
    kind: ClassVar[str] = "trade"
    seq: int
    instrument: str
    buy_order_id: int
    sell_order_id: int
    buyer: str
    seller: str
    price: int
    quantity: int
    aggressor: Side


@dataclass(slots=True)
class Cancelled(Event):
    """``quantity``: the unfilled tonnes that were cancelled."""

    kind: ClassVar[str] = "cancelled"
    seq: int
    instrument: str
    order_id: int
    account: str
    quantity: int
    reason: CancelReason


@dataclass(slots=True)
class Amended(Event):
    """``quantity`` is the new total (filled + open), ``remaining`` the new open quantity."""

    kind: ClassVar[str] = "amended"
    seq: int
    instrument: str
    order_id: int
    account: str
    price: int
    quantity: int
    remaining: int
    kept_priority: bool


@dataclass(slots=True)
class Expired(Event):
    kind: ClassVar[str] = "expired"
    seq: int
    instrument: str
    order_id: int
    account: str
    quantity: int


@dataclass(slots=True)
class SessionChanged(Event):
    kind: ClassVar[str] = "session"
    seq: int
    instrument: str
    open: bool


@dataclass(slots=True)
class DayEnded(Event):
    """``close``: the new previous close (the day's last trade, or the old close if none)."""

    kind: ClassVar[str] = "day_ended"
    seq: int
    instrument: str
    close: int | None


# --- commands (for journaling and replay) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submit:
    instrument: str
    account: str
    side: Side
    order_type: OrderType
    quantity: int
    price: int | None = None
    tif: TimeInForce = TimeInForce.DAY
    client_ref: str = ""


@dataclass(frozen=True, slots=True)
class Cancel:
    order_id: int
    account: str


@dataclass(frozen=True, slots=True)
class Amend:
    order_id: int
    account: str
    quantity: int | None = None
    price: int | None = None


@dataclass(frozen=True, slots=True)
class OpenSession:
    instrument: str


@dataclass(frozen=True, slots=True)
class CloseSession:
    instrument: str


@dataclass(frozen=True, slots=True)
class EndOfDay:
    instrument: str


Command = Submit | Cancel | Amend | OpenSession | CloseSession | EndOfDay


# --- the book -------------------------------------------------------------------------------


class Order:
    """A resting (or incoming) limit order. ``remaining == 0`` means it has left the book."""

    __slots__ = ("account", "client_ref", "filled", "id", "price", "quantity", "remaining", "side")

    def __init__(
        self,
        id: int,
        account: str,
        side: Side,
        price: int,
        quantity: int,
        client_ref: str,
        filled: int = 0,
    ) -> None:
        self.id = id
        self.account = account
        self.side = side
        self.price = price
        self.quantity = quantity
        self.filled = filled
        self.remaining = quantity - filled
        self.client_ref = client_ref

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account": self.account,
            "side": str(self.side),
            "price": self.price,
            "quantity": self.quantity,
            "filled": self.filled,
            "client_ref": self.client_ref,
        }


@dataclass(frozen=True, slots=True)
class Level:
    price: int
    quantity: int
    orders: int


@dataclass(frozen=True, slots=True)
class Depth:
    bids: list[Level]
    asks: list[Level]

    def to_dict(self) -> dict[str, Any]:
        return {
            "bids": [[lv.price, lv.quantity, lv.orders] for lv in self.bids],
            "asks": [[lv.price, lv.quantity, lv.orders] for lv in self.asks],
        }


class _Side:
    """One side of a book: price → queue, price → open quantity, and a heap of prices."""

    __slots__ = ("dead", "heap", "in_heap", "levels", "qty", "sign")

    def __init__(self, sign: int) -> None:
        self.sign = sign  # +1 asks (lowest first), -1 bids (highest first)
        self.levels: dict[int, deque[Order]] = {}
        self.qty: dict[int, int] = {}
        self.heap: list[int] = []  # sign × price
        self.in_heap: set[int] = set()
        self.dead: dict[int, int] = {}  # price -> left orders still sitting in its queue

    def best(self) -> int | None:
        heap = self.heap
        levels = self.levels
        while heap:
            key = heap[0]
            price = key * self.sign
            if price in levels:
                return price
            heappop(heap)
            self.in_heap.discard(price)
        return None

    def add(self, order: Order) -> None:
        price = order.price
        queue = self.levels.get(price)
        if queue is None:
            self.levels[price] = deque((order,))
            self.qty[price] = order.remaining
            if price not in self.in_heap:
                self.in_heap.add(price)
                heappush(self.heap, price * self.sign)
        else:
            queue.append(order)
            self.qty[price] += order.remaining

    def reduce(self, price: int, by: int) -> None:
        """Lower a level's open quantity by ``by`` t (an order there was reduced in place)."""
        self.qty[price] -= by

    def remove(self, order: Order) -> None:
        """Take an open order out of the book. Its queue entry is skipped when it reaches
        the front; a queue that is mostly such entries is compacted, so cancelling and
        re-placing behind a long-lived order cannot grow it without bound."""
        price = order.price
        left = self.qty[price] - order.remaining
        order.remaining = 0
        if not left:
            del self.qty[price]
            del self.levels[price]
            self.dead.pop(price, None)
            return
        self.qty[price] = left
        dead = self.dead.get(price, 0) + 1
        queue = self.levels[price]
        if dead > 16 and dead * 2 > len(queue):
            self.levels[price] = deque(o for o in queue if o.remaining)
            dead = 0
        self.dead[price] = dead

    def clear(self) -> None:
        self.levels.clear()
        self.qty.clear()
        self.heap.clear()
        self.in_heap.clear()
        self.dead.clear()

    def prices(self) -> list[int]:
        """Level prices, best first."""
        return sorted(self.levels, key=lambda p: p * self.sign)

    def orders(self) -> Iterator[Order]:
        """Open orders in priority order (best price first, then time)."""
        for price in self.prices():
            for order in self.levels[price]:
                if order.remaining:
                    yield order


class OrderBook:
    """The state of one instrument: its resting orders, session and prices."""

    __slots__ = (
        "asks",
        "bids",
        "day_last_price",
        "high",
        "instrument",
        "is_open",
        "last_price",
        "low",
        "previous_close",
    )

    def __init__(
        self, instrument: Instrument, previous_close: int | None = None, is_open: bool = True
    ) -> None:
        self.instrument = instrument
        self.is_open = is_open
        self.bids = _Side(-1)
        self.asks = _Side(1)
        self.last_price: int | None = None
        self.day_last_price: int | None = None
        self.previous_close: int | None = None
        self.low = 0
        self.high = 0
        self.set_previous_close(previous_close)

    def set_previous_close(self, close: int | None) -> None:
        self.previous_close = close
        bps = self.instrument.price_limit_bps
        if close is None or bps is None:
            self.low, self.high = 0, 1 << 62
        else:
            self.low, self.high = band(close, bps, self.instrument.tick)

    @property
    def price_limits(self) -> tuple[int, int] | None:
        """The (lowest, highest) limit price allowed today, or None without limits."""
        if self.previous_close is None or self.instrument.price_limit_bps is None:
            return None
        return self.low, self.high

    def best_bid(self) -> int | None:
        return self.bids.best()

    def best_ask(self) -> int | None:
        return self.asks.best()

    def depth(self, levels: int = 5) -> Depth:
        def side(s: _Side) -> list[Level]:
            out = []
            for price in s.prices()[:levels]:
                count = sum(1 for o in s.levels[price] if o.remaining)
                out.append(Level(price, s.qty[price], count))
            return out

        return Depth(side(self.bids), side(self.asks))

    def orders(self, side: Side) -> list[Order]:
        """Open orders of one side in priority order."""
        return list((self.bids if side is Side.BUY else self.asks).orders())


class Engine:
    """Order books of several instruments sharing one order-id counter and one sequence."""

    __slots__ = ("books", "next_order_id", "orders", "seq")

    def __init__(self) -> None:
        self.books: dict[str, OrderBook] = {}
        self.orders: dict[int, tuple[OrderBook, Order]] = {}  # open orders by id
        self.seq = 0  # sequence number of the last event
        self.next_order_id = 1

    # --- configuration ---

    def add_instrument(
        self, instrument: Instrument, *, previous_close: int | None = None, is_open: bool = True
    ) -> OrderBook:
        if instrument.id in self.books:
            raise ValueError(f"instrument {instrument.id!r} is already listed")
        if previous_close is not None and (type(previous_close) is not int or previous_close <= 0):
            raise ValueError(
                f"previous_close must be a positive integer of cents, got {previous_close!r}"
            )
        book = OrderBook(instrument, previous_close, is_open)
        self.books[instrument.id] = book
        return book

    def book(self, instrument: str) -> OrderBook:
        return self.books[instrument]

    # --- commands ---

    def apply(self, command: Command) -> list[Event]:
        """Run one journaled command."""
        match command:
            case Submit():
                return self.submit(
                    command.instrument,
                    command.account,
                    command.side,
                    command.order_type,
                    command.quantity,
                    command.price,
                    command.tif,
                    command.client_ref,
                )
            case Cancel():
                return self.cancel(command.order_id, command.account)
            case Amend():
                return self.amend(
                    command.order_id,
                    command.account,
                    quantity=command.quantity,
                    price=command.price,
                )
            case OpenSession():
                return self.open_session(command.instrument)
            case CloseSession():
                return self.close_session(command.instrument)
            case EndOfDay():
                return self.end_of_day(command.instrument)
        raise TypeError(f"not a market command: {command!r}")

    def open_session(self, instrument: str) -> list[Event]:
        return self._session(instrument, True)

    def close_session(self, instrument: str) -> list[Event]:
        """Stop trading (e.g. a halt). Resting orders stay; they may still be cancelled."""
        return self._session(instrument, False)

    def _session(self, instrument: str, is_open: bool) -> list[Event]:
        book = self.books.get(instrument)
        self.seq += 1
        if book is None:
            return [self._unknown_instrument(instrument, None, "")]
        book.is_open = is_open
        return [SessionChanged(self.seq, instrument, is_open)]

    def end_of_day(self, instrument: str) -> list[Event]:
        """Expire every resting order (all are DAY orders), close the session and take the
        day's last trade price as the previous close for tomorrow's price limits."""
        book = self.books.get(instrument)
        if book is None:
            self.seq += 1
            return [self._unknown_instrument(instrument, None, "")]
        events: list[Event] = []
        for side in (book.bids, book.asks):
            for order in list(side.orders()):
                self.seq += 1
                events.append(
                    Expired(self.seq, instrument, order.id, order.account, order.remaining)
                )
                order.remaining = 0
                del self.orders[order.id]
            side.clear()
        book.is_open = False
        if book.day_last_price is not None:
            book.set_previous_close(book.day_last_price)
        book.day_last_price = None
        self.seq += 1
        events.append(DayEnded(self.seq, instrument, book.previous_close))
        return events

    def submit(
        self,
        instrument: str,
        account: str,
        side: Side,
        order_type: OrderType,
        quantity: int,
        price: int | None = None,
        tif: TimeInForce = TimeInForce.DAY,
        client_ref: str = "",
    ) -> list[Event]:
        order_id = self.next_order_id
        self.next_order_id = order_id + 1
        book = self.books.get(instrument)
        if book is None:
            self.seq += 1
            return [self._unknown_instrument(instrument, order_id, account, client_ref)]
        problem = self._check_submit(book, account, side, order_type, quantity, price, tif)
        if problem is not None:
            self.seq += 1
            code, message = problem
            return [Rejected(self.seq, instrument, order_id, account, code, message, client_ref)]
        is_limit = order_type is OrderType.LIMIT
        if side is Side.BUY:
            limit = price if price is not None else 1 << 62
        else:
            limit = price if price is not None else 0
        if tif is TimeInForce.FOK and not self._fillable(book, account, side, limit, quantity):
            self.seq += 1
            return [
                Rejected(
                    self.seq,
                    instrument,
                    order_id,
                    account,
                    RejectCode.FOK_NOT_FILLABLE,
                    f"{quantity} t cannot be filled in full at once at this price "
                    "(other accounts' resting orders are too few); nothing was traded",
                    client_ref,
                )
            ]
        self.seq += 1
        events: list[Event] = [
            Accepted(
                self.seq,
                instrument,
                order_id,
                account,
                side,
                order_type,
                price,
                quantity,
                tif,
                client_ref,
            )
        ]
        order = Order(order_id, account, side, limit, quantity, client_ref)
        self._match(book, order, events)
        if order.remaining:
            if is_limit and tif is TimeInForce.DAY:
                (book.bids if side is Side.BUY else book.asks).add(order)
                self.orders[order_id] = (book, order)
            else:
                self.seq += 1
                reason = CancelReason.UNFILLED_IOC if is_limit else CancelReason.UNFILLED_MARKET
                events.append(
                    Cancelled(self.seq, instrument, order_id, account, order.remaining, reason)
                )
                order.remaining = 0
        return events

    def cancel(self, order_id: int, account: str) -> list[Event]:
        """Cancel a resting order. Allowed while the session is closed (e.g. during a halt)."""
        self.seq += 1
        found = self._owned(order_id, account)
        if isinstance(found, Rejected):
            return [found]
        book, order = found
        event = Cancelled(
            self.seq,
            book.instrument.id,
            order_id,
            account,
            order.remaining,
            CancelReason.REQUESTED,
        )
        (book.bids if order.side is Side.BUY else book.asks).remove(order)
        del self.orders[order_id]
        return [event]

    def amend(
        self, order_id: int, account: str, *, quantity: int | None = None, price: int | None = None
    ) -> list[Event]:
        """Change a resting order's total quantity (filled + open) and/or its price.

        A lower quantity keeps the order's place; a new price or a higher quantity makes it
        a new arrival at the back of its level, and it may trade at once.
        """
        self.seq += 1
        found = self._owned(order_id, account)
        if isinstance(found, Rejected):
            return [found]
        book, order = found
        instrument = book.instrument

        def reject(code: RejectCode, message: str) -> list[Event]:
            return [Rejected(self.seq, instrument.id, order_id, account, code, message)]

        if not book.is_open:
            return reject(RejectCode.MARKET_CLOSED, f"{instrument.id} is not trading now")
        new_quantity = order.quantity if quantity is None else quantity
        new_price = order.price if price is None else price
        if type(new_quantity) is not int or new_quantity <= order.filled:
            return reject(
                RejectCode.BAD_QUANTITY,
                f"the new quantity must be an integer above the {order.filled} t already "
                f"filled, got {new_quantity!r} (cancel the order to stop it)",
            )
        if new_quantity % instrument.lot:
            return reject(RejectCode.BAD_LOT, _lot_message(instrument, new_quantity))
        price_problem = _check_price(book, new_price)
        if price_problem is not None:
            return reject(*price_problem)
        if new_quantity == order.quantity and new_price == order.price:
            return reject(RejectCode.NO_CHANGE, "the amendment changes neither price nor quantity")
        side = book.bids if order.side is Side.BUY else book.asks
        new_remaining = new_quantity - order.filled
        if new_price == order.price and new_quantity < order.quantity:
            side.reduce(order.price, order.remaining - new_remaining)
            order.quantity = new_quantity
            order.remaining = new_remaining
            return [
                Amended(
                    self.seq,
                    instrument.id,
                    order_id,
                    account,
                    new_price,
                    new_quantity,
                    new_remaining,
                    True,
                )
            ]
        # A new arrival: leave the old place (lazily) and come back as a fresh object.
        side.remove(order)
        fresh = Order(order_id, account, order.side, new_price, new_quantity, order.client_ref)
        fresh.filled = order.filled
        fresh.remaining = new_remaining
        events: list[Event] = [
            Amended(
                self.seq,
                instrument.id,
                order_id,
                account,
                new_price,
                new_quantity,
                new_remaining,
                False,
            )
        ]
        self._match(book, fresh, events)
        if fresh.remaining:
            side.add(fresh)
            self.orders[order_id] = (book, fresh)
        else:
            del self.orders[order_id]
        return events

    # --- matching ---

    def _match(self, book: OrderBook, order: Order, events: list[Event]) -> None:
        """Trade ``order`` against the opposite side while prices cross."""
        instrument = book.instrument.id
        account = order.account
        remaining = order.remaining
        limit = order.price
        orders = self.orders
        seq = self.seq
        is_buy = order.side is Side.BUY
        opposite = book.asks if is_buy else book.bids
        levels = opposite.levels
        level_qty = opposite.qty
        dead = opposite.dead
        aggressor = order.side
        last = None
        while remaining:
            best = opposite.best()
            if best is None or (best > limit if is_buy else best < limit):
                break
            queue = levels[best]
            traded = 0
            while remaining and queue:
                resting = queue[0]
                avail = resting.remaining
                if not avail:
                    queue.popleft()
                    dead[best] -= 1
                    continue
                if resting.account == account:
                    queue.popleft()
                    seq += 1
                    events.append(
                        Cancelled(
                            seq, instrument, resting.id, account, avail, CancelReason.SELF_TRADE
                        )
                    )
                    resting.remaining = 0
                    traded += avail  # leaves the level like a fill
                    del orders[resting.id]
                    continue
                fill = avail if avail < remaining else remaining
                remaining -= fill
                resting.remaining = avail - fill
                resting.filled += fill
                traded += fill
                seq += 1
                if is_buy:
                    events.append(
                        Trade(
                            seq,
                            instrument,
                            order.id,
                            resting.id,
                            account,
                            resting.account,
                            best,
                            fill,
                            aggressor,
                        )
                    )
                else:
                    events.append(
                        Trade(
                            seq,
                            instrument,
                            resting.id,
                            order.id,
                            resting.account,
                            account,
                            best,
                            fill,
                            aggressor,
                        )
                    )
                last = best
                if fill == avail:
                    queue.popleft()
                    del orders[resting.id]
            left = level_qty[best] - traded
            if left:
                level_qty[best] = left
            else:
                del level_qty[best]
                del levels[best]
                dead.pop(best, None)
        self.seq = seq
        order.filled += order.remaining - remaining
        order.remaining = remaining
        if last is not None:
            book.last_price = last
            book.day_last_price = last

    def _fillable(self, book: OrderBook, account: str, side: Side, limit: int, need: int) -> bool:
        """Whether ``need`` t can trade at once at ``limit`` or better, not counting the
        account's own resting orders (self-trade prevention would cancel, not fill, them)."""
        buy = side is Side.BUY
        opposite = book.asks if buy else book.bids
        qty = opposite.qty
        eligible = [p for p in qty if p <= limit] if buy else [p for p in qty if p >= limit]
        # Level totals bound what is available; most FOK orders that fail fail here.
        if sum(qty[p] for p in eligible) < need:
            return False
        eligible.sort(reverse=not buy)
        levels = opposite.levels
        for price in eligible:
            for resting in levels[price]:
                if resting.remaining and resting.account != account:
                    need -= resting.remaining
                    if need <= 0:
                        return True
        return False

    # --- validation ---

    def _check_submit(
        self,
        book: OrderBook,
        account: str,
        side: Side,
        order_type: OrderType,
        quantity: int,
        price: int | None,
        tif: TimeInForce,
    ) -> tuple[RejectCode, str] | None:
        instrument = book.instrument
        if side is not Side.BUY and side is not Side.SELL:
            raise TypeError(f"side must be a Side, got {side!r}")
        if tif is not TimeInForce.DAY and tif is not TimeInForce.IOC and tif is not TimeInForce.FOK:
            raise TypeError(f"tif must be a TimeInForce, got {tif!r}")
        if order_type is not OrderType.LIMIT and order_type is not OrderType.MARKET:
            raise TypeError(f"order_type must be an OrderType, got {order_type!r}")
        if not book.is_open:
            return RejectCode.MARKET_CLOSED, f"{instrument.id} is not trading now"
        if type(account) is not str or not account:
            return RejectCode.BAD_ACCOUNT, "the account must be a non-empty string"
        if type(quantity) is not int or quantity <= 0:
            return (
                RejectCode.BAD_QUANTITY,
                f"quantity must be a positive integer of tonnes, got {quantity!r}",
            )
        if quantity % instrument.lot:
            return RejectCode.BAD_LOT, _lot_message(instrument, quantity)
        if order_type is OrderType.MARKET:
            if price is not None:
                return RejectCode.UNEXPECTED_PRICE, "a market order takes no price"
            return None
        if price is None:
            return RejectCode.MISSING_PRICE, "a limit order needs a price in cents per tonne"
        return _check_price(book, price)

    def _owned(self, order_id: int, account: str) -> tuple[OrderBook, Order] | Rejected:
        found = self.orders.get(order_id)
        if found is None:
            return Rejected(
                self.seq,
                "",
                order_id,
                account,
                RejectCode.UNKNOWN_ORDER,
                f"order {order_id} is not resting in any book (never accepted, filled, "
                "cancelled or expired)",
            )
        book, order = found
        if order.account != account:
            return Rejected(
                self.seq,
                book.instrument.id,
                order_id,
                account,
                RejectCode.NOT_OWNER,
                f"order {order_id} belongs to another account",
            )
        return found

    def _unknown_instrument(
        self, instrument: str, order_id: int | None, account: str, client_ref: str = ""
    ) -> Rejected:
        return Rejected(
            self.seq,
            instrument,
            order_id,
            account,
            RejectCode.UNKNOWN_INSTRUMENT,
            f"no instrument {instrument!r} is listed",
            client_ref,
        )

    # --- persistence ---

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain JSON-able data (restore with ``Engine.restore``)."""
        return {
            "format": SNAPSHOT_FORMAT,
            "seq": self.seq,
            "next_order_id": self.next_order_id,
            "books": [
                {
                    "instrument": book.instrument.to_dict(),
                    "open": book.is_open,
                    "previous_close": book.previous_close,
                    "last_price": book.last_price,
                    "day_last_price": book.day_last_price,
                    "bids": [o.to_dict() for o in book.bids.orders()],
                    "asks": [o.to_dict() for o in book.asks.orders()],
                }
                for book in self.books.values()
            ],
        }

    @classmethod
    def restore(cls, snapshot: dict[str, Any]) -> Engine:
        """Rebuild an engine from ``snapshot()``: same books, priorities, counters."""
        if snapshot.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(
                f"not a {SNAPSHOT_FORMAT} snapshot (format {snapshot.get('format')!r})"
            )
        engine = cls()
        engine.seq = snapshot["seq"]
        engine.next_order_id = snapshot["next_order_id"]
        for data in snapshot["books"]:
            book = engine.add_instrument(
                Instrument.from_dict(data["instrument"]),
                previous_close=data["previous_close"],
                is_open=data["open"],
            )
            book.last_price = data["last_price"]
            book.day_last_price = data["day_last_price"]
            for key, side in (("bids", book.bids), ("asks", book.asks)):
                for o in data[key]:
                    order = Order(
                        o["id"],
                        o["account"],
                        Side(o["side"]),
                        o["price"],
                        o["quantity"],
                        o["client_ref"],
                        o["filled"],
                    )
                    side.add(order)
                    engine.orders[order.id] = (book, order)
        return engine

    def replay(self, commands: Iterable[Command]) -> list[Event]:
        out: list[Event] = []
        for command in commands:
            out.extend(self.apply(command))
        return out


def _lot_message(instrument: Instrument, quantity: int) -> str:
    return f"quantity {quantity} t is not a multiple of the lot of {instrument.lot} t"


def _check_price(book: OrderBook, price: int) -> tuple[RejectCode, str] | None:
    tick = book.instrument.tick
    if type(price) is not int or price <= 0 or price % tick:
        return (
            RejectCode.BAD_TICK,
            f"price must be a positive whole number of cents on the {tick}-cent tick, "
            f"got {price!r}",
        )
    if price < book.low or price > book.high:
        return (
            RejectCode.PRICE_LIMIT,
            f"price {price} is outside today's limits {book.low}..{book.high} "
            f"(±{book.instrument.price_limit_bps} bp around the previous close "
            f"{book.previous_close})",
        )
    return None
