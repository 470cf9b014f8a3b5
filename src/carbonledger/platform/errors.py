"""Errors as RFC 9457 problem details (``application/problem+json``).

Services raise :class:`Problem` (or a subclass); the app turns it, request validation
errors, chain reverts and anything unexpected into a problem document that names the
field at fault where there is one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from carbonledger.accounting.errors import Problem as EngineProblem
from carbonledger.ledger import LedgerError, RevertError
from carbonledger.platform import problem_codes

log = logging.getLogger("carbonledger.platform")

#: Raise when a problem's code or params are not registered in
#: :data:`carbonledger.platform.problem_codes.CODES` (the test suite sets it); otherwise
#: the mismatch is logged and the problem answers all the same.
STRICT_CODES = False

#: the codes of HTTP errors raised by the framework (routing, methods)
HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 401: "unauthorised"}

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
        params: dict[str, str | int] | None = None,
    ) -> None:
        super().__init__(detail)
        wrong = problem_codes.problems_with(code, params)
        if wrong:
            if STRICT_CODES:
                raise ValueError("; ".join(wrong))
            log.error("unregistered problem: %s", "; ".join(wrong))
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or code.replace("-", " ").capitalize()
        self.field = field
        self.errors = errors
        self.headers = headers
        #: the values ``detail`` states, for the UI's own sentence (see problem_codes)
        self.params = params

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
        if self.params:
            doc["params"] = self.params
        if self.errors:
            doc["errors"] = self.errors
        return doc


def not_found(what: str, ident: object) -> Problem:
    return Problem(404, "not-found", f"{what} {ident} does not exist or is not visible to you")


def conflict(code: str, detail: str, field: str | None = None, **params: str | int) -> Problem:
    return Problem(409, code, detail, field=field, params=params or None)


def invalid(
    detail: str,
    field: str | None = None,
    code: str = "invalid-input",
    *,
    type: str | None = None,  # the `type` of the errors[] entry
    **params: str | int,
) -> Problem:
    """A 422. An ``invalid-input`` problem names the rule the field breaks: its ``type`` (a
    :data:`~carbonledger.platform.problem_codes.VALIDATION_TYPES` entry, as a validation
    error of the request models would) and the values the rule states, as the one entry of
    ``errors`` — the UI shows its own text for the type (``validation.<type>``). A problem
    with a code of its own carries its params itself."""
    if code != "invalid-input":
        return Problem(422, code, detail, field=field, params=params or None)
    wrong = problem_codes.validation_problems_with(type, params)
    if wrong:
        if STRICT_CODES:
            raise ValueError("; ".join(wrong))
        log.error("unregistered validation type: %s", "; ".join(wrong))
    entry: dict[str, Any] = {"field": field or "body", "message": detail, "type": type}
    if params:
        entry["params"] = dict(params)
    return Problem(422, code, detail, field=field, errors=[entry])


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", detail)


def engine_entry(problem: EngineProblem, field: str) -> dict[str, Any]:
    """An accounting-engine problem as an ``errors[]`` entry: its code as ``type``, the
    values its sentence states as ``params``, and the sentence (and hint) in English
    (``message``) and in Chinese (``message_zh``), so the UI shows the user's language."""
    described = problem.as_dict()
    del described["location"]  # the entry names the request's field instead
    return {"field": field, "type": described.pop("code"), **described}


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


def _validation_entry(e: Mapping[str, Any]) -> dict[str, Any]:
    """A pydantic error as an ``errors[]`` entry; the values of its context the UI puts in
    its own message (``validation.greater_than``: "must be more than {gt}") as params."""
    entry: dict[str, Any] = {
        "field": _field(e.get("loc", ())),
        "message": e.get("msg", ""),
        "type": e.get("type"),
    }
    wanted = problem_codes.VALIDATION_TYPES.get(str(e.get("type")), ())
    ctx = e.get("ctx") or {}
    params = {
        k: v if isinstance(v, str | int | float) and not isinstance(v, bool) else str(v)
        for k, v in ctx.items()
        if k in wanted
    }
    if params:
        entry["params"] = params
    return entry


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_validation_entry(e) for e in exc.errors()]
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
        code = HTTP_CODES.get(exc.status_code, "http-error")
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
        problem = Problem(
            409,
            "chain-rejected",
            f"the chain refused the change: {reason}",
            params={"reason": exc.reason} if exc.reason else None,
        )
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
