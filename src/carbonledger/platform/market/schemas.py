"""The market's API contract. Prices are integer cents of carbon coin per tonne,
quantities integer tonnes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from carbonledger.market.tape import Venue

Cents = Annotated[int, Field(ge=1, le=10**12, description="cents of carbon coin per tonne")]
Tonnes = Annotated[int, Field(ge=1, le=10**12, description="tonnes")]
Code = Annotated[str, Field(pattern=r"^CEA-\d{4}$", examples=["CEA-2024"])]


class InstrumentCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"vintage": 2024, "reference_price": 8000, "tick": 1, "lot": 1}]
        }
    )

    vintage: Annotated[int, Field(ge=2000, le=2100)]
    reference_price: Cents  # the first previous close: today's limits are placed around it
    tick: Annotated[int, Field(ge=1, le=10**6)] = 1
    lot: Annotated[int, Field(ge=1, le=10**6)] = 1
    price_limit_bps: Annotated[int, Field(ge=1, le=9999)] = 1000
    block_band_bps: Annotated[int, Field(ge=1, le=9999)] = 3000
    block_min_quantity: Annotated[int, Field(ge=1, le=10**9)] = 1
    position_alert_t: Annotated[int, Field(ge=1, le=10**12)] = 1_000_000
    layering_alert_t: Annotated[int, Field(ge=1, le=10**12)] = 10_000
    open: bool = True


class InstrumentPublic(BaseModel):
    code: str
    vintage: int
    tick: int
    lot: int
    price_limit_bps: int
    block_band_bps: int
    block_min_quantity: int
    position_alert_t: int
    layering_alert_t: int
    open: bool
    previous_close: int | None
    price_limits: list[int] | None
    last_price: int | None


class SessionChange(BaseModel):
    open: bool


class InstrumentSettings(BaseModel):
    """The settings a regulator may change on a listed instrument: the surveillance
    thresholds (the engine's tick, lot and limits are fixed at listing; sessions have
    their own endpoints)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"layering_alert_t": 5000}]})

    position_alert_t: Annotated[int, Field(ge=1, le=10**12)] | None = None
    layering_alert_t: Annotated[int, Field(ge=1, le=10**12)] | None = None


class OrderCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "instrument": "CEA-2024",
                    "side": "buy",
                    "type": "limit",
                    "quantity": 100,
                    "price": 8050,
                    "tif": "day",
                }
            ]
        }
    )

    instrument: Code
    side: Literal["buy", "sell"]
    type: Literal["limit", "market"] = "limit"
    quantity: Tonnes
    price: Cents | None = None
    tif: Literal["day", "ioc", "fok"] = "day"
    client_ref: Annotated[str, Field(max_length=64)] = ""


#: orders one batch request may carry
MAX_ORDER_BATCH = 100


class OrderBatchCreate(BaseModel):
    """Several orders of the caller's organisation at once: escrowed on chain together
    and matched in the order given."""

    orders: Annotated[list[OrderCreate], Field(min_length=1, max_length=MAX_ORDER_BATCH)]


class OrderProblem(BaseModel):
    """Why one order of a batch was refused (an RFC 9457 problem's fields)."""

    status: int
    code: str
    detail: str
    field: str | None = None
    #: the values the code's translation names (see the problem document's params)
    params: dict[str, str | int] | None = None


class OrderBatchOutcome(BaseModel):
    """One order of a batch: its order (with its trades), or the problem that kept it
    off the book; both when the engine rejected an escrowed order (e.g. a FOK that could
    not fill: the order exists, rejected, and its escrow is released)."""

    order: OrderPublic | None = None
    problem: OrderProblem | None = None


class OrderBatchOut(BaseModel):
    results: list[OrderBatchOutcome]
    placed: int
    refused: int


class OrderAmend(BaseModel):
    quantity: Tonnes | None = None
    price: Cents | None = None


class OrderPublic(BaseModel):
    id: int
    org_id: int
    instrument: str
    side: str
    type: str
    tif: str
    price: int | None
    quantity: int
    filled: int
    state: str
    reason: str
    client_ref: str
    kind: str
    auction_id: int | None
    escrow_price: int
    escrow_quantity: int
    escrow_protective: bool
    chain_order_id: int | None
    escrow_tx: str
    released: bool
    release_tx: str
    created_at: datetime
    trades: list[TradePublic] = []


