"""The MRV workflow's tables: submissions, their evidence files and the files' wrapped keys,
and every status change with the chain transaction that made it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from carbonledger.platform.db import Base, UtcDateTime, utcnow


class Submission(Base):
    """One version of an enterprise's emissions report for a reporting year."""

    __tablename__ = "mrv_submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    methodology: Mapped[str] = mapped_column(String(64), index=True)
    #: 1 for a first report, n + 1 for the correction of version n (the chain's version)
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("mrv_submissions.id"), nullable=True, unique=True
    )
    status: Mapped[str] = mapped_column(String(16), index=True)
    #: how the activity data arrived: json, excel or form
    origin: Mapped[str] = mapped_column(String(8))
    #: the cleaned activity-data document (JSON; decimals as strings)
    document: Mapped[str] = mapped_column(Text)
    #: data-quality findings (JSON list)
    findings: Mapped[str] = mapped_column(Text)
    quality_errors: Mapped[int] = mapped_column(Integer, default=0)
    quality_warnings: Mapped[int] = mapped_column(Integer, default=0)
    #: the engine's report in canonical JSON, and its digests (``sha256:<hex>``)
    report: Mapped[str] = mapped_column(Text)
    total_co2e: Mapped[str] = mapped_column(String(64))
    claimed_t: Mapped[int] = mapped_column(BigInteger)
    input_digest: Mapped[str] = mapped_column(String(80))
    factors_digest: Mapped[str] = mapped_column(String(80))
    result_digest: Mapped[str] = mapped_column(String(80))
    # -- on chain ------------------------------------------------------------------------
    report_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    evidence_root: Mapped[str | None] = mapped_column(String(64), nullable=True)
    submit_tx: Mapped[str | None] = mapped_column(String(66), nullable=True)
    submit_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    verifier_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True, index=True
    )
    verified_t: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    opinion: Mapped[str | None] = mapped_column(String(16), nullable=True)
    statement: Mapped[str | None] = mapped_column(Text, nullable=True)
    document_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reject_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Transition(Base):
    """A status change of a submission; chain-backed ones keep their transaction."""

    __tablename__ = "mrv_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("mrv_submissions.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    by_user: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    by_org: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EvidenceFile(Base):
    """An evidence file, stored encrypted under ``settings.evidence_dir/<stored_name>``."""

    __tablename__ = "mrv_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("mrv_submissions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    #: plaintext size [bytes] and SHA-256 (lower-case hex; a Merkle leaf)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    stored_size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EvidenceKey(Base):
    """A file's data key wrapped for one organisation's X25519 key."""

    __tablename__ = "mrv_evidence_keys"
    __table_args__ = (UniqueConstraint("evidence_id", "org_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("mrv_evidence.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
