"""The matching engine against a naive reference on random command streams (hypothesis).

The reference keeps every resting order in one list and, for each incoming order, sorts
the opposite side afresh by (price, arrival). It is slow and obviously right; the engine
must produce the same events and the same book for every stream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.market.engine import (
    Accepted,
    Amend,
    Amended,
    Cancel,
    Cancelled,
    CloseSession,
    Command,
    DayEnded,
    EndOfDay,
    Engine,
    Event,
    Expired,
    OpenSession,
    OrderType,
    Rejected,
    SessionChanged,
    Side,
    Submit,
    TimeInForce,
    Trade,
)
from carbonledger.market.instrument import Instrument

CEA = "CEA-2024"
CLOSE = 100  # previous close [cents]; ±10 % allows 90..110
ACCOUNTS = ["a", "b", "c"]  # few accounts, so self-trades happen


# --- the reference -------------------------------------------------------------------------


@dataclass
class RefOrder:
    id: int
    account: str
    side: Side
    price: int
    quantity: int
    filled: int
    arrival: int

    @property
    def remaining(self) -> int:
        return self.quantity - self.filled


class Reference:
    def __init__(self) -> None:
        self.resting: list[RefOrder] = []
        self.next_id = 1
        self.arrivals = 0
        self.close = CLOSE
        self.day_last: int | None = None
        self.open = True
        self.out: list[tuple[Any, ...]] = []

    def limits(self) -> tuple[int, int]:
        return max(1, -(-self.close * 9 // 10)), self.close * 11 // 10

    def arrive(self) -> int:
        self.arrivals += 1
        return self.arrivals

    def price_problem(self, price: Any) -> str | None:
        if type(price) is not int or price <= 0:
            return "bad_tick"
        low, high = self.limits()
        if not low <= price <= high:
            return "price_limit"
        return None

    def match(self, order: RefOrder) -> None:
        buy = order.side is Side.BUY
        crossing = [
            o
            for o in self.resting
            if o.side is not order.side
            and (o.price <= order.price if buy else o.price >= order.price)
        ]
        crossing.sort(key=lambda o: (o.price if buy else -o.price, o.arrival))
        for o in crossing:
            if order.remaining == 0:
                break
            self.resting.remove(o)
            if o.account == order.account:
                self.out.append(("cancelled", o.id, o.remaining, "self_trade"))
                continue
            fill = min(order.remaining, o.remaining)
            order.filled += fill
            o.filled += fill
            buyer, seller = (order, o) if buy else (o, order)
            self.out.append(("trade", buyer.id, seller.id, o.price, fill))
            self.day_last = o.price
            if o.remaining:
                self.resting.append(o)

    def submit(self, c: Submit) -> None:
        order_id = self.next_id
        self.next_id += 1
        code = None
        if not self.open:
            code = "market_closed"
        elif c.quantity <= 0:
            code = "bad_quantity"
        elif c.order_type is OrderType.MARKET and c.price is not None:
            code = "unexpected_price"
        elif c.order_type is OrderType.LIMIT and c.price is None:
            code = "missing_price"
        elif c.order_type is OrderType.LIMIT:
            code = self.price_problem(c.price)
        if code:
            self.out.append(("rejected", order_id, code))
            return
        buy = c.side is Side.BUY
        price = c.price if c.price is not None else (10**9 if buy else 0)
        if c.tif is TimeInForce.FOK:
            available = sum(
                o.remaining
                for o in self.resting
                if o.side is not c.side
                and o.account != c.account
                and (o.price <= price if buy else o.price >= price)
            )
            if available < c.quantity:
                self.out.append(("rejected", order_id, "fok_not_fillable"))
                return
        self.out.append(("accepted", order_id))
        order = RefOrder(order_id, c.account, c.side, price, c.quantity, 0, self.arrive())
        self.match(order)
        if order.remaining:
            if c.order_type is OrderType.LIMIT and c.tif is TimeInForce.DAY:
                self.resting.append(order)
            else:
                reason = "unfilled_ioc" if c.order_type is OrderType.LIMIT else "unfilled_market"
                self.out.append(("cancelled", order_id, order.remaining, reason))

    def find(self, order_id: int, account: str) -> RefOrder | None:
        for o in self.resting:
            if o.id == order_id:
                if o.account != account:
                    self.out.append(("rejected", order_id, "not_owner"))
                    return None
                return o
        self.out.append(("rejected", order_id, "unknown_order"))
        return None

    def cancel(self, c: Cancel) -> None:
        o = self.find(c.order_id, c.account)
        if o is not None:
            self.resting.remove(o)
            self.out.append(("cancelled", o.id, o.remaining, "requested"))

    def amend(self, c: Amend) -> None:
        o = self.find(c.order_id, c.account)
        if o is None:
            return
        quantity = o.quantity if c.quantity is None else c.quantity
        price = o.price if c.price is None else c.price
        code = None
        if not self.open:
            code = "market_closed"
        elif quantity <= o.filled:
            code = "bad_quantity"
        else:
            code = self.price_problem(price)
        if code is None and (quantity, price) == (o.quantity, o.price):
            code = "no_change"
        if code:
            self.out.append(("rejected", o.id, code))
            return
        keep = price == o.price and quantity < o.quantity
        o.quantity, o.price = quantity, price
        self.out.append(("amended", o.id, price, quantity, o.remaining, keep))
        if not keep:
            self.resting.remove(o)
            o.arrival = self.arrive()
            self.match(o)
            if o.remaining:
                self.resting.append(o)

    def end_of_day(self) -> None:
        for side, sign in ((Side.BUY, -1), (Side.SELL, 1)):
            for o in sorted(
                (o for o in self.resting if o.side is side),
                key=lambda o: (sign * o.price, o.arrival),
            ):
                self.out.append(("expired", o.id, o.remaining))
        self.resting = []
        self.open = False
        if self.day_last is not None:
            self.close = self.day_last
        self.day_last = None
        self.out.append(("day_ended", self.close))

    def apply(self, c: Command) -> list[tuple[Any, ...]]:
        self.out = []
        if isinstance(c, Submit):
            self.submit(c)
        elif isinstance(c, Cancel):
            self.cancel(c)
        elif isinstance(c, Amend):
            self.amend(c)
        elif isinstance(c, OpenSession | CloseSession):
            self.open = isinstance(c, OpenSession)
            self.out.append(("session", self.open))
        elif isinstance(c, EndOfDay):
            self.end_of_day()
        return self.out

    def book(self, side: Side) -> list[tuple[int, int, int]]:
        sign = -1 if side is Side.BUY else 1
        orders = sorted(
            (o for o in self.resting if o.side is side), key=lambda o: (sign * o.price, o.arrival)
        )
        return [(o.id, o.price, o.remaining) for o in orders]


def simple(event: Event) -> tuple[Any, ...]:
    """An engine event in the reference's terms."""
    match event:
        case Accepted():
            return ("accepted", event.order_id)
        case Rejected():
            return ("rejected", event.order_id, str(event.code))
        case Trade():
            return ("trade", event.buy_order_id, event.sell_order_id, event.price, event.quantity)
        case Cancelled():
            return ("cancelled", event.order_id, event.quantity, str(event.reason))
        case Amended():
            return (
                "amended",
                event.order_id,
                event.price,
                event.quantity,
                event.remaining,
                event.kept_priority,
            )
        case Expired():
            return ("expired", event.order_id, event.quantity)
        case DayEnded():
            return ("day_ended", event.close)
        case SessionChanged():
            return ("session", event.open)
    raise AssertionError(event)


