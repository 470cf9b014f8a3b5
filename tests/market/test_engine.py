"""The matching engine's rules, one at a time."""

from __future__ import annotations

import json
from typing import Any

import pytest

from carbonledger.market.engine import (
    Accepted,
    Amend,
    Amended,
    Cancel,
    Cancelled,
    CancelReason,
    CloseSession,
    Command,
    DayEnded,
    EndOfDay,
    Engine,
    Event,
    Expired,
    OpenSession,
    OrderType,
    RejectCode,
    Rejected,
    SessionChanged,
    Side,
    Submit,
    TimeInForce,
    Trade,
)
from carbonledger.market.instrument import Instrument, band

CEA = "CEA-2024"
BUY, SELL = Side.BUY, Side.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET
DAY, IOC, FOK = TimeInForce.DAY, TimeInForce.IOC, TimeInForce.FOK


@pytest.fixture
def engine() -> Engine:
    e = Engine()
    e.add_instrument(Instrument(CEA), previous_close=8000)
    return e


def limit(e: Engine, account: str, side: Side, qty: int, price: int, tif: TimeInForce = DAY):
    return e.submit(CEA, account, side, LIMIT, qty, price, tif)


def market(e: Engine, account: str, side: Side, qty: int, tif: TimeInForce = DAY):
    return e.submit(CEA, account, side, MARKET, qty, None, tif)


def trades(events: list[Event]) -> list[tuple[int, int, int, int]]:
    """(buy order, sell order, price, quantity) of each trade."""
    return [
        (ev.buy_order_id, ev.sell_order_id, ev.price, ev.quantity)
        for ev in events
        if isinstance(ev, Trade)
    ]


def rejection(events: list[Event]) -> RejectCode:
    assert len(events) == 1 and isinstance(events[0], Rejected), events
    return events[0].code


def resting(e: Engine, side: Side) -> list[tuple[int, int, int]]:
    """(order id, price, open quantity) of one side in priority order."""
    return [(o.id, o.price, o.remaining) for o in e.book(CEA).orders(side)]


# --- acceptance, ids and sequence numbers ---------------------------------------------------


def test_a_limit_order_rests_and_every_event_takes_the_next_sequence_number(engine: Engine):
    first = limit(engine, "a", BUY, 10, 7990)
    assert isinstance(first[0], Accepted)
    assert (first[0].seq, first[0].order_id, first[0].price, first[0].quantity) == (1, 1, 7990, 10)
    rejected = limit(engine, "a", BUY, 0, 7990)
    third = limit(engine, "b", SELL, 4, 7990)
    # the rejected submission used order id 2 and sequence number 2
    assert rejected[0].seq == 2 and rejected[0].order_id == 2
    assert [ev.seq for ev in third] == [3, 4]
    assert third[0].order_id == 3
    assert resting(engine, BUY) == [(1, 7990, 6)]
    assert engine.seq == 4


def test_events_are_json_able(engine: Engine):
    limit(engine, "a", SELL, 5, 8000)
    events = limit(engine, "b", BUY, 5, 8000)
    data = json.loads(json.dumps([ev.to_dict() for ev in events]))
    assert data[1] == {
        "event": "trade",
        "seq": 3,
        "instrument": CEA,
        "buy_order_id": 2,
        "sell_order_id": 1,
        "buyer": "b",
        "seller": "a",
        "price": 8000,
        "quantity": 5,
        "aggressor": "buy",
    }


