"""Negotiated (block) trades: checking a proposal against its instrument's rules.

One party proposes a price and a quantity to a named counterparty, who accepts or not;
the trade never touches the order book. It must be at least the instrument's minimum
block size, on the tick and lot grids, and priced within the block band around the
previous close (wider than the daily limit of the order book: ±30 % by default).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from carbonledger.market.instrument import Instrument, band


class BlockProblemCode(StrEnum):
    SAME_ACCOUNT = "same_account"
    BAD_ACCOUNT = "bad_account"
    BAD_QUANTITY = "bad_quantity"
    BAD_LOT = "bad_lot"
    BELOW_MINIMUM = "below_minimum"
    BAD_TICK = "bad_tick"
    OUTSIDE_BAND = "outside_band"
    NO_REFERENCE_PRICE = "no_reference_price"


@dataclass(frozen=True, slots=True)
class BlockProblem:
    field: str  # the proposal's field at fault
    code: BlockProblemCode
    message: str
    #: the numbers the message states, by name with their unit (quantity_t, minimum_t,
    #: price_cents_per_t...)
    params: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BlockProposal:
    """A negotiated trade: ``seller`` delivers ``quantity`` [t] to ``buyer`` at ``price``
    [cents/t]."""

    instrument: str
    buyer: str
    seller: str
    price: int
    quantity: int


class BlockTradeError(ValueError):
    def __init__(self, problems: list[BlockProblem]) -> None:
        self.problems = problems
        super().__init__(
            "block trade refused: " + "; ".join(f"{p.field}: {p.message}" for p in problems)
        )


def block_trade_problems(
    proposal: BlockProposal, instrument: Instrument, previous_close: int | None
) -> list[BlockProblem]:
    """Every rule the proposal breaks (empty when it may be accepted).

    previous_close: the instrument's previous close [cents/t]. Without one, a band cannot
    be placed, so a priced band refuses the proposal (``no_reference_price``) rather than
    let the first block trade of a new instrument set any price.
    """
    problems: list[BlockProblem] = []

    def add(
        name: str, code: BlockProblemCode, message: str, params: dict[str, int] | None = None
    ) -> None:
        problems.append(BlockProblem(name, code, message, params or {}))

    if proposal.instrument != instrument.id:
        raise ValueError(
            f"proposal for {proposal.instrument!r} checked against instrument {instrument.id!r}"
        )
    for name in ("buyer", "seller"):
        account = getattr(proposal, name)
        if type(account) is not str or not account:
            add(name, BlockProblemCode.BAD_ACCOUNT, "must be a non-empty account")
    if proposal.buyer and proposal.buyer == proposal.seller:
        add("seller", BlockProblemCode.SAME_ACCOUNT, "buyer and seller are the same account")

    quantity = proposal.quantity
    if type(quantity) is not int or quantity <= 0:
        add(
            "quantity",
            BlockProblemCode.BAD_QUANTITY,
            f"must be a positive integer of tonnes, got {quantity!r}",
        )
    else:
        if quantity % instrument.lot:
            add(
                "quantity",
                BlockProblemCode.BAD_LOT,
                f"{quantity} t is not a multiple of the lot of {instrument.lot} t",
                {"quantity_t": quantity, "lot_t": instrument.lot},
            )
        if quantity < instrument.block_min_quantity:
            add(
                "quantity",
                BlockProblemCode.BELOW_MINIMUM,
                f"{quantity} t is below the minimum block of {instrument.block_min_quantity} t "
                "(trade it on the order book instead)",
                {"quantity_t": quantity, "minimum_t": instrument.block_min_quantity},
            )

    price = proposal.price
    if type(price) is not int or price <= 0 or price % instrument.tick:
        add(
            "price",
            BlockProblemCode.BAD_TICK,
            f"must be a positive whole number of cents on the {instrument.tick}-cent tick, "
            f"got {price!r}",
            {"tick_cents_per_t": instrument.tick},
        )
    elif instrument.block_band_bps is not None:
        if previous_close is None:
            add(
                "price",
                BlockProblemCode.NO_REFERENCE_PRICE,
                f"{instrument.id} has no previous close yet, so no block band applies",
            )
        else:
            low, high = band(previous_close, instrument.block_band_bps, instrument.tick)
            if not low <= price <= high:
                add(
                    "price",
                    BlockProblemCode.OUTSIDE_BAND,
                    f"{price} is outside the block band {low}..{high} "
                    f"(±{instrument.block_band_bps} bp around the previous close {previous_close})",
                    {"price_cents_per_t": price, "low_cents_per_t": low, "high_cents_per_t": high},
                )
    return problems


def check_block_trade(
    proposal: BlockProposal, instrument: Instrument, previous_close: int | None
) -> None:
    """Raise ``BlockTradeError`` listing every broken rule, or return if the proposal is valid."""
    problems = block_trade_problems(proposal, instrument, previous_close)
    if problems:
        raise BlockTradeError(problems)