def fresh() -> Engine:
    engine = Engine()
    engine.add_instrument(Instrument(CEA), previous_close=CLOSE)
    return engine


# --- command streams -------------------------------------------------------------------------

accounts = st.sampled_from(ACCOUNTS)
order_ids = st.integers(1, 40)
quantities = st.integers(-1, 12)  # 0 and -1 are refused
in_limits = st.integers(94, 106)  # near the close of 100 (limits 90..110)
beyond = st.sampled_from([85, 89, 111, 115])  # refused unless the close has moved


def draw_price(draw: st.DrawFn) -> int:
    return draw(beyond) if rarely(draw) else draw(in_limits)


def rarely(draw: st.DrawFn) -> bool:
    """True one time in 20 (not at a bound: hypothesis favours bounds when generating)."""
    return draw(st.integers(0, 19)) == 10


@st.composite
def submits(draw: st.DrawFn) -> Submit:
    """Mostly valid orders, mostly DAY limits (so the book fills), now and then a bad one."""
    order_type = OrderType.MARKET if draw(st.integers(0, 4)) == 2 else OrderType.LIMIT
    tif = draw(st.sampled_from([TimeInForce.DAY] * 4 + [TimeInForce.IOC, TimeInForce.FOK]))
    if order_type is OrderType.LIMIT:
        price = None if rarely(draw) else draw_price(draw)
    else:
        price = draw_price(draw) if rarely(draw) else None
    quantity = draw(st.integers(-1, 0)) if rarely(draw) else draw(st.integers(1, 12))
    return Submit(
        CEA, draw(accounts), draw(st.sampled_from(Side)), order_type, quantity, price, tif
    )