# --- rejections ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"instrument": "CEA-1999"}, RejectCode.UNKNOWN_INSTRUMENT),
        ({"account": ""}, RejectCode.BAD_ACCOUNT),
        ({"quantity": 0}, RejectCode.BAD_QUANTITY),
        ({"quantity": -5}, RejectCode.BAD_QUANTITY),
        ({"quantity": 2.5}, RejectCode.BAD_QUANTITY),
        ({"quantity": True}, RejectCode.BAD_QUANTITY),
        ({"price": 0}, RejectCode.BAD_TICK),
        ({"price": 79.9}, RejectCode.BAD_TICK),
        ({"price": None}, RejectCode.MISSING_PRICE),
        ({"order_type": MARKET}, RejectCode.UNEXPECTED_PRICE),
        ({"price": 7199}, RejectCode.PRICE_LIMIT),
        ({"price": 8801}, RejectCode.PRICE_LIMIT),
    ],
)
def test_submission_rejections(engine: Engine, kwargs: dict[str, Any], code: RejectCode):
    order: dict[str, Any] = {
        "instrument": CEA,
        "account": "a",
        "side": BUY,
        "order_type": LIMIT,
        "quantity": 10,
        "price": 8000,
    }
    order.update(kwargs)
    events = engine.submit(**order)
    assert rejection(events) is code
    assert events[0].message
    assert engine.book(CEA).depth().bids == []


def test_lot_and_tick_of_the_instrument():
    e = Engine()
    e.add_instrument(Instrument("CCER-2023", tick=5, lot=10), previous_close=3000)
    assert rejection(e.submit("CCER-2023", "a", BUY, LIMIT, 15, 3000)) is RejectCode.BAD_LOT
    assert rejection(e.submit("CCER-2023", "a", BUY, LIMIT, 20, 3002)) is RejectCode.BAD_TICK
    assert isinstance(e.submit("CCER-2023", "a", BUY, LIMIT, 20, 3005)[0], Accepted)


def test_price_limits_are_inclusive_and_follow_the_previous_close(engine: Engine):
    assert engine.book(CEA).price_limits == (7200, 8800)
    assert isinstance(limit(engine, "a", BUY, 1, 7200)[0], Accepted)
    assert isinstance(limit(engine, "a", SELL, 1, 8800)[0], Accepted)


def test_no_price_limit_without_previous_close_or_when_disabled():
    e = Engine()
    e.add_instrument(Instrument("NEW"))
    e.add_instrument(Instrument("FREE", price_limit_bps=None), previous_close=100)
    assert e.book("NEW").price_limits is None
    assert isinstance(e.submit("NEW", "a", BUY, LIMIT, 1, 1)[0], Accepted)
    assert isinstance(e.submit("FREE", "a", BUY, LIMIT, 1, 100_000)[0], Accepted)


def test_band_rounds_inwards_to_the_tick():
    assert band(8000, 1000, 1) == (7200, 8800)
    assert band(8003, 1000, 5) == (7205, 8800)  # exact ends 7202.7 and 8803.3
    assert band(1, 1000, 1) == (1, 1)  # never below one tick


def test_instrument_config_is_checked():
    with pytest.raises(ValueError, match="lot must be a positive integer"):
        Instrument("X", lot=0)
    with pytest.raises(ValueError, match="price_limit_bps"):
        Instrument("X", price_limit_bps=10_000)
    engine = Engine()
    engine.add_instrument(Instrument("X"))
    with pytest.raises(ValueError, match="already listed"):
        engine.add_instrument(Instrument("X"))