class TradePublic(BaseModel):
    """A trade as its parties and supervisors see it."""

    id: int
    kind: str
    instrument: str
    price: int
    quantity: int
    buy_order_id: int
    sell_order_id: int
    buyer_org: int
    seller_org: int
    state: str
    attempts: int
    last_error: str
    tx_hash: str | None
    block_number: int | None
    matched_at: datetime
    settled_at: datetime | None


class TapeEntry(BaseModel):
    """A trade as the public sees it (no parties), of any venue: the order book, an
    auction or a negotiated (block) trade."""

    id: int = Field(description="the trade's id; a negotiated trade's is its deal's id")
    kind: Venue
    price: int
    quantity: int
    aggressor: str
    state: str
    tx_hash: str | None
    matched_at: datetime


class Depth(BaseModel):
    instrument: str
    bids: list[list[int]]  # [price, quantity, orders], best first
    asks: list[list[int]]


class Candle(BaseModel):
    """A day of trading (UTC). Prices come from the order book and auctions; volume and
    turnover count negotiated trades too (also on their own). A day of negotiated trades
    only has no prices."""

    day: str
    open: int | None
    high: int | None
    low: int | None
    close: int | None
    volume: int
    turnover: int  # cents
    negotiated_volume: int
    negotiated_turnover: int  # cents


class Statistics(BaseModel):
    """An instrument's session, prices and totals. ``last_price`` is the order book's
    (negotiated trades and auctions do not set it); the totals count every venue."""

    instrument: str
    open: bool
    previous_close: int | None
    price_limits: list[int] | None
    last_price: int | None
    best_bid: int | None
    best_ask: int | None
    trades: int = Field(description="trades of every venue, negotiated ones included")
    volume: int
    turnover: int
    vwap: int | None = Field(description="of the order book's and auctions' trades")
    settled_trades: int
    pending_trades: int
    negotiated_trades: int
    negotiated_volume: int
    negotiated_turnover: int


class DealCreate(BaseModel):
    instrument: Code
    counterparty_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    as_seller: bool
    quantity: Tonnes
    price: Cents


class Participant(BaseModel):
    """An enterprise that may be named as a deal's counterparty, as another enterprise
    sees it: who it is, not its users, keys, address or contacts."""

    id: int
    name: str
    region: str
    industry: str


class DealPublic(BaseModel):
    id: int
    instrument: str
    chain_deal_id: int
    proposer_org: int
    proposer_name: str
    counterparty_org: int
    counterparty_name: str
    seller_org: int
    buyer_org: int
    price: int
    quantity: int
    state: str
    proposed_tx: str
    tx_hash: str | None
    block_number: int | None
    created_at: datetime


class AuctionCreate(BaseModel):
    instrument: Code
    quantity: Tonnes
    reserve: Cents


class BidCreate(BaseModel):
    price: Cents
    quantity: Tonnes


class AuctionPublic(BaseModel):
    id: int
    instrument: str
    seller_org: int
    quantity: int
    reserve: int
    state: str
    bids: int
    clearing_price: int | None
    sold: int
    created_at: datetime
    closed_at: datetime | None


class AuctionFill(BaseModel):
    """One winning bid of a closed auction: a trade at the clearing price and its
    settlement. The buyer and its bid are named to supervisors, the seller and the buyer
    itself; the public sees the fill without the party."""

    trade_id: int
    buyer_org: int | None
    bid_order_id: int | None
    price: int
    quantity: int
    state: str
    tx_hash: str | None
    block_number: int | None
    settled_at: datetime | None


class RelationCreate(BaseModel):
    org_a: Annotated[int, Field(ge=1, le=2**31 - 1)]
    org_b: Annotated[int, Field(ge=1, le=2**31 - 1)]
    note: Annotated[str, Field(max_length=300)] = ""


class RelationPublic(BaseModel):
    id: int
    org_a: int
    org_b: int
    note: str
    created_at: datetime


class Alert(BaseModel):
    kind: Literal["wash_trade", "layering", "price_limit", "position"]
    instrument: str
    org_ids: list[int]
    detail: str
    trade_id: int | None = None
    order_id: int | None = None


class Notice(BaseModel):
    id: int
    kind: str
    trade_id: int | None
    message: str
    at: datetime


OrderPublic.model_rebuild()
