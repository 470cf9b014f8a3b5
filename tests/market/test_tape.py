"""The tape's candles and totals: negotiated trades add volume, never prices."""

from __future__ import annotations

from datetime import UTC, datetime

from carbonledger.market.tape import Print, Venue, candles, totals


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


TAPE = [
    Print(Venue.BOOK, 8000, 100, at(2, 9)),
    Print(Venue.DEAL, 9500, 1000, at(2, 10)),  # far above the book: not a market price
    Print(Venue.BOOK, 8100, 50, at(2, 11)),
    Print(Venue.AUCTION, 7900, 200, at(2, 14)),
    Print(Venue.DEAL, 7000, 500, at(3, 9)),  # a day of negotiated trades only
    Print(Venue.BOOK, 8050, 10, at(4, 9)),
]


def test_negotiated_trades_count_in_volume_and_turnover_but_not_in_prices() -> None:
    first, only_deals, last = candles(TAPE)
    assert first.day == "2026-03-02"
    assert (first.open, first.high, first.low, first.close) == (8000, 8100, 7900, 7900)
    assert first.volume == 100 + 1000 + 50 + 200
    assert first.turnover == 100 * 8000 + 1000 * 9500 + 50 * 8100 + 200 * 7900
    assert (first.negotiated_volume, first.negotiated_turnover) == (1000, 1000 * 9500)

    assert only_deals.day == "2026-03-03"
    assert (only_deals.open, only_deals.high, only_deals.low, only_deals.close) == (None,) * 4
    assert (only_deals.volume, only_deals.negotiated_volume) == (500, 500)

    assert (last.open, last.close, last.volume, last.negotiated_volume) == (8050, 8050, 10, 0)


def test_totals_report_the_negotiated_share_and_a_vwap_of_the_market_prices() -> None:
    got = totals(TAPE)
    assert got.trades == 6 and got.negotiated_trades == 2
    assert got.volume == 1860 and got.negotiated_volume == 1500
    assert got.negotiated_turnover == 1000 * 9500 + 500 * 7000
    assert got.turnover == got.negotiated_turnover + 100 * 8000 + 50 * 8100 + 200 * 7900 + 10 * 8050
    # only the 360 t of the book and the auction: (800000 + 405000 + 1580000 + 80500) // 360
    assert got.vwap == 2865500 // 360 == 7959


def test_no_trades_or_only_deals_have_no_vwap() -> None:
    assert totals([]).vwap is None and candles([]) == []
    assert totals([Print(Venue.DEAL, 9000, 500, at(2, 9))]).vwap is None
