"""All SQL of the market. Reads start from what the caller may see."""

from __future__ import annotations

import re

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from carbonledger.ledger.indexer import allowance_balances
from carbonledger.platform.accounts.models import Organisation, OrgStatus
from carbonledger.platform.deps import MAX_ID
from carbonledger.platform.market.models import (
    MarketAuction,
    MarketDeal,
    MarketInstrument,
    MarketOrder,
    MarketRelation,
    MarketTrade,
)
from carbonledger.platform.security import Kind, Principal

SEES_ALL = frozenset({Kind.ADMIN, Kind.REGULATOR})


def visible_orders(p: Principal) -> Select[MarketOrder]:
    q = select(MarketOrder)
    return q if p.kind in SEES_ALL else q.where(MarketOrder.org_id == p.org_id)


def visible_trades(p: Principal) -> Select[MarketTrade]:
    q = select(MarketTrade)
    if p.kind in SEES_ALL:
        return q
    return q.where(or_(MarketTrade.buyer_org == p.org_id, MarketTrade.seller_org == p.org_id))


def visible_deals(p: Principal) -> Select[MarketDeal]:
    q = select(MarketDeal)
    if p.kind in SEES_ALL:
        return q
    return q.where(
        or_(MarketDeal.proposer_org == p.org_id, MarketDeal.counterparty_org == p.org_id)
    )


def participants(s: Session, q: str, exclude: int, limit: int) -> list[Organisation]:
    """Enterprises that can trade (active, certified, with a chain account), except
    ``exclude``; ``q`` is part of the name (any case), the whole credit code or the id."""
    query = select(Organisation).where(
        Organisation.kind == Kind.ENTERPRISE.value,
        Organisation.status == OrgStatus.ACTIVE,
        Organisation.certified.is_(True),
        Organisation.address.is_not(None),
        Organisation.id != exclude,
    )
    q = q.strip()
    if q:
        matches = [
            func.lower(Organisation.name).contains(q.lower(), autoescape=True),
            Organisation.credit_code == q.upper(),
        ]
        number = re.fullmatch(r"#?([0-9]{1,10})", q)  # ASCII digits: "²".isdigit() too
        if number and int(number[1]) <= MAX_ID:
            matches.append(Organisation.id == int(number[1]))
        query = query.where(or_(*matches))
    query = query.order_by(Organisation.name, Organisation.id).limit(limit)
    return list(s.execute(query).scalars())


def order_trades(s: Session, order_id: int) -> list[MarketTrade]:
    q = select(MarketTrade).where(
        or_(MarketTrade.buy_order_id == order_id, MarketTrade.sell_order_id == order_id)
    )
    return list(s.execute(q.order_by(MarketTrade.id)).scalars())


def instrument_trades(s: Session, code: str, limit: int | None = None) -> list[MarketTrade]:
    q = select(MarketTrade).where(MarketTrade.instrument == code).order_by(MarketTrade.id.desc())
    if limit is not None:
        q = q.limit(limit)
    return list(s.execute(q).scalars())


def settled_deals(s: Session, code: str, limit: int | None = None) -> list[MarketDeal]:
    """Negotiated trades of an instrument that settled on chain, latest first."""
    q = (
        select(MarketDeal)
        .where(MarketDeal.instrument == code, MarketDeal.state == "settled")
        .order_by(MarketDeal.id.desc())
    )
    if limit is not None:
        q = q.limit(limit)
    return list(s.execute(q).scalars())


def instruments(s: Session) -> list[MarketInstrument]:
    return list(s.execute(select(MarketInstrument).order_by(MarketInstrument.vintage)).scalars())


def relations(s: Session) -> list[MarketRelation]:
    return list(s.execute(select(MarketRelation).order_by(MarketRelation.id)).scalars())


def auction_bid_counts(s: Session, auction_ids: list[int]) -> dict[int, int]:
    """The number of bids of each auction (absent: none)."""
    if not auction_ids:
        return {}
    q = (
        select(MarketOrder.auction_id, func.count(MarketOrder.id))
        .where(MarketOrder.auction_id.in_(auction_ids), MarketOrder.kind == "auction_bid")
        .group_by(MarketOrder.auction_id)
    )
    return {int(a): int(n) for a, n in s.execute(q) if a is not None}


def auction_fills(s: Session, auction: MarketAuction) -> list[MarketTrade]:
    """The trades an auction's close made (its offer is the sell side of every one)."""
    if auction.offer_order_id is None:
        return []
    q = select(MarketTrade).where(
        MarketTrade.kind == "auction", MarketTrade.sell_order_id == auction.offer_order_id
    )
    return list(s.execute(q.order_by(MarketTrade.id)).scalars())


def relation_between(s: Session, org_a: int, org_b: int) -> MarketRelation | None:
    """The declared relation of two organisations, in either order."""
    q = select(MarketRelation).where(
        or_(
            (MarketRelation.org_a == org_a) & (MarketRelation.org_b == org_b),
            (MarketRelation.org_a == org_b) & (MarketRelation.org_b == org_a),
        )
    )
    return s.execute(q.limit(1)).scalar_one_or_none()


def cancelled_unfilled(s: Session, code: str, at_least: int) -> list[MarketOrder]:
    q = select(MarketOrder).where(
        MarketOrder.instrument == code,
        MarketOrder.state == "cancelled",
        MarketOrder.reason == "requested",
        MarketOrder.filled == 0,
        MarketOrder.quantity >= at_least,
    )
    return list(s.execute(q.order_by(MarketOrder.id)).scalars())


def limit_trades(s: Session, code: str) -> list[MarketTrade]:
    q = select(MarketTrade).where(MarketTrade.instrument == code, MarketTrade.at_limit.is_(True))
    return list(s.execute(q.order_by(MarketTrade.id)).scalars())


def large_positions(s: Session, vintage: int, at_least: int) -> list[tuple[int, int]]:
    """(organisation id, tonnes held incl. escrow) of holders above the threshold."""
    q = (
        select(Organisation.id, allowance_balances.c.balance, allowance_balances.c.escrowed)
        .join(
            Organisation,
            func.lower(Organisation.address) == func.lower(allowance_balances.c.account),
        )
        .where(allowance_balances.c.vintage == vintage)
    )
    out = []
    for org_id, balance, escrowed in s.execute(q):
        held = int(balance) + int(escrowed)
        if held >= at_least:
            out.append((int(org_id), held))
    return out
