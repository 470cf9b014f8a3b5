"""Idempotency keys for writes that touch the chain.

A client sends ``Idempotency-Key: <unique string>`` with a write. The first request with
that key (per user) runs and its response is stored; a retry with the same key and the
same body gets the stored response instead of a second chain transaction; the same key
with a different body is refused. The key is claimed in its own committed transaction
before the work starts, so two concurrent requests with one key cannot both run.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from carbonledger.platform.db import Base, UtcDateTime, utcnow
from carbonledger.platform.errors import Problem
from carbonledger.platform.security import Principal

HEADER = "Idempotency-Key"
MAX_KEY = 128
#: a claimed key whose request never finished (a crash) may be retried after this
STALE_AFTER = timedelta(minutes=10)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(256))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Replay(Exception):  # noqa: N818 (not an error: a stored answer)
    """Raised to answer with a stored response."""

    def __init__(self, response: JSONResponse) -> None:
        self.response = response


class Idempotency:
    """One request's claim on a key (or nothing when the client sent no key)."""

    def __init__(self, factory: sessionmaker[Session], record_id: int | None) -> None:
        self.factory = factory
        self.record_id = record_id

    def finish(self, result: Any, status_code: int = 200) -> Any:
        if self.record_id is not None:
            body = json.dumps(jsonable_encoder(result), ensure_ascii=False)
            with self.factory.begin() as s:
                rec = s.get(IdempotencyRecord, self.record_id)
                if rec is not None:
                    rec.status_code = status_code
                    rec.response = body
        return result

    def abandon(self) -> None:
        """The request failed: free the key so the client may retry it."""
        if self.record_id is not None:
            with self.factory.begin() as s:
                s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == self.record_id))


def _request_hash(request: Request, body: bytes) -> str:
    h = hashlib.sha256()
    h.update(request.method.encode())
    h.update(b"\0" + request.url.path.encode() + b"\0")
    h.update(request.url.query.encode() + b"\0")
    h.update(body)
    return h.hexdigest()


def claim(
    factory: sessionmaker[Session], request: Request, principal: Principal, body: bytes
) -> Idempotency:
    key = request.headers.get(HEADER)
    if key is None:
        return Idempotency(factory, None)
    if not key or len(key) > MAX_KEY:
        raise Problem(
            422,
            "invalid-idempotency-key",
            f"{HEADER} must be 1 to {MAX_KEY} characters",
            field=f"header:{HEADER}",
            params={"max": MAX_KEY},
        )
    digest = _request_hash(request, body)
    with factory() as s:
        existing = s.execute(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == principal.user_id, IdempotencyRecord.key == key
            )
        ).scalar_one_or_none()
        if existing is not None:
            if existing.request_hash != digest:
                raise Problem(
                    422,
                    "idempotency-key-reused",
                    f"{HEADER} {key!r} was used for a different request; use a new key",
                    field=f"header:{HEADER}",
                )
            if existing.response is not None:
                raise Replay(
                    JSONResponse(
                        json.loads(existing.response),
                        status_code=existing.status_code or 200,
                        headers={"Idempotent-Replayed": "true"},
                    )
                )
            if utcnow() - existing.created_at < STALE_AFTER:
                raise Problem(
                    409,
                    "request-in-progress",
                    f"a request with {HEADER} {key!r} is still being processed; retry later",
                    headers={"Retry-After": "1"},
                )
            s.delete(existing)
            s.commit()
        rec = IdempotencyRecord(
            user_id=principal.user_id,
            key=key,
            method=request.method,
            path=request.url.path[:256],
            request_hash=digest,
        )
        s.add(rec)
        try:
            s.commit()
        except IntegrityError:
            raise Problem(
                409,
                "request-in-progress",
                f"a request with {HEADER} {key!r} is being processed; retry later",
                headers={"Retry-After": "1"},
            ) from None
        return Idempotency(factory, rec.id)


async def idempotent(request: Request) -> Any:
    """Route dependency (declare it after the route's access rule): claims the key."""
    from starlette.concurrency import run_in_threadpool

    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise RuntimeError("idempotent() must come after the route's access dependency")
    body = await request.body()
    factory = request.app.state.platform.sessions
    idem = await run_in_threadpool(claim, factory, request, principal, body)
    try:
        yield idem
    except BaseException:
        await run_in_threadpool(idem.abandon)
        raise
