"""Traceability, public figures and the ledger's admin view.

Histories come from the projection's event log (``ledger_events``: every decoded event
with its block number, log index and tx hash); ``verify`` re-reads every listed
transaction's receipt from the chain and checks that it succeeded, sits in the same block
and still carries the listed log — so a history can be checked without trusting the
platform's database.

Public figures are aggregates only. Confirmed emissions are published per year, industry
and region only for groups of at least :data:`MIN_GROUP` enterprises; smaller groups are
left out of every total (a published total minus the published groups would otherwise
reveal them) and only their number of enterprises is given.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonledger.ledger.contracts import decode_log
from carbonledger.platform.compliance import repository as compliance
from carbonledger.platform.errors import invalid, not_found
from carbonledger.platform.explorer import repository as repo
from carbonledger.platform.explorer.schemas import (
    Blocks,
    BlockSummary,
    ComplianceCounts,
    EmissionsGroup,
    EmissionsYear,
    History,
    HistoryItem,
    LedgerStatus,
    MismatchOut,
    OffsetTotals,
    PublicFigures,
    Reconciliation,
    TxSummary,
    Verification,
    VintageTotals,
)
from carbonledger.platform.gateway import LedgerGateway
from carbonledger.platform.registry import repository as registry
from carbonledger.platform.registry.service import chain_time
from carbonledger.platform.security import Kind, Principal

if TYPE_CHECKING:
    from carbonledger.platform.app import Platform

#: the smallest group of enterprises whose confirmed emissions are published together
MIN_GROUP = 3


def _addresses(value: Any) -> set[str]:
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return {value}
    if isinstance(value, dict):
        return set().union(*(_addresses(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_addresses(v) for v in value)) if value else set()
    return set()


class Window:
    """Which part of a history to return (histories are in chain order)."""

    def __init__(self, offset: int = 0, limit: int = 500) -> None:
        self.offset = offset
        self.limit = limit


def _history(
    session: Session,
    platform: Platform,
    subject: str,
    events: list[dict[str, Any]],
    verify: bool,
    window: Window,
) -> History:
    total = len(events)
    events = events[window.offset : window.offset + window.limit]
    known = registry.orgs_by_accounts(session, _addresses([e["args"] for e in events]))
    items = [
        HistoryItem(**e, parties={a: known[a] for a in _addresses(e["args"]) if a in known})
        for e in events
    ]
    out = History(
        subject=subject, items=items, total=total, offset=window.offset, limit=window.limit
    )
    if verify:
        verify_items(platform.require_gateway(), items)
        out.all_verified = all(i.verified for i in items)
    return out


def _contract_address(gw: LedgerGateway, name: str) -> str:
    book = gw.book
    return {
        "registry": book.registry,
        "coin": book.coin,
        "allowances": book.allowances,
        "offsets": book.offsets,
        "reports": book.reports,
        "compliance": book.compliance,
        "settlement": book.settlement,
    }.get(name, "")


def verify_items(gw: LedgerGateway, items: list[HistoryItem]) -> None:
    """Check each item against its transaction's receipt, read from the chain."""
    receipts: dict[str, Any] = {}
    for item in items:
        if item.tx_hash not in receipts:
            receipts[item.tx_hash] = gw.chain.rpc.call("eth_getTransactionReceipt", [item.tx_hash])
        raw = receipts[item.tx_hash]
        found = raw is not None
        status_ok = found and int(raw["status"], 16) == 1
        same_block = found and int(raw["blockNumber"], 16) == item.block_number
        log_present = False
        if found:
            want = _contract_address(gw, item.contract).lower()
            for log in raw.get("logs", []):
                if int(log["logIndex"], 16) != item.log_index:
                    continue
                ev = decode_log(log)
                log_present = (
                    ev is not None and ev.name == item.event and str(log["address"]).lower() == want
                )
        item.verification = Verification(
            receipt_found=found, status_ok=status_ok, same_block=same_block, log_present=log_present
        )
        item.verified = item.verification.ok


# -- histories ----------------------------------------------------------------------------


def allowance_history(
    session: Session,
    platform: Platform,
    p: Principal,
    vintage: int,
    org_id: int,
    verify: bool,
    window: Window,
) -> History:
    """Allocation, transfers, trades (escrow, delivery), deductions and surrenders of one
    holder's allowances of one vintage."""
    org = registry.visible_org(session, p, org_id)
    address = registry.account(org)
    events = [
        e
        for e in repo.events_mentioning(session, ["allowances", "compliance"], address)
        if e["args"].get("id", e["args"].get("vintage")) == vintage
    ]
    return _history(
        session, platform, f"allowances {vintage} of organisation {org.id}", events, verify, window
    )


ALL_CONTRACTS = ["registry", "coin", "allowances", "offsets", "reports", "compliance", "settlement"]


