"""All SQL of compliance: deadlines, penalties, pending deductions and the overview over
the chain's projection (confirmed reports, surrenders). Reads start from the caller's
visibility (the overview is for regulators and admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from carbonledger.ledger import ReportState
from carbonledger.ledger import indexer as ledger
from carbonledger.platform.accounts.models import Organisation
from carbonledger.platform.compliance.models import (
    Deadline,
    DeductionStatus,
    Penalty,
    PendingDeduction,
)
from carbonledger.platform.registry.repository import sees_all
from carbonledger.platform.security import Principal


def deadline(session: Session, year: int) -> Deadline | None:
    return session.get(Deadline, year)


def deadlines(session: Session) -> list[Deadline]:
    return list(session.execute(select(Deadline).order_by(Deadline.year)).scalars())


def penalties_query(p: Principal) -> Select[Any]:
    q = select(Penalty)
    if not sees_all(p):
        q = q.where(Penalty.org_id == p.org_id)
    return q


def penalty_exists(session: Session, org_id: int, year: int) -> Penalty | None:
    return session.execute(
        select(Penalty).where(Penalty.org_id == org_id, Penalty.year == year).limit(1)
    ).scalar()


def pending_deductions(
    session: Session, vintage: int, org_ids: list[int]
) -> list[PendingDeduction]:
    return list(
        session.execute(
            select(PendingDeduction)
            .where(
                PendingDeduction.vintage == vintage,
                PendingDeduction.org_id.in_(org_ids),
                PendingDeduction.status == DeductionStatus.PENDING,
            )
            .order_by(PendingDeduction.id)
            .with_for_update()
        ).scalars()
    )


def overview_query(now: datetime) -> Select[Any]:
    """One row per enterprise and year with a confirmed report, with its status computed
    as the Compliance contract does (covered ⇒ compliant; past the deadline ⇒ deficit)."""
    r = ledger.reports
    c = ledger.compliance_records
    allowances = func.coalesce(c.c.allowances, 0)
    offsets = func.coalesce(c.c.offsets, 0)
    covered = allowances + offsets
    status = case(
        (covered >= r.c.verified_t, "compliant"),
        (and_(Deadline.deadline.is_not(None), Deadline.deadline < now), "deficit"),
        else_="pending",
    )
    gap = case((covered >= r.c.verified_t, 0), else_=r.c.verified_t - covered)
    inner = (
        select(
            Organisation.id.label("org_id"),
            Organisation.name.label("name"),
            Organisation.industry.label("industry"),
            Organisation.region.label("region"),
            r.c.period.label("year"),
            r.c.verified_t.label("obligation"),
            allowances.label("surrendered_allowances"),
            offsets.label("surrendered_offsets"),
            gap.label("gap"),
            status.label("status"),
            Deadline.deadline.label("deadline"),
            func.coalesce(c.c.penalties_cents, 0).label("penalties_cents"),
        )
        .select_from(r)
        .join(Organisation, func.lower(r.c.enterprise) == Organisation.address)
        .outerjoin(c, and_(c.c.enterprise == r.c.enterprise, c.c.year == r.c.period))
        .outerjoin(Deadline, Deadline.year == r.c.period)
        .where(r.c.state == int(ReportState.CONFIRMED))
    ).subquery("overview")
    return select(inner)


def standing_groups(session: Session, overview: Select[Any], by: str) -> list[tuple[str, str, int]]:
    """(value of column `by`, status, rows) of a (filtered) overview query."""
    o = overview.subquery()
    column = o.c[by]
    q = (
        select(column, o.c.status, func.count())
        .group_by(column, o.c.status)
        .order_by(column, o.c.status)
    )
    return [(str(g or ""), st, int(n)) for g, st, n in session.execute(q)]


def region_groups(session: Session, overview: Select[Any]) -> list[tuple[str, str, int, int, int]]:
    """(region as stored, status, rows, obligation, gap) of a (filtered) overview query."""
    o = overview.subquery()
    q = (
        select(
            o.c.region,
            o.c.status,
            func.count(),
            func.coalesce(func.sum(o.c.obligation), 0),
            func.coalesce(func.sum(o.c.gap), 0),
        )
        .group_by(o.c.region, o.c.status)
        .order_by(o.c.region, o.c.status)
    )
    return [(r, st, int(n), int(ob), int(gap)) for r, st, n, ob, gap in session.execute(q)]
