"""The FastAPI application and the platform object every route reaches through
``request.app.state.platform``."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from carbonledger.ledger import Signer
from carbonledger.ledger.deploy import AddressBook
from carbonledger.platform import errors, geo, problem_codes
from carbonledger.platform.config import ConfigError, Settings
from carbonledger.platform.crypto import MasterKey
from carbonledger.platform.db import make_engine, session_factory, unit_of_work
from carbonledger.platform.errors import Problem
from carbonledger.platform.gateway import IndexFollower, LedgerGateway
from carbonledger.platform.idempotency import Replay
from carbonledger.platform.market.service import Market
from carbonledger.platform.security import Principal, Tokens

log = logging.getLogger("carbonledger.platform")

API_VERSION = "1.0.0"

DESCRIPTION = """\
carbonledger's REST API: accounts and roles, the MRV workflow (activity data → calculation
→ evidence → verification → confirmation), the registry (allocations, balances, transfers,
carbon coin, offsets) and compliance — with every chain-backed change traceable to its
block and transaction.

Errors are RFC 9457 problem documents (`application/problem+json`) naming the field at
fault. Writes that touch the chain accept an `Idempotency-Key` header. Sign in with
`POST /api/v1/auth/login` and send `Authorization: Bearer <access_token>`.
"""


#: room for a multipart envelope around the largest accepted file
ENVELOPE_BYTES = 64 * 1024


class BodyLimit:
    """Refuses a request whose declared Content-Length exceeds the upload limit before its
    body is read (FastAPI parses a multipart body before any dependency runs). A body sent
    without a length is counted where it is consumed (evidence uploads, workbooks)."""

    def __init__(self, app: ASGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            limit = self.platform.settings.max_upload_bytes
            for name, value in scope["headers"]:
                if name == b"content-length" and value.isdigit():
                    if int(value) > limit + ENVELOPE_BYTES:
                        problem = Problem(
                            413,
                            "file-too-large",
                            f"the request body has {int(value)} bytes; an upload may have at "
                            f"most {limit}",
                            field="body:file",
                            params={"limit_bytes": limit},
                        )
                        response = JSONResponse(
                            problem.body(scope.get("path")),
                            status_code=413,
                            media_type=errors.PROBLEM_JSON,
                        )
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)


class Platform:
    """Everything a request needs: settings, database, tokens, keys and the chain."""

    def __init__(self, settings: Settings, gateway: LedgerGateway | None = None) -> None:
        settings.require_secrets()
        self.settings = settings
        #: the operator's map of China, checked first: a bad file stops the start
        self.china_map: geo.ChinaMap | None = (
            geo.load(settings.china_map, settings.china_map_attribution)
            if settings.china_map is not None
            else None
        )
        self.engine = make_engine(settings.database_url)
        self.sessions = session_factory(self.engine)
        self.tokens = Tokens(
            settings.jwt_secret, settings.access_token_seconds, settings.refresh_token_seconds
        )
        self.master = MasterKey(settings.master_key)
        self.gateway = gateway
        self.follower: IndexFollower | None = None
        self.market: Market | None = None
        #: open lifespans of apps serving this platform (a test client per request, as
        #: schemathesis makes, opens one inside another): started by the first, stopped
        #: by the last
        self.serving = 0
        self.serving_lock = threading.Lock()

    # -- chain ---------------------------------------------------------------------------
    def require_gateway(self) -> LedgerGateway:
        if self.gateway is None:
            raise Problem(
                503,
                "chain-not-configured",
                "this server runs without a chain; set CARBONLEDGER_RPC_URL, "
                "CARBONLEDGER_ADDRESSES and CARBONLEDGER_OPERATOR_KEY",
            )
        return self.gateway

    def signer_for(self, session: Session, org_id: int) -> Signer:
        """The custodial signer of an organisation (opened for this request only)."""
        from carbonledger.platform.accounts.models import Custody, Organisation
        from carbonledger.platform.accounts.service import _key_aad

        org = session.get(Organisation, org_id)
        if org is None:
            raise Problem(404, "not-found", f"organisation {org_id} does not exist")
        if org.kind == "admin" and self.gateway is not None:
            return self.gateway.operator
        if org.custody == Custody.CLIENT:
            raise Problem(
                409,
                "client-custody",
                "your organisation signs its own transactions: sign this change with your "
                "key and send it with POST /api/v1/chain/transactions",
            )
        if org.key_sealed is None:
            raise Problem(
                409, "no-chain-account", f"organisation {org_id} has no chain account yet"
            )
        return Signer(self.master.open(org.key_sealed, _key_aad(org.id, "chain")))

    # -- accounts ------------------------------------------------------------------------
    def accounts_check(self, principal: Principal) -> None:
        from carbonledger.platform.accounts.service import check_active

        with unit_of_work(self.sessions) as s:
            check_active(s, principal)

    def bootstrap(self) -> None:
        """Create the first admin when there is none and a password is configured."""
        from carbonledger.platform.accounts import repository, service

        password = self.settings.admin_password
        if not password:
            return
        with unit_of_work(self.sessions) as s:
            if not repository.admin_exists(s):
                service.create_admin(s, self, self.settings.admin_username, password)
                log.info("created the admin account %s", self.settings.admin_username)

    def _audit_head(self) -> None:
        """Create the audit log's head row once, before any concurrent writer needs it."""
        from carbonledger.platform.audit import GENESIS, AuditEntry, AuditHead

        with unit_of_work(self.sessions) as s:
            if s.get(AuditHead, 1) is None:
                last = s.execute(
                    select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
                ).scalar()
                s.add(AuditHead(id=1, hash=last or GENESIS))

    def start(self, migrate: bool = True) -> None:
        if migrate:
            from carbonledger.platform.migrations import upgrade

            upgrade(self.engine)
        settings = self.settings
        if self.gateway is None and settings.rpc_url and settings.addresses_file:
            if not settings.operator_key:
                raise ConfigError("CARBONLEDGER_OPERATOR_KEY is needed with a chain")
            # after the migrations: the indexer creates its tables only where they are missing
            book = AddressBook.read(settings.addresses_file)
            self.gateway = LedgerGateway(settings.rpc_url, book, settings.operator_key, self.engine)
        self.settings.evidence_dir.mkdir(parents=True, exist_ok=True)
        self.bootstrap()
        self._audit_head()
        try:
            if self.gateway is not None:
                self.gateway.sync()
                if self.settings.index_interval > 0:
                    self.follower = IndexFollower(self.gateway, self.settings.index_interval)
                    self.follower.start()
            self.market = Market(self, settings.market_settle_interval)
            self.market.start()
        except BaseException:
            # a start that fails half-way leaves no thread behind (the server never serves,
            # so nothing would ever stop them)
            self.stop()
            raise

    def stop(self) -> None:
        if self.market is not None:
            self.market.stop()
            self.market = None
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        if self.gateway is not None:
            self.gateway.close()
        self.engine.dispose()


