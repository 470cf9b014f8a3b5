"""The rules of the MRV workflow (never commits; the route's unit of work does).

Statuses and the actions that move between them live in :data:`TRANSITIONS`; every action
checks it first, so a wrong transition is a 409 naming the current and expected status.

Rounding: the chain records whole tonnes. The claimed tonnes are the engine's exact total
rounded half up (:attr:`carbonledger.accounting.report.Report.obligation_tonnes`, the
project's one rounding rule for obligations), so 0.5 t counts as a tonne.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy.orm import Session

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError, Location
from carbonledger.accounting.excel import parse_workbook
from carbonledger.accounting.methodology import get_methodology
from carbonledger.accounting.numbers import canonical
from carbonledger.accounting.report import Report, normalised_input
from carbonledger.ledger import Signer, TxResult
from carbonledger.platform.accounts.models import Organisation, OrgStatus
from carbonledger.platform.accounts.service import _key_aad
from carbonledger.platform.crypto import (
    CryptoError,
    decrypt_iter,
    encrypt_stream,
    new_data_key,
    unwrap_key,
    wrap_key,
)
from carbonledger.platform.db import utcnow
from carbonledger.platform.errors import (
    Problem,
    conflict,
    engine_entry,
    forbidden,
    invalid,
    not_found,
)
from carbonledger.platform.gateway import run_as
from carbonledger.platform.merkle import merkle_root
from carbonledger.platform.mrv import repository as repo
from carbonledger.platform.mrv.models import EvidenceFile, EvidenceKey, Submission, Transition
from carbonledger.platform.mrv.schemas import (
    Attest,
    Calculation,
    ChainRecord,
    Difference,
    EvidenceOut,
    FileCheck,
    Finding,
    Integrity,
    Opinion,
    Quality,
    Recomputation,
    Reject,
    Status,
    SubmissionOut,
    SubmissionSummary,
    TransitionOut,
)
from carbonledger.platform.quality import check_submission
from carbonledger.platform.security import Kind, Principal

if TYPE_CHECKING:
    from carbonledger.platform.app import Platform

# -- statuses ---------------------------------------------------------------------------------

#: action -> (statuses it may start from, status it leaves the submission in)
TRANSITIONS: dict[str, tuple[frozenset[Status], Status | None]] = {
    "update": (frozenset({Status.DRAFT}), Status.DRAFT),
    "add-evidence": (frozenset({Status.DRAFT}), Status.DRAFT),
    "delete-evidence": (frozenset({Status.DRAFT}), Status.DRAFT),
    "submit": (frozenset({Status.DRAFT}), Status.SUBMITTED),
    # the regulator may reassign until the verifier has decided
    "assign": (frozenset({Status.SUBMITTED, Status.ASSIGNED}), Status.ASSIGNED),
    "attest": (frozenset({Status.ASSIGNED}), Status.VERIFIED),
    "reject": (frozenset({Status.ASSIGNED}), Status.REJECTED),
    "confirm": (frozenset({Status.VERIFIED}), Status.CONFIRMED),
    # a correction draft is made from a decided report (which keeps its status) ...
    "correct": (frozenset({Status.REJECTED, Status.CONFIRMED}), None),
    # ... and the old version is superseded when the correction is submitted
    "supersede": (frozenset({Status.REJECTED, Status.CONFIRMED}), Status.SUPERSEDED),
}

OPINION_CODE = {Opinion.UNQUALIFIED: 1, Opinion.QUALIFIED: 2}
OPINION_OF = {v: k for k, v in OPINION_CODE.items()}


def require(sub: Submission, action: str) -> Status | None:
    """Check that `action` may start from the submission's status; the status it leads to."""
    allowed, target = TRANSITIONS[action]
    if sub.status not in allowed:
        expected = " or ".join(sorted(allowed))
        raise Problem(
            409,
            "wrong-status",
            f"submission {sub.id} is {sub.status}; {action} needs it to be {expected}",
            errors=[{"current_status": sub.status, "expected_status": sorted(allowed)}],
        )
    return target


