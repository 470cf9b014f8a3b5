"""Passwords (argon2), tokens (JWT access + refresh) and declared access rules.

Every route declares who may call it with exactly one :class:`Access` dependency
(``Depends(allow(Kind.REGULATOR))``, ``Depends(AUTHENTICATED)``, ``Depends(PUBLIC)``);
a test walks the app's routes and fails when one has none. Handlers never check roles
by hand; what an organisation may *see* is decided in the repositories, which start every
query from the caller's visibility.
"""

from __future__ import annotations

import enum
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from carbonledger.platform.errors import Problem


class Kind(enum.StrEnum):
    """The kind of an organisation, which is the role of all its users."""

    ADMIN = "admin"
    REGULATOR = "regulator"
    VERIFIER = "verifier"
    ENTERPRISE = "enterprise"
    FINANCE = "finance"


_hasher = PasswordHasher()

MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise Problem(
            422,
            "weak-password",
            f"a password needs at least {MIN_PASSWORD} characters",
            field=f"body:{field}",
            params={"min_length": MIN_PASSWORD},
        )
    if password.isdigit() or password.isalpha():
        raise Problem(
            422,
            "weak-password",
            "a password must mix letters with digits or symbols",
            field=f"body:{field}",
            params={"min_length": MIN_PASSWORD},
        )


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user_id: int
    username: str
    org_id: int
    kind: Kind
    token_version: int


ALGORITHM = "HS256"


class Tokens:
    def __init__(self, secret: bytes, access_seconds: int, refresh_seconds: int) -> None:
        self.secret = secret
        self.access_seconds = access_seconds
        self.refresh_seconds = refresh_seconds

    def issue(self, p: Principal) -> dict[str, Any]:
        now = int(time.time())
        base = {
            "sub": str(p.user_id),
            "usr": p.username,
            "org": p.org_id,
            "kind": p.kind.value,
            "ver": p.token_version,
            "iat": now,
        }
        access = jwt.encode(
            {**base, "typ": "access", "exp": now + self.access_seconds, "jti": uuid.uuid4().hex},
            self.secret,
            ALGORITHM,
        )
        refresh = jwt.encode(
            {**base, "typ": "refresh", "exp": now + self.refresh_seconds, "jti": uuid.uuid4().hex},
            self.secret,
            ALGORITHM,
        )
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": self.access_seconds,
        }

    def decode(self, token: str, expected: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "sub", "typ"]},
            )
        except jwt.ExpiredSignatureError:
            raise Problem(
                401, "token-expired", "the token has expired; log in again or refresh"
            ) from None
        except jwt.PyJWTError:
            raise Problem(401, "token-invalid", "the token is not valid") from None
        if claims.get("typ") != expected:
            raise Problem(401, "token-invalid", f"a {expected} token is needed here")
        try:
            return Principal(
                user_id=int(claims["sub"]),
                username=str(claims["usr"]),
                org_id=int(claims["org"]),
                kind=Kind(claims["kind"]),
                token_version=int(claims["ver"]),
            )
        except (KeyError, ValueError):
            raise Problem(401, "token-invalid", "the token is not valid") from None


_bearer = HTTPBearer(auto_error=False)

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class Access:
    """A declared access rule: who may call a route. Used as a FastAPI dependency."""

    def __init__(self, *kinds: Kind, public: bool = False) -> None:
        self.kinds = frozenset(kinds)
        self.public = public

    def describe(self) -> str:
        if self.public:
            return "public"
        return "any signed-in user" if not self.kinds else ", ".join(sorted(self.kinds))

    def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal | None:
        if credentials is None:
            if self.public:
                return None
            raise Problem(
                401,
                "unauthorised",
                "sign in first: send 'Authorization: Bearer <token>'",
                headers=BEARER_CHALLENGE,
            )
        platform = request.app.state.platform
        principal: Principal = platform.tokens.decode(credentials.credentials, "access")
        platform.accounts_check(principal)  # still active, password not changed since
        if not self.public and self.kinds and principal.kind not in self.kinds:
            raise Problem(
                403,
                "forbidden",
                f"this needs one of these roles: {self.describe()}; you are {principal.kind}",
            )
        request.state.principal = principal
        return principal


def allow(*kinds: Kind) -> Access:
    if not kinds:
        raise ValueError("allow() needs at least one kind; use AUTHENTICATED for anyone")
    return Access(*kinds)


AUTHENTICATED = Access()
PUBLIC = Access(public=True)


def random_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)
