"""Sealed-bid uniform-price auctions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.market.auction import (
    AuctionError,
    Bid,
    MarginRule,
    clear,
)


def bids(*specs: tuple[str, int, int]) -> list[Bid]:
    """Bids named by account, in arrival order: (account, price, quantity)."""
    return [Bid(f"b{i}", account, price, qty) for i, (account, price, qty) in enumerate(specs)]


def granted(result) -> dict[str, int]:
    return {a.account: a.allocated for a in result.allocations}


def test_oversubscribed_clears_at_the_marginal_bid():
    result = clear(
        100, 5000, bids(("a", 7000, 60), ("b", 6500, 30), ("c", 6000, 50), ("d", 5500, 40))
    )
    assert result.clearing_price == 6000
    assert granted(result) == {"a": 60, "b": 30, "c": 10}
    assert (result.sold, result.unsold) == (100, 0)


def test_undersubscribed_sells_to_every_bid_at_the_lowest_accepted_price():
    result = clear(1000, 5000, bids(("a", 7000, 60), ("b", 5000, 30), ("c", 4999, 50)))
    assert result.clearing_price == 5000  # bid exactly at the reserve takes part
    assert granted(result) == {"a": 60, "b": 30}
    assert (result.sold, result.unsold) == (90, 910)


def test_no_bid_at_or_above_the_reserve_sells_nothing():
    result = clear(100, 5000, bids(("a", 4999, 60), ("b", 100, 30)))
    assert result.clearing_price is None
    assert result.allocations == []
    assert (result.sold, result.unsold) == (0, 100)
    assert clear(100, 5000, []).unsold == 100


def test_demand_exactly_meeting_the_offer_clears_at_that_level():
    result = clear(90, 5000, bids(("a", 7000, 60), ("b", 6000, 30), ("c", 5500, 40)))
    assert result.clearing_price == 6000
    assert granted(result) == {"a": 60, "b": 30}


def test_pro_rata_at_the_margin():
    result = clear(100, 500, bids(("a", 1000, 80), ("b", 900, 30), ("c", 900, 10)))
    assert result.clearing_price == 900
    assert granted(result) == {"a": 80, "b": 15, "c": 5}


def test_pro_rata_rounding_gives_spare_lots_by_largest_remainder_then_arrival():
    equal = clear(10, 100, bids(("a", 100, 10), ("b", 100, 10), ("c", 100, 10)))
    assert granted(equal) == {"a": 4, "b": 3, "c": 3}
    # 7 t over bids of 2, 5 and 3: exact shares 1.4, 3.5, 2.1 -> 1, 3, 2 and the spare to b
    uneven = clear(7, 100, bids(("a", 100, 2), ("b", 100, 5), ("c", 100, 3)))
    assert granted(uneven) == {"a": 1, "b": 4, "c": 2}


def test_pro_rata_in_whole_lots():
    result = clear(50, 100, bids(("a", 100, 30), ("b", 100, 30)), lot=10)
    assert granted(result) == {"a": 30, "b": 20}
    assert all(a.allocated % 10 == 0 for a in result.allocations)


def test_time_priority_at_the_margin():
    result = clear(
        100,
        500,
        bids(("a", 1000, 80), ("b", 900, 30), ("c", 900, 10)),
        margin=MarginRule.TIME,
    )
    assert granted(result) == {"a": 80, "b": 20}


def test_allocations_are_listed_in_bid_order_with_what_was_asked():
    result = clear(100, 500, bids(("low", 600, 50), ("high", 900, 70)))
    assert [
        (a.bid_id, a.account, a.bid_price, a.requested, a.allocated) for a in result.allocations
    ] == [
        ("b0", "low", 600, 50, 30),
        ("b1", "high", 900, 70, 70),
    ]


def test_every_invalid_input_is_reported_with_its_field():
    with pytest.raises(AuctionError) as info:
        clear(
            15,
            0,
            [
                Bid("x", "a", 100, 10),
                Bid("x", "", 99.5, 0),  # type: ignore[arg-type]
                Bid("", "c", 100, 25),
            ],
            lot=10,
        )
    fields = [p.field for p in info.value.problems]
    assert fields == [
        "quantity",
        "reserve",
        "bids[1].id",
        "bids[1].account",
        "bids[1].price",
        "bids[1].quantity",
        "bids[2].id",
        "bids[2].quantity",
    ]
    assert "bids[1].id" in str(info.value)


@settings(max_examples=200, deadline=None)
@given(
    offered=st.integers(1, 300),
    reserve=st.integers(1, 20),
    specs=st.lists(st.tuples(st.integers(1, 25), st.integers(1, 60)), max_size=12),
    margin=st.sampled_from(MarginRule),
)
def test_clearing_maximises_volume_at_the_highest_such_price(offered, reserve, specs, margin):
    book = [Bid(f"b{i}", f"acct{i % 4}", p, q) for i, (p, q) in enumerate(specs)]
    result = clear(offered, reserve, book, margin=margin)

    def volume(price: int) -> int:
        return min(offered, sum(b.quantity for b in book if b.price >= price))

    candidates = {b.price for b in book if b.price >= reserve}
    if not candidates:
        assert result.clearing_price is None and result.sold == 0
        return
    best = max(volume(p) for p in candidates)
    assert result.clearing_price == max(p for p in candidates if volume(p) == best)
    assert result.sold == best == sum(a.allocated for a in result.allocations)
    assert result.sold + result.unsold == offered
    by_id = {a.bid_id: a.allocated for a in result.allocations}
    for b in book:
        got = by_id.get(b.id, 0)
        assert 0 <= got <= b.quantity
        if b.price > result.clearing_price:
            assert got == b.quantity
        if b.price < result.clearing_price:
            assert got == 0
