"""All SQL of the registry: the platform's records and reads of the chain's SQL projection
(``ledger_*``). Reads start from what the caller may see: enterprises and finance
institutions their own organisation, regulators and admins every organisation."""

from __future__ import annotations

from typing import Any

from eth_utils.address import to_checksum_address
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from carbonledger.ledger import indexer as ledger
from carbonledger.ledger.contracts import Side
from carbonledger.platform.accounts.models import Organisation
from carbonledger.platform.accounts.repository import SEES_ALL, visible_organisations
from carbonledger.platform.errors import not_found
from carbonledger.platform.registry.models import (
    Allocation,
    CoinDeposit,
    OffsetProject,
    Retirement,
    Withdrawal,
)
from carbonledger.platform.security import Kind, Principal


def account(org: Organisation) -> str:
    """The organisation's chain account as the projection stores it (checksummed)."""
    if org.address is None:
        raise not_found("chain account of organisation", org.id)
    return to_checksum_address(org.address)


def sees_all(p: Principal) -> bool:
    return p.kind in SEES_ALL


def visible_org(session: Session, p: Principal, org_id: int) -> Organisation:
    """An organisation the caller may see, else 404."""
    org = session.execute(
        visible_organisations(p).where(Organisation.id == org_id)
    ).scalar_one_or_none()
    if org is None:
        raise not_found("organisation", org_id)
    return org


def any_org(session: Session, org_id: int) -> Organisation | None:
    """Any organisation, for naming a counterparty (only its id is ever shown back)."""
    return session.get(Organisation, org_id)


def org_by_account(session: Session, address: str) -> Organisation | None:
    return session.execute(
        select(Organisation).where(Organisation.address == address.lower())
    ).scalar_one_or_none()


def orgs_by_accounts(session: Session, addresses: set[str]) -> dict[str, int]:
    """checksummed address -> organisation id, for the addresses the platform knows."""
    if not addresses:
        return {}
    lowered = {a.lower(): a for a in addresses}
    rows = session.execute(
        select(Organisation.address, Organisation.id).where(Organisation.address.in_(list(lowered)))
    ).all()
    return {lowered[str(addr)]: int(oid) for addr, oid in rows}


# -- the projection -----------------------------------------------------------------------


def allowance_balances(session: Session, address: str) -> list[tuple[int, int, int]]:
    """(vintage, balance, escrowed) of an account, by vintage, zero rows left out."""
    t = ledger.allowance_balances
    rows = session.execute(
        select(t.c.vintage, t.c.balance, t.c.escrowed)
        .where(t.c.account == address)
        .where((t.c.balance != 0) | (t.c.escrowed != 0))
        .order_by(t.c.vintage)
    ).all()
    return [(int(v), int(b), int(e)) for v, b, e in rows]


def allowance_balance(session: Session, address: str, vintage: int) -> int:
    t = ledger.allowance_balances
    value = session.execute(
        select(t.c.balance).where(t.c.account == address, t.c.vintage == vintage)
    ).scalar()
    return int(value or 0)


def coin_balance(session: Session, address: str) -> int:
    t = ledger.coin_balances
    value = session.execute(select(t.c.balance).where(t.c.account == address)).scalar()
    return int(value or 0)


def coin_locked(session: Session, address: str) -> int:
    """Cents of the account's coin the Settlement contract holds for its open buy orders
    (book orders and auction bids): each locks what it has left × its limit price, which
    is exactly what the contract pays out of it (docs/contracts/settlement.md). Negotiated
    deals lock nothing before they settle."""
    t = ledger.orders
    value = session.execute(
        select(func.coalesce(func.sum(t.c.remaining * t.c.price), 0)).where(
            t.c.owner == address, t.c.open.is_(True), t.c.side == int(Side.BUY)
        )
    ).scalar()
    return int(value or 0)


def offset_block(session: Session, block_id: int) -> Any:
    t = ledger.offset_blocks
    return session.execute(select(t).where(t.c.block_id == block_id)).first()


def offset_blocks_query(
    owner: str | None,
    project: int | None,
    vintage: int | None,
    state: int | None,
) -> Select[Any]:
    t = ledger.offset_blocks
    q = select(t)
    if owner is not None:
        q = q.where(t.c.owner == owner)
    if project is not None:
        q = q.where(t.c.project == project)
    if vintage is not None:
        q = q.where(t.c.vintage == vintage)
    if state is not None:
        q = q.where(t.c.state == state)
    return q


def page(
    session: Session, query: Select[Any], order: list[Any], offset: int, limit: int
) -> tuple[list[Any], int]:
    """One page of a Core query over the projection: (rows, total)."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = list(session.execute(query.order_by(*order).offset(offset).limit(limit)).all())
    return rows, int(total)


def held_offset_blocks(session: Session, address: str) -> list[Any]:
    t = ledger.offset_blocks
    return list(
        session.execute(
            select(t).where(t.c.owner == address, t.c.state == 1).order_by(t.c.block_id)
        ).all()
    )


# -- platform records ---------------------------------------------------------------------


def allocations_query(p: Principal) -> Select[Any]:
    q = select(Allocation)
    if not sees_all(p):
        q = q.where(Allocation.org_id == p.org_id)
    return q


def project(session: Session, project_id: int) -> OffsetProject | None:
    return session.get(OffsetProject, project_id)


def retirements_query(p: Principal) -> Select[Any]:
    q = select(Retirement)
    if not sees_all(p):
        q = q.where(Retirement.org_id == p.org_id)
    return q


def retirement(session: Session, p: Principal, block_id: int) -> Retirement:
    r = session.execute(
        retirements_query(p).where(Retirement.block_id == block_id)
    ).scalar_one_or_none()
    if r is None:
        raise not_found("retirement", block_id)
    return r  # type: ignore[no-any-return]


def withdrawals_query(p: Principal) -> Select[Any]:
    q = select(Withdrawal)
    if p.kind is Kind.FINANCE:
        q = q.where(Withdrawal.bank_org_id == p.org_id)
    elif not sees_all(p):
        q = q.where(Withdrawal.org_id == p.org_id)
    return q


def withdrawal_for_bank(session: Session, p: Principal, withdrawal_id: int) -> Withdrawal:
    w = session.execute(
        select(Withdrawal)
        .where(Withdrawal.id == withdrawal_id, Withdrawal.bank_org_id == p.org_id)
        .with_for_update()
    ).scalar_one_or_none()
    if w is None:
        raise not_found("withdrawal", withdrawal_id)
    return w


def deposits_query(p: Principal) -> Select[Any]:
    q = select(CoinDeposit)
    if p.kind is Kind.FINANCE:
        q = q.where(CoinDeposit.bank_org_id == p.org_id)
    elif not sees_all(p):
        q = q.where(CoinDeposit.org_id == p.org_id)
    return q


def projects_query() -> Select[Any]:
    """Offset projects are public registry facts (the chain holds them for every member)."""
    return select(OffsetProject)


def deposit_by_reference(session: Session, bank_org_id: int, reference: str) -> CoinDeposit | None:
    return session.execute(
        select(CoinDeposit).where(
            CoinDeposit.bank_org_id == bank_org_id, CoinDeposit.reference == reference
        )
    ).scalar_one_or_none()
