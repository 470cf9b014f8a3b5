"""What compliance keeps off chain: deadlines (mirrored for filtering), penalties with
their allowance deductions, and deductions still pending for lack of balance."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from carbonledger.platform.db import Base, UtcDateTime, utcnow


class Deadline(Base):
    """The surrender deadline of a compliance year (also set on chain)."""

    __tablename__ = "compliance_deadlines"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    tx_hash: Mapped[str] = mapped_column(String(66))
    block_number: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Penalty(Base):
    """A penalty for a deficit: a fine (on chain) and a deduction of the shortfall from
    the next vintage's allowances (done now as far as the balance allows; the rest is a
    :class:`PendingDeduction`)."""

    __tablename__ = "compliance_penalties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    fine_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200), default="")
    shortfall: Mapped[int] = mapped_column(BigInteger)
    deduct_vintage: Mapped[int] = mapped_column(Integer)
    deducted_now: Mapped[int] = mapped_column(BigInteger)
    pending: Mapped[int] = mapped_column(BigInteger)
    fine_tx: Mapped[str] = mapped_column(String(66))
    deduct_tx: Mapped[str | None] = mapped_column(String(66), nullable=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DeductionStatus(enum.StrEnum):
    PENDING = "pending"
    APPLIED = "applied"


class PendingDeduction(Base):
    """Allowances still owed by a penalised enterprise: deducted from `vintage` at the next
    allocation of that vintage to the enterprise (as far as that allocation allows)."""

    __tablename__ = "compliance_pending_deductions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    penalty_id: Mapped[int] = mapped_column(ForeignKey("compliance_penalties.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    vintage: Mapped[int] = mapped_column(Integer, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    applied: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(8), default=DeductionStatus.PENDING, index=True)
    applied_tx: Mapped[str | None] = mapped_column(String(66), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