@st.composite
def streams(draw: st.DrawFn, max_size: int = 60) -> list[Command]:
    """Mostly submissions; cancels and amends that usually name an order still resting
    (a scratch engine tracks which ones are, to aim them; it does not judge the results);
    now and then a session change or the end of the day."""
    out: list[Command] = []
    scratch = fresh()
    for _ in range(draw(st.integers(0, max_size))):
        kind = draw(st.integers(0, 99))
        live = sorted((i, o.account) for i, (_, o) in scratch.orders.items())
        if kind < 60 or (kind < 95 and not live):
            command: Command = draw(submits())
        elif kind < 95:
            order_id, account = draw(st.sampled_from(live))
            if rarely(draw):  # a stranger's order, or one that is gone or never was
                order_id, account = draw(order_ids), draw(accounts)
            if kind < 78:
                command = Cancel(order_id, account)
            else:
                quantity = draw(st.one_of(st.none(), st.integers(1, 14)))
                quantity = 0 if rarely(draw) else quantity
                price = None if draw(st.booleans()) else draw_price(draw)
                command = Amend(order_id, account, quantity=quantity, price=price)
        elif kind == 95:
            command = CloseSession(CEA)
        elif kind == 96:
            command = EndOfDay(CEA)
        else:
            command = OpenSession(CEA)
        if not scratch.book(CEA).is_open and draw(st.booleans()):
            command = OpenSession(CEA)
        scratch.apply(command)
        out.append(command)
    return out


def engine_book(engine: Engine, side: Side) -> list[tuple[int, int, int]]:
    return [(o.id, o.price, o.remaining) for o in engine.book(CEA).orders(side)]


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(streams())
def test_engine_matches_the_reference(stream: list[Command]):
    engine, reference = fresh(), Reference()
    for command in stream:
        got = [simple(ev) for ev in engine.apply(command)]
        assert got == reference.apply(command), command
        for side in Side:
            assert engine_book(engine, side) == reference.book(side)
        depth = engine.book(CEA).depth(100)
        for side, levels in ((Side.BUY, depth.bids), (Side.SELL, depth.asks)):
            totals: dict[int, int] = {}
            for _, price, remaining in reference.book(side):
                totals[price] = totals.get(price, 0) + remaining
            assert [(lv.price, lv.quantity) for lv in levels] == list(totals.items())


@settings(max_examples=200, deadline=None)
@given(streams())
def test_conservation_no_crossed_book_and_price_priority(stream: list[Command]):
    engine = fresh()
    ordered: dict[int, int] = {}  # order id -> total quantity (latest)
    bought: dict[int, int] = {}
    sold: dict[int, int] = {}
    buy_total = sell_total = 0
    seq = 0
    for command in stream:
        events = engine.apply(command)
        for ev in events:
            assert ev.seq == seq + 1  # one global sequence, no gaps
            seq = ev.seq
            if isinstance(ev, Accepted | Amended):
                ordered[ev.order_id] = ev.quantity
            if isinstance(ev, Trade):
                assert ev.quantity > 0 and ev.buyer != ev.seller
                bought[ev.buy_order_id] = bought.get(ev.buy_order_id, 0) + ev.quantity
                sold[ev.sell_order_id] = sold.get(ev.sell_order_id, 0) + ev.quantity
                buy_total += ev.quantity
                sell_total += ev.quantity
        assert sum(bought.values()) == sum(sold.values()) == buy_total == sell_total
        for fills in (bought, sold):
            for order_id, filled in fills.items():
                assert filled <= ordered[order_id], f"order {order_id} over-filled"
        book = engine.book(CEA)
        bid, ask = book.best_bid(), book.best_ask()
        assert bid is None or ask is None or bid < ask, "crossed book"
        for side in Side:
            for order in book.orders(side):
                filled = (bought if side is Side.BUY else sold).get(order.id, 0)
                assert order.filled == filled
                assert order.remaining == ordered[order.id] - filled > 0
        # no trade in this call was priced worse than an order still resting on that side
        for ev in events:
            if isinstance(ev, Trade):
                if ev.aggressor is Side.BUY:
                    assert ask is None or ask >= ev.price
                else:
                    assert bid is None or bid <= ev.price


@settings(max_examples=100, deadline=None)
@given(streams(), streams())
def test_snapshot_restore_gives_the_same_future(before: list[Command], after: list[Command]):
    original = fresh()
    original.replay(before)
    restored = Engine.restore(json.loads(json.dumps(original.snapshot())))
    assert restored.snapshot() == original.snapshot()
    for command in after:
        assert [ev.to_dict() for ev in original.apply(command)] == [
            ev.to_dict() for ev in restored.apply(command)
        ]
    assert restored.snapshot() == original.snapshot()