def transactions(
    session: Session,
    platform: Platform,
    p: Principal,
    org_id: int,
    contract: str | None,
    event: str | None,
    window: Window,
) -> History:
    """Every event that names an organisation's chain account, newest last."""
    org = registry.visible_org(session, p, org_id)
    address = registry.account(org)
    events = [
        e
        for e in repo.events_mentioning(session, [contract] if contract else ALL_CONTRACTS, address)
        if address in _addresses(e["args"]) and (event is None or e["event"] == event)
    ]
    return _history(
        session, platform, f"transactions of organisation {org.id}", events, False, window
    )


def _overlaps(span: tuple[int, int] | None, first: int, last: int) -> bool:
    return span is not None and span[0] <= last and first <= span[1]


def offset_history(
    session: Session,
    platform: Platform,
    p: Principal,
    block_id: int | None,
    first: int | None,
    last: int | None,
    verify: bool,
    window: Window,
) -> History:
    """Issuance, splits, transfers, retirement or surrender of a serial range (or of the
    serials a block holds now), following the serials through every split."""
    if block_id is not None:
        block = registry.offset_block(session, block_id)
        if block is None:
            raise not_found("offset block", block_id)
        first, last = int(block.first), int(block.last)
        subject = f"offset block {block_id} (serials {first}-{last})"
    else:
        if first is None or last is None:
            raise invalid(
                "give block_id, or both first and last serial numbers",
                "query:block_id",
                type="block_or_serials",
            )
        if first > last:
            raise invalid(
                f"first ({first}) is after last ({last})",
                "query:first",
                type="range_reversed",
                first=first,
                last=last,
            )
        subject = f"offset serials {first}-{last}"
    spans: dict[int, tuple[int, int]] = {}
    events: list[dict[str, Any]] = []
    relevant_txs: set[str] = set()
    for e in repo.offset_events(session):
        a = e["args"]
        relevant = False
        if e["contract"] == "compliance":
            # names the block surrendered *from* (split before this log): it belongs to the
            # history when the Offsets contract's events of the same transaction do
            relevant = e["tx_hash"] in relevant_txs
        elif e["event"] == "Issued":
            spans[a["block_id"]] = (a["first"], a["last"])
            relevant = _overlaps(spans[a["block_id"]], first, last)
        elif e["event"] == "BlockSplit":
            parent = spans.get(a["parent"])
            spans[a["child"]] = (a["first"], a["last"])
            if parent is not None:
                spans[a["parent"]] = (a["last"] + 1, parent[1])
            relevant = _overlaps(spans[a["child"]], first, last)
        elif "block_id" in a:
            relevant = _overlaps(spans.get(a["block_id"]), first, last)
        if relevant:
            events.append(e)
            relevant_txs.add(e["tx_hash"])
    if not events:
        raise not_found("offset serials", f"{first}-{last}")
    if not registry.sees_all(p):
        me = registry.any_org(session, p.org_id)
        mine = registry.account(me) if me is not None and me.address else None
        if mine is None or not any(mine in _addresses(e["args"]) for e in events):
            raise not_found("offset serials", f"{first}-{last}")
    return _history(session, platform, subject, events, verify, window)


def report_history(
    session: Session, platform: Platform, p: Principal, report_id: int, verify: bool, window: Window
) -> History:
    """Submission, assignment, attestation, confirmation (and corrections) of a report,
    then the surrenders and penalties against its year."""
    row = repo.report(session, report_id)
    if row is None:
        raise not_found("report", report_id)
    if not registry.sees_all(p):
        me = registry.any_org(session, p.org_id)
        mine = registry.account(me) if me is not None and me.address else ""
        allowed = (p.kind is Kind.ENTERPRISE and row.enterprise == mine) or (
            p.kind is Kind.VERIFIER and row.verifier == mine
        )
        if not allowed:
            raise not_found("report", report_id)
    key = f'"report_id": {report_id}'
    events = [
        e
        for e in repo.events_mentioning(session, ["reports"], key)
        if e["args"].get("report_id") == report_id or e["args"].get("by_report") == report_id
    ]
    events += [
        e
        for e in repo.events_mentioning(session, ["compliance"], row.enterprise)
        if e["args"].get("year") == row.period
    ]
    events.sort(key=lambda e: (e["block_number"], e["log_index"]))
    return _history(session, platform, f"report {report_id}", events, verify, window)


# -- public figures -----------------------------------------------------------------------


