"""All SQL of the MRV workflow. Reads start from what the caller may see."""

from __future__ import annotations

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from carbonledger.platform.accounts.models import Organisation, OrgStatus
from carbonledger.platform.mrv.models import EvidenceFile, EvidenceKey, Submission, Transition
from carbonledger.platform.security import Kind, Principal

SEES_ALL = frozenset({Kind.ADMIN, Kind.REGULATOR})


def visible_submissions(p: Principal) -> Select[Submission]:
    """Enterprises see their own, verifiers what is assigned to them, supervisors all."""
    q = select(Submission)
    if p.kind in SEES_ALL:
        return q
    if p.kind is Kind.ENTERPRISE:
        return q.where(Submission.enterprise_id == p.org_id)
    if p.kind is Kind.VERIFIER:
        return q.where(Submission.verifier_id == p.org_id)
    return q.where(Submission.id.is_(None))  # finance institutions: none (consent comes later)


def visible_submission(
    session: Session, p: Principal, submission_id: int, *, for_update: bool = False
) -> Submission | None:
    q = visible_submissions(p).where(Submission.id == submission_id)
    if for_update:
        q = q.with_for_update()
    return session.execute(q).scalar_one_or_none()


def same_year(session: Session, enterprise_id: int, year: int) -> list[Submission]:
    q = select(Submission).where(Submission.enterprise_id == enterprise_id, Submission.year == year)
    return list(session.execute(q).scalars())


def correction_of(session: Session, submission_id: int) -> Submission | None:
    q = select(Submission).where(Submission.supersedes_id == submission_id)
    return session.execute(q).scalar_one_or_none()


def transitions(session: Session, submission_id: int) -> list[Transition]:
    q = select(Transition).where(Transition.submission_id == submission_id).order_by(Transition.id)
    return list(session.execute(q).scalars())


def evidence_of(session: Session, submission_id: int) -> list[EvidenceFile]:
    q = (
        select(EvidenceFile)
        .where(EvidenceFile.submission_id == submission_id)
        .order_by(EvidenceFile.id)
    )
    return list(session.execute(q).scalars())


def evidence(session: Session, submission_id: int, evidence_id: int) -> EvidenceFile | None:
    q = select(EvidenceFile).where(
        EvidenceFile.id == evidence_id, EvidenceFile.submission_id == submission_id
    )
    return session.execute(q).scalar_one_or_none()


def wrapped_key(session: Session, evidence_id: int, org_id: int) -> EvidenceKey | None:
    q = select(EvidenceKey).where(
        EvidenceKey.evidence_id == evidence_id, EvidenceKey.org_id == org_id
    )
    return session.execute(q).scalar_one_or_none()


def delete_evidence(session: Session, file: EvidenceFile) -> None:
    session.execute(delete(EvidenceKey).where(EvidenceKey.evidence_id == file.id))
    session.delete(file)


def drop_keys_of(session: Session, evidence_ids: list[int], org_id: int) -> None:
    if evidence_ids:
        session.execute(
            delete(EvidenceKey).where(
                EvidenceKey.evidence_id.in_(evidence_ids), EvidenceKey.org_id == org_id
            )
        )


def active_regulators(session: Session) -> list[Organisation]:
    q = select(Organisation).where(
        Organisation.kind == Kind.REGULATOR, Organisation.status == OrgStatus.ACTIVE
    )
    return list(session.execute(q).scalars())


def organisation(session: Session, org_id: int) -> Organisation | None:
    return session.get(Organisation, org_id)