def test_plain_strings_for_enums_are_a_programming_error(engine: Engine):
    with pytest.raises(TypeError, match="tif"):
        engine.submit(CEA, "a", BUY, LIMIT, 1, 8000, "ioc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="side"):
        engine.submit(CEA, "a", "buy", LIMIT, 1, 8000)  # type: ignore[arg-type]


# --- priority and fills ----------------------------------------------------------------------


def test_price_then_time_priority_and_the_resting_price(engine: Engine):
    limit(engine, "s1", SELL, 5, 8010)  # 1
    limit(engine, "s2", SELL, 5, 8000)  # 2: better price, later
    limit(engine, "s3", SELL, 5, 8000)  # 3: same price, later still
    events = limit(engine, "b", BUY, 12, 8020)  # 4
    assert trades(events) == [(4, 2, 8000, 5), (4, 3, 8000, 5), (4, 1, 8010, 2)]
    assert resting(engine, SELL) == [(1, 8010, 3)]
    assert engine.book(CEA).last_price == 8010


def test_partial_fill_leaves_the_rest_of_the_incoming_order_resting(engine: Engine):
    limit(engine, "s", SELL, 4, 8000)
    events = limit(engine, "b", BUY, 10, 8005)
    assert trades(events) == [(2, 1, 8000, 4)]
    assert resting(engine, BUY) == [(2, 8005, 6)]
    assert resting(engine, SELL) == []


def test_non_crossing_limit_does_not_trade(engine: Engine):
    limit(engine, "s", SELL, 4, 8001)
    assert trades(limit(engine, "b", BUY, 4, 8000)) == []
    assert (engine.book(CEA).best_bid(), engine.book(CEA).best_ask()) == (8000, 8001)


def test_market_order_sweeps_and_its_rest_is_cancelled(engine: Engine):
    limit(engine, "b1", BUY, 3, 7990)
    limit(engine, "b2", BUY, 3, 7980)
    events = market(engine, "s", SELL, 10)
    assert trades(events) == [(1, 3, 7990, 3), (2, 3, 7980, 3)]
    assert isinstance(events[-1], Cancelled)
    assert (events[-1].order_id, events[-1].quantity, events[-1].reason) == (
        3,
        4,
        CancelReason.UNFILLED_MARKET,
    )
    assert resting(engine, SELL) == [] and resting(engine, BUY) == []


def test_market_order_on_an_empty_book_is_cancelled_whole(engine: Engine):
    events = market(engine, "b", BUY, 10)
    assert [type(ev) for ev in events] == [Accepted, Cancelled]
    assert events[1].quantity == 10


def test_ioc_trades_what_it_can_and_cancels_the_rest(engine: Engine):
    limit(engine, "s", SELL, 3, 8000)
    limit(engine, "s", SELL, 3, 8002)
    events = limit(engine, "b", BUY, 10, 8001, IOC)
    assert trades(events) == [(3, 1, 8000, 3)]
    assert isinstance(events[-1], Cancelled)
    assert (events[-1].quantity, events[-1].reason) == (7, CancelReason.UNFILLED_IOC)
    assert resting(engine, BUY) == []
    assert resting(engine, SELL) == [(2, 8002, 3)]


def test_fok_fills_completely_across_levels(engine: Engine):
    limit(engine, "s1", SELL, 3, 8000)
    limit(engine, "s2", SELL, 7, 8001)
    events = limit(engine, "b", BUY, 10, 8001, FOK)
    assert trades(events) == [(3, 1, 8000, 3), (3, 2, 8001, 7)]
    assert not any(isinstance(ev, Cancelled) for ev in events)


def test_fok_that_cannot_fill_is_rejected_and_touches_nothing(engine: Engine):
    limit(engine, "s1", SELL, 3, 8000)
    limit(engine, "s2", SELL, 7, 8002)  # beyond the FOK's price
    before = engine.snapshot()
    events = limit(engine, "b", BUY, 10, 8001, FOK)
    assert rejection(events) is RejectCode.FOK_NOT_FILLABLE
    after = engine.snapshot()
    assert after["books"] == before["books"]
    assert market(engine, "b", BUY, 11, FOK)[0].code is RejectCode.FOK_NOT_FILLABLE


def test_fok_does_not_count_the_accounts_own_orders(engine: Engine):
    limit(engine, "b", SELL, 5, 8000)
    limit(engine, "s", SELL, 5, 8000)
    assert rejection(limit(engine, "b", BUY, 10, 8000, FOK)) is RejectCode.FOK_NOT_FILLABLE
    events = limit(engine, "b", BUY, 5, 8000, FOK)
    # fillable by s; the account's own resting sell is cancelled on the way (self-trade rule)
    assert trades(events) == [(4, 2, 8000, 5)]
    assert any(isinstance(ev, Cancelled) and ev.order_id == 1 for ev in events)


# --- self-trade prevention -------------------------------------------------------------------


def test_self_trade_cancels_the_resting_order_and_matching_goes_on(engine: Engine):
    limit(engine, "a", SELL, 5, 7990)  # 1: own, best price
    limit(engine, "s", SELL, 5, 8000)  # 2
    events = limit(engine, "a", BUY, 5, 8000)  # 3
    cancelled = [ev for ev in events if isinstance(ev, Cancelled)]
    assert [(c.order_id, c.quantity, c.reason) for c in cancelled] == [
        (1, 5, CancelReason.SELF_TRADE)
    ]
    assert trades(events) == [(3, 2, 8000, 5)]
    assert all(t.buyer != t.seller for t in events if isinstance(t, Trade))
    assert rejection(engine.cancel(1, "a")) is RejectCode.UNKNOWN_ORDER


def test_self_trade_only_order_rests_after_cancelling_its_own(engine: Engine):
    limit(engine, "a", BUY, 5, 8000)
    events = limit(engine, "a", SELL, 5, 8000)
    assert [type(ev) for ev in events] == [Accepted, Cancelled]
    assert resting(engine, SELL) == [(2, 8000, 5)]
    assert resting(engine, BUY) == []


# --- cancel ----------------------------------------------------------------------------------


def test_cancel_removes_the_order_and_a_second_cancel_is_unknown(engine: Engine):
    limit(engine, "a", BUY, 5, 8000)
    limit(engine, "b", BUY, 7, 8000)
    events = engine.cancel(1, "a")
    assert isinstance(events[0], Cancelled)
    assert (events[0].quantity, events[0].reason) == (5, CancelReason.REQUESTED)
    assert engine.book(CEA).depth().bids[0].quantity == 7
    assert engine.book(CEA).depth().bids[0].orders == 1
    assert rejection(engine.cancel(1, "a")) is RejectCode.UNKNOWN_ORDER
    assert rejection(engine.cancel(99, "a")) is RejectCode.UNKNOWN_ORDER


def test_cancelling_behind_a_long_lived_order_does_not_grow_its_queue(engine: Engine):
    limit(engine, "big", SELL, 1000, 8000)
    for _ in range(1000):
        order_id = limit(engine, "mm", SELL, 1, 8000)[0].order_id
        engine.cancel(order_id, "mm")
    limit(engine, "late", SELL, 2, 8000)
    assert len(engine.book(CEA).asks.levels[8000]) < 40
    assert trades(market(engine, "b", BUY, 1001)) == [(1003, 1, 8000, 1000), (1003, 1002, 8000, 1)]


def test_cancel_of_another_accounts_order_is_refused(engine: Engine):
    limit(engine, "a", BUY, 5, 8000)
    assert rejection(engine.cancel(1, "mallory")) is RejectCode.NOT_OWNER
    assert resting(engine, BUY) == [(1, 8000, 5)]


def test_filled_order_cannot_be_cancelled(engine: Engine):
    limit(engine, "a", BUY, 5, 8000)
    limit(engine, "b", SELL, 5, 8000)
    assert rejection(engine.cancel(1, "a")) is RejectCode.UNKNOWN_ORDER


# --- amend -----------------------------------------------------------------------------------


def test_amend_quantity_down_keeps_priority(engine: Engine):
    limit(engine, "a", SELL, 10, 8000)  # 1
    limit(engine, "b", SELL, 10, 8000)  # 2
    events = engine.amend(1, "a", quantity=4)
    assert isinstance(events[0], Amended)
    assert (events[0].quantity, events[0].remaining, events[0].kept_priority) == (4, 4, True)
    assert trades(market(engine, "c", BUY, 6)) == [(3, 1, 8000, 4), (3, 2, 8000, 2)]


def test_amend_quantity_up_loses_priority(engine: Engine):
    limit(engine, "a", SELL, 10, 8000)
    limit(engine, "b", SELL, 10, 8000)
    events = engine.amend(1, "a", quantity=12)
    assert events[0].kept_priority is False
    assert resting(engine, SELL) == [(2, 8000, 10), (1, 8000, 12)]
    assert engine.book(CEA).depth().asks[0].quantity == 22


def test_amend_price_loses_priority_and_may_trade_at_once(engine: Engine):
    limit(engine, "a", SELL, 10, 8005)  # 1
    limit(engine, "b", SELL, 10, 8000)  # 2
    limit(engine, "c", BUY, 4, 7995)  # 3
    events = engine.amend(1, "a", price=8000)
    assert events[0].kept_priority is False
    assert resting(engine, SELL) == [(2, 8000, 10), (1, 8000, 10)]
    events = engine.amend(3, "c", price=8000)
    assert trades(events) == [(3, 2, 8000, 4)]
    assert resting(engine, BUY) == []
    assert rejection(engine.cancel(3, "c")) is RejectCode.UNKNOWN_ORDER


def test_amend_quantity_is_the_new_total_including_what_was_filled(engine: Engine):
    limit(engine, "a", SELL, 10, 8000)
    limit(engine, "b", BUY, 6, 8000)  # fills 6 of order 1
    assert rejection(engine.amend(1, "a", quantity=6)) is RejectCode.BAD_QUANTITY
    events = engine.amend(1, "a", quantity=8)
    assert (events[0].quantity, events[0].remaining, events[0].kept_priority) == (8, 2, True)
    assert resting(engine, SELL) == [(1, 8000, 2)]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, RejectCode.NO_CHANGE),
        ({"quantity": 10, "price": 8000}, RejectCode.NO_CHANGE),
        ({"quantity": 0}, RejectCode.BAD_QUANTITY),
        ({"price": 9000}, RejectCode.PRICE_LIMIT),
        ({"price": -1}, RejectCode.BAD_TICK),
    ],
)
def test_amend_rejections(engine: Engine, kwargs: dict[str, Any], code: RejectCode):
    limit(engine, "a", SELL, 10, 8000)
    assert rejection(engine.amend(1, "a", **kwargs)) is code
    assert resting(engine, SELL) == [(1, 8000, 10)]


