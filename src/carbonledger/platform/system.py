"""Health, readiness, the audit log and node status."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from carbonledger.platform import audit
from carbonledger.platform.deps import MAX_ID, AdminOnly, Anyone, platform_of, work
from carbonledger.platform.listing import Page, Paging

router = APIRouter()


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    chain: str
    chain_id: int | None = None
    block: int | None = None
    indexed_block: int | None = None


@router.get("/health", response_model=Health, tags=["system"], summary="The process is up")
def health(_: Anyone) -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Readiness,
    tags=["system"],
    summary="Database and chain reachable (503 otherwise)",
    responses={503: {"model": Readiness, "description": "not ready"}},
)
def ready(request: Request, _: Anyone) -> Any:
    from carbonledger.platform.app import database_ready

    platform = platform_of(request)
    out = Readiness(status="ready", database="ok", chain="not configured")
    try:
        database_ready(platform)
    except Exception as err:  # report, don't crash: this is the probe
        out.database = f"unreachable: {type(err).__name__}"
        out.status = "not ready"
    if platform.gateway is not None:
        try:
            out.chain_id = platform.gateway.chain.chain_id
            out.block = platform.gateway.chain.block_number()
            out.indexed_block = platform.gateway.indexer.checkpoint()
            out.chain = "ok"
        except Exception as err:
            out.chain = f"unreachable: {type(err).__name__}"
            out.status = "not ready"
    if out.status != "ready":
        return JSONResponse(out.model_dump(), status_code=503)
    return out


class AuditOut(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    org_id: int | None
    username: str
    action: str
    target: str
    ip: str
    user_agent: str
    detail: dict[str, Any]
    hash: str


class AuditIntegrity(BaseModel):
    intact: bool
    first_broken_id: int | None


@router.get(
    "/api/v1/admin/audit",
    response_model=Page[AuditOut],
    tags=["admin"],
    summary="The audit log (append-only, hash-chained)",
)
def audit_log(
    request: Request,
    _: AdminOnly,
    paging: Annotated[Paging, Depends()],
    action: Annotated[str | None, Query(max_length=64)] = None,
    org_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    username: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[AuditOut]:
    entry = audit.AuditEntry
    query = select(entry)
    if action:
        query = query.where(entry.action == action)
    if org_id is not None:
        query = query.where(entry.org_id == org_id)
    if username:
        query = query.where(entry.username == username)
    sortable = {"id": entry.id, "at": entry.at, "action": entry.action}
    with work(request) as s:
        rows, total = paging.apply(s, query, sortable, "-id")
        items = [
            AuditOut(
                id=e.id,
                at=e.at,
                user_id=e.user_id,
                org_id=e.org_id,
                username=e.username,
                action=e.action,
                target=e.target,
                ip=e.ip,
                user_agent=e.user_agent,
                detail=json.loads(e.detail),
                hash=e.hash,
            )
            for e in rows
        ]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.get(
    "/api/v1/admin/audit/verify",
    response_model=AuditIntegrity,
    tags=["admin"],
    summary="Check the audit log's hash chain",
)
def audit_verify(request: Request, _: AdminOnly) -> AuditIntegrity:
    with work(request) as s:
        broken = audit.verify(s)
    return AuditIntegrity(intact=broken is None, first_broken_id=broken)
