"""Errors as RFC 9457 problem details (``application/problem+json``).

Services raise :class:`Problem` (or a subclass); the app turns it, request validation
errors, chain reverts and anything unexpected into a problem document that names the
field at fault where there is one.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from carbonledger.ledger import LedgerError, RevertError

log = logging.getLogger("carbonledger.platform")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://carbonledger.dev/problems/"


class Problem(Exception):  # noqa: N818 (RFC 9457 calls it a problem)
    """A failure the client can act on."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or code.replace("-", " ").capitalize()
        self.field = field
        self.errors = errors
        self.headers = headers

    def body(self, instance: str | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            doc["instance"] = instance
        if self.field is not None:
            doc["field"] = self.field
        if self.errors:
            doc["errors"] = self.errors
        return doc


def not_found(what: str, ident: object) -> Problem:
    return Problem(404, "not-found", f"{what} {ident} does not exist or is not visible to you")


def conflict(code: str, detail: str, field: str | None = None) -> Problem:
    return Problem(409, code, detail, field=field)


def invalid(detail: str, field: str | None = None, code: str = "invalid-input") -> Problem:
    return Problem(422, code, detail, field=field)


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", detail)


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where, rest = parts[0], parts[1:]
        return f"{where}:" + ".".join(rest) if rest else where
    return ".".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type")}
            for e in exc.errors()
        ]
        field = str(errors[0]["field"]) if errors else None
        message = str(errors[0]["message"]) if errors else "invalid request"
        problem = Problem(
            422,
            "invalid-input",
            f"{field}: {message}" if field else message,
            title="The request is not valid",
            field=field,
            errors=errors,
        )
        return problem_response(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed", 401: "unauthorised"}.get(
            exc.status_code, "http-error"
        )
        problem = Problem(
            exc.status_code,
            code,
            str(exc.detail),
            headers=dict(exc.headers) if exc.headers else None,
        )
        return problem_response(problem, request)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _data(request: Request, exc: Exception) -> JSONResponse:
        # the database refused a value (out of range, too long): the client's input
        log.warning("database refused a value on %s: %s", request.url.path, exc)
        problem = Problem(
            422, "value-out-of-range", "a value is out of the range this server stores"
        )
        return problem_response(problem, request)

    @app.exception_handler(RevertError)
    async def _revert(request: Request, exc: RevertError) -> JSONResponse:
        reason = exc.reason or "the transaction reverted without a reason"
        problem = Problem(409, "chain-rejected", f"the chain refused the change: {reason}")
        return problem_response(problem, request)

    @app.exception_handler(LedgerError)
    async def _ledger(request: Request, exc: LedgerError) -> JSONResponse:
        log.exception("chain unavailable", exc_info=exc)
        problem = Problem(503, "chain-unavailable", f"the chain did not answer: {exc}")
        return problem_response(problem, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        problem = Problem(500, "internal-error", "an unexpected error occurred; it was logged")
        return problem_response(problem, request)
