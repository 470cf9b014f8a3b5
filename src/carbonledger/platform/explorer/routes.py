"""HTTP of the explorer: histories with chain verification, public figures, ledger admin."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from carbonledger.platform.deps import AdminOnly, Anyone, SignedIn, platform_of, work
from carbonledger.platform.errors import Problem
from carbonledger.platform.explorer import service
from carbonledger.platform.explorer.schemas import (
    Blocks,
    ChinaMapOut,
    History,
    LedgerStatus,
    PublicFigures,
    Reconciliation,
)
from carbonledger.platform.registry.schemas import MAX_ID

IdPath = Annotated[int, Path(gt=0, le=MAX_ID)]

router = APIRouter(prefix="/api/v1")

Verify = Annotated[
    bool,
    Query(description="check every listed transaction against the chain (receipt, status, log)"),
]


def window(
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> service.Window:
    return service.Window(offset, limit)


Win = Annotated[service.Window, Depends(window)]


@router.get(
    "/explorer/allowances/history",
    response_model=History,
    tags=["explorer"],
    summary="History of a holder's allowances of one vintage (yours; regulators: any)",
)
def allowance_history(
    request: Request,
    p: SignedIn,
    w: Win,
    vintage: Annotated[int, Query(ge=2000, le=2100)],
    org_id: Annotated[
        int | None, Query(gt=0, le=MAX_ID, description="the holder; default: you")
    ] = None,
    verify: Verify = False,
) -> History:
    with work(request) as s:
        return service.allowance_history(
            s, platform_of(request), p, vintage, org_id or p.org_id, verify, w
        )


@router.get(
    "/explorer/transactions",
    response_model=History,
    tags=["explorer"],
    summary="Every on-chain event naming an organisation (yours; regulators and admins: any)",
)
def transactions(
    request: Request,
    p: SignedIn,
    w: Win,
    org_id: Annotated[
        int | None, Query(gt=0, le=MAX_ID, description="default: your organisation")
    ] = None,
    contract: Annotated[
        Literal["registry", "coin", "allowances", "offsets", "reports", "compliance", "settlement"]
        | None,
        Query(),
    ] = None,
    event: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z]+$")] = None,
) -> History:
    with work(request) as s:
        return service.transactions(
            s, platform_of(request), p, org_id or p.org_id, contract, event, w
        )


@router.get(
    "/explorer/offsets/history",
    response_model=History,
    tags=["explorer"],
    summary="History of an offset serial range or of a block's serials, through every split",
)
def offset_history(
    request: Request,
    p: SignedIn,
    w: Win,
    block_id: Annotated[int | None, Query(gt=0, le=MAX_ID)] = None,
    first: Annotated[int | None, Query(gt=0, le=MAX_ID)] = None,
    last: Annotated[int | None, Query(gt=0, le=MAX_ID)] = None,
    verify: Verify = False,
) -> History:
    with work(request) as s:
        return service.offset_history(s, platform_of(request), p, block_id, first, last, verify, w)


@router.get(
    "/explorer/reports/{report_id}/history",
    response_model=History,
    tags=["explorer"],
    summary="History of an emission report and the surrenders against its year",
)
def report_history(
    report_id: IdPath, request: Request, p: SignedIn, w: Win, verify: Verify = False
) -> History:
    with work(request) as s:
        return service.report_history(s, platform_of(request), p, report_id, verify, w)


@router.get(
    "/explorer/blocks",
    response_model=Blocks,
    tags=["explorer"],
    summary="The newest blocks with platform events: transactions and event names only",
)
def recent_blocks(
    request: Request,
    _: Anyone,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    before: Annotated[
        int | None, Query(ge=0, le=MAX_ID, description="only blocks below this number")
    ] = None,
) -> Blocks:
    with work(request) as s:
        return service.blocks(s, platform_of(request), limit, before, None)


@router.get(
    "/explorer/blocks/{number}",
    response_model=Blocks,
    tags=["explorer"],
    summary="One block's transactions and the names of their events",
)
def block(number: Annotated[int, Path(ge=0, le=MAX_ID)], request: Request, _: Anyone) -> Blocks:
    with work(request) as s:
        return service.blocks(s, platform_of(request), 1, None, number)


@router.get(
    "/explorer/transactions/{tx_hash}",
    response_model=History,
    tags=["explorer"],
    summary="A transaction's decoded events (naming your organisation; regulators: any)",
)
def transaction(
    tx_hash: Annotated[str, Path(pattern=r"^0x[0-9a-fA-F]{64}$")], request: Request, p: SignedIn
) -> History:
    with work(request) as s:
        return service.transaction(s, platform_of(request), p, tx_hash)


@router.get(
    "/public/figures",
    response_model=PublicFigures,
    tags=["public"],
    summary="Aggregate figures for the public (no single enterprise's data)",
)
def public_figures(
    request: Request, _: Anyone, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> PublicFigures:
    with work(request) as s:
        return service.public_figures(s, platform_of(request), year)


#: browsers keep the map an hour, then ask again with If-None-Match (a 304 is a few bytes)
MAP_CACHE_CONTROL = "public, max-age=3600"


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match against one ETag (weak comparison, RFC 9110 § 13.1.2)."""
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


@router.get(
    "/public/map/china",
    response_model=ChinaMapOut,
    tags=["public"],
    summary="The operator's reviewed map of China by province (GeoJSON), with its 审图号",
    responses={
        304: {"description": "the copy named by If-None-Match is current"},
        404: {"description": "no map is configured (problem code china-map-not-configured)"},
    },
)
def china_map(request: Request, _: Anyone) -> Response:
    found = platform_of(request).china_map
    if found is None:
        raise Problem(
            404,
            "china-map-not-configured",
            "this platform has no map of China: its operator can set CARBONLEDGER_CHINA_MAP "
            "to a reviewed standard map (GeoJSON by province) and "
            "CARBONLEDGER_CHINA_MAP_ATTRIBUTION to its review number (审图号)",
        )
    gzipped = "gzip" in request.headers.get("accept-encoding", "").lower()
    etag = found.etag_gzip if gzipped else found.etag
    headers = {"ETag": etag, "Cache-Control": MAP_CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if _etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(
        found.gzipped if gzipped else found.body, media_type="application/json", headers=headers
    )


@router.get(
    "/admin/ledger/status",
    response_model=LedgerStatus,
    tags=["admin"],
    summary="The indexer's position against the chain",
)
def ledger_status(request: Request, _: AdminOnly) -> LedgerStatus:
    with work(request) as s:
        return service.ledger_status(s, platform_of(request))


@router.get(
    "/admin/ledger/reconcile",
    response_model=Reconciliation,
    tags=["admin"],
    summary="Compare every balance of the SQL projection with the chain",
)
def reconcile(request: Request, _: AdminOnly) -> Reconciliation:
    return service.reconcile(platform_of(request))
