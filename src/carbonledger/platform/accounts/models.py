from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carbonledger.platform.db import Base, UtcDateTime, utcnow


class OrgStatus(enum.StrEnum):
    PENDING = "pending"  # registered, awaiting the admin
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Custody(enum.StrEnum):
    PLATFORM = "platform"  # the platform holds the key, sealed under the master key
    CLIENT = "client"  # the organisation signs itself and submits raw transactions


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default=OrgStatus.PENDING, index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True, nullable=True)
    industry: Mapped[str] = mapped_column(String(32), default="")
    region: Mapped[str] = mapped_column(String(16), default="")
    certified: Mapped[bool] = mapped_column(Boolean, default=False)
    certified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    custody: Mapped[str] = mapped_column(String(8), default=Custody.PLATFORM)
    address: Mapped[str | None] = mapped_column(String(42), unique=True, nullable=True)
    key_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    enc_public: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    enc_private_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    on_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    decision_note: Mapped[str] = mapped_column(String(500), default="")

    users: Mapped[list[User]] = relationship(back_populates="org", lazy="raise")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    org_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    org: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")
