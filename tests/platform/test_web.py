"""The platform serves the web UI's build at / without shadowing any API path, and the
OpenAPI document committed for the UI's generated client is the API's current one."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carbonledger.platform import openapi
from carbonledger.platform.app import SOURCE_WEB_DIST, Platform, create_app, serve_web
from carbonledger.platform.config import Settings

INDEX = "<!doctype html><title>carbonledger</title><div id=root></div>"


def _app(tmp_path: Path, dist: Path | None) -> tuple[TestClient, bool]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'platform.db'}",
        data_dir=tmp_path,
        master_key=secrets.token_bytes(32),
        jwt_secret=secrets.token_bytes(32),
        web_dist=dist,
    )
    app = create_app(Platform(settings))
    served = serve_web(app)
    return TestClient(app), served


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    d = tmp_path / "dist"
    (d / "assets").mkdir(parents=True)
    (d / "index.html").write_text(INDEX)
    (d / "assets" / "app.js").write_text("console.log('ui')")
    return d


def test_the_ui_is_served_at_root_with_deep_links_falling_back_to_index(
    tmp_path: Path, dist: Path
) -> None:
    client, served = _app(tmp_path, dist)
    with client:
        assert served
        root = client.get("/")
        assert root.status_code == 200 and "carbonledger" in root.text
        asset = client.get("/assets/app.js")
        assert asset.status_code == 200 and asset.text == "console.log('ui')"
        assert "javascript" in asset.headers["content-type"]
        deep = client.get("/admin/registrations?status=pending")
        assert deep.status_code == 200 and deep.text == INDEX


def test_api_paths_are_never_shadowed_by_the_ui(tmp_path: Path, dist: Path) -> None:
    client, _ = _app(tmp_path, dist)
    with client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/ready").json()["database"] == "ok"
        assert client.get("/openapi.json").json()["info"]["title"] == "carbonledger"
        assert "swagger" in client.get("/docs").text.lower()
        missing = client.get("/api/v1/no-such-thing")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert client.get("/api").status_code == 404
        # a wrong method on an API route stays a 405, not the UI's index page
        assert client.get("/api/v1/auth/login").status_code == 405
        # writes outside the API are not the UI's either
        assert client.post("/admin/registrations").status_code in (404, 405)


def test_without_a_build_nothing_is_served_at_root(tmp_path: Path) -> None:
    client, served = _app(tmp_path, tmp_path / "not-built")
    with client:
        assert not served
        assert client.get("/").status_code == 404
        assert client.get("/health").status_code == 200


def test_the_committed_openapi_document_is_the_apis(tmp_path: Path) -> None:
    committed = SOURCE_WEB_DIST.parent / "src" / "api" / "openapi.json"
    assert committed.read_text(encoding="utf-8") == openapi.render(), (
        "web/src/api/openapi.json differs from the API: run `make web-client` and commit "
        "openapi.json and schema.d.ts"
    )


def test_a_second_client_on_the_app_neither_restarts_nor_stops_the_platform(
    tmp_path: Path,
) -> None:
    # schemathesis calls an ASGI app through a test client of its own, inside ours
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'platform.db'}",
        data_dir=tmp_path,
        master_key=secrets.token_bytes(32),
        jwt_secret=secrets.token_bytes(32),
    )
    platform = Platform(settings)
    app = create_app(platform)
    with TestClient(app) as first:
        market = platform.market
        assert market is not None
        with TestClient(app) as second:
            assert platform.market is market  # not started again (its threads not orphaned)
            assert second.get("/health").status_code == 200
        assert platform.market is market  # the inner client's end did not stop it
        assert first.get("/health").status_code == 200
    assert platform.market is None and platform.serving == 0