def public_figures(session: Session, platform: Platform, year: int | None) -> PublicFigures:
    gw = platform.require_gateway()
    allowances = []
    for v in repo.allowance_vintages(session):
        t = gw.suite.allowances.totals(v)
        allowances.append(
            VintageTotals(
                vintage=v,
                allocated=t["allocated"],
                deducted=t["deducted"],
                surrendered=t["surrendered"],
                escrowed=t["total_escrowed"],
            )
        )
    offsets = [
        OffsetTotals(vintage=v, **gw.suite.offsets.totals(v)) for v in repo.offset_vintages(session)
    ]
    by_year: dict[int, EmissionsYear] = {}
    for period, industry, region, count, total in repo.emissions_groups(session, year):
        entry = by_year.setdefault(
            int(period), EmissionsYear(year=int(period), groups=[], suppressed_enterprises=0)
        )
        if count < MIN_GROUP:
            entry.suppressed_enterprises += int(count)
        else:
            entry.groups.append(
                EmissionsGroup(
                    year=int(period),
                    industry=industry,
                    region=region,
                    enterprises=int(count),
                    confirmed_emissions_t=int(total or 0),
                )
            )
    overview = compliance.overview_query(chain_time(gw)).subquery()
    q = select(overview.c.year, overview.c.status, func.count()).group_by(
        overview.c.year, overview.c.status
    )
    if year is not None:
        q = q.where(overview.c.year == year)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for y, standing, n in session.execute(q).all():
        counts[int(y)][str(standing)] = int(n)
    return PublicFigures(
        min_group_size=MIN_GROUP,
        allowances=allowances,
        offsets=offsets,
        emissions=[by_year[y] for y in sorted(by_year)],
        compliance=[
            ComplianceCounts(
                year=y,
                enterprises=sum(c.values()),
                compliant=c.get("compliant", 0),
                deficit=c.get("deficit", 0),
                pending=c.get("pending", 0),
            )
            for y, c in sorted(counts.items())
        ],
        indexed_block=gw.indexer.checkpoint(),
    )


# -- admin --------------------------------------------------------------------------------


def ledger_status(session: Session, platform: Platform) -> LedgerStatus:
    gw = platform.require_gateway()
    head = gw.chain.block_number()
    indexed = gw.indexer.checkpoint()
    names = ("registry", "coin", "allowances", "offsets", "reports", "compliance", "settlement")
    return LedgerStatus(
        chain_id=gw.chain.chain_id,
        head_block=head,
        indexed_block=indexed,
        lag_blocks=max(head - indexed, 0),
        events=repo.event_count(session),
        contracts={n: _contract_address(gw, n) for n in names},
    )


def reconcile(platform: Platform) -> Reconciliation:
    """Bring the projection up to the head, then compare every balance with the chain."""
    gw = platform.require_gateway()
    gw.sync()
    found = gw.indexer.reconcile()
    return Reconciliation(
        consistent=not found,
        indexed_block=gw.indexer.checkpoint(),
        mismatches=[MismatchOut(what=m.what, key=m.key, sql=m.sql, chain=m.chain) for m in found],
    )


# -- blocks and transactions ----------------------------------------------------------------


def _summaries(events: list[dict[str, Any]]) -> list[BlockSummary]:
    """Blocks -> transactions -> event names, without arguments (nothing about anyone)."""
    by_block: dict[int, dict[str, list[str]]] = {}
    for e in events:
        txs = by_block.setdefault(e["block_number"], {})
        txs.setdefault(e["tx_hash"], []).append(f"{e['contract']}.{e['event']}")
    return [
        BlockSummary(
            block_number=n,
            transactions=[TxSummary(tx_hash=h, events=names) for h, names in txs.items()],
        )
        for n, txs in sorted(by_block.items(), reverse=True)
    ]


def blocks(
    session: Session, platform: Platform, limit: int, before: int | None, number: int | None
) -> Blocks:
    """The newest blocks with platform events (or one block), each transaction with the
    names of its events only: who and how much are in the traced histories, which check
    visibility."""
    gw = platform.require_gateway()
    numbers = [number] if number is not None else repo.recent_blocks(session, limit, before)
    found = _summaries(repo.events_in_blocks(session, numbers)) if numbers else []
    if number is not None and not found:
        raise not_found("block with platform events", number)
    return Blocks(
        head_block=gw.chain.block_number(),
        indexed_block=gw.indexer.checkpoint(),
        blocks=found,
    )


def transaction(session: Session, platform: Platform, p: Principal, tx_hash: str) -> History:
    """The decoded events of one transaction: regulators and admins see any; others only
    a transaction naming their organisation's account (else 404, as for other reads)."""
    events = repo.events_of_tx(session, tx_hash)
    if events and not registry.sees_all(p):
        own = registry.account(registry.visible_org(session, p, p.org_id))
        if own not in _addresses([e["args"] for e in events]):
            events = []
    if not events:
        raise not_found("transaction", tx_hash)
    return _history(
        session, platform, f"transaction {tx_hash}", events, False, Window(0, len(events))
    )
