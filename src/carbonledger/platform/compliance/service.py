"""Rules of compliance.

The obligation of an enterprise for a year is its confirmed verified emissions (on chain,
EmissionReports). It surrenders allowances (subject to the banking rule) and offset credits
(at most the offset cap, ``offset_cap_bps`` of the obligation) — the Compliance contract
enforces both; the checks here come first only to name the exact limit in the problem.

Penalties for a deficit (the year's deadline passed, obligation not covered): a fine
recorded on chain, and the shortfall deducted from the next vintage's allowances — at once
as far as the enterprise holds next-vintage allowances, the rest recorded as a pending
deduction applied when the regulator next allocates that vintage to the enterprise.
The shortfall is deducted once per enterprise and year; a second penalty adds a fine only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from carbonledger.ledger import ComplianceStatus, RevertError, Signer, TxResult
from carbonledger.platform import geo
from carbonledger.platform.compliance import repository as repo
from carbonledger.platform.compliance.models import (
    Deadline,
    DeductionStatus,
    Penalty,
    PendingDeduction,
)
from carbonledger.platform.compliance.schemas import (
    ChainChange,
    DeadlineIn,
    PenaltyIn,
    ProvinceFigures,
    RulesOut,
    StandingGroup,
    StatusOut,
    SurrenderAllowancesIn,
    SurrenderOffsetsIn,
    SurrenderOut,
    VintageRule,
)
from carbonledger.platform.db import utcnow
from carbonledger.platform.errors import Problem, conflict, invalid
from carbonledger.platform.gateway import LedgerGateway, run_as
from carbonledger.platform.registry import repository as registry
from carbonledger.platform.registry.schemas import DeductionApplied
from carbonledger.platform.security import Kind, Principal

if TYPE_CHECKING:
    from carbonledger.platform.app import Platform

BPS = 10_000

STATUS = {
    ComplianceStatus.PENDING: "pending",
    ComplianceStatus.COMPLIANT: "compliant",
    ComplianceStatus.DEFICIT: "deficit",
}

#: the contracts' revert reasons, as problems a user can act on
REVERTS: dict[str, tuple[str, str]] = {
    "compliance: offset cap exceeded": (
        "offset-cap-exceeded",
        "the offset credits would exceed the offset cap of this year's obligation",
    ),
    "compliance: exceeds obligation": (
        "exceeds-obligation",
        "this would surrender more than the remaining obligation",
    ),
    "compliance: no confirmed obligation": (
        "no-obligation",
        "there is no confirmed emission report for this year yet",
    ),
    "allowances: vintage not eligible for year": (
        "vintage-not-eligible",
        "allowances of this vintage may not be surrendered for this year (banking rule)",
    ),
    "allowances: insufficient balance": (
        "insufficient-balance",
        "you do not hold enough allowances of this vintage",
    ),
}


def translate_revert(err: RevertError, field: str | None = None) -> Problem:
    """A Compliance/Allowances/Offsets revert as a 409 problem with its own code."""
    reason = err.reason or ""
    code, detail = REVERTS.get(reason, ("chain-rejected", f"the chain refused: {reason}"))
    # the UI shows its own text for a reason it knows (see carbonledger.contracts.reasons)
    params: dict[str, str | int] | None = (
        {"reason": reason} if code == "chain-rejected" and reason else None
    )
    return Problem(409, code, f"{detail} (chain: {reason})", field=field, params=params)


def _deadline_time(gw: LedgerGateway, year: int) -> datetime | None:
    due = int(gw.suite.compliance.call("deadline", year))
    return datetime.fromtimestamp(due, UTC) if due else None


#: the vintages a year's rules list: four years back (banking) and one ahead (borrowing)
RULE_VINTAGES = range(-4, 2)


def rules_of(platform: Platform, year: int) -> RulesOut:
    """The year's deadline, offset cap and banking rule for nearby vintages, from the chain."""
    gw = platform.require_gateway()
    allowances = gw.suite.allowances
    return RulesOut(
        year=year,
        deadline=_deadline_time(gw, year),
        offset_cap_bps=gw.suite.compliance.offset_cap_bps(),
        vintages=[
            VintageRule(vintage=v, eligible=bool(allowances.call("eligible", year, v)))
            for v in (year + d for d in RULE_VINTAGES)
        ],
    )


