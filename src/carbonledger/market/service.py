"""The market service's rules that need neither a database nor a chain.

The platform's market package (``carbonledger.platform.market``) runs the engine behind
HTTP, escrows on chain and settles; the parts of that which are pure live here, so they
can be tested without a server: the journal's command codec, what an order escrows, how
fills are cut into settlement batches, and how trades are reconciled with the chain's
``TradeSettled`` events after a crash (the layering keeps ``carbonledger.market`` below
the platform, so the platform's tables are not known here).
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from carbonledger.market.engine import (
    Amend,
    Cancel,
    CloseSession,
    Command,
    EndOfDay,
    Engine,
    OpenSession,
    OrderBook,
    OrderType,
    Side,
    Submit,
    TimeInForce,
)
from carbonledger.market.instrument import Instrument

#: the Settlement contract settles at most this many fills per transaction
MAX_FILLS = 128

# --- the journal ----------------------------------------------------------------------------


def encode_command(command: Command) -> str:
    """A journaled command as JSON (never pickle: the journal outlives the process)."""
    match command:
        case Submit():
            data: dict[str, Any] = {
                "op": "submit",
                "instrument": command.instrument,
                "account": command.account,
                "side": str(command.side),
                "order_type": str(command.order_type),
                "quantity": command.quantity,
                "price": command.price,
                "tif": str(command.tif),
                "client_ref": command.client_ref,
            }
        case Cancel():
            data = {"op": "cancel", "order_id": command.order_id, "account": command.account}
        case Amend():
            data = {
                "op": "amend",
                "order_id": command.order_id,
                "account": command.account,
                "quantity": command.quantity,
                "price": command.price,
            }
        case OpenSession():
            data = {"op": "open", "instrument": command.instrument}
        case CloseSession():
            data = {"op": "close", "instrument": command.instrument}
        case EndOfDay():
            data = {"op": "end_of_day", "instrument": command.instrument}
        case _:
            raise TypeError(f"not a market command: {command!r}")
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def decode_command(text: str) -> Command:
    data = json.loads(text)
    op = data["op"]
    if op == "submit":
        return Submit(
            data["instrument"],
            data["account"],
            Side(data["side"]),
            OrderType(data["order_type"]),
            data["quantity"],
            data["price"],
            TimeInForce(data["tif"]),
            data["client_ref"],
        )
    if op == "cancel":
        return Cancel(data["order_id"], data["account"])
    if op == "amend":
        return Amend(data["order_id"], data["account"], data["quantity"], data["price"])
    if op == "open":
        return OpenSession(data["instrument"])
    if op == "close":
        return CloseSession(data["instrument"])
    if op == "end_of_day":
        return EndOfDay(data["instrument"])
    raise ValueError(f"unknown journal operation {op!r}")


@dataclass(frozen=True, slots=True)
class Listing:
    """A journal entry that adds an instrument (configuration, not an engine command: it
    takes no sequence number, but replay must meet it before the instrument's orders)."""

    instrument: Instrument
    previous_close: int
    is_open: bool

    def encode(self) -> str:
        return json.dumps(
            {
                "op": "list",
                "instrument": self.instrument.to_dict(),
                "previous_close": self.previous_close,
                "open": self.is_open,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str) -> Listing:
        data = json.loads(text)
        return cls(Instrument.from_dict(data["instrument"]), data["previous_close"], data["open"])


def is_listing(text: str) -> bool:
    return bool(json.loads(text)["op"] == "list")


def rebuild(snapshot: dict[str, Any] | None, journal: Iterable[tuple[int, str]]) -> Engine:
    """The engine after ``snapshot`` plus every journal entry taken after it.

    journal: (engine sequence number before the entry, entry JSON) in journal order.
    Entries at or before the snapshot's sequence number are already in it and skipped,
    except listings of instruments the snapshot does not have yet.
    """
    engine = Engine.restore(snapshot) if snapshot is not None else Engine()
    base = engine.seq
    for seq_before, text in journal:
        if is_listing(text):
            listing = Listing.decode(text)
            if listing.instrument.id not in engine.books:
                engine.add_instrument(
                    listing.instrument,
                    previous_close=listing.previous_close,
                    is_open=listing.is_open,
                )
            continue
        if seq_before < base:
            continue
        if seq_before != engine.seq:
            raise RuntimeError(
                f"the market journal has a gap: an entry starts at sequence {seq_before} "
                f"but the engine is at {engine.seq}"
            )
        engine.apply(decode_command(text))
    return engine


# --- escrow -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Escrow:
    """What an order locks on chain: ``quantity`` [t] at ``price`` [cents/t] (a buy order
    locks quantity × price of coin, a sell order the quantity of allowances)."""

    price: int
    quantity: int
    protective: bool  # the price is the day's limit, not the order's own (a market order)


class NoProtectivePriceError(ValueError):
    pass


def escrow_for(
    side: Side,
    order_type: OrderType,
    quantity: int,
    price: int | None,
    limits: tuple[int, int] | None,
) -> Escrow:
    """The on-chain order behind an engine order.

    A limit order escrows at its limit price. A market order has none, but the contract
    needs one (a buy order locks quantity × price of coin; a fill must lie between the
    two orders' prices), so a market buy escrows at the day's upper price limit and a
    market sell at the lower one: every fill the book can give lies inside those limits.
    Without daily limits there is no such bound, and market orders are refused.
    """
    if order_type is OrderType.LIMIT:
        assert price is not None
        return Escrow(price, quantity, False)
    if limits is None:
        raise NoProtectivePriceError(
            "this instrument has no daily price limits, so a market order has no protective "
            "price to escrow at; send a limit order"
        )
    low, high = limits
    return Escrow(high if side is Side.BUY else low, quantity, True)


# --- settlement -------------------------------------------------------------------------------


def batches(items: Sequence[Any], size: int = MAX_FILLS) -> list[list[Any]]:
    """``items`` cut into settlement transactions of at most ``size`` fills, in order."""
    if size <= 0:
        raise ValueError(f"batch size must be positive, got {size}")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


FillKey = tuple[int, int, int, int]  # (buy chain order, sell chain order, amount, price)


def already_settled(
    pending: Sequence[tuple[int, FillKey]],
    settled_keys: Sequence[FillKey],
    on_chain: Iterable[FillKey],
) -> list[int]:
    """Which pending trades the chain has already settled.

    pending: (trade id, fill) of trades the database does not know as settled, in trade
    order; settled_keys: fills of trades it records as settled; on_chain: every
    ``TradeSettled`` the Settlement contract emitted. Two trades may have equal fills (the
    same orders, amount and price), so the events are counted, not merely looked up: for
    each fill, the events beyond the database's settled trades belong to the earliest
    pending trades with that fill. Returns their ids.
    """
    spare = Counter(on_chain)
    spare.subtract(Counter(settled_keys))
    found: list[int] = []
    for trade_id, key in pending:
        if spare[key] > 0:
            spare[key] -= 1
            found.append(trade_id)
    return found


# --- validation before escrow -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreCheck:
    code: str  # the engine's RejectCode value
    field: str  # the request field at fault
    message: str
    #: the numbers the message states, by name with their unit (quantity_t, lot_t,
    #: price_cents_per_t...): the platform passes them on to the UI
    params: dict[str, int | str] = dataclasses.field(default_factory=dict)


def precheck(
    book: OrderBook, order_type: OrderType, quantity: int, price: int | None
) -> PreCheck | None:
    """The engine's own rules (session, lot, tick, price limits), checked before anything
    is escrowed, so a refused order never touches the chain."""
    instrument = book.instrument
    if not book.is_open:
        return PreCheck(
            "market_closed",
            "body:instrument",
            f"{instrument.id} is not trading now",
            {"instrument": instrument.id},
        )
    if quantity <= 0:
        return PreCheck(
            "bad_quantity", "body:quantity", f"quantity must be a positive integer, got {quantity}"
        )
    if quantity % instrument.lot:
        return PreCheck(
            "bad_lot",
            "body:quantity",
            f"quantity {quantity} t is not a multiple of the lot of {instrument.lot} t",
            {"quantity_t": quantity, "lot_t": instrument.lot},
        )
    if order_type is OrderType.MARKET:
        if price is not None:
            return PreCheck("unexpected_price", "body:price", "a market order takes no price")
        return None
    if price is None:
        return PreCheck("missing_price", "body:price", "a limit order needs a price in cents/t")
    if price <= 0 or price % instrument.tick:
        return PreCheck(
            "bad_tick",
            "body:price",
            f"price must be a positive whole number of cents on the {instrument.tick}-cent "
            f"tick, got {price}",
            {"price_cents_per_t": price, "tick_cents_per_t": instrument.tick},
        )
    limits = book.price_limits
    if limits is not None and not limits[0] <= price <= limits[1]:
        return PreCheck(
            "price_limit",
            "body:price",
            f"price {price} is outside today's limits {limits[0]}..{limits[1]} "
            f"(±{instrument.price_limit_bps} bp around the previous close {book.previous_close})",
            {
                "price_cents_per_t": price,
                "low_cents_per_t": limits[0],
                "high_cents_per_t": limits[1],
            },
        )
    return None
