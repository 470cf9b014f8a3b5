"""The audit log: who did what, when, from where — append-only and hash-chained.

Each entry's hash covers its content and the previous entry's hash, so an edited or
deleted row breaks the chain (:func:`verify`). The service has no way to update or delete
entries; the API only reads them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonledger.platform.db import Base, UtcDateTime, utcnow
from carbonledger.platform.security import Principal

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(128), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(256), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """One row holding the newest entry's hash. Writers lock this row (not the end of the
    log's index, whose gap locks deadlock concurrent appends on InnoDB) until they commit."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


def _digest(entry: AuditEntry) -> str:
    body = json.dumps(
        [
            entry.at.isoformat(timespec="microseconds"),
            entry.user_id,
            entry.org_id,
            entry.username,
            entry.action,
            entry.target,
            entry.ip,
            entry.user_agent,
            entry.detail,
            entry.prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    principal: Principal | None = None,
    request: Request | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEntry:
    """Append an entry in the caller's unit of work (it commits with the change)."""
    # serialise writers so the chain stays linear (a row lock where the database has one)
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        last = session.execute(
            select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
        ).scalar()
        head = AuditHead(id=1, hash=last or GENESIS)
        session.add(head)
        session.flush()
    last = head.hash if head.hash != GENESIS else None
    ip = ""
    agent = ""
    if request is not None:
        forwarded = request.headers.get("x-forwarded-for", "")
        ip = forwarded.split(",")[0].strip() or (request.client.host if request.client else "")
        agent = request.headers.get("user-agent", "")[:256]
    entry = AuditEntry(
        at=utcnow(),
        user_id=principal.user_id if principal else None,
        org_id=principal.org_id if principal else None,
        username=(principal.username if principal else username)[:64],
        action=action,
        target=target[:128],
        ip=ip[:64],
        user_agent=agent,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        prev_hash=last or GENESIS,
    )
    entry.hash = _digest(entry)
    session.add(entry)
    head.hash = entry.hash
    session.flush()
    return entry


def verify(session: Session) -> int | None:
    """The id of the first entry that breaks the chain, or None when it is intact."""
    prev = GENESIS
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        if entry.prev_hash != prev or _digest(entry) != entry.hash:
            return entry.id
        prev = entry.hash
    return None