def status_of(platform: Platform, org_id: int, address: str, year: int) -> StatusOut:
    """The enterprise's standing for `year`, read from the chain (the source of truth)."""
    gw = platform.require_gateway()
    c = gw.suite.compliance
    obligation = c.obligation(address, year)
    allowances, offsets = c.surrendered(address, year)
    return StatusOut(
        org_id=org_id,
        year=year,
        obligation=obligation,
        surrendered_allowances=allowances,
        surrendered_offsets=offsets,
        offset_cap=c.offset_cap(address, year),
        offset_cap_bps=c.offset_cap_bps(),
        gap=max(obligation - allowances - offsets, 0),
        status=STATUS[c.status(address, year)],
        deadline=_deadline_time(gw, year),
        penalties_cents=c.penalties(address, year),
    )


def status(session: Session, platform: Platform, p: Principal, org_id: int, year: int) -> StatusOut:
    org = registry.visible_org(session, p, org_id)
    if org.kind != Kind.ENTERPRISE:
        raise invalid(
            f"organisation {org_id} is not an enterprise",
            "query:org_id",
            type="not_an_enterprise",
            org=org_id,
        )
    return status_of(platform, org.id, registry.account(org), year)


def _room(st: StatusOut, amount: int) -> None:
    if st.obligation == 0:
        raise conflict(
            "no-obligation",
            f"there is no confirmed emission report for {st.year}; nothing to surrender for",
            "body:year",
            year=st.year,
        )
    if amount > st.gap:
        raise conflict(
            "exceeds-obligation",
            f"the remaining obligation for {st.year} is {st.gap} t "
            f"(obligation {st.obligation} t, surrendered {st.obligation - st.gap} t); "
            f"you asked to surrender {amount} t",
            "body:amount",
            year=st.year,
            remaining_t=st.gap,
            want_t=amount,
        )


def _surrender(
    session: Session, platform: Platform, p: Principal, action: Callable[[Signer], TxResult]
) -> TxResult:
    gw = platform.require_gateway()
    signer = platform.signer_for(session, p.org_id)
    try:
        return run_as(gw, signer, action)
    except RevertError as err:
        raise translate_revert(err, "body:amount") from None


def surrender_allowances(
    session: Session, platform: Platform, p: Principal, body: SurrenderAllowancesIn
) -> SurrenderOut:
    me = registry.visible_org(session, p, p.org_id)
    address = registry.account(me)
    st = status_of(platform, me.id, address, body.year)
    _room(st, body.amount)
    gw = platform.require_gateway()
    if not gw.suite.allowances.is_eligible(body.year, body.vintage):
        raise conflict(
            "vintage-not-eligible",
            f"allowances of vintage {body.vintage} may not be surrendered for {body.year} "
            "(the regulator's banking rule)",
            "body:vintage",
            vintage=body.vintage,
            year=body.year,
        )
    have = gw.suite.allowances.balance_of(address, body.vintage)
    if have < body.amount:
        raise conflict(
            "insufficient-balance",
            f"you hold {have} t of vintage {body.vintage} allowances; "
            f"you asked to surrender {body.amount} t",
            "body:amount",
            have_t=have,
            want_t=body.amount,
        )
    res = _surrender(
        session,
        platform,
        p,
        lambda sg: gw.suite.compliance.by(sg).surrender_allowances(
            body.year, body.vintage, body.amount
        ),
    )
    return SurrenderOut(
        year=body.year,
        what="allowances",
        amount=body.amount,
        vintage=body.vintage,
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
        status=status_of(platform, me.id, address, body.year),
    )