def test_amend_checks_owner_existence_and_lot():
    e = Engine()
    e.add_instrument(Instrument(CEA, lot=5), previous_close=8000)
    e.submit(CEA, "a", SELL, LIMIT, 10, 8000)
    assert rejection(e.amend(1, "a", quantity=7)) is RejectCode.BAD_LOT
    assert rejection(e.amend(1, "b", quantity=5)) is RejectCode.NOT_OWNER
    assert rejection(e.amend(2, "a", quantity=5)) is RejectCode.UNKNOWN_ORDER


# --- sessions and the end of the day ---------------------------------------------------------


def test_closed_session_refuses_orders_and_amends_but_allows_cancels(engine: Engine):
    limit(engine, "a", BUY, 5, 8000)
    events = engine.close_session(CEA)
    assert isinstance(events[0], SessionChanged) and events[0].open is False
    assert rejection(limit(engine, "b", SELL, 5, 8000)) is RejectCode.MARKET_CLOSED
    assert rejection(engine.amend(1, "a", quantity=2)) is RejectCode.MARKET_CLOSED
    assert isinstance(engine.cancel(1, "a")[0], Cancelled)
    engine.open_session(CEA)
    assert isinstance(limit(engine, "b", SELL, 5, 8000)[0], Accepted)


def test_instrument_listed_closed_refuses_until_opened():
    e = Engine()
    e.add_instrument(Instrument(CEA), previous_close=8000, is_open=False)
    assert rejection(e.submit(CEA, "a", BUY, LIMIT, 1, 8000)) is RejectCode.MARKET_CLOSED
    assert rejection(e.open_session("nope")) is RejectCode.UNKNOWN_INSTRUMENT


