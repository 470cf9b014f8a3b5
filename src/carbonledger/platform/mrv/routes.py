"""HTTP of the MRV workflow: methodologies and templates, submissions, evidence,
verification and confirmation."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse
from markdown_it import MarkdownIt

from carbonledger.accounting.errors import UnknownMethodologyError
from carbonledger.accounting.excel import write_template
from carbonledger.accounting.guide import methodology_guide
from carbonledger.accounting.methodology import all_methodologies, get_methodology
from carbonledger.accounting.templates import json_template
from carbonledger.platform import audit
from carbonledger.platform.deps import (
    Anyone,
    EnterpriseOnly,
    ObjectId,
    RegulatorOnly,
    SignedIn,
    VerifierOnly,
    platform_of,
    work,
)
from carbonledger.platform.errors import not_found
from carbonledger.platform.idempotency import Idempotency, idempotent
from carbonledger.platform.listing import Page, Paging
from carbonledger.platform.mrv import repository as repo
from carbonledger.platform.mrv import service
from carbonledger.platform.mrv.models import Submission
from carbonledger.platform.mrv.schemas import (
    Assign,
    Attest,
    CorrectionCreate,
    EvidenceOut,
    GuideDefault,
    GuideOption,
    GuideParameter,
    GuideSource,
    Integrity,
    MethodologyGuideOut,
    MethodologyOut,
    Recomputation,
    Reject,
    Status,
    SubmissionCreate,
    SubmissionOut,
    SubmissionSummary,
    SubmissionUpdate,
)
from carbonledger.platform.security import Kind, Principal, allow

router = APIRouter(prefix="/api/v1/mrv")

TAG = "mrv"

Reviewer = Annotated[Principal, Depends(allow(Kind.VERIFIER, Kind.REGULATOR))]
EvidenceReader = Annotated[
    Principal, Depends(allow(Kind.ENTERPRISE, Kind.VERIFIER, Kind.REGULATOR))
]
Idem = Annotated[Idempotency, Depends(idempotent)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGS = {"zh-CN": "zh", "en-US": "en"}


# -- methodologies and templates ------------------------------------------------------------
def _methodology_out(ref: str) -> MethodologyOut:
    m = get_methodology(ref)
    return MethodologyOut(
        id=m.ref,
        industry=m.industry,
        name_zh=m.name_zh,
        name_en=m.name_en,
        document=m.document,
        sectors=[m.industry],
        valid_from=m.valid_from.isoformat(),
        valid_to=m.valid_to.isoformat() if m.valid_to else None,
        sources=list(m.sources),
    )


def _known(ref: str) -> str:
    try:
        return get_methodology(ref).ref
    except UnknownMethodologyError:
        raise not_found("methodology", ref) from None


@router.get(
    "/methodologies",
    response_model=list[MethodologyOut],
    tags=[TAG],
    summary="The accounting methodologies (id, names, sectors, validity)",
)
def list_methodologies(_: Anyone) -> list[MethodologyOut]:
    return [_methodology_out(m.ref) for m in all_methodologies()]


@router.get(
    "/methodologies/{ref}",
    response_model=MethodologyOut,
    tags=[TAG],
    summary="One methodology (a bare id means its latest version)",
)
def get_one_methodology(ref: str, _: Anyone) -> MethodologyOut:
    return _methodology_out(_known(ref))


def _html(markdown: str) -> str:
    # CommonMark with tables; raw HTML in the page is escaped, never passed through
    return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown))


@router.get(
    "/methodologies/{ref}/guide",
    response_model=MethodologyGuideOut,
    tags=[TAG],
    summary="The methodology's guide: sources, formulas, parameters and default factors",
)
def methodology_guide_out(ref: str, _: Anyone) -> MethodologyGuideOut:
    guide = methodology_guide(_known(ref))
    d = guide.description
    options = d["options"]
    assert isinstance(options, dict)
    return MethodologyGuideOut.model_validate(
        {
            **d,
            "html_zh": _html(guide.text_zh),
            "html_en": _html(guide.text_en),
            "options": [GuideOption(name=k, description=v) for k, v in options.items()],
            "sources": [
                GuideSource.model_validate(
                    {
                        **s.description,
                        "parameters": [
                            GuideParameter.model_validate(p)
                            for p in s.description["parameters"]  # type: ignore[attr-defined]
                        ],
                        "defaults": [
                            GuideDefault(
                                parameter=f.parameter,
                                material=f.material,
                                key=f.row.key,
                                value=str(f.row.value),
                                unit=f.row.unit,
                                label_zh=f.row.label_zh,
                                label_en=f.row.label_en,
                                document=f.row.document,
                                table=f.row.table,
                                status=f.row.status,
                                note=f.row.note,
                            )
                            for f in s.defaults
                        ],
                    }
                )
                for s in guide.sources
            ],
        }
    )


@router.get(
    "/methodologies/{ref}/template.json",
    tags=[TAG],
    summary="A fillable JSON activity-data document for the methodology",
)
def methodology_json_template(ref: str, _: Anyone) -> dict[str, object]:
    return json_template(_known(ref))


@router.get(
    "/methodologies/{ref}/template.xlsx",
    tags=[TAG],
    summary="A fillable Excel workbook for the methodology",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "the workbook"}},
)
def methodology_excel_template(
    ref: str,
    _: Anyone,
    lang: Annotated[Literal["zh-CN", "en-US"], Query(description="column labels")] = "zh-CN",
) -> Response:
    known = _known(ref)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.xlsx"
        write_template(known, path, lang=LANGS[lang])
        data = path.read_bytes()
    name = f"{known.replace('@', '-v')}-{lang}.xlsx"
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# -- submissions ----------------------------------------------------------------------------
@router.post(
    "/submissions",
    status_code=status.HTTP_201_CREATED,
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Create a draft from a JSON activity-data document (quality checks + calculation)",
    responses={422: {"description": "the document cannot be calculated; `field` names where"}},
)
def create_submission(body: SubmissionCreate, request: Request, p: EnterpriseOnly) -> SubmissionOut:
    with work(request) as s:
        sub = service.create(s, p, body.document, "json")
        audit.record(
            s,
            "mrv.create",
            principal=p,
            request=request,
            target=f"submission:{sub.id}",
            detail={"year": sub.year, "methodology": sub.methodology, "origin": "json"},
        )
        return service.detail(s, sub)


@router.post(
    "/submissions/excel",
    status_code=status.HTTP_201_CREATED,
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Create a draft from a filled Excel template (problems name sheet, row, column)",
)
def create_from_excel(
    request: Request, p: EnterpriseOnly, file: Annotated[UploadFile, File()]
) -> SubmissionOut:
    limit = platform_of(request).settings.max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise service.too_large(limit)
    document = service.workbook_document(data)
    with work(request) as s:
        sub = service.create(s, p, document, "excel")
        audit.record(
            s,
            "mrv.create",
            principal=p,
            request=request,
            target=f"submission:{sub.id}",
            detail={"year": sub.year, "methodology": sub.methodology, "origin": "excel"},
        )
        return service.detail(s, sub)


@router.put(
    "/submissions/{submission_id}",
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Save a draft's document again (the form)",
)
def update_submission(
    submission_id: ObjectId, body: SubmissionUpdate, request: Request, p: EnterpriseOnly
) -> SubmissionOut:
    with work(request) as s:
        sub = service.update(s, p, submission_id, body.document)
        audit.record(s, "mrv.update", principal=p, request=request, target=f"submission:{sub.id}")
        return service.detail(s, sub)


@router.get(
    "/submissions",
    response_model=Page[SubmissionSummary],
    tags=[TAG],
    summary="Submissions you may see (enterprise: its own; verifier: assigned; supervisors: all)",
)
def list_submissions(
    request: Request,
    p: SignedIn,
    paging: Annotated[Paging, Depends()],
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    sub_status: Annotated[Status | None, Query(alias="status")] = None,
    methodology: Annotated[str | None, Query(max_length=64)] = None,
    enterprise_id: Annotated[int | None, Query()] = None,
) -> Page[SubmissionSummary]:
    query = repo.visible_submissions(p)
    if year is not None:
        query = query.where(Submission.year == year)
    if sub_status is not None:
        query = query.where(Submission.status == sub_status.value)
    if methodology:
        query = query.where(Submission.methodology == methodology)
    if enterprise_id is not None:
        query = query.where(Submission.enterprise_id == enterprise_id)
    sortable = {
        "id": Submission.id,
        "year": Submission.year,
        "status": Submission.status,
        "methodology": Submission.methodology,
        "created_at": Submission.created_at,
        "updated_at": Submission.updated_at,
        "claimed_t": Submission.claimed_t,
    }
    with work(request) as s:
        rows, total = paging.apply(s, query, sortable, "-id")
        items = [service.summary(sub) for sub in rows]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionOut,
    tags=[TAG],
    summary="A submission: document, findings, calculation with formulas, evidence, history",
)
def get_submission(submission_id: ObjectId, request: Request, p: SignedIn) -> SubmissionOut:
    with work(request) as s:
        return service.detail(s, service.visible_or_404(s, p, submission_id))


@router.post(
    "/submissions/{submission_id}/corrections",
    status_code=status.HTTP_201_CREATED,
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Start a new version of a rejected or confirmed report (a draft that supersedes it)",
)
def create_correction(
    submission_id: ObjectId, body: CorrectionCreate, request: Request, p: EnterpriseOnly
) -> SubmissionOut:
    with work(request) as s:
        sub = service.correct(s, p, submission_id, body.document)
        audit.record(
            s,
            "mrv.correct",
            principal=p,
            request=request,
            target=f"submission:{sub.id}",
            detail={"supersedes": submission_id},
        )
        return service.detail(s, sub)


# -- evidence -------------------------------------------------------------------------------
@router.post(
    "/submissions/{submission_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    response_model=EvidenceOut,
    tags=[TAG],
    summary="Upload an evidence file to a draft (encrypted at rest; 413 over the size limit)",
)
def upload_evidence(
    submission_id: ObjectId,
    request: Request,
    p: EnterpriseOnly,
    file: Annotated[UploadFile, File()],
) -> EvidenceOut:
    platform = platform_of(request)
    with work(request) as s:
        stored = service.add_evidence(
            s,
            platform,
            p,
            submission_id,
            file.filename or "evidence",
            file.content_type or "application/octet-stream",
            file.file,
        )
        audit.record(
            s,
            "mrv.evidence-add",
            principal=p,
            request=request,
            target=f"submission:{submission_id}",
            detail={"evidence": stored.id, "sha256": stored.sha256, "size": stored.size},
        )
        return service.evidence_out(stored)


@router.get(
    "/submissions/{submission_id}/evidence",
    response_model=list[EvidenceOut],
    tags=[TAG],
    summary="The evidence files of a submission",
)
def list_evidence(submission_id: ObjectId, request: Request, p: SignedIn) -> list[EvidenceOut]:
    with work(request) as s:
        sub = service.visible_or_404(s, p, submission_id)
        return [service.evidence_out(f) for f in repo.evidence_of(s, sub.id)]


@router.get(
    "/submissions/{submission_id}/evidence/{evidence_id}/content",
    tags=[TAG],
    summary="Download an evidence file, decrypted (owner, assigned verifier, regulators)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}},
)
def download_evidence(
    submission_id: ObjectId, evidence_id: ObjectId, request: Request, p: EvidenceReader
) -> StreamingResponse:
    platform = platform_of(request)
    with work(request) as s:
        opened = service.open_evidence(s, platform, p, submission_id, evidence_id)
        audit.record(
            s,
            "mrv.evidence-download",
            principal=p,
            request=request,
            target=f"submission:{submission_id}",
            detail={"evidence": evidence_id},
        )
    file = opened.file
    disposition = f"attachment; filename*=UTF-8''{quote(file.filename)}"
    return StreamingResponse(
        service.stream(opened),
        media_type=file.content_type,
        headers={
            "Content-Disposition": disposition,
            "Content-Length": str(file.size),
            "X-Content-SHA256": file.sha256,
        },
    )


@router.delete(
    "/submissions/{submission_id}/evidence/{evidence_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=[TAG],
    summary="Delete an evidence file from a draft",
)
def delete_evidence(
    submission_id: ObjectId, evidence_id: ObjectId, request: Request, p: EnterpriseOnly
) -> Response:
    platform = platform_of(request)
    with work(request) as s:
        path = service.delete_evidence(s, platform, p, submission_id, evidence_id)
        audit.record(
            s,
            "mrv.evidence-delete",
            principal=p,
            request=request,
            target=f"submission:{submission_id}",
            detail={"evidence": evidence_id},
        )
    # only once the record is gone for good
    path.unlink(missing_ok=True)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/submissions/{submission_id}/integrity",
    response_model=Integrity,
    tags=[TAG],
    summary="Tamper check: decrypt and re-hash the stored evidence, compare with the on-chain root",
)
def check_integrity(submission_id: ObjectId, request: Request, p: SignedIn) -> Integrity:
    platform = platform_of(request)
    with work(request) as s:
        return service.check_integrity(s, platform, p, submission_id)


# -- the chain-backed workflow ----------------------------------------------------------------
@router.post(
    "/submissions/{submission_id}/submit",
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Submit: the evidence root and calculation digest go on chain",
)
def submit(
    submission_id: ObjectId, request: Request, p: EnterpriseOnly, idem: Idem
) -> SubmissionOut:
    platform = platform_of(request)
    with work(request) as s:
        sub = service.submit(s, platform, p, submission_id)
        audit.record(
            s,
            "mrv.submit",
            principal=p,
            request=request,
            target=f"submission:{sub.id}",
            detail={"report_id": sub.report_id, "tx": sub.submit_tx},
        )
        out = service.detail(s, sub)
    return idem.finish(out)  # type: ignore[no-any-return]


@router.post(
    "/submissions/{submission_id}/assign",
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Assign a verifier (on chain); the evidence keys are wrapped for it",
)
def assign(
    submission_id: ObjectId, body: Assign, request: Request, p: RegulatorOnly, idem: Idem
) -> SubmissionOut:
    platform = platform_of(request)
    with work(request) as s:
        sub = service.assign(s, platform, p, submission_id, body.verifier_id)
        audit.record(
            s,
            "mrv.assign",
            principal=p,
            request=request,
            target=f"submission:{sub.id}",
            detail={"verifier_id": body.verifier_id},
        )
        out = service.detail(s, sub)
    return idem.finish(out)  # type: ignore[no-any-return]


@router.get(
    "/submissions/{submission_id}/recomputation",
    response_model=Recomputation,
    tags=[TAG],
    summary="Re-run the engine on the stored document and re-hash the evidence",
)
def recomputation(submission_id: ObjectId, request: Request, p: Reviewer) -> Recomputation:
    platform = platform_of(request)
    with work(request) as s:
        return service.recompute(s, platform, p, submission_id)


@router.post(
    "/submissions/{submission_id}/attest",
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Attest (the assigned verifier): verified tonnes, opinion, statement hash on chain",
)
def attest(
    submission_id: ObjectId, body: Attest, request: Request, p: VerifierOnly, idem: Idem
) -> SubmissionOut:
    platform = platform_of(request)
    with work(request) as s:
        sub = service.attest(s, platform, p, submission_id, body)
        audit.record(
            s,
            "mrv.attest",
            principal=p,
            request=request,
            target=f"submission:{sub.id}",
            detail={"verified_t": body.verified_t, "opinion": body.opinion.value},
        )
        out = service.detail(s, sub)
    return idem.finish(out)  # type: ignore[no-any-return]


@router.post(
    "/submissions/{submission_id}/reject",
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Reject (the assigned verifier) with a reason code (on chain) and text",
)
def reject(
    submission_id: ObjectId, body: Reject, request: Request, p: VerifierOnly, idem: Idem
) -> SubmissionOut:
    platform = platform_of(request)
    with work(request) as s:
        sub = service.reject(s, platform, p, submission_id, body)
        audit.record(
            s,
            "mrv.reject",
            principal=p,
            request=request,
            target=f"submission:{sub.id}",
            detail={"reason_code": int(body.reason_code)},
        )
        out = service.detail(s, sub)
    return idem.finish(out)  # type: ignore[no-any-return]


@router.post(
    "/submissions/{submission_id}/confirm",
    response_model=SubmissionOut,
    tags=[TAG],
    summary="Confirm a verified report (on chain): it becomes the compliance obligation",
)
def confirm(
    submission_id: ObjectId, request: Request, p: RegulatorOnly, idem: Idem
) -> SubmissionOut:
    platform = platform_of(request)
    with work(request) as s:
        sub = service.confirm(s, platform, p, submission_id)
        audit.record(
            s,
            "mrv.confirm",
            principal=p,
            request=request,
            target=f"submission:{sub.id}",
            detail={"report_id": sub.report_id},
        )
        out = service.detail(s, sub)
    return idem.finish(out)  # type: ignore[no-any-return]