def surrender_offsets(
    session: Session, platform: Platform, p: Principal, body: SurrenderOffsetsIn
) -> SurrenderOut:
    me = registry.visible_org(session, p, p.org_id)
    address = registry.account(me)
    st = status_of(platform, me.id, address, body.year)
    _room(st, body.amount)
    total = st.surrendered_offsets + body.amount
    if total * BPS > st.obligation * st.offset_cap_bps:
        left = max(st.offset_cap - st.surrendered_offsets, 0)
        raise conflict(
            "offset-cap-exceeded",
            f"the offset cap for {body.year} is {st.offset_cap} t "
            f"({st.offset_cap_bps / 100:g} % of the {st.obligation} t obligation); "
            f"{st.surrendered_offsets} t of offsets are surrendered already, so at most "
            f"{left} t more may be — you asked for {body.amount} t",
            "body:amount",
            year=body.year,
            cap_t=st.offset_cap,
            share_bps=st.offset_cap_bps,
            left_t=left,
            want_t=body.amount,
        )
    gw = platform.require_gateway()
    block = gw.suite.offsets.block(body.block_id)
    if block.owner.lower() != address.lower():
        raise Problem(
            404,
            "not-found",
            f"offset block {body.block_id} is not held by you",
            field="body:block_id",
        )
    if block.size < body.amount:
        raise conflict(
            "insufficient-balance",
            f"offset block {body.block_id} holds {block.size} t; you asked for {body.amount} t",
            "body:amount",
            have_t=block.size,
            want_t=body.amount,
        )
    res = _surrender(
        session,
        platform,
        p,
        lambda sg: gw.suite.compliance.by(sg).surrender_offsets(
            body.year, body.block_id, body.amount
        ),
    )
    return SurrenderOut(
        year=body.year,
        what="offsets",
        amount=body.amount,
        # the Offsets contract's event names the surrendered block (a new one on a split)
        block_id=next(int(a["block_id"]) for a in res.all("Surrendered") if "block_id" in a),
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
        status=status_of(platform, me.id, address, body.year),
    )


def set_deadline(session: Session, platform: Platform, p: Principal, body: DeadlineIn) -> Deadline:
    if body.deadline.tzinfo is None:
        raise invalid(
            "give the deadline with a time zone, e.g. 2025-12-31T23:59:59+08:00",
            "body:deadline",
            type="timezone_aware",
        )
    gw = platform.require_gateway()
    signer = platform.signer_for(session, p.org_id)
    unix = int(body.deadline.timestamp())
    res = run_as(gw, signer, lambda sg: gw.suite.compliance.by(sg).set_deadline(body.year, unix))
    row = repo.deadline(session, body.year)
    if row is None:
        row = Deadline(year=body.year)
        session.add(row)
    row.deadline = datetime.fromtimestamp(unix, UTC)
    row.tx_hash = res.receipt.tx_hash
    row.block_number = res.receipt.block_number
    row.set_by = p.user_id
    row.set_at = utcnow()
    session.flush()
    return row


def set_eligibility(
    session: Session, platform: Platform, p: Principal, year: int, vintage: int, ok: bool
) -> ChainChange:
    gw = platform.require_gateway()
    signer = platform.signer_for(session, p.org_id)
    res = run_as(gw, signer, lambda sg: gw.suite.allowances.by(sg).set_eligible(year, vintage, ok))
    return ChainChange(tx_hash=res.receipt.tx_hash, block_number=res.receipt.block_number)


def set_offset_cap(session: Session, platform: Platform, p: Principal, bps: int) -> ChainChange:
    gw = platform.require_gateway()
    signer = platform.signer_for(session, p.org_id)
    res = run_as(gw, signer, lambda sg: gw.suite.compliance.by(sg).set_offset_cap_bps(bps))
    return ChainChange(tx_hash=res.receipt.tx_hash, block_number=res.receipt.block_number)


def penalise(session: Session, platform: Platform, p: Principal, body: PenaltyIn) -> Penalty:
    """Fine a deficit and deduct the shortfall from the next vintage (see the module doc)."""
    org = registry.visible_org(session, p, body.org_id)
    if org.kind != Kind.ENTERPRISE:
        raise invalid(
            f"organisation {body.org_id} is not an enterprise",
            "body:org_id",
            type="not_an_enterprise",
            org=body.org_id,
        )
    address = registry.account(org)
    st = status_of(platform, org.id, address, body.year)
    if st.status != "deficit":
        raise conflict(
            "not-in-deficit",
            f"enterprise {org.id} is {st.status} for {body.year}"
            + (
                f" (deadline {st.deadline.isoformat()})"
                if st.deadline
                else " (no deadline is set for this year)"
            )
            + "; penalties are for a deficit after the deadline",
            "body:year",
            year=body.year,
        )
    gw = platform.require_gateway()
    signer = platform.signer_for(session, p.org_id)
    reason = f"penalty {body.year}".encode()
    fine = run_as(
        gw,
        signer,
        lambda sg: gw.suite.compliance.by(sg).record_penalty(
            address, body.year, body.fine_cents, reason
        ),
    )
    earlier = repo.penalty_exists(session, org.id, body.year)
    shortfall = 0 if earlier is not None else st.gap
    vintage = body.year + 1
    now = min(shortfall, gw.suite.allowances.balance_of(address, vintage))
    deduct_tx = None
    if now > 0:
        res = run_as(
            gw,
            signer,
            lambda sg: gw.suite.allowances.by(sg).deduct(address, vintage, now, reason),
        )
        deduct_tx = res.receipt.tx_hash
    row = Penalty(
        org_id=org.id,
        year=body.year,
        fine_cents=body.fine_cents,
        reason=body.reason,
        shortfall=shortfall,
        deduct_vintage=vintage,
        deducted_now=now,
        pending=shortfall - now,
        fine_tx=fine.receipt.tx_hash,
        deduct_tx=deduct_tx,
        block_number=fine.receipt.block_number,
        created_by=p.user_id,
    )
    session.add(row)
    session.flush()
    if row.pending > 0:
        session.add(
            PendingDeduction(penalty_id=row.id, org_id=org.id, vintage=vintage, amount=row.pending)
        )
        session.flush()
    return row


