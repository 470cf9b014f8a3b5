"""The public record of what traded in an instrument, and the daily candles and totals
made from it.

Three venues trade allowances: the order book (continuous matching), sealed-bid auctions
and negotiated (block) trades agreed between two named enterprises. Every one of their
trades is printed on the tape, marked with its venue. How each counts, as most exchanges
report block trades:

- **Volume and turnover** count every venue: allowances and coin changed hands. The
  negotiated share is also reported on its own.
- **Prices** (a day's open, high, low and close, and the VWAP) come from the order book
  and auctions only. A negotiated price is agreed bilaterally for a block inside the wide
  block band (±30 % by default, against ±10 % on the book) and nobody else could trade at
  it, so it is not a market price; it would move the candles (and, through them, what
  users read as the market) by the terms of one private deal. A day with only negotiated
  trades has a candle without prices, but with its volume.
- The **last price** and the previous close (which places the next day's price limits)
  are the engine's: order-book trades only (docs/market.md).

Pure: no database and no clock; the platform maps its rows to :class:`Print`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Venue(StrEnum):
    BOOK = "book"  # matched by the engine
    AUCTION = "auction"  # allocated at an auction's clearing price
    DEAL = "deal"  # a negotiated (block) trade


@dataclass(frozen=True, slots=True)
class Print:
    """One trade on the tape: ``quantity`` [t] at ``price`` [cents/t], at ``at``."""

    venue: Venue
    price: int
    quantity: int
    at: datetime

    @property
    def forms_price(self) -> bool:
        """Whether the trade sets prices (candles, VWAP); negotiated trades do not."""
        return self.venue is not Venue.DEAL


@dataclass(frozen=True, slots=True)
class Candle:
    """One day (UTC). Prices are None on a day with only negotiated trades."""

    day: str
    open: int | None
    high: int | None
    low: int | None
    close: int | None
    volume: int  # [t], every venue
    turnover: int  # [cents], every venue
    negotiated_volume: int  # [t], the negotiated part of volume
    negotiated_turnover: int  # [cents]


@dataclass(frozen=True, slots=True)
class Totals:
    trades: int
    volume: int  # [t], every venue
    turnover: int  # [cents], every venue
    vwap: int | None  # [cents/t] of the price-forming trades, rounded down
    negotiated_trades: int
    negotiated_volume: int
    negotiated_turnover: int


def candles(prints: Iterable[Print]) -> list[Candle]:
    """Daily candles, oldest day first; ``prints`` in the order they traded."""
    days: dict[str, list[Print]] = {}
    for p in prints:
        days.setdefault(p.at.date().isoformat(), []).append(p)
    out = []
    for day in sorted(days):
        ps = days[day]
        priced = [p.price for p in ps if p.forms_price]
        deals = [p for p in ps if not p.forms_price]
        out.append(
            Candle(
                day=day,
                open=priced[0] if priced else None,
                high=max(priced) if priced else None,
                low=min(priced) if priced else None,
                close=priced[-1] if priced else None,
                volume=sum(p.quantity for p in ps),
                turnover=sum(p.quantity * p.price for p in ps),
                negotiated_volume=sum(p.quantity for p in deals),
                negotiated_turnover=sum(p.quantity * p.price for p in deals),
            )
        )
    return out


def totals(prints: Iterable[Print]) -> Totals:
    """Trades, volume and turnover of every venue; the VWAP of the price-forming ones."""
    trades = volume = turnover = 0
    n_deals = deal_volume = deal_turnover = 0
    for p in prints:
        trades += 1
        volume += p.quantity
        turnover += p.quantity * p.price
        if not p.forms_price:
            n_deals += 1
            deal_volume += p.quantity
            deal_turnover += p.quantity * p.price
    priced_volume = volume - deal_volume
    return Totals(
        trades=trades,
        volume=volume,
        turnover=turnover,
        vwap=(turnover - deal_turnover) // priced_volume if priced_volume else None,
        negotiated_trades=n_deals,
        negotiated_volume=deal_volume,
        negotiated_turnover=deal_turnover,
    )