def test_end_of_day_expires_orders_and_sets_the_close(engine: Engine):
    limit(engine, "a", SELL, 5, 8100)
    limit(engine, "b", BUY, 2, 8100)  # trade at 8100
    limit(engine, "c", BUY, 3, 8000)
    events = engine.end_of_day(CEA)
    expired = [(ev.order_id, ev.quantity) for ev in events if isinstance(ev, Expired)]
    assert expired == [(3, 3), (1, 3)]  # bids first, then asks
    assert isinstance(events[-1], DayEnded) and events[-1].close == 8100
    book = engine.book(CEA)
    assert (book.previous_close, book.price_limits, book.is_open) == (8100, (7290, 8910), False)
    assert book.depth().bids == [] and book.depth().asks == []
    assert rejection(engine.cancel(3, "c")) is RejectCode.UNKNOWN_ORDER
    engine.open_session(CEA)
    assert rejection(limit(engine, "a", BUY, 1, 7289)) is RejectCode.PRICE_LIMIT
    # a day without trades keeps the close
    assert engine.end_of_day(CEA)[-1].close == 8100


# --- market data -----------------------------------------------------------------------------


def test_depth_aggregates_levels_best_first(engine: Engine):
    for account, side, qty, price in [
        ("a", BUY, 5, 7990),
        ("b", BUY, 7, 7990),
        ("c", BUY, 1, 7980),
        ("d", BUY, 1, 7970),
        ("e", SELL, 2, 8010),
        ("f", SELL, 3, 8020),
    ]:
        limit(engine, account, side, qty, price)
    depth = engine.book(CEA).depth(2)
    assert depth.to_dict() == {
        "bids": [[7990, 12, 2], [7980, 1, 1]],
        "asks": [[8010, 2, 1], [8020, 3, 1]],
    }
    book = engine.book(CEA)
    assert (book.best_bid(), book.best_ask(), book.last_price) == (7990, 8010, None)


