"""HTTP of the registry: allocations, balances, transfers, carbon coin, offsets."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from carbonledger.accounting.errors import InputError
from carbonledger.accounting.submission import parse_json_text
from carbonledger.ledger import BlockState
from carbonledger.ledger import indexer as ledger
from carbonledger.platform import audit
from carbonledger.platform.deps import (
    EnterpriseOnly,
    FinanceOnly,
    RegulatorOnly,
    SignedIn,
    Supervisor,
    platform_of,
    work,
)
from carbonledger.platform.idempotency import Idempotency, idempotent
from carbonledger.platform.listing import Page, Paging
from carbonledger.platform.registry import certificate as printable
from carbonledger.platform.registry import repository as repo
from carbonledger.platform.registry import service
from carbonledger.platform.registry.models import (
    Allocation,
    CoinDeposit,
    OffsetProject,
    Retirement,
    Withdrawal,
)
from carbonledger.platform.registry.schemas import (
    MAX_ID,
    AllocationBatchIn,
    AllocationBatchOut,
    AllocationOut,
    AllocationPreview,
    AllocationPreviewIn,
    AllowanceTransferIn,
    Balances,
    BurnIn,
    Certificate,
    CoinTransferIn,
    DepositIn,
    DepositOut,
    IssuanceIn,
    IssuanceOut,
    OffsetBlockOut,
    OffsetTransferIn,
    ProjectIn,
    ProjectOut,
    RetireIn,
    TransferOut,
    TxRef,
    WithdrawalDecision,
    WithdrawalIn,
    WithdrawalOut,
)
from carbonledger.platform.security import Kind, Principal, allow

IdPath = Annotated[int, Path(gt=0, le=MAX_ID)]

router = APIRouter(prefix="/api/v1/registry", tags=["registry"])

Idem = Annotated[Idempotency, Depends(idempotent)]
CoinHolder = Annotated[Principal, Depends(allow(Kind.ENTERPRISE, Kind.FINANCE))]


async def decimal_json(request: Request) -> Any:
    """The body again, with every number a Decimal, for the accounting engine (pydantic
    has validated its shape; binary floats must never reach the engine)."""
    try:
        return parse_json_text(await request.body())
    except InputError:
        return None  # the body parameter's validation reports it


DecimalBody = Annotated[Any, Depends(decimal_json)]


# -- allocation ---------------------------------------------------------------------------


@router.post(
    "/allocations/preview",
    response_model=list[AllocationPreview],
    summary="Compute allocations with the accounting engine (nothing goes on chain)",
)
def preview_allocations(
    body: AllocationPreviewIn, raw: DecimalBody, _: Supervisor
) -> list[AllocationPreview]:
    documents = raw["requests"] if isinstance(raw, dict) else body.requests
    return service.preview(documents)


@router.post(
    "/allocations",
    status_code=status.HTTP_201_CREATED,
    response_model=AllocationBatchOut,
    summary="Allocate a vintage to many enterprises (transactions of at most 64 receivers)",
)
def allocate(
    body: AllocationBatchIn, raw: DecimalBody, request: Request, p: RegulatorOnly, idem: Idem
) -> AllocationBatchOut:
    platform = platform_of(request)
    raw_items: list[dict[str, Any]] = raw["items"] if isinstance(raw, dict) else []
    with work(request) as s:
        out = service.allocate_batch(s, platform, p, body, raw_items)
        audit.record(
            s,
            "registry.allocate",
            principal=p,
            request=request,
            target=f"allocation-batch:{out.batch}",
            detail={
                "vintage": out.vintage,
                "kind": out.kind,
                "receivers": len(out.allocations),
                "total": out.total,
                "transactions": [t.tx_hash for t in out.transactions],
            },
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.get(
    "/allocations",
    response_model=Page[AllocationOut],
    summary="Recorded allocations (enterprises: their own)",
)
def list_allocations(
    request: Request,
    p: SignedIn,
    paging: Annotated[Paging, Depends()],
    vintage: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    org_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    kind: Annotated[str | None, Query(max_length=8)] = None,
    batch: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[AllocationOut]:
    q = repo.allocations_query(p)
    if vintage is not None:
        q = q.where(Allocation.vintage == vintage)
    if org_id is not None:
        q = q.where(Allocation.org_id == org_id)
    if kind is not None:
        q = q.where(Allocation.kind == kind)
    if batch is not None:
        q = q.where(Allocation.batch == batch)
    sortable = {
        "id": Allocation.id,
        "vintage": Allocation.vintage,
        "amount": Allocation.amount,
        "org_id": Allocation.org_id,
        "created_at": Allocation.created_at,
    }
    with work(request) as s:
        rows, total = paging.apply(s, q, sortable, "-id")
        items = [service.allocation_out(r) for r in rows]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)


# -- balances -----------------------------------------------------------------------------


@router.get(
    "/balances",
    response_model=Balances,
    summary="Allowances per vintage, offset blocks held and carbon coin of an organisation "
    "(yours; regulators and admins: any)",
)
def balances(
    request: Request,
    p: SignedIn,
    org_id: Annotated[
        int | None, Query(gt=0, le=MAX_ID, description="default: your organisation")
    ] = None,
) -> Balances:
    with work(request) as s:
        return service.balances(s, platform_of(request), p, org_id or p.org_id)


BLOCK_STATES = {
    "held": BlockState.HELD,
    "retired": BlockState.RETIRED,
    "surrendered": BlockState.SURRENDERED,
}


@router.get(
    "/offset-blocks",
    response_model=Page[OffsetBlockOut],
    summary="Offset blocks (enterprises: those they hold or held at retirement/surrender)",
)
def offset_blocks(
    request: Request,
    p: SignedIn,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    org_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    project: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    vintage: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    state: Annotated[Literal["held", "retired", "surrendered"] | None, Query()] = None,
    sort: Annotated[
        Literal["block_id", "-block_id", "vintage", "-vintage", "project", "-project"], Query()
    ] = "block_id",
) -> Page[OffsetBlockOut]:
    blocks = ledger.offset_blocks.c
    column = blocks[sort.removeprefix("-")]
    order = [column.desc() if sort.startswith("-") else column.asc(), blocks.block_id]
    with work(request) as s:
        owner: str | None = None
        if not repo.sees_all(p):
            org_id = org_id or p.org_id
        if org_id is not None:
            owner = repo.account(repo.visible_org(s, p, org_id))
        q = repo.offset_blocks_query(
            owner, project, vintage, int(BLOCK_STATES[state]) if state else None
        )
        rows, total = repo.page(s, q, order, offset, limit)
        owners = repo.orgs_by_accounts(s, {r.owner for r in rows})
        items = [service.block_out(r, owners) for r in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)


# -- transfers ----------------------------------------------------------------------------


@router.post(
    "/transfers/allowances",
    status_code=status.HTTP_201_CREATED,
    response_model=TransferOut,
    summary="Transfer allowances of a vintage to another enterprise",
)
def transfer_allowances(
    body: AllowanceTransferIn, request: Request, p: EnterpriseOnly, idem: Idem
) -> TransferOut:
    with work(request) as s:
        out = service.transfer_allowances(
            s, platform_of(request), p, body.to_org_id, body.vintage, body.amount
        )
        audit.record(
            s,
            "registry.transfer-allowances",
            principal=p,
            request=request,
            target=f"organisation:{body.to_org_id}",
            detail=out.model_dump(),
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.post(
    "/transfers/offsets",
    status_code=status.HTTP_201_CREATED,
    response_model=TransferOut,
    summary="Transfer offset credits (all or the first part of a block) to another enterprise",
)
def transfer_offsets(
    body: OffsetTransferIn, request: Request, p: EnterpriseOnly, idem: Idem
) -> TransferOut:
    with work(request) as s:
        out = service.transfer_offsets(
            s, platform_of(request), p, body.to_org_id, body.block_id, body.amount
        )
        audit.record(
            s,
            "registry.transfer-offsets",
            principal=p,
            request=request,
            target=f"organisation:{body.to_org_id}",
            detail=out.model_dump(),
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.post(
    "/transfers/coin",
    status_code=status.HTTP_201_CREATED,
    response_model=TransferOut,
    summary="Transfer carbon coin (cents) to another enterprise or a finance institution",
)
def transfer_coin(body: CoinTransferIn, request: Request, p: CoinHolder, idem: Idem) -> TransferOut:
    with work(request) as s:
        out = service.transfer_coin(s, platform_of(request), p, body.to_org_id, body.amount_cents)
        audit.record(
            s,
            "registry.transfer-coin",
            principal=p,
            request=request,
            target=f"organisation:{body.to_org_id}",
            detail=out.model_dump(),
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


# -- carbon coin --------------------------------------------------------------------------


@router.post(
    "/coin/deposits",
    status_code=status.HTTP_201_CREATED,
    response_model=DepositOut,
    summary="Finance: mint carbon coin to an enterprise against a fiat deposit",
)
def deposit(body: DepositIn, request: Request, p: FinanceOnly, idem: Idem) -> DepositOut:
    with work(request) as s:
        row = service.deposit(s, platform_of(request), p, body)
        out = DepositOut.model_validate(row, from_attributes=True)
        audit.record(
            s,
            "coin.deposit",
            principal=p,
            request=request,
            target=f"coin-deposit:{row.id}",
            detail={"org_id": body.org_id, "cents": body.amount_cents, "tx": row.tx_hash},
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.get(
    "/coin/deposits",
    response_model=Page[DepositOut],
    summary="Coin deposits (finance: its own; enterprises: those to them)",
)
def list_deposits(
    request: Request, p: SignedIn, paging: Annotated[Paging, Depends()]
) -> Page[DepositOut]:
    sortable = {"id": CoinDeposit.id, "amount_cents": CoinDeposit.amount_cents}
    with work(request) as s:
        rows, total = paging.apply(s, repo.deposits_query(p), sortable, "-id")
        items = [DepositOut.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.post(
    "/coin/burns",
    status_code=status.HTTP_201_CREATED,
    response_model=TxRef,
    summary="Finance: burn carbon coin from your own balance (a fiat withdrawal)",
)
def burn(body: BurnIn, request: Request, p: FinanceOnly, idem: Idem) -> TxRef:
    with work(request) as s:
        out = service.burn(s, platform_of(request), p, body)
        audit.record(
            s,
            "coin.burn",
            principal=p,
            request=request,
            target=f"tx:{out.tx_hash}",
            detail={"cents": body.amount_cents, "reference": body.reference},
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


def _withdrawal(row: Withdrawal) -> WithdrawalOut:
    return WithdrawalOut.model_validate(row, from_attributes=True)


@router.post(
    "/coin/withdrawals",
    status_code=status.HTTP_201_CREATED,
    response_model=WithdrawalOut,
    summary="Enterprise: withdraw coin to fiat (the coin moves to your bank, which burns it)",
)
def request_withdrawal(
    body: WithdrawalIn, request: Request, p: EnterpriseOnly, idem: Idem
) -> WithdrawalOut:
    with work(request) as s:
        row = service.request_withdrawal(s, platform_of(request), p, body)
        out = _withdrawal(row)
        audit.record(
            s,
            "coin.withdrawal-request",
            principal=p,
            request=request,
            target=f"withdrawal:{row.id}",
            detail={"cents": row.amount_cents, "bank": row.bank_org_id},
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.get(
    "/coin/withdrawals",
    response_model=Page[WithdrawalOut],
    summary="Withdrawals (enterprises: theirs; finance: those addressed to it)",
)
def list_withdrawals(
    request: Request,
    p: SignedIn,
    paging: Annotated[Paging, Depends()],
    withdrawal_status: Annotated[str | None, Query(alias="status", max_length=16)] = None,
) -> Page[WithdrawalOut]:
    q = repo.withdrawals_query(p)
    if withdrawal_status is not None:
        q = q.where(Withdrawal.status == withdrawal_status)
    sortable = {"id": Withdrawal.id, "amount_cents": Withdrawal.amount_cents}
    with work(request) as s:
        rows, total = paging.apply(s, q, sortable, "-id")
        items = [_withdrawal(r) for r in rows]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)


def _decide(
    withdrawal_id: IdPath, body: WithdrawalDecision, request: Request, p: Principal, execute: bool
) -> WithdrawalOut:
    with work(request) as s:
        row = service.decide_withdrawal(
            s, platform_of(request), p, withdrawal_id, execute, body.note
        )
        out = _withdrawal(row)
        audit.record(
            s,
            f"coin.withdrawal-{row.status}",
            principal=p,
            request=request,
            target=f"withdrawal:{row.id}",
            detail={"tx": row.settle_tx},
        )
    return out


@router.post(
    "/coin/withdrawals/{withdrawal_id}/execute",
    response_model=WithdrawalOut,
    summary="Finance: pay out a withdrawal and burn its coin",
)
def execute_withdrawal(
    withdrawal_id: IdPath, body: WithdrawalDecision, request: Request, p: FinanceOnly, idem: Idem
) -> WithdrawalOut:
    return idem.finish(_decide(withdrawal_id, body, request, p, True))  # type: ignore[no-any-return]


@router.post(
    "/coin/withdrawals/{withdrawal_id}/reject",
    response_model=WithdrawalOut,
    summary="Finance: refuse a withdrawal and return its coin",
)
def reject_withdrawal(
    withdrawal_id: IdPath, body: WithdrawalDecision, request: Request, p: FinanceOnly, idem: Idem
) -> WithdrawalOut:
    return idem.finish(_decide(withdrawal_id, body, request, p, False))  # type: ignore[no-any-return]


# -- offsets ------------------------------------------------------------------------------


@router.post(
    "/offsets/projects",
    status_code=status.HTTP_201_CREATED,
    response_model=ProjectOut,
    summary="Regulator: register an offset project",
)
def register_project(body: ProjectIn, request: Request, p: RegulatorOnly, idem: Idem) -> ProjectOut:
    with work(request) as s:
        row = service.register_project(s, platform_of(request), p, body)
        out = ProjectOut.model_validate(row, from_attributes=True)
        audit.record(
            s,
            "offsets.register-project",
            principal=p,
            request=request,
            target=f"project:{row.id}",
            detail={"developer": row.developer_org_id},
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.get("/offsets/projects", response_model=Page[ProjectOut], summary="Offset projects")
def list_projects(
    request: Request,
    _: SignedIn,
    paging: Annotated[Paging, Depends()],
    region: Annotated[str | None, Query(max_length=16)] = None,
    developer_org_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
) -> Page[ProjectOut]:
    q = repo.projects_query()
    if region is not None:
        q = q.where(OffsetProject.region == region)
    if developer_org_id is not None:
        q = q.where(OffsetProject.developer_org_id == developer_org_id)
    sortable = {"id": OffsetProject.id, "name": OffsetProject.name}
    with work(request) as s:
        rows, total = paging.apply(s, q, sortable, "id")
        items = [ProjectOut.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.post(
    "/offsets/issuances",
    status_code=status.HTTP_201_CREATED,
    response_model=IssuanceOut,
    summary="Regulator: issue a block of credits of a vintage to the project's developer",
)
def issue(body: IssuanceIn, request: Request, p: RegulatorOnly, idem: Idem) -> IssuanceOut:
    with work(request) as s:
        out = service.issue(s, platform_of(request), p, body)
        audit.record(
            s,
            "offsets.issue",
            principal=p,
            request=request,
            target=f"offset-block:{out.block_id}",
            detail=out.model_dump(),
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.post(
    "/offsets/retirements",
    status_code=status.HTTP_201_CREATED,
    response_model=Certificate,
    summary="Retire credits for a beneficiary (permanent); answers with the certificate",
)
def retire(body: RetireIn, request: Request, p: EnterpriseOnly, idem: Idem) -> Certificate:
    with work(request) as s:
        row = service.retire(s, platform_of(request), p, body)
        out = service.certificate(s, row)
        audit.record(
            s,
            "offsets.retire",
            principal=p,
            request=request,
            target=f"offset-block:{row.block_id}",
            detail={"amount": row.amount, "beneficiary": row.beneficiary, "tx": row.tx_hash},
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.get(
    "/offsets/retirements",
    response_model=Page[Certificate],
    summary="Retirements (enterprises: their own)",
)
def list_retirements(
    request: Request,
    p: SignedIn,
    paging: Annotated[Paging, Depends()],
    vintage: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    project_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
) -> Page[Certificate]:
    q = repo.retirements_query(p)
    if vintage is not None:
        q = q.where(Retirement.vintage == vintage)
    if project_id is not None:
        q = q.where(Retirement.project_id == project_id)
    sortable = {"block_id": Retirement.block_id, "retired_at": Retirement.retired_at}
    with work(request) as s:
        rows, total = paging.apply(s, q, sortable, "-block_id")
        items = [service.certificate(s, r) for r in rows]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.get(
    "/offsets/retirements/{block_id}",
    response_model=Certificate,
    summary="The retirement certificate (JSON)",
)
def get_certificate(block_id: IdPath, request: Request, p: SignedIn) -> Certificate:
    with work(request) as s:
        return service.certificate(s, repo.retirement(s, p, block_id))


@router.get(
    "/offsets/retirements/{block_id}/certificate",
    response_class=Response,
    responses={200: {"content": {"text/html": {}, "text/plain": {}}}},
    summary="The retirement certificate, printable (HTML or text; zh-CN or en-US)",
)
def print_certificate(
    block_id: IdPath,
    request: Request,
    p: SignedIn,
    lang: Annotated[Literal["zh-CN", "en-US"], Query()] = "zh-CN",
    format: Annotated[Literal["html", "text"], Query()] = "html",
) -> Response:
    with work(request) as s:
        cert = service.certificate(s, repo.retirement(s, p, block_id))
    if format == "text":
        return PlainTextResponse(printable.render_text(cert, lang))
    return HTMLResponse(printable.render_html(cert, lang))