def _move(
    session: Session,
    sub: Submission,
    p: Principal,
    action: str,
    result: TxResult | None = None,
) -> None:
    target = require(sub, action)
    assert target is not None
    session.add(
        Transition(
            submission_id=sub.id,
            from_status=sub.status,
            to_status=target,
            action=action,
            by_user=p.user_id,
            by_org=p.org_id,
            tx_hash=result.receipt.tx_hash if result else None,
            block=result.receipt.block_number if result else None,
        )
    )
    sub.status = target
    sub.updated_at = utcnow()


# -- JSON with exact decimals -----------------------------------------------------------------
def plain(value: Any) -> Any:
    """Decimals (and floats a JSON parser made) as canonical decimal strings."""
    if isinstance(value, Decimal):
        return canonical(value)
    if isinstance(value, float):
        return canonical(Decimal(repr(value)))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _dumps(value: Any) -> str:
    return json.dumps(plain(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- saving activity data ---------------------------------------------------------------------
def _engine_view(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without per-line months, which activity-data@1 does not have yet (the
    quality checks read them; see carbonledger.platform.quality)."""
    out = dict(doc)
    facilities = doc.get("facilities")
    if isinstance(facilities, list):
        out["facilities"] = [
            {**f, "lines": [_without_period(ln) for ln in f["lines"]]}
            if isinstance(f, dict) and isinstance(f.get("lines"), list)
            else f
            for f in facilities
        ]
    return out


def _without_period(line: Any) -> Any:
    return {k: v for k, v in line.items() if k != "period"} if isinstance(line, dict) else line


def _json_field(location: Location) -> str:
    return "body:document" + "".join(f".{part}" for part in location.path)


def _calculation_failed(err: InputError) -> Problem:
    errors = [engine_entry(p, _json_field(p.location)) for p in err.problems]
    first = err.problems[0]
    return Problem(
        422,
        "calculation-failed",
        f"{_json_field(first.location)}: {first.message}"
        + (f" ({first.hint})" if first.hint else "")
        + (f"; and {len(errors) - 1} more problem(s)" if len(errors) > 1 else ""),
        title="The activity data cannot be calculated",
        field=_json_field(first.location),
        errors=errors,
        params={"count": len(errors)},
    )


def digest_bytes(digest: str) -> bytes:
    """The 32 bytes of an engine digest (``sha256:<hex>``), as they go on chain."""
    return bytes.fromhex(digest.removeprefix("sha256:"))


def methodology_id_bytes(ref: str) -> bytes:
    """The methodology as it goes on chain: its reference in ASCII, zero-padded to 32 bytes."""
    raw = ref.encode("ascii")
    if len(raw) > 32:
        raise invalid(
            f"methodology reference {ref!r} is longer than 32 bytes and cannot go on chain",
            "body:document.methodology",
            type="utf8_too_long",
            size=len(raw),
            max_length=32,
        )
    return raw


def _apply_document(
    session: Session,
    p: Principal,
    sub: Submission,
    document: dict[str, Any],
    *,
    keep_year: int | None = None,
) -> None:
    """Clean and check the document, calculate it, and store all of it on `sub`."""
    quality = check_submission(document)
    cleaned = quality.document
    try:
        report = calculate_dict(_engine_view(cleaned))
    except InputError as err:
        raise _calculation_failed(err) from None
    year = report.submission.period.year
    if keep_year is not None and year != keep_year:
        raise invalid(
            f"a correction is for the same reporting year {keep_year}, not {year}",
            "body:document.period",
            type="correction_year",
            year=keep_year,
        )
    methodology_id_bytes(report.methodology)
    for other in repo.same_year(session, p.org_id, year):
        if other.id in (sub.id, sub.supersedes_id):
            continue
        if other.status != Status.SUPERSEDED:
            raise conflict(
                "year-taken",
                f"submission {other.id} ({other.status}) already reports {year}; update that "
                "draft, or create a correction of it once it is rejected or confirmed",
                "body:document.period",
                year=year,
            )
    _store_calculation(sub, report, cleaned, quality.findings)


def _store_calculation(
    sub: Submission, report: Report, cleaned: dict[str, Any], findings: list[Any]
) -> None:
    sub.year = report.submission.period.year
    sub.methodology = report.methodology
    sub.document = _dumps(cleaned)
    sub.findings = _dumps([f.as_dict() for f in findings])
    sub.quality_errors = sum(1 for f in findings if f.severity == "error")
    sub.quality_warnings = sum(1 for f in findings if f.severity == "warning")
    sub.report = report.to_json().decode()
    sub.total_co2e = canonical(report.total)
    sub.claimed_t = report.obligation_tonnes
    sub.input_digest = report.input_digest
    sub.factors_digest = report.table.digest
    sub.result_digest = report.result_digest
    sub.updated_at = utcnow()


def create(
    session: Session,
    p: Principal,
    document: dict[str, Any],
    origin: str,
    *,
    supersedes: Submission | None = None,
) -> Submission:
    sub = Submission(
        enterprise_id=p.org_id,
        status=Status.DRAFT,
        origin=origin,
        created_by=p.user_id,
        version=supersedes.version + 1 if supersedes else 1,
        supersedes_id=supersedes.id if supersedes else None,
    )
    _apply_document(session, p, sub, document, keep_year=supersedes.year if supersedes else None)
    session.add(sub)
    session.flush()
    session.add(
        Transition(
            submission_id=sub.id,
            from_status=None,
            to_status=Status.DRAFT,
            action="correct" if supersedes else "create",
            by_user=p.user_id,
            by_org=p.org_id,
        )
    )
    return sub


def workbook_document(data: bytes) -> dict[str, Any]:
    """A filled Excel template as the engine's JSON document; row-level problems → 422."""
    try:
        submission = parse_workbook(data)
    except InputError as err:
        errors = [
            {
                **engine_entry(pr, "body:file"),
                "sheet": pr.location.sheet,
                "row": pr.location.row,
                "column": pr.location.column,
            }
            for pr in err.problems
        ]
        raise Problem(
            422,
            "workbook-invalid",
            f"{err.problems[0]}"
            + (f"; and {len(errors) - 1} more problem(s)" if len(errors) > 1 else ""),
            title="The workbook has problems",
            field="body:file",
            params={"count": len(errors)},
            errors=errors,
        ) from None
    methodology = get_methodology(submission.methodology)
    keys = {k: s.material_key for k, s in methodology.sources.items()}
    doc: dict[str, Any] = plain(normalised_input(submission, methodology.ref, keys))
    return doc


def _visible(
    session: Session, p: Principal, submission_id: int, *, lock: bool = True
) -> Submission:
    """The submission if the caller may see it (404 otherwise); locked for a change."""
    sub = repo.visible_submission(session, p, submission_id, for_update=lock)
    if sub is None:
        raise not_found("submission", submission_id)
    return sub


def update(
    session: Session, p: Principal, submission_id: int, document: dict[str, Any]
) -> Submission:
    sub = _visible(session, p, submission_id)
    require(sub, "update")
    previous = session.get(Submission, sub.supersedes_id) if sub.supersedes_id else None
    _apply_document(session, p, sub, document, keep_year=previous.year if previous else None)
    sub.origin = "form"
    return sub


def correct(
    session: Session, p: Principal, submission_id: int, document: dict[str, Any] | None
) -> Submission:
    old = _visible(session, p, submission_id)
    require(old, "correct")
    existing = repo.correction_of(session, old.id)
    if existing is not None:
        raise conflict(
            "already-corrected",
            f"submission {old.id} already has a correction: submission {existing.id}",
        )
    doc = document if document is not None else json.loads(old.document)
    return create(session, p, doc, "json" if document is not None else old.origin, supersedes=old)


# -- evidence -------------------------------------------------------------------------------
class _TooLargeError(Exception):
    pass


class _Limited:
    """A reader that refuses to deliver more than `limit` bytes."""

    def __init__(self, src: BinaryIO, limit: int) -> None:
        self.src = src
        self.left = limit

    def read(self, size: int = -1) -> bytes:
        data = self.src.read(size)
        self.left -= len(data)
        if self.left < 0:
            raise _TooLargeError
        return data


def too_large(limit: int) -> Problem:
    return Problem(
        413,
        "file-too-large",
        f"an evidence file may have at most {limit} bytes; split or compress it",
        params={"limit_bytes": limit},
        field="body:file",
    )


def _org_private(platform: Platform, org: Organisation) -> bytes:
    if org.enc_private_sealed is None:
        raise conflict("no-encryption-key", f"organisation {org.id} has no encryption key")
    return platform.master.open(org.enc_private_sealed, _key_aad(org.id, "encryption"))


def _wrap_for(session: Session, evidence_id: int, org: Organisation, data_key: bytes) -> None:
    if org.enc_public is None:
        return
    session.add(
        EvidenceKey(
            evidence_id=evidence_id, org_id=org.id, wrapped=wrap_key(data_key, org.enc_public)
        )
    )


def add_evidence(
    session: Session,
    platform: Platform,
    p: Principal,
    submission_id: int,
    filename: str,
    content_type: str,
    src: BinaryIO,
) -> EvidenceFile:
    sub = _visible(session, p, submission_id)
    require(sub, "add-evidence")
    limit = platform.settings.max_upload_bytes
    directory = platform.settings.evidence_dir
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    final = directory / stored_name
    part = directory / (stored_name + ".part")
    data_key = new_data_key()
    try:
        with part.open("wb") as dst:
            enc = encrypt_stream(_Limited(src, limit), dst, data_key)  # type: ignore[arg-type]
        part.rename(final)
    except _TooLargeError:
        part.unlink(missing_ok=True)
        raise too_large(limit) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    file = EvidenceFile(
        submission_id=sub.id,
        filename=(filename or "evidence")[:255],
        content_type=(content_type or "application/octet-stream")[:128],
        size=enc.size,
        sha256=enc.sha256,
        stored_name=stored_name,
        stored_size=enc.ciphertext_size,
        uploaded_by=p.user_id,
    )
    session.add(file)
    session.flush()
    readers: dict[int, Organisation] = {}
    owner = repo.organisation(session, sub.enterprise_id)
    if owner is not None:
        readers[owner.id] = owner
    for regulator in repo.active_regulators(session):
        readers[regulator.id] = regulator
    if sub.verifier_id is not None and (v := repo.organisation(session, sub.verifier_id)):
        readers[v.id] = v
    for org in readers.values():
        _wrap_for(session, file.id, org, data_key)
    sub.updated_at = utcnow()
    return file


def delete_evidence(
    session: Session, platform: Platform, p: Principal, submission_id: int, evidence_id: int
) -> Path:
    """Remove the file's record; returns the stored file to delete after the commit."""
    sub = _visible(session, p, submission_id)
    file = repo.evidence(session, sub.id, evidence_id)
    if file is None:
        raise not_found("evidence file", evidence_id)
    require(sub, "delete-evidence")
    repo.delete_evidence(session, file)
    sub.updated_at = utcnow()
    return platform.settings.evidence_dir / file.stored_name


def _owner_key(session: Session, platform: Platform, sub: Submission, file: EvidenceFile) -> bytes:
    """The file's data key, opened with the owner's key (the platform holds it)."""
    owner = repo.organisation(session, sub.enterprise_id)
    wrapped = repo.wrapped_key(session, file.id, sub.enterprise_id)
    if owner is None or wrapped is None:
        raise conflict("no-data-key", f"evidence file {file.id} has no key for its owner")
    return unwrap_key(wrapped.wrapped, _org_private(platform, owner))


def _reader_key(
    session: Session, platform: Platform, p: Principal, sub: Submission, file: EvidenceFile
) -> bytes:
    """The file's data key for the caller's organisation, opened with its own key."""
    org = repo.organisation(session, p.org_id)
    assert org is not None
    wrapped = repo.wrapped_key(session, file.id, org.id)
    if wrapped is None and p.kind is Kind.REGULATOR and org.status == OrgStatus.ACTIVE:
        # a regulator approved after the upload: every regulator is a reader by rule
        data_key = _owner_key(session, platform, sub, file)
        _wrap_for(session, file.id, org, data_key)
        return data_key
    if wrapped is None:
        raise forbidden("the evidence key is not shared with your organisation")
    return unwrap_key(wrapped.wrapped, _org_private(platform, org))


@dataclass
class OpenEvidence:
    file: EvidenceFile
    path: Path
    data_key: bytes


def open_evidence(
    session: Session, platform: Platform, p: Principal, submission_id: int, evidence_id: int
) -> OpenEvidence:
    sub = _visible(session, p, submission_id, lock=False)
    file = repo.evidence(session, sub.id, evidence_id)
    if file is None:
        raise not_found("evidence file", evidence_id)
    key = _reader_key(session, platform, p, sub, file)
    path = platform.settings.evidence_dir / file.stored_name
    if not path.exists():
        raise Problem(
            410,
            "evidence-missing",
            f"the stored file of evidence {file.id} is missing; check the integrity endpoint",
        )
    return OpenEvidence(file, path, key)


def stream(opened: OpenEvidence) -> Iterator[bytes]:
    with opened.path.open("rb") as src:
        yield from decrypt_iter(src, opened.data_key, expected_sha256=opened.file.sha256)


def integrity(session: Session, platform: Platform, sub: Submission) -> Integrity:
    """Decrypt and re-hash every stored file; compare with the stored and on-chain roots."""
    files = repo.evidence_of(session, sub.id)
    checks: list[FileCheck] = []
    actual: list[bytes] = []
    for file in files:
        path = platform.settings.evidence_dir / file.stored_name
        check = FileCheck(
            id=file.id,
            filename=file.filename,
            sha256=file.sha256,
            status="intact",
            actual_sha256=None,
        )
        try:
            key = _owner_key(session, platform, sub, file)
            digest = hashlib.sha256()
            with path.open("rb") as src:
                for chunk in decrypt_iter(src, key):
                    digest.update(chunk)
            check.actual_sha256 = digest.hexdigest()
            actual.append(bytes.fromhex(check.actual_sha256))
            if check.actual_sha256 != file.sha256:
                check.status = "hash-mismatch"
        except FileNotFoundError:
            check.status = "missing"
            check.detail = "the stored file is gone"
        except CryptoError as err:
            check.status = "tampered"
            check.detail = str(err)
        checks.append(check)
    on_chain: str | None = None
    if sub.report_id is not None:
        gateway = platform.require_gateway()
        on_chain = gateway.suite.reports.report(sub.report_id).evidence_root.hex()
    recomputed = merkle_root(actual).hex() if actual else None
    intact = all(c.status == "intact" for c in checks)
    if on_chain is not None:
        intact = intact and recomputed == on_chain
    return Integrity(
        submission_id=sub.id,
        on_chain_root=on_chain,
        stored_root=sub.evidence_root,
        recomputed_root=recomputed,
        evidence_intact=intact,
        files=checks,
    )


def check_integrity(
    session: Session, platform: Platform, p: Principal, submission_id: int
) -> Integrity:
    sub = _visible(session, p, submission_id, lock=False)
    return integrity(session, platform, sub)


# -- chain-backed steps ------------------------------------------------------------------------
def _signer(session: Session, platform: Platform, p: Principal, sub: Submission) -> Signer:
    """The caller's chain signer, after claiming the submission's row for this unit of work.

    PostgreSQL and MySQL hold the row lock from ``_visible``; SQLite ignores FOR UPDATE, so
    a write before the transaction makes a concurrent request for the same submission wait
    (and then fail on its stale snapshot) instead of sending a second transaction.
    """
    sub.updated_at = utcnow()
    session.flush()
    return platform.signer_for(session, p.org_id)


def submit(session: Session, platform: Platform, p: Principal, submission_id: int) -> Submission:
    sub = _visible(session, p, submission_id)
    require(sub, "submit")
    if sub.quality_errors:
        blocking = [f for f in json.loads(sub.findings) if f["severity"] == "error"]
        raise Problem(
            422,
            "quality-errors",
            f"{len(blocking)} data-quality error(s) block submitting; the first is at "
            f"{blocking[0]['path']}: {blocking[0]['message']['en-US']}",
            field="body:document",
            errors=[
                {
                    "field": "body:document" + f["path"].replace("/", "."),
                    "code": f["code"],
                    "message": f["message"]["en-US"],
                }
                for f in blocking
            ],
            params={"count": len(blocking)},
        )
    files = repo.evidence_of(session, sub.id)
    if not files:
        raise invalid(
            "upload at least one evidence file before submitting: the evidence root on chain "
            "commits to the files",
            "path:submission_id",
            "evidence-required",
        )
    previous = session.get(Submission, sub.supersedes_id) if sub.supersedes_id else None
    if previous is not None:
        require(previous, "supersede")
    root = merkle_root([bytes.fromhex(f.sha256) for f in files])
    gateway = platform.require_gateway()
    signer = _signer(session, platform, p, sub)
    result = run_as(
        gateway,
        signer,
        lambda sg: gateway.suite.reports.by(sg).submit(
            sub.year,
            root,
            digest_bytes(sub.result_digest),
            methodology_id_bytes(sub.methodology),
            sub.claimed_t,
        ),
    )
    event = result.event("ReportSubmitted")
    sub.report_id = int(event["report_id"])
    sub.version = int(event["version"])
    sub.evidence_root = root.hex()
    sub.submit_tx = result.receipt.tx_hash
    sub.submit_block = result.receipt.block_number
    sub.submitted_at = utcnow()
    _move(session, sub, p, "submit", result)
    if previous is not None:
        _move(session, previous, p, "supersede", result)
    return sub


def assign(
    session: Session, platform: Platform, p: Principal, submission_id: int, verifier_id: int
) -> Submission:
    sub = _visible(session, p, submission_id)
    require(sub, "assign")
    verifier = repo.organisation(session, verifier_id)
    if verifier is None or verifier.kind != Kind.VERIFIER:
        raise invalid(
            f"organisation {verifier_id} is not a verifier",
            "body:verifier_id",
            type="not_a_verifier",
            org=verifier_id,
        )
    if verifier.status != OrgStatus.ACTIVE or verifier.address is None:
        raise invalid(
            f"verifier {verifier_id} is not active",
            "body:verifier_id",
            type="verifier_not_active",
            org=verifier_id,
        )
    assert sub.report_id is not None
    gateway = platform.require_gateway()
    report_id = sub.report_id
    address = verifier.address
    result = run_as(
        gateway,
        _signer(session, platform, p, sub),
        lambda sg: gateway.suite.reports.by(sg).assign_verifier(report_id, address),
    )
    files = repo.evidence_of(session, sub.id)
    previous = sub.verifier_id
    if previous is not None and previous != verifier.id:
        repo.drop_keys_of(session, [f.id for f in files], previous)
    if previous != verifier.id:
        for file in files:
            _wrap_for(session, file.id, verifier, _owner_key(session, platform, sub, file))
    sub.verifier_id = verifier.id
    _move(session, sub, p, "assign", result)
    return sub


def attest(
    session: Session, platform: Platform, p: Principal, submission_id: int, body: Attest
) -> Submission:
    sub = _visible(session, p, submission_id)
    require(sub, "attest")
    assert sub.report_id is not None
    digest = hashlib.sha256(body.statement.encode()).digest()
    gateway = platform.require_gateway()
    report_id = sub.report_id
    result = run_as(
        gateway,
        _signer(session, platform, p, sub),
        lambda sg: gateway.suite.reports.by(sg).attest(
            report_id, body.verified_t, OPINION_CODE[body.opinion], digest
        ),
    )
    sub.verified_t = body.verified_t
    sub.opinion = body.opinion.value
    sub.statement = body.statement
    sub.document_hash = digest.hex()
    _move(session, sub, p, "attest", result)
    return sub


def reject(
    session: Session, platform: Platform, p: Principal, submission_id: int, body: Reject
) -> Submission:
    sub = _visible(session, p, submission_id)
    require(sub, "reject")
    assert sub.report_id is not None
    gateway = platform.require_gateway()
    report_id = sub.report_id
    result = run_as(
        gateway,
        _signer(session, platform, p, sub),
        lambda sg: gateway.suite.reports.by(sg).reject(report_id, int(body.reason_code)),
    )
    sub.reject_code = int(body.reason_code)
    sub.reject_reason = body.reason
    _move(session, sub, p, "reject", result)
    return sub


def confirm(session: Session, platform: Platform, p: Principal, submission_id: int) -> Submission:
    sub = _visible(session, p, submission_id)
    require(sub, "confirm")
    assert sub.report_id is not None
    gateway = platform.require_gateway()
    report_id = sub.report_id
    result = run_as(
        gateway,
        _signer(session, platform, p, sub),
        lambda sg: gateway.suite.reports.by(sg).confirm(report_id),
    )
    _move(session, sub, p, "confirm", result)
    return sub


# -- the verifier's recomputation ------------------------------------------------------------
def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{path}/{k}", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{path}/{i}", out)
        if not value:
            out[path] = []
    else:
        out[path] = value


MAX_DIFFERENCES = 200


def recompute(
    session: Session, platform: Platform, p: Principal, submission_id: int
) -> Recomputation:
    sub = _visible(session, p, submission_id, lock=False)
    try:
        report = calculate_dict(_engine_view(json.loads(sub.document)))
    except InputError as err:
        raise Problem(
            409,
            "recomputation-failed",
            f"the stored document no longer calculates: {err.problems[0]}",
        ) from None
    recomputed = json.loads(report.to_json())
    stored = json.loads(sub.report)
    left: dict[str, Any] = {}
    right: dict[str, Any] = {}
    _flatten(stored, "", left)
    _flatten(recomputed, "", right)
    differences = [
        Difference(path=key, stored=left.get(key), recomputed=right.get(key))
        for key in sorted(set(left) | set(right))
        if left.get(key) != right.get(key)
    ]
    on_chain: str | None = None
    if sub.report_id is not None:
        gateway = platform.require_gateway()
        raw = gateway.suite.reports.report(sub.report_id).calculation_digest
        on_chain = "sha256:" + raw.hex()
    evidence = integrity(session, platform, sub)
    return Recomputation(
        submission_id=sub.id,
        methodology=sub.methodology,
        stored=calculation_of(sub),
        recomputed_total_co2e=canonical(report.total),
        recomputed_result_digest=report.result_digest,
        on_chain_calculation_digest=on_chain,
        matches=not differences and report.result_digest == sub.result_digest,
        calculation_digest_matches_chain=None
        if on_chain is None
        else on_chain == report.result_digest,
        differences=differences[:MAX_DIFFERENCES],
        evidence_intact=evidence.evidence_intact,
        evidence=evidence,
    )


# -- views ------------------------------------------------------------------------------------
def calculation_of(sub: Submission) -> Calculation:
    return Calculation(
        total_co2e=sub.total_co2e,
        claimed_t=sub.claimed_t,
        input_digest=sub.input_digest,
        factors_digest=sub.factors_digest,
        result_digest=sub.result_digest,
        report=json.loads(sub.report),
    )


def summary(sub: Submission) -> SubmissionSummary:
    return SubmissionSummary(**_summary_fields(sub))


def _summary_fields(sub: Submission) -> dict[str, Any]:
    return {name: getattr(sub, name) for name in SubmissionSummary.model_fields}


def evidence_out(file: EvidenceFile) -> EvidenceOut:
    return EvidenceOut(
        id=file.id,
        filename=file.filename,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        created_at=file.created_at,
    )


def detail(session: Session, sub: Submission) -> SubmissionOut:
    findings = [Finding(**f) for f in json.loads(sub.findings)]
    chain = None
    if sub.report_id is not None:
        assert sub.evidence_root and sub.submit_tx and sub.submit_block is not None
        chain = ChainRecord(
            report_id=sub.report_id,
            version=sub.version,
            evidence_root=sub.evidence_root,
            calculation_digest=sub.result_digest,
            tx_hash=sub.submit_tx,
            block=sub.submit_block,
        )
    return SubmissionOut(
        **_summary_fields(sub),
        document=json.loads(sub.document),
        quality=Quality(
            blocking=sub.quality_errors > 0,
            errors=sub.quality_errors,
            warnings=sub.quality_warnings,
            findings=findings,
        ),
        calculation=calculation_of(sub),
        evidence=[evidence_out(f) for f in repo.evidence_of(session, sub.id)],
        chain=chain,
        opinion=Opinion(sub.opinion) if sub.opinion else None,
        statement=sub.statement,
        document_hash=sub.document_hash,
        reject_code=sub.reject_code,
        reject_reason=sub.reject_reason,
        history=[
            TransitionOut(
                from_status=t.from_status,
                to_status=t.to_status,
                action=t.action,
                by_org=t.by_org,
                tx_hash=t.tx_hash,
                block=t.block,
                at=t.at,
            )
            for t in repo.transitions(session, sub.id)
        ],
    )


def visible_or_404(session: Session, p: Principal, submission_id: int) -> Submission:
    return _visible(session, p, submission_id, lock=False)