def _deduct_tx(
    gw: LedgerGateway, address: str, vintage: int, amount: int, reason: bytes
) -> Callable[[Signer], TxResult]:
    return lambda sg: gw.suite.allowances.by(sg).deduct(address, vintage, amount, reason)


def apply_pending(
    session: Session,
    platform: Platform,
    regulator: Signer,
    vintage: int,
    allocated: Mapping[int, int],
) -> list[DeductionApplied]:
    """After an allocation of `vintage`: deduct what penalised enterprises still owe, as
    far as their balance now allows (read from the chain: the projection of this unit of
    work's transactions is written after it commits)."""
    gw = platform.require_gateway()
    out: list[DeductionApplied] = []
    for pending in repo.pending_deductions(session, vintage, list(allocated)):
        org = registry.any_org(session, pending.org_id)
        assert org is not None
        address = registry.account(org)
        owed = pending.amount - pending.applied
        take = min(owed, gw.suite.allowances.balance_of(address, vintage))
        if take <= 0:
            continue
        reason = f"penalty deduction {pending.penalty_id}".encode()
        res = run_as(gw, regulator, _deduct_tx(gw, address, vintage, take, reason))
        pending.applied += take
        pending.applied_tx = res.receipt.tx_hash
        pending.updated_at = utcnow()
        if pending.applied >= pending.amount:
            pending.status = DeductionStatus.APPLIED
        out.append(
            DeductionApplied(
                org_id=org.id, vintage=vintage, amount=take, tx_hash=res.receipt.tx_hash
            )
        )
    return out


def standing_groups(session: Session, overview: Select[Any], by: str) -> list[StandingGroup]:
    """The overview's rows counted by standing per industry or per region (as stored), in
    the database: every row the filters select, not a page of them."""
    out: dict[str, StandingGroup] = {}
    for group, standing, rows in repo.standing_groups(session, overview, by):
        fig = out.setdefault(
            group, StandingGroup(group=group, enterprises=0, compliant=0, pending=0, deficit=0)
        )
        fig.enterprises += rows
        if standing in ("compliant", "pending", "deficit"):
            setattr(fig, standing, getattr(fig, standing) + rows)
    return [out[g] for g in sorted(out)]


def province_figures(session: Session, overview: Select[Any]) -> list[ProvinceFigures]:
    """The overview's rows by province, keyed as a map of China keys them (ISO 3166-2:CN
    since 2017: a region stored with its older code ``CN-11`` counts as ``CN-BJ``); regions
    that are no province of China keep their stored code and ``province=False``. Provinces
    in GB/T 2260 order, then the rest by code."""
    out: dict[str, ProvinceFigures] = {}
    for region, standing, rows, obligation, gap in repo.region_groups(session, overview):
        found = geo.province_of(region)
        key = found.code if found is not None else region
        fig = out.setdefault(
            key,
            ProvinceFigures(
                region=key,
                province=found is not None,
                enterprises=0,
                compliant=0,
                pending=0,
                deficit=0,
                obligation=0,
                gap=0,
            ),
        )
        fig.enterprises += rows
        fig.obligation += obligation
        fig.gap += gap
        if standing in ("compliant", "pending", "deficit"):
            setattr(fig, standing, getattr(fig, standing) + rows)
    order = {p.code: i for i, p in enumerate(geo.PROVINCES)}
    return sorted(out.values(), key=lambda f: (order.get(f.region, len(order)), f.region))
