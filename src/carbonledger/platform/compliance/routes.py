"""HTTP of compliance: status, overview, surrender, deadlines, banking rule, penalties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status
from sqlalchemy import Select

from carbonledger.platform import audit
from carbonledger.platform.compliance import repository as repo
from carbonledger.platform.compliance import service
from carbonledger.platform.compliance.models import Penalty
from carbonledger.platform.compliance.schemas import (
    ChainChange,
    DeadlineIn,
    DeadlineOut,
    EligibilityIn,
    OffsetCapIn,
    OverviewRow,
    PenaltyIn,
    PenaltyOut,
    ProvinceFigures,
    RulesOut,
    StandingGroup,
    StatusOut,
    SurrenderAllowancesIn,
    SurrenderOffsetsIn,
    SurrenderOut,
)
from carbonledger.platform.deps import (
    EnterpriseOnly,
    RegulatorOnly,
    SignedIn,
    Supervisor,
    platform_of,
    work,
)
from carbonledger.platform.errors import Problem
from carbonledger.platform.idempotency import Idempotency, idempotent
from carbonledger.platform.listing import Page, Paging
from carbonledger.platform.registry import repository as registry
from carbonledger.platform.registry.schemas import MAX_ID
from carbonledger.platform.registry.service import chain_time

router = APIRouter(prefix="/api/v1/compliance", tags=["compliance"])

Idem = Annotated[Idempotency, Depends(idempotent)]


@router.get(
    "/status",
    response_model=StatusOut,
    summary="An enterprise's standing for a year, from the chain (yours; regulators: any)",
)
def get_status(
    request: Request,
    p: SignedIn,
    year: Annotated[int, Query(ge=2000, le=2100)],
    org_id: Annotated[
        int | None, Query(gt=0, le=MAX_ID, description="default: your organisation")
    ] = None,
) -> StatusOut:
    with work(request) as s:
        return service.status(s, platform_of(request), p, org_id or p.org_id, year)


OVERVIEW_SORT = (
    "org_id",
    "name",
    "year",
    "obligation",
    "gap",
    "status",
    "industry",
    "region",
    "penalties_cents",
)


@dataclass(frozen=True)
class OverviewFilter:
    year: int | None
    industry: str | None
    region: str | None
    standing: str | None

    def apply(self, q: Select[Any]) -> Select[Any]:
        cols = q.selected_columns
        if self.year is not None:
            q = q.where(cols.year == self.year)
        if self.industry is not None:
            q = q.where(cols.industry == self.industry)
        if self.region is not None:
            q = q.where(cols.region == self.region)
        if self.standing is not None:
            q = q.where(cols.status == self.standing)
        return q


def overview_filter(
    year: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    industry: Annotated[str | None, Query(max_length=32)] = None,
    region: Annotated[str | None, Query(max_length=16)] = None,
    standing: Annotated[
        Literal["pending", "compliant", "deficit"] | None, Query(alias="status")
    ] = None,
) -> OverviewFilter:
    return OverviewFilter(year, industry, region, standing)


Filter = Annotated[OverviewFilter, Depends(overview_filter)]


@router.get(
    "/overview",
    response_model=Page[OverviewRow],
    summary="Every enterprise with a confirmed report: obligation, surrendered, gap, status",
)
def overview(
    request: Request,
    _: Supervisor,
    f: Filter,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    sort: Annotated[str, Query(pattern=r"^-?[a-z_]+$", max_length=32)] = "org_id",
) -> Page[OverviewRow]:
    name = sort.removeprefix("-")
    if name not in OVERVIEW_SORT:
        raise Problem(
            422,
            "invalid-sort",
            f"cannot sort by {name!r}; choose one of: {', '.join(sorted(OVERVIEW_SORT))}",
            field="query:sort",
            params={"sort": name, "allowed": ", ".join(sorted(OVERVIEW_SORT))},
        )
    platform = platform_of(request)
    now = chain_time(platform.require_gateway())
    q = f.apply(repo.overview_query(now))
    cols = q.selected_columns
    column = cols[name]
    order = [column.desc() if sort.startswith("-") else column.asc(), cols.org_id, cols.year]
    with work(request) as s:
        rows, total = registry.page(s, q, order, offset, limit)
    items = [OverviewRow.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.get(
    "/overview/standings",
    response_model=list[StandingGroup],
    summary="The overview's rows counted by standing per industry or region (same filters)",
)
def overview_standings(
    request: Request,
    _: Supervisor,
    f: Filter,
    by: Annotated[Literal["industry", "region"], Query(description="group by")] = "industry",
) -> list[StandingGroup]:
    now = chain_time(platform_of(request).require_gateway())
    with work(request) as s:
        return service.standing_groups(s, f.apply(repo.overview_query(now)), by)


@router.get(
    "/overview/provinces",
    response_model=list[ProvinceFigures],
    summary="The overview's rows counted and summed by province (same filters, no paging)",
)
def overview_provinces(request: Request, _: Supervisor, f: Filter) -> list[ProvinceFigures]:
    now = chain_time(platform_of(request).require_gateway())
    with work(request) as s:
        return service.province_figures(s, f.apply(repo.overview_query(now)))


@router.post(
    "/surrenders/allowances",
    status_code=status.HTTP_201_CREATED,
    response_model=SurrenderOut,
    summary="Surrender allowances of a vintage for a compliance year",
)
def surrender_allowances(
    body: SurrenderAllowancesIn, request: Request, p: EnterpriseOnly, idem: Idem
) -> SurrenderOut:
    with work(request) as s:
        out = service.surrender_allowances(s, platform_of(request), p, body)
        audit.record(
            s,
            "compliance.surrender-allowances",
            principal=p,
            request=request,
            target=f"compliance:{p.org_id}/{body.year}",
            detail={"vintage": body.vintage, "amount": body.amount, "tx": out.tx_hash},
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.post(
    "/surrenders/offsets",
    status_code=status.HTTP_201_CREATED,
    response_model=SurrenderOut,
    summary="Surrender offset credits for a compliance year (within the offset cap)",
)
def surrender_offsets(
    body: SurrenderOffsetsIn, request: Request, p: EnterpriseOnly, idem: Idem
) -> SurrenderOut:
    with work(request) as s:
        out = service.surrender_offsets(s, platform_of(request), p, body)
        audit.record(
            s,
            "compliance.surrender-offsets",
            principal=p,
            request=request,
            target=f"compliance:{p.org_id}/{body.year}",
            detail={"block_id": body.block_id, "amount": body.amount, "tx": out.tx_hash},
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.post(
    "/deadlines",
    response_model=DeadlineOut,
    summary="Regulator: set a compliance year's surrender deadline",
)
def set_deadline(body: DeadlineIn, request: Request, p: RegulatorOnly, idem: Idem) -> DeadlineOut:
    with work(request) as s:
        row = service.set_deadline(s, platform_of(request), p, body)
        out = DeadlineOut.model_validate(row, from_attributes=True)
        audit.record(
            s,
            "compliance.set-deadline",
            principal=p,
            request=request,
            target=f"deadline:{body.year}",
            detail={"deadline": out.deadline.isoformat()},
        )
    return idem.finish(out)  # type: ignore[no-any-return]


@router.get("/deadlines", response_model=list[DeadlineOut], summary="Deadlines per year")
def list_deadlines(request: Request, _: SignedIn) -> list[DeadlineOut]:
    with work(request) as s:
        return [DeadlineOut.model_validate(d, from_attributes=True) for d in repo.deadlines(s)]


@router.get(
    "/rules/{year}",
    response_model=RulesOut,
    summary="A compliance year's rules: deadline, offset cap, which vintages may be surrendered",
)
def get_rules(
    year: Annotated[int, Path(ge=2000, le=2100)], request: Request, _: SignedIn
) -> RulesOut:
    return service.rules_of(platform_of(request), year)


@router.post(
    "/eligibility",
    response_model=ChainChange,
    summary="Regulator: the banking rule — may a vintage be surrendered for a year",
)
def set_eligibility(
    body: EligibilityIn, request: Request, p: RegulatorOnly, idem: Idem
) -> ChainChange:
    with work(request) as s:
        out = service.set_eligibility(
            s, platform_of(request), p, body.year, body.vintage, body.eligible
        )
        audit.record(
            s,
            "compliance.set-eligibility",
            principal=p,
            request=request,
            target=f"eligibility:{body.year}/{body.vintage}",
            detail=body.model_dump(),
        )
    return idem.finish(out)  # type: ignore[no-any-return]


@router.post(
    "/offset-cap",
    response_model=ChainChange,
    summary="Regulator: the offset cap in basis points of the obligation (500 = 5 %)",
)
def set_offset_cap(
    body: OffsetCapIn, request: Request, p: RegulatorOnly, idem: Idem
) -> ChainChange:
    with work(request) as s:
        out = service.set_offset_cap(s, platform_of(request), p, body.bps)
        audit.record(
            s,
            "compliance.set-offset-cap",
            principal=p,
            request=request,
            target="offset-cap",
            detail={"bps": body.bps},
        )
    return idem.finish(out)  # type: ignore[no-any-return]


@router.post(
    "/penalties",
    status_code=status.HTTP_201_CREATED,
    response_model=PenaltyOut,
    summary="Regulator: fine a deficit and deduct the shortfall from the next vintage",
)
def penalise(body: PenaltyIn, request: Request, p: RegulatorOnly, idem: Idem) -> PenaltyOut:
    with work(request) as s:
        row = service.penalise(s, platform_of(request), p, body)
        out = PenaltyOut.model_validate(row, from_attributes=True)
        audit.record(
            s,
            "compliance.penalty",
            principal=p,
            request=request,
            target=f"penalty:{row.id}",
            detail={
                "org_id": row.org_id,
                "year": row.year,
                "fine_cents": row.fine_cents,
                "deducted": row.deducted_now,
                "pending": row.pending,
            },
        )
    return idem.finish(out, status.HTTP_201_CREATED)  # type: ignore[no-any-return]


@router.get(
    "/penalties",
    response_model=Page[PenaltyOut],
    summary="Penalties (enterprises: their own)",
)
def list_penalties(
    request: Request,
    p: SignedIn,
    paging: Annotated[Paging, Depends()],
    year: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    org_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
) -> Page[PenaltyOut]:
    q = repo.penalties_query(p)
    if year is not None:
        q = q.where(Penalty.year == year)
    if org_id is not None:
        q = q.where(Penalty.org_id == org_id)
    sortable = {
        "id": Penalty.id,
        "year": Penalty.year,
        "fine_cents": Penalty.fine_cents,
        "shortfall": Penalty.shortfall,
        "org_id": Penalty.org_id,
    }
    with work(request) as s:
        rows, total = paging.apply(s, q, sortable, "-id")
        items = [PenaltyOut.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)