# --- determinism and persistence -------------------------------------------------------------


def script() -> list[Command]:
    return [
        Submit(CEA, "a", SELL, LIMIT, 10, 8000),
        Submit(CEA, "b", SELL, LIMIT, 5, 7995),
        Submit(CEA, "c", BUY, LIMIT, 8, 8000),
        Amend(1, "a", quantity=6),
        Submit(CEA, "d", BUY, LIMIT, 20, 7990),
        Submit(CEA, "e", SELL, MARKET, 4, None, IOC),
        CloseSession(CEA),
        Cancel(5, "d"),
        OpenSession(CEA),
        Submit(CEA, "f", BUY, LIMIT, 1, 8000, FOK),
        EndOfDay(CEA),
    ]


def fresh() -> Engine:
    e = Engine()
    e.add_instrument(Instrument(CEA), previous_close=8000)
    return e


def test_replaying_the_same_commands_gives_the_same_events_and_book():
    first, second = fresh(), fresh()
    a = [ev.to_dict() for ev in first.replay(script())]
    b = [ev.to_dict() for ev in second.replay(script())]
    assert a == b
    assert [ev["seq"] for ev in a] == list(range(1, len(a) + 1))
    assert first.snapshot() == second.snapshot()


def test_snapshot_survives_json_and_restores_the_same_future():
    original = fresh()
    commands = script()[:6]
    original.replay(commands)
    text = json.dumps(original.snapshot())
    restored = Engine.restore(json.loads(text))
    assert restored.snapshot() == original.snapshot()
    later = [
        Submit(CEA, "g", BUY, LIMIT, 30, 8000),
        Submit(CEA, "h", SELL, MARKET, 50, None),
        Amend(3, "c", price=7999),
    ]
    assert [ev.to_dict() for ev in original.replay(later)] == [
        ev.to_dict() for ev in restored.replay(later)
    ]


def test_restore_refuses_something_else():
    with pytest.raises(ValueError, match="snapshot"):
        Engine.restore({"format": "other"})
