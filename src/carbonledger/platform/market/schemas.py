"""The market's API contract. Prices are integer cents of carbon coin per tonne,
quantities integer tonnes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

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
    """A trade as the public sees it (no parties)."""

    id: int
    kind: str
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
    day: str
    open: int
    high: int
    low: int
    close: int
    volume: int
    turnover: int  # cents


class Statistics(BaseModel):
    instrument: str
    open: bool
    previous_close: int | None
    price_limits: list[int] | None
    last_price: int | None
    best_bid: int | None
    best_ask: int | None
    trades: int
    volume: int
    turnover: int
    vwap: int | None
    settled_trades: int
    pending_trades: int


class DealCreate(BaseModel):
    instrument: Code
    counterparty_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    as_seller: bool
    quantity: Tonnes
    price: Cents


class DealPublic(BaseModel):
    id: int
    instrument: str
    chain_deal_id: int
    proposer_org: int
    counterparty_org: int
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
