"""All SQL of the explorer: reads of the chain's projection. Per-enterprise reads are
checked against the caller's visibility in the service; public reads return aggregates
only."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from carbonledger.ledger import ReportState
from carbonledger.ledger import indexer as ledger


def _decoded(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "block_number": int(r.block_number),
            "log_index": int(r.log_index),
            "tx_hash": r.tx_hash,
            "contract": r.contract,
            "event": r.name,
            "args": json.loads(r.args),
        }
        for r in rows
    ]


def events_mentioning(session: Session, contracts: list[str], needle: str) -> list[dict[str, Any]]:
    """Events of `contracts` whose arguments contain `needle` (an address, a key), in
    chain order; callers filter the decoded arguments exactly."""
    e = ledger.events
    rows = session.execute(
        select(e)
        .where(e.c.contract.in_(contracts), e.c.args.contains(needle, autoescape=True))
        .order_by(e.c.block_number, e.c.log_index)
    ).all()
    return _decoded(rows)


def offset_events(session: Session) -> list[dict[str, Any]]:
    """Every event that moves serials (the offsets contract and surrenders), in order."""
    e = ledger.events
    rows = session.execute(
        select(e)
        .where(
            or_(
                e.c.contract == "offsets",
                and_(e.c.contract == "compliance", e.c.name == "OffsetsSurrendered"),
            )
        )
        .order_by(e.c.block_number, e.c.log_index)
    ).all()
    return _decoded(rows)


def report(session: Session, report_id: int) -> Any:
    r = ledger.reports
    return session.execute(select(r).where(r.c.report_id == report_id)).first()


def allowance_vintages(session: Session) -> list[int]:
    t = ledger.allowance_balances
    return [
        int(v)
        for v in session.execute(select(t.c.vintage).distinct().order_by(t.c.vintage)).scalars()
    ]


def offset_vintages(session: Session) -> list[int]:
    t = ledger.offset_blocks
    return [
        int(v)
        for v in session.execute(select(t.c.vintage).distinct().order_by(t.c.vintage)).scalars()
    ]


def emissions_groups(session: Session, year: int | None) -> list[Any]:
    """(year, industry, region, enterprises, total) of confirmed reports, by the industry
    and region the chain registered."""
    r = ledger.reports
    o = ledger.organisations
    q = (
        select(
            r.c.period,
            o.c.industry,
            o.c.region,
            func.count(distinct(r.c.enterprise)),
            func.sum(r.c.verified_t),
        )
        .join(o, o.c.account == r.c.enterprise)
        .where(r.c.state == int(ReportState.CONFIRMED))
        .group_by(r.c.period, o.c.industry, o.c.region)
        .order_by(r.c.period, o.c.industry, o.c.region)
    )
    if year is not None:
        q = q.where(r.c.period == year)
    return list(session.execute(q).all())


def event_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(ledger.events)).scalar_one())


def recent_blocks(session: Session, limit: int, before: int | None) -> list[int]:
    """The newest block numbers holding events (below `before` when given), newest first."""
    e = ledger.events
    q = select(e.c.block_number).distinct().order_by(e.c.block_number.desc()).limit(limit)
    if before is not None:
        q = q.where(e.c.block_number < before)
    return [int(b) for b in session.execute(q).scalars()]


def events_in_blocks(session: Session, blocks: list[int]) -> list[dict[str, Any]]:
    e = ledger.events
    rows = session.execute(
        select(e).where(e.c.block_number.in_(blocks)).order_by(e.c.block_number, e.c.log_index)
    ).all()
    return _decoded(rows)


def events_of_tx(session: Session, tx_hash: str) -> list[dict[str, Any]]:
    e = ledger.events
    rows = session.execute(
        select(e).where(func.lower(e.c.tx_hash) == tx_hash.lower()).order_by(e.c.log_index)
    ).all()
    return _decoded(rows)
