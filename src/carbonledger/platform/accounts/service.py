"""Rules of accounts: registration, approval, certification, login, passwords.

Services never commit; the route's unit of work does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carbonledger.ledger import Role, Signer
from carbonledger.platform.accounts import repository as repo
from carbonledger.platform.accounts.models import Custody, Organisation, OrgStatus, User
from carbonledger.platform.accounts.schemas import (
    Certification,
    ChangePassword,
    NewUser,
    RegisterOrganisation,
)
from carbonledger.platform.crypto import generate_keypair
from carbonledger.platform.db import utcnow
from carbonledger.platform.errors import Problem, conflict, not_found
from carbonledger.platform.gateway import new_private_key, run_as
from carbonledger.platform.security import (
    Kind,
    Principal,
    check_password_strength,
    hash_password,
    verify_password,
)

if TYPE_CHECKING:
    from carbonledger.platform.app import Platform

CHAIN_ROLE = {
    Kind.ADMIN: Role.ADMIN,
    Kind.REGULATOR: Role.REGULATOR,
    Kind.VERIFIER: Role.VERIFIER,
    Kind.ENTERPRISE: Role.ENTERPRISE,
    Kind.FINANCE: Role.FINANCE,
}

# a dummy hash so that an unknown user costs the same time as a wrong password
_DUMMY_HASH = hash_password("timing-equaliser-0")


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        org_id=user.org_id,
        kind=Kind(user.org.kind),
        token_version=user.token_version,
    )


def _key_aad(org_id: int, what: str) -> bytes:
    return f"carbonledger/org/{org_id}/{what}".encode()


def register(
    session: Session, platform: Platform, body: RegisterOrganisation
) -> tuple[Organisation, User]:
    check_password_strength(body.password)
    if repo.user_by_name(session, body.username) is not None:
        raise conflict(
            "username-taken",
            f"the username {body.username!r} is taken",
            "body:username",
            username=body.username,
        )
    if body.custody == Custody.CLIENT and body.address is None:
        raise Problem(
            422,
            "address-required",
            "with custody 'client' give the chain address your organisation signs with",
            field="body:address",
        )
    if body.custody == Custody.PLATFORM and body.address is not None:
        raise Problem(
            422,
            "address-not-allowed",
            "with custody 'platform' the platform creates the chain account; omit address",
            field="body:address",
        )
    org = Organisation(
        name=body.organisation.strip(),
        kind=body.kind.value,
        status=OrgStatus.PENDING,
        credit_code=body.credit_code,
        custody=body.custody,
        address=body.address.lower() if body.address else None,
        contact_email=body.email,
    )
    user = User(
        org=org,
        username=body.username,
        display_name=body.display_name,
        email=body.email,
        password_hash=hash_password(body.password),
        org_admin=True,
    )
    session.add_all([org, user])
    try:
        session.flush()
    except IntegrityError:
        raise conflict(
            "already-registered",
            "an organisation with this unified social credit code or address is registered",
            "body:credit_code",
        ) from None
    # keys now, so the account is fixed before anything reaches the chain: a retried
    # approval finds the same address
    _give_keys(platform, org)
    return org, user


def create_admin(session: Session, platform: Platform, username: str, password: str) -> User:
    """The first admin organisation; its chain account is the platform operator's."""
    org = Organisation(name="Platform administration", kind=Kind.ADMIN, status=OrgStatus.ACTIVE)
    if platform.gateway is not None:
        org.address = platform.gateway.operator.address.lower()
        org.on_chain = True
    user = User(org=org, username=username, password_hash=hash_password(password), org_admin=True)
    session.add_all([org, user])
    session.flush()
    return user


def _pending(session: Session, org_id: int) -> Organisation:
    org = repo.organisation(session, org_id)
    if org is None:
        raise not_found("organisation", org_id)
    if org.status != OrgStatus.PENDING:
        raise conflict("not-pending", f"organisation {org_id} is {org.status}, not pending")
    return org


def _give_keys(platform: Platform, org: Organisation) -> None:
    private, public = generate_keypair()
    org.enc_public = public
    org.enc_private_sealed = platform.master.seal(private, _key_aad(org.id, "encryption"))
    if org.custody == Custody.PLATFORM:
        chain_key = new_private_key()
        org.address = Signer(chain_key).address.lower()
        org.key_sealed = platform.master.seal(chain_key, _key_aad(org.id, "chain"))


def approve(session: Session, platform: Platform, org_id: int, note: str) -> Organisation:
    """Admin approves a registration: keys are made; regulators, verifiers and finance
    institutions go on chain now, enterprises when a regulator certifies them."""
    org = _pending(session, org_id)
    org.status = OrgStatus.ACTIVE
    org.decided_at = utcnow()
    org.decision_note = note
    if org.kind != Kind.ENTERPRISE:
        gateway = platform.require_gateway()
        _onboard(platform, org, gateway.operator)
    return org


def _onboard(platform: Platform, org: Organisation, registrar: Signer) -> None:
    gateway = platform.require_gateway()
    assert org.address is not None
    gateway.open_account(org.address)  # allowlist and gas money, whoever holds the key
    registry = gateway.suite.registry
    if registry.role_of(org.address) == 0:
        with gateway.acting(registrar):
            receipt = (
                registry.by(registrar)
                .register(org.address, CHAIN_ROLE[Kind(org.kind)], org.industry, org.region)
                .receipt
            )
        gateway.settle(receipt)
    org.on_chain = True