def create_app(platform: Platform, *, start: bool = True, migrate: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start:
            with platform.serving_lock:
                if platform.serving == 0:
                    platform.start(migrate=migrate)
                platform.serving += 1
        try:
            yield
        finally:
            if start:
                with platform.serving_lock:
                    platform.serving -= 1
                    if platform.serving == 0:
                        platform.stop()

    app = FastAPI(
        title="carbonledger",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "accounts", "description": "registration, login, tokens, passwords"},
            {"name": "organisations", "description": "organisations, their users, certification"},
            {"name": "admin", "description": "approvals, audit log, ledger reconciliation"},
            {
                "name": "registry",
                "description": "allocations, balances, transfers, carbon coin, offsets",
            },
            {
                "name": "compliance",
                "description": "obligations, surrender, deadlines, penalties",
            },
            {"name": "explorer", "description": "traceability with chain verification"},
            {"name": "public", "description": "aggregate figures, no login"},
            {"name": "chain", "description": "client-signed transactions, chain status"},
            {"name": "market", "description": "orders, trades, deals, auctions, market data"},
            {"name": "system", "description": "health and readiness"},
            {
                "name": "mrv",
                "description": "activity data, calculation, evidence, verification, confirmation",
            },
        ],
    )
    app.state.platform = platform
    errors.install(app)
    _publish_problem_codes(app)

    @app.exception_handler(Replay)
    async def _replay(request: Request, exc: Replay) -> JSONResponse:
        return exc.response

    if platform.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(platform.settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(BodyLimit, platform=platform)
    for router in routers():
        app.include_router(router)
    return app


def _publish_problem_codes(app: FastAPI) -> None:
    """The OpenAPI document lists the problem codes and the problem document's shape (the
    web UI checks it has a text for every code; see problem_codes)."""
    base = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = base()
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(problem_codes.openapi_schemas())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def routers() -> list[Any]:
    from carbonledger.platform.accounts.routes import router as accounts
    from carbonledger.platform.chain_routes import router as chain
    from carbonledger.platform.compliance.routes import router as compliance
    from carbonledger.platform.explorer.routes import router as explorer
    from carbonledger.platform.market.routes import router as market
    from carbonledger.platform.mrv.routes import router as mrv
    from carbonledger.platform.registry.routes import router as registry
    from carbonledger.platform.system import router as system

    return [system, accounts, chain, mrv, registry, compliance, explorer, market]


#: paths that always belong to the API, never to the web UI
API_PATHS = ("/api/", "/docs", "/redoc", "/openapi.json", "/health", "/ready")


def _is_api_path(path: str) -> bool:
    return path == "/api" or any(
        path == p.rstrip("/") or path.startswith(p if p.endswith("/") else p + "/")
        for p in API_PATHS
    )


class WebUI:
    """ASGI middleware serving the web UI's production build (``web/dist``).

    GET and HEAD requests outside the API's paths get the file at that path, or
    ``index.html`` so the UI's own router handles deep links (single-page app fallback).
    Everything else goes to the API untouched — so unknown API paths stay 404 problems
    and a wrong method stays 405.
    """

    def __init__(self, app: ASGIApp, dist: Path) -> None:
        self.app = app
        self.index = dist / "index.html"
        self.files = StaticFiles(directory=dist)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or _is_api_path(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        try:
            response = await self.files.get_response(self.files.get_path(scope), scope)
        except StarletteHTTPException as err:
            if err.status_code != 404:
                raise
            response = FileResponse(self.index, headers={"Cache-Control": "no-cache"})
        await response(scope, receive, send)


#: where ``make web-build`` puts the UI in a source checkout
SOURCE_WEB_DIST = Path(__file__).resolve().parents[3] / "web" / "dist"


def serve_web(app: FastAPI, dist: Path | None = None) -> bool:
    """Serve the web UI's build from `dist` at ``/`` when it has been built; returns
    whether it is served. The API's paths (:data:`API_PATHS`) are never shadowed."""
    if dist is None:
        dist = app.state.platform.settings.web_dist or SOURCE_WEB_DIST
    if not (dist / "index.html").is_file():
        return False
    app.add_middleware(WebUI, dist=dist)
    return True


def database_ready(platform: Platform) -> bool:
    with platform.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return True
