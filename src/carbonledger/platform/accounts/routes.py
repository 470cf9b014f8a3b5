"""HTTP of accounts: registration, login, tokens, organisations, users, approvals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy import or_

from carbonledger.platform import audit
from carbonledger.platform.accounts import repository as repo
from carbonledger.platform.accounts import service
from carbonledger.platform.accounts.models import Organisation
from carbonledger.platform.accounts.schemas import (
    Certification,
    ChangePassword,
    Decision,
    Login,
    Me,
    NewUser,
    OrganisationOut,
    Refresh,
    Registered,
    RegisterOrganisation,
    TokenPair,
    UserOut,
)
from carbonledger.platform.deps import (
    AdminOnly,
    Anyone,
    ObjectId,
    RegulatorOnly,
    SignedIn,
    Supervisor,
    platform_of,
    work,
)
from carbonledger.platform.errors import Problem, not_found
from carbonledger.platform.listing import Page, Paging
from carbonledger.platform.security import Kind

router = APIRouter(prefix="/api/v1")


@router.post(
    "/auth/register",
    status_code=status.HTTP_201_CREATED,
    response_model=Registered,
    tags=["accounts"],
    summary="Register an organisation and its first user (awaits an admin's approval)",
)
def register(body: RegisterOrganisation, request: Request, _: Anyone) -> Registered:
    with work(request) as s:
        org, user = service.register(s, platform_of(request), body)
        audit.record(
            s,
            "organisation.register",
            request=request,
            target=f"organisation:{org.id}",
            username=user.username,
            detail={"kind": org.kind, "name": org.name},
        )
        return Registered(
            organisation=OrganisationOut(**service.org_out(org)),
            user=UserOut(**service.user_out(user)),
            message="registered; an administrator will review the registration",
        )


@router.post("/auth/login", response_model=TokenPair, tags=["accounts"], summary="Log in")
def login(body: Login, request: Request, _: Anyone) -> TokenPair:
    platform = platform_of(request)
    with work(request) as s:
        try:
            user = service.login(s, body.username, body.password)
        except Problem:
            with work(request) as s2:
                audit.record(s2, "auth.login-failed", request=request, username=body.username)
            raise
        principal = service.principal_of(user)
        audit.record(s, "auth.login", principal=principal, request=request)
    return TokenPair(**platform.tokens.issue(principal))


@router.post(
    "/auth/refresh",
    response_model=TokenPair,
    tags=["accounts"],
    summary="Exchange a refresh token for a new token pair",
)
def refresh(body: Refresh, request: Request, _: Anyone) -> TokenPair:
    platform = platform_of(request)
    claimed = platform.tokens.decode(body.refresh_token, "refresh")
    with work(request) as s:
        user = service.check_active(s, claimed)
        principal = service.principal_of(user)
    return TokenPair(**platform.tokens.issue(principal))


@router.post(
    "/auth/password",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["accounts"],
    summary="Change your password (every earlier token stops working)",
)
def change_password(body: ChangePassword, request: Request, p: SignedIn) -> Response:
    with work(request) as s:
        service.change_password(s, p, body)
        audit.record(s, "auth.password-changed", principal=p, request=request)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/me", response_model=Me, tags=["accounts"], summary="Who am I")
def me(request: Request, p: SignedIn) -> Me:
    with work(request) as s:
        user = service.check_active(s, p)
        return Me(
            user=UserOut(**service.user_out(user)),
            organisation=OrganisationOut(**service.org_out(user.org)),
        )


@router.get(
    "/organisations",
    response_model=Page[OrganisationOut],
    tags=["organisations"],
    summary="Organisations you may see (regulators and admins: all)",
)
def list_organisations(
    request: Request,
    p: SignedIn,
    paging: Annotated[Paging, Depends()],
    kind: Annotated[Kind | None, Query()] = None,
    org_status: Annotated[str | None, Query(alias="status", max_length=16)] = None,
    certified: Annotated[bool | None, Query()] = None,
    industry: Annotated[str | None, Query(max_length=32)] = None,
    region: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="name or credit code contains")
    ] = None,
) -> Page[OrganisationOut]:
    query = repo.visible_organisations(p)
    if kind is not None:
        query = query.where(Organisation.kind == kind.value)
    if org_status is not None:
        query = query.where(Organisation.status == org_status)
    if certified is not None:
        query = query.where(Organisation.certified == certified)
    if industry is not None:
        query = query.where(Organisation.industry == industry)
    if region is not None:
        query = query.where(Organisation.region == region)
    if q:
        like = f"%{q}%"
        query = query.where(or_(Organisation.name.like(like), Organisation.credit_code.like(like)))
    sortable = {
        "id": Organisation.id,
        "name": Organisation.name,
        "created_at": Organisation.created_at,
        "kind": Organisation.kind,
        "status": Organisation.status,
    }
    with work(request) as s:
        rows, total = paging.apply(s, query, sortable, "id")
        items = [OrganisationOut(**service.org_out(o)) for o in rows]
    return Page(items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.get(
    "/organisations/{org_id}",
    response_model=OrganisationOut,
    tags=["organisations"],
    summary="One organisation",
)
def get_organisation(org_id: ObjectId, request: Request, p: SignedIn) -> OrganisationOut:
    with work(request) as s:
        org = s.execute(repo.visible_organisations(p).where(Organisation.id == org_id)).scalar()
        if org is None:
            raise not_found("organisation", org_id)
        return OrganisationOut(**service.org_out(org))


@router.get(
    "/organisations/{org_id}/users",
    response_model=list[UserOut],
    tags=["organisations"],
    summary="Users of an organisation (its own users, or an admin)",
)
def list_users(org_id: ObjectId, request: Request, p: SignedIn) -> list[UserOut]:
    if p.org_id != org_id and p.kind is not Kind.ADMIN:
        raise not_found("organisation", org_id)
    with work(request) as s:
        return [UserOut(**service.user_out(u)) for u in repo.users_of(s, org_id)]


@router.post(
    "/organisations/{org_id}/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    tags=["organisations"],
    summary="Add a user to your organisation (its administrator)",
)
def add_user(org_id: ObjectId, body: NewUser, request: Request, p: SignedIn) -> UserOut:
    if p.org_id != org_id:
        raise not_found("organisation", org_id)
    with work(request) as s:
        user = service.add_user(s, p, body)
        audit.record(s, "user.add", principal=p, request=request, target=f"user:{user.id}")
        return UserOut(**service.user_out(user))


@router.post(
    "/admin/organisations/{org_id}/approve",
    response_model=OrganisationOut,
    tags=["admin"],
    summary="Approve a registration: the organisation gets its keys and (except enterprises, "
    "which regulators certify) its chain registration",
)
def approve(org_id: ObjectId, body: Decision, request: Request, p: AdminOnly) -> OrganisationOut:
    platform = platform_of(request)
    with work(request) as s:
        org = service.approve(s, platform, org_id, body.note)
        audit.record(
            s,
            "organisation.approve",
            principal=p,
            request=request,
            target=f"organisation:{org.id}",
            detail={"address": org.address},
        )
        return OrganisationOut(**service.org_out(org))


@router.post(
    "/admin/organisations/{org_id}/reject",
    response_model=OrganisationOut,
    tags=["admin"],
    summary="Reject a registration",
)
def reject(org_id: ObjectId, body: Decision, request: Request, p: AdminOnly) -> OrganisationOut:
    with work(request) as s:
        org = service.reject(s, org_id, body.note)
        audit.record(
            s,
            "organisation.reject",
            principal=p,
            request=request,
            target=f"organisation:{org.id}",
            detail={"note": body.note},
        )
        return OrganisationOut(**service.org_out(org))


@router.post(
    "/organisations/{org_id}/suspend",
    response_model=OrganisationOut,
    tags=["organisations"],
    summary="Suspend an organisation (its users are signed out; on chain it can neither act "
    "nor receive)",
)
def suspend(org_id: ObjectId, body: Decision, request: Request, p: Supervisor) -> OrganisationOut:
    with work(request) as s:
        org = service.set_suspended(s, platform_of(request), p, org_id, True, body.note)
        audit.record(
            s,
            "organisation.suspend",
            principal=p,
            request=request,
            target=f"organisation:{org.id}",
            detail={"note": body.note},
        )
        return OrganisationOut(**service.org_out(org))


@router.post(
    "/organisations/{org_id}/reactivate",
    response_model=OrganisationOut,
    tags=["organisations"],
    summary="Reactivate a suspended organisation",
)
def reactivate(
    org_id: ObjectId, body: Decision, request: Request, p: Supervisor
) -> OrganisationOut:
    with work(request) as s:
        org = service.set_suspended(s, platform_of(request), p, org_id, False, body.note)
        audit.record(
            s,
            "organisation.reactivate",
            principal=p,
            request=request,
            target=f"organisation:{org.id}",
            detail={"note": body.note},
        )
        return OrganisationOut(**service.org_out(org))


@router.post(
    "/organisations/{org_id}/certify",
    response_model=OrganisationOut,
    tags=["organisations"],
    summary="Certify an enterprise (industry, region, credit code) and register it on chain",
)
def certify(
    org_id: ObjectId, body: Certification, request: Request, p: RegulatorOnly
) -> OrganisationOut:
    platform = platform_of(request)
    with work(request) as s:
        org = service.certify(s, platform, p, org_id, body)
        audit.record(
            s,
            "organisation.certify",
            principal=p,
            request=request,
            target=f"organisation:{org.id}",
            detail={"industry": body.industry, "region": body.region},
        )
        return OrganisationOut(**service.org_out(org))
