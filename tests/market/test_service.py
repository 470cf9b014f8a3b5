"""Pure parts of the market service: journal codec and replay, escrow, batches, and the
exactly-once reconciliation with the chain's TradeSettled events."""

from __future__ import annotations

import pytest

from carbonledger.market.engine import (
    Amend,
    Cancel,
    CloseSession,
    EndOfDay,
    Engine,
    OpenSession,
    OrderType,
    Side,
    Submit,
    TimeInForce,
)
from carbonledger.market.instrument import Instrument
from carbonledger.market.service import (
    MAX_FILLS,
    Escrow,
    Listing,
    NoProtectivePriceError,
    already_settled,
    batches,
    decode_command,
    encode_command,
    escrow_for,
    precheck,
    rebuild,
)

COMMANDS = [
    Submit("CEA-2024", "1", Side.SELL, OrderType.LIMIT, 10, 8000, TimeInForce.DAY, "a"),
    Submit("CEA-2024", "2", Side.BUY, OrderType.MARKET, 4, None, TimeInForce.IOC),
    Amend(1, "1", quantity=8, price=None),
    Cancel(1, "1"),
    OpenSession("CEA-2024"),
    CloseSession("CEA-2024"),
    EndOfDay("CEA-2024"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_journal_codec_round_trips(command: object) -> None:
    assert decode_command(encode_command(command)) == command  # type: ignore[arg-type]


def test_snapshot_plus_journal_rebuilds_the_same_book() -> None:
    listing = Listing(Instrument("CEA-2024"), 8000, True)
    live = Engine()
    live.add_instrument(listing.instrument, previous_close=8000)
    journal: list[tuple[int, str]] = [(0, listing.encode())]
    stream = [
        Submit(
            "CEA-2024",
            str(i % 3),
            Side.BUY if i % 2 else Side.SELL,
            OrderType.LIMIT,
            5 + i,
            7950 + 10 * (i % 7),
            TimeInForce.DAY,
        )
        for i in range(40)
    ] + [Cancel(3, "2"), Amend(5, "1", quantity=2)]
    snapshot = None
    for i, command in enumerate(stream):
        journal.append((live.seq, encode_command(command)))
        live.apply(command)
        if i == 20:
            snapshot = (live.snapshot(), len(journal))
    assert snapshot is not None
    from_start = rebuild(None, journal)
    from_snapshot = rebuild(snapshot[0], journal[snapshot[1] :])
    assert from_start.snapshot() == live.snapshot() == from_snapshot.snapshot()


def test_a_gap_in_the_journal_is_refused() -> None:
    listing = Listing(Instrument("CEA-2024"), 8000, True)
    entry = encode_command(Cancel(1, "1"))
    with pytest.raises(RuntimeError, match="gap"):
        rebuild(None, [(0, listing.encode()), (0, entry), (5, entry)])


def test_market_orders_escrow_at_the_day_limits() -> None:
    assert escrow_for(Side.BUY, OrderType.LIMIT, 10, 8100, (7200, 8800)) == Escrow(8100, 10, False)
    assert escrow_for(Side.BUY, OrderType.MARKET, 10, None, (7200, 8800)) == Escrow(8800, 10, True)
    assert escrow_for(Side.SELL, OrderType.MARKET, 10, None, (7200, 8800)) == Escrow(7200, 10, True)
    with pytest.raises(NoProtectivePriceError):
        escrow_for(Side.BUY, OrderType.MARKET, 10, None, None)


def test_precheck_follows_the_engine() -> None:
    engine = Engine()
    book = engine.add_instrument(Instrument("CEA-2024", tick=5, lot=10), previous_close=8000)
    assert precheck(book, OrderType.LIMIT, 10, 8000) is None
    assert precheck(book, OrderType.LIMIT, 15, 8000).code == "bad_lot"  # type: ignore[union-attr]
    assert precheck(book, OrderType.LIMIT, 10, 8001).code == "bad_tick"  # type: ignore[union-attr]
    assert precheck(book, OrderType.LIMIT, 10, 8805).code == "price_limit"  # type: ignore[union-attr]
    assert precheck(book, OrderType.MARKET, 10, 8000).code == "unexpected_price"  # type: ignore[union-attr]
    engine.close_session("CEA-2024")
    assert precheck(book, OrderType.LIMIT, 10, 8000).code == "market_closed"  # type: ignore[union-attr]
    # whatever precheck lets through, the engine accepts
    engine.open_session("CEA-2024")
    events = engine.submit("CEA-2024", "1", Side.BUY, OrderType.LIMIT, 10, 8800)
    assert events[0].kind == "accepted"


def test_batches_hold_at_most_max_fills() -> None:
    assert MAX_FILLS == 128  # the Settlement contract's DynArray bound
    cut = batches(list(range(300)))
    assert [len(b) for b in cut] == [128, 128, 44]
    assert [x for b in cut for x in b] == list(range(300))


def test_reconciliation_counts_equal_fills() -> None:
    k = (1, 2, 10, 8000)
    other = (3, 2, 5, 8000)
    # trades 7 and 8 have the same fill; the chain settled it twice, the database knows once
    pending = [(7, k), (8, k), (9, other)]
    assert already_settled(pending, settled_keys=[k], on_chain=[k, k]) == [7]
    assert already_settled(pending, settled_keys=[], on_chain=[k, k, other]) == [7, 8, 9]
    assert already_settled(pending, settled_keys=[k], on_chain=[k]) == []
