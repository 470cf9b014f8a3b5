"""Route-level helpers: the platform object, units of work, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from carbonledger.platform.db import unit_of_work
from carbonledger.platform.security import AUTHENTICATED, PUBLIC, Access, Kind, Principal, allow

if TYPE_CHECKING:
    from carbonledger.platform.app import Platform


def platform_of(request: Request) -> Platform:
    return request.app.state.platform  # type: ignore[no-any-return]


@contextmanager
def work(request: Request) -> Iterator[Session]:
    """One unit of work: commits when the block succeeds, rolls back otherwise."""
    platform = platform_of(request)
    if platform.gateway is None:
        with unit_of_work(platform.sessions) as session:
            yield session
        return
    with platform.gateway.deferring_index(), unit_of_work(platform.sessions) as session:
        yield session


def caller(access: Access) -> object:
    """`Annotated[Principal, caller(allow(...))]` — the declared access rule of a route."""
    return Depends(access)


#: the largest id any supported database stores in an INTEGER column
MAX_ID = 2**31 - 1
#: a path parameter naming a stored object: bounded, so no database sees an overflow
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="the object's id")]

Anyone = Annotated[Principal | None, Depends(PUBLIC)]
SignedIn = Annotated[Principal, Depends(AUTHENTICATED)]
AdminOnly = Annotated[Principal, Depends(allow(Kind.ADMIN))]
RegulatorOnly = Annotated[Principal, Depends(allow(Kind.REGULATOR))]
Supervisor = Annotated[Principal, Depends(allow(Kind.REGULATOR, Kind.ADMIN))]
EnterpriseOnly = Annotated[Principal, Depends(allow(Kind.ENTERPRISE))]
VerifierOnly = Annotated[Principal, Depends(allow(Kind.VERIFIER))]
FinanceOnly = Annotated[Principal, Depends(allow(Kind.FINANCE))]
