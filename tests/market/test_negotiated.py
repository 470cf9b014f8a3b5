"""Negotiated (block) trades against the instrument's band and minimum size."""

from __future__ import annotations

import pytest

from carbonledger.market.instrument import Instrument
from carbonledger.market.negotiated import (
    BlockProblemCode,
    BlockProposal,
    BlockTradeError,
    block_trade_problems,
    check_block_trade,
)

CEA = Instrument("CEA-2024", tick=1, lot=10, block_min_quantity=1000)


def proposal(**changes: object) -> BlockProposal:
    terms: dict[str, object] = {
        "instrument": "CEA-2024",
        "buyer": "steelworks",
        "seller": "power-plant",
        "price": 8000,
        "quantity": 5000,
    }
    terms.update(changes)
    return BlockProposal(**terms)  # type: ignore[arg-type]


def codes(p: BlockProposal, close: int | None = 8000, instrument: Instrument = CEA):
    return [(x.field, x.code) for x in block_trade_problems(p, instrument, close)]


def test_a_proposal_within_the_rules_passes():
    assert codes(proposal()) == []
    check_block_trade(proposal(), CEA, 8000)


@pytest.mark.parametrize("price", [5600, 10400])
def test_band_ends_are_inclusive(price: int):
    assert codes(proposal(price=price)) == []


@pytest.mark.parametrize("price", [5599, 10401])
def test_price_outside_the_band(price: int):
    assert codes(proposal(price=price)) == [("price", BlockProblemCode.OUTSIDE_BAND)]


def test_the_block_band_is_wider_than_the_daily_limit():
    # 8801 is beyond the order book's ±10 % but inside the ±30 % block band
    assert codes(proposal(price=8801)) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"quantity": 990}, [("quantity", BlockProblemCode.BELOW_MINIMUM)]),
        ({"quantity": 1005}, [("quantity", BlockProblemCode.BAD_LOT)]),
        ({"quantity": 0}, [("quantity", BlockProblemCode.BAD_QUANTITY)]),
        ({"price": 0}, [("price", BlockProblemCode.BAD_TICK)]),
        ({"price": 80.5}, [("price", BlockProblemCode.BAD_TICK)]),
        ({"seller": "steelworks"}, [("seller", BlockProblemCode.SAME_ACCOUNT)]),
        ({"buyer": ""}, [("buyer", BlockProblemCode.BAD_ACCOUNT)]),
    ],
)
def test_each_rule(changes: dict[str, object], expected: list[tuple[str, BlockProblemCode]]):
    assert codes(proposal(**changes)) == expected


def test_every_problem_is_reported_at_once():
    with pytest.raises(BlockTradeError) as info:
        check_block_trade(proposal(quantity=15, price=20000, seller="steelworks"), CEA, 8000)
    assert [p.code for p in info.value.problems] == [
        BlockProblemCode.SAME_ACCOUNT,
        BlockProblemCode.BAD_LOT,
        BlockProblemCode.BELOW_MINIMUM,
        BlockProblemCode.OUTSIDE_BAND,
    ]
    assert "price: 20000 is outside the block band 5600..10400" in str(info.value)


def test_without_a_previous_close_the_band_cannot_be_placed():
    assert codes(proposal(), close=None) == [("price", BlockProblemCode.NO_REFERENCE_PRICE)]
    unbanded = Instrument("CEA-2024", block_band_bps=None)
    assert codes(proposal(price=99_999), close=None, instrument=unbanded) == []


def test_a_proposal_for_another_instrument_is_a_programming_error():
    with pytest.raises(ValueError, match="checked against"):
        block_trade_problems(proposal(instrument="CCER-2023"), CEA, 8000)
