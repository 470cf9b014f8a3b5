"""Tables of the market. Prices are integer cents per tonne, quantities integer tonnes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carbonledger.platform.db import Base, UtcDateTime, utcnow


class OrderState(enum.StrEnum):
    OPEN = "open"  # resting in the book (or an auction bid/offer waiting for the close)
    FILLED = "filled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # end of day
    REJECTED = "rejected"  # the engine refused it after the escrow (released again)


class OrderKind(enum.StrEnum):
    BOOK = "book"
    AUCTION_OFFER = "auction_offer"
    AUCTION_BID = "auction_bid"


class TradeState(enum.StrEnum):
    MATCHED = "matched"  # matched off chain, not yet sent
    SETTLING = "settling"  # a settle transaction was (maybe) sent
    SETTLED = "settled"
    FAILED = "failed"  # the settle transaction reverted; retried
    REVERSED = "reversed"  # failed too often: both orders cancelled, parties told


class MarketInstrument(Base):
    __tablename__ = "market_instruments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    vintage: Mapped[int] = mapped_column(Integer, unique=True)
    tick: Mapped[int] = mapped_column(Integer)
    lot: Mapped[int] = mapped_column(Integer)
    price_limit_bps: Mapped[int] = mapped_column(Integer)
    block_band_bps: Mapped[int] = mapped_column(Integer)
    block_min_quantity: Mapped[int] = mapped_column(Integer)
    reference_price: Mapped[int] = mapped_column(BigInteger)
    position_alert_t: Mapped[int] = mapped_column(BigInteger)
    layering_alert_t: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MarketOrder(Base):
    __tablename__ = "market_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    engine_order_id: Mapped[int | None] = mapped_column(BigInteger, unique=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(16), default=OrderKind.BOOK)
    instrument: Mapped[str] = mapped_column(ForeignKey("market_instruments.code"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    side: Mapped[str] = mapped_column(String(4))
    order_type: Mapped[str] = mapped_column(String(8))
    tif: Mapped[str] = mapped_column(String(4))
    price: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    filled: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[str] = mapped_column(String(12), default=OrderState.OPEN, index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    client_ref: Mapped[str] = mapped_column(String(64), default="")
    auction_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # the escrow on chain: the Settlement order behind this one
    chain_order_id: Mapped[int | None] = mapped_column(BigInteger, unique=True, nullable=True)
    escrow_price: Mapped[int] = mapped_column(BigInteger)
    escrow_quantity: Mapped[int] = mapped_column(BigInteger)
    escrow_tx: Mapped[str] = mapped_column(String(66), default="")
    #: the escrow left over after the order ended was given back (or nothing was left)
    released: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    release_tx: Mapped[str] = mapped_column(String(66), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MarketTrade(Base):
    __tablename__ = "market_trades"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="book")
    instrument: Mapped[str] = mapped_column(ForeignKey("market_instruments.code"), index=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    buy_order_id: Mapped[int] = mapped_column(ForeignKey("market_orders.id"), index=True)
    sell_order_id: Mapped[int] = mapped_column(ForeignKey("market_orders.id"), index=True)
    # the Settlement orders at the time of the match (an amendment may re-escrow later)
    buy_chain_order: Mapped[int] = mapped_column(BigInteger, index=True)
    sell_chain_order: Mapped[int] = mapped_column(BigInteger, index=True)
    buyer_org: Mapped[int] = mapped_column(Integer, index=True)
    seller_org: Mapped[int] = mapped_column(Integer, index=True)
    price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(BigInteger)
    aggressor: Mapped[str] = mapped_column(String(4), default="")
    at_limit: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default=TradeState.MATCHED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    matched_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class MarketJournal(Base):
    """Every command given to the engine, in order, with the sequence number it started
    at; written in the same transaction as the orders and trades it caused."""

    __tablename__ = "market_journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq_before: Mapped[int] = mapped_column(BigInteger)
    seq_after: Mapped[int] = mapped_column(BigInteger)
    command: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MarketSnapshot(Base):
    __tablename__ = "market_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    journal_id: Mapped[int] = mapped_column(Integer)  # the last journal entry it includes
    data: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MarketDeal(Base):
    """A negotiated (block) trade: proposed on chain, settled when the counterparty
    accepts."""

    __tablename__ = "market_deals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument: Mapped[str] = mapped_column(ForeignKey("market_instruments.code"), index=True)
    chain_deal_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    proposer_org: Mapped[int] = mapped_column(Integer, index=True)
    counterparty_org: Mapped[int] = mapped_column(Integer, index=True)
    seller_org: Mapped[int] = mapped_column(Integer)
    buyer_org: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10), default="proposed")
    proposed_tx: Mapped[str] = mapped_column(String(66))
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class MarketAuction(Base):
    __tablename__ = "market_auctions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument: Mapped[str] = mapped_column(ForeignKey("market_instruments.code"), index=True)
    seller_org: Mapped[int] = mapped_column(Integer, index=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    reserve: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(8), default="open")
    offer_order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    clearing_price: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sold: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class MarketNotice(Base):
    """Something an organisation must be told (a trade reversed after failed settlement)."""

    __tablename__ = "market_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    trade_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MarketRelation(Base):
    """Two organisations a regulator declared related (trades between them are watched)."""

    __tablename__ = "market_relations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_a: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    org_b: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
