"""Sealed-bid uniform-price auctions (a regulator or an enterprise selling a quantity).

Rules (docs/market.md):

- Bids at or above the reserve price take part; the others are simply not filled.
- Every winner pays one price, the clearing price. The volume sold at a price p is
  min(offered, demand at p or above); it is largest for every p up to some level, so the
  tie is broken by taking the *highest* price that still sells that largest volume, which
  is always the lowest accepted bid price (the marginal bid). Undersubscribed: every bid
  at or above the reserve wins, at the lowest such bid's price. Oversubscribed: the price
  of the bid that exhausts the offer.
- Bids above the clearing price are filled in full. When the bids *at* the clearing price
  ask for more than is left, what is left is shared:
  ``pro_rata`` (default): in proportion to their quantities, in whole lots, rounded down;
  the lots that rounding leaves over go one each by largest remainder, ties to the earlier
  bid. ``time``: to the earlier bids first (bid order is arrival order).
- Whatever no bid takes stays with the seller (``unsold``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class MarginRule(StrEnum):
    PRO_RATA = "pro_rata"
    TIME = "time"


@dataclass(frozen=True, slots=True)
class Bid:
    """A sealed bid: ``quantity`` [t] at up to ``price`` [cents/t]."""

    id: str
    account: str
    price: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Allocation:
    bid_id: str
    account: str
    bid_price: int
    requested: int
    allocated: int  # [t], paid at the clearing price


@dataclass(frozen=True, slots=True)
class AuctionResult:
    clearing_price: int | None  # None when no bid reached the reserve
    offered: int
    sold: int
    unsold: int
    allocations: list[Allocation]  # bids that won something, in bid order


@dataclass(frozen=True, slots=True)
class AuctionProblem:
    field: str  # e.g. "bids[3].price"
    message: str


class AuctionError(ValueError):
    def __init__(self, problems: list[AuctionProblem]) -> None:
        self.problems = problems
        super().__init__(
            "auction refused: " + "; ".join(f"{p.field}: {p.message}" for p in problems)
        )


def _positive_multiple(value: object, step: int, unit: str) -> str | None:
    if type(value) is not int or value <= 0:
        return f"must be a positive integer of {unit}, got {value!r}"
    if value % step:
        return f"{value} is not a multiple of {step} {unit}"
    return None


def validate(
    quantity: int, reserve: int, bids: Sequence[Bid], *, lot: int = 1, tick: int = 1
) -> list[AuctionProblem]:
    """Every problem with the auction's inputs, each with the field it concerns."""
    problems: list[AuctionProblem] = []
    for field, value, step, unit in (
        ("quantity", quantity, lot, "t"),
        ("reserve", reserve, tick, "cents"),
    ):
        message = _positive_multiple(value, step, unit)
        if message:
            problems.append(AuctionProblem(field, message))
    seen: set[str] = set()
    for i, bid in enumerate(bids):
        where = f"bids[{i}]"
        if type(bid.id) is not str or not bid.id:
            problems.append(AuctionProblem(f"{where}.id", "must be a non-empty string"))
        elif bid.id in seen:
            problems.append(AuctionProblem(f"{where}.id", f"{bid.id!r} is used by an earlier bid"))
        else:
            seen.add(bid.id)
        if type(bid.account) is not str or not bid.account:
            problems.append(AuctionProblem(f"{where}.account", "must be a non-empty account"))
        message = _positive_multiple(bid.price, tick, "cents")
        if message:
            problems.append(AuctionProblem(f"{where}.price", message))
        message = _positive_multiple(bid.quantity, lot, "t")
        if message:
            problems.append(AuctionProblem(f"{where}.quantity", message))
    return problems


def clear(
    quantity: int,
    reserve: int,
    bids: Sequence[Bid],
    *,
    lot: int = 1,
    tick: int = 1,
    margin: MarginRule = MarginRule.PRO_RATA,
) -> AuctionResult:
    """Clear a sealed-bid uniform-price auction.

    quantity: offered [t]; reserve: lowest acceptable price [cents/t]; bids in arrival
    order; lot [t] and tick [cents] of the instrument. Raises ``AuctionError`` listing
    every invalid input.
    """
    problems = validate(quantity, reserve, bids, lot=lot, tick=tick)
    if problems:
        raise AuctionError(problems)
    order = {bid.id: i for i, bid in enumerate(bids)}
    eligible = sorted((b for b in bids if b.price >= reserve), key=lambda b: -b.price)
    granted: dict[str, int] = {}
    left = quantity
    clearing: int | None = None
    i = 0
    while i < len(eligible) and left:
        price = eligible[i].price
        j = i
        while j < len(eligible) and eligible[j].price == price:
            j += 1
        level = eligible[i:j]  # same price, arrival order (sorted() is stable)
        demand = sum(b.quantity for b in level)
        clearing = price
        if demand <= left:
            for b in level:
                granted[b.id] = b.quantity
            left -= demand
        else:
            shares = _share(left, level, lot, margin)
            for b, share in zip(level, shares, strict=True):
                if share:
                    granted[b.id] = share
            left = 0
        i = j
    allocations = [
        Allocation(b.id, b.account, b.price, b.quantity, granted[b.id])
        for b in sorted(bids, key=lambda b: order[b.id])
        if b.id in granted
    ]
    return AuctionResult(clearing, quantity, quantity - left, left, allocations)


def _share(supply: int, level: list[Bid], lot: int, margin: MarginRule) -> list[int]:
    """Split ``supply`` [t] (less than the level asks) among bids at one price, in lots."""
    lots = supply // lot
    wants = [b.quantity // lot for b in level]
    if margin is MarginRule.TIME:
        out = []
        for want in wants:
            take = min(want, lots)
            out.append(take * lot)
            lots -= take
        return out
    total = sum(wants)
    base = [lots * w // total for w in wants]
    spare = lots - sum(base)
    # largest remainder first, the earlier bid on a tie
    ranked = sorted(range(len(level)), key=lambda k: (-(lots * wants[k] % total), k))
    for k in ranked[:spare]:
        base[k] += 1
    return [b * lot for b in base]