def reject(session: Session, org_id: int, note: str) -> Organisation:
    org = _pending(session, org_id)
    org.status = OrgStatus.REJECTED
    org.decided_at = utcnow()
    org.decision_note = note
    return org


def certify(
    session: Session, platform: Platform, p: Principal, org_id: int, body: Certification
) -> Organisation:
    """A regulator certifies an approved enterprise (industry, region, credit code) and
    registers it on chain with its own key."""
    org = repo.organisation(session, org_id)
    if org is None or org.kind != Kind.ENTERPRISE:
        raise not_found("enterprise", org_id)
    if org.status != OrgStatus.ACTIVE:
        raise conflict(
            "not-active", f"enterprise {org_id} is {org.status}; an admin approves it first"
        )
    if org.certified:
        raise conflict("already-certified", f"enterprise {org_id} is already certified")
    if org.credit_code is not None and org.credit_code != body.credit_code:
        raise Problem(
            422,
            "credit-code-mismatch",
            f"the enterprise registered with credit code {org.credit_code}",
            field="body:credit_code",
        )
    org.credit_code = body.credit_code
    org.industry = body.industry
    org.region = body.region
    try:
        session.flush()
    except IntegrityError:
        raise conflict(
            "credit-code-taken", "another organisation has this credit code", "body:credit_code"
        ) from None
    _onboard(platform, org, platform.signer_for(session, p.org_id))
    org.certified = True
    org.certified_at = utcnow()
    return org


def login(session: Session, username: str, password: str) -> User:
    user = repo.user_by_name(session, username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise Problem(401, "bad-credentials", "wrong username or password")
    if not verify_password(user.password_hash, password):
        raise Problem(401, "bad-credentials", "wrong username or password")
    status = user.org.status
    if status == OrgStatus.PENDING:
        raise Problem(
            403, "awaiting-approval", "your registration is waiting for an admin's approval"
        )
    if status != OrgStatus.ACTIVE or not user.active:
        raise Problem(
            403,
            "account-disabled",
            f"this account is {status if status != OrgStatus.ACTIVE else 'disabled'}",
        )
    user.last_login_at = utcnow()
    return user


def check_active(session: Session, p: Principal) -> User:
    user = repo.user(session, p.user_id)
    if (
        user is None
        or not user.active
        or user.org.status != OrgStatus.ACTIVE
        or user.token_version != p.token_version
    ):
        raise Problem(401, "token-revoked", "this sign-in is no longer valid; log in again")
    return user


def change_password(session: Session, p: Principal, body: ChangePassword) -> User:
    user = check_active(session, p)
    if not verify_password(user.password_hash, body.current_password):
        raise Problem(
            422, "bad-credentials", "the current password is wrong", field="body:current_password"
        )
    check_password_strength(body.new_password, "new_password")
    user.password_hash = hash_password(body.new_password)
    user.token_version += 1  # every earlier token stops working
    return user


def add_user(session: Session, p: Principal, body: NewUser) -> User:
    me = check_active(session, p)
    if not me.org_admin:
        raise Problem(403, "forbidden", "only your organisation's administrator adds users")
    check_password_strength(body.password)
    if repo.user_by_name(session, body.username) is not None:
        raise conflict(
            "username-taken",
            f"the username {body.username!r} is taken",
            "body:username",
            username=body.username,
        )
    user = User(
        org_id=p.org_id,
        username=body.username,
        display_name=body.display_name,
        email=body.email,
        password_hash=hash_password(body.password),
    )
    session.add(user)
    session.flush()
    session.refresh(user)
    return user


def org_out(org: Organisation) -> dict[str, Any]:
    return {
        c: getattr(org, c)
        for c in (
            "id",
            "name",
            "kind",
            "status",
            "credit_code",
            "industry",
            "region",
            "certified",
            "certified_at",
            "custody",
            "address",
            "on_chain",
            "created_at",
            "decided_at",
            "decision_note",
        )
    }


def user_out(user: User) -> dict[str, Any]:
    return {
        c: getattr(user, c)
        for c in (
            "id",
            "username",
            "display_name",
            "email",
            "active",
            "org_admin",
            "created_at",
            "last_login_at",
        )
    }


def set_suspended(
    session: Session, platform: Platform, p: Principal, org_id: int, suspend: bool, note: str
) -> Organisation:
    """Suspend or reactivate an organisation, here and on chain (where a suspended
    account can neither act nor receive). Admins may do it to anyone but admins;
    regulators to enterprises, verifiers and finance institutions."""
    org = repo.organisation(session, org_id)
    if org is None:
        raise not_found("organisation", org_id)
    untouchable = {Kind.ADMIN} if p.kind is Kind.ADMIN else {Kind.ADMIN, Kind.REGULATOR}
    if Kind(org.kind) in untouchable:
        raise Problem(403, "forbidden", f"a {p.kind} cannot suspend a {org.kind}")
    wanted, current = (
        (OrgStatus.SUSPENDED, OrgStatus.ACTIVE)
        if suspend
        else (OrgStatus.ACTIVE, OrgStatus.SUSPENDED)
    )
    if org.status != current:
        raise conflict("wrong-status", f"organisation {org_id} is {org.status}, not {current}")
    address = org.address
    if org.on_chain and address is not None:
        gateway = platform.require_gateway()
        registry = gateway.suite.registry
        if registry.is_active(address) == suspend:
            signer = platform.signer_for(session, p.org_id)
            run_as(gateway, signer, lambda sg: registry.by(sg).set_status(address, not suspend))
    org.status = wanted
    org.decision_note = note
    return org
