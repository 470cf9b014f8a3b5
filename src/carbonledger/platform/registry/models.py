"""What the registry keeps off chain: the record of each allocation (with the engine's
digest), offset projects' names, retirements (for certificates), coin deposits and
withdrawal requests. Balances are never stored here: they are the chain's, read from the
SQL projection (``ledger_*``)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carbonledger.platform.db import Base, UtcDateTime, utcnow


class AllocationKindName(enum.StrEnum):
    FREE = "free"
    PRE = "pre"
    TRUE_UP = "true-up"


class Allocation(Base):
    """One enterprise's share of one allocation batch, as executed on chain."""

    __tablename__ = "registry_allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch: Mapped[str] = mapped_column(String(32), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    vintage: Mapped[int] = mapped_column(Integer, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    #: "explicit", or the accounting engine's method (e.g. cn-ets-power-benchmark)
    method: Mapped[str] = mapped_column(String(64))
    #: the engine's result digest (sha256:...), empty for explicit amounts
    digest: Mapped[str] = mapped_column(String(80), default="")
    input_digest: Mapped[str] = mapped_column(String(80), default="")
    tx_hash: Mapped[str] = mapped_column(String(66))
    block_number: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OffsetProject(Base):
    """A registered offset project (the chain knows its number, developer, methodology
    and region; the name lives here)."""

    __tablename__ = "registry_offset_projects"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    developer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    methodology: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    tx_hash: Mapped[str] = mapped_column(String(66))
    block_number: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Retirement(Base):
    """A retirement as executed on chain; the certificate is rendered from it."""

    __tablename__ = "registry_retirements"

    #: the retired block's id on chain
    block_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    vintage: Mapped[int] = mapped_column(Integer)
    first_serial: Mapped[int] = mapped_column(BigInteger)
    last_serial: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    beneficiary: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(128))
    tx_hash: Mapped[str] = mapped_column(String(66))
    block_number: Mapped[int] = mapped_column(BigInteger)
    #: the timestamp of the block that holds the retirement
    retired_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CoinDeposit(Base):
    """Carbon coin minted by a finance institution against a fiat deposit."""

    __tablename__ = "registry_coin_deposits"
    __table_args__ = (UniqueConstraint("bank_org_id", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(32))
    tx_hash: Mapped[str] = mapped_column(String(66))
    block_number: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WithdrawalStatus(enum.StrEnum):
    REQUESTED = "requested"  # coin moved to the bank, awaiting the bank
    EXECUTED = "executed"  # the bank burned it and paid out fiat
    REJECTED = "rejected"  # the bank sent the coin back


class Withdrawal(Base):
    """An enterprise's withdrawal: coin is transferred to its bank at once; the bank then
    burns it (executed) or returns it (rejected)."""

    __tablename__ = "registry_withdrawals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    bank_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=WithdrawalStatus.REQUESTED)
    request_tx: Mapped[str] = mapped_column(String(66))
    settle_tx: Mapped[str | None] = mapped_column(String(66), nullable=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
