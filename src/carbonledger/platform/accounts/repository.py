"""All SQL of accounts. Reads start from what the caller may see."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from carbonledger.platform.accounts.models import Organisation, User
from carbonledger.platform.security import Kind, Principal

SEES_ALL = frozenset({Kind.ADMIN, Kind.REGULATOR})


def visible_organisations(p: Principal) -> Select[Organisation]:
    q = select(Organisation)
    if p.kind in SEES_ALL:
        return q
    return q.where(Organisation.id == p.org_id)


def organisation(session: Session, org_id: int) -> Organisation | None:
    return session.get(Organisation, org_id)


def organisation_by_address(session: Session, address: str) -> Organisation | None:
    return session.execute(
        select(Organisation).where(Organisation.address == address)
    ).scalar_one_or_none()


def user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def user_by_name(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def users_of(session: Session, org_id: int) -> list[User]:
    return list(
        session.execute(select(User).where(User.org_id == org_id).order_by(User.id)).scalars()
    )


def admin_exists(session: Session) -> bool:
    q = select(Organisation.id).where(Organisation.kind == Kind.ADMIN).limit(1)
    return session.execute(q).first() is not None
