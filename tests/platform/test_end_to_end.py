"""The whole story through HTTP only, on the bundled chain's 3-node devnet (3 NATS servers,
3 nodes): register → approve → certify → allocate → submit with evidence → assign → verify
→ confirm → surrender allowances and offsets (cap enforced) → compliant; a second
enterprise falls short → deficit → penalty. Then the SQL projection equals the chain, and
again after the platform (and its indexer) restarts on the same database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mrv_support import BASE, example
from platform_testing import (
    Actor,
    Api,
    ChainEnv,
    database_kind,
    devnet_chain,
    fresh_database,
    settings_for,
)

from carbonledger.ledger import ReportState
from carbonledger.platform.app import Platform, create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def devnet() -> Iterator[ChainEnv]:
    env = devnet_chain(3)
    try:
        yield env
    finally:
        env.close()


def confirm_report(api: Api, ent: Actor, verifier: Actor, doc: dict[str, Any]) -> int:
    """Enterprise submits with evidence; regulator assigns; verifier checks and attests;
    regulator confirms. Returns the verified tonnes."""
    sub = ent.ok("POST", f"{BASE}/submissions", 201, json={"document": doc})
    assert sub["quality"]["blocking"] is False
    evidence = "燃料消耗台账 fuel ledger 2024\n".encode() * 50
    ent.ok(
        "POST",
        f"{BASE}/submissions/{sub['id']}/evidence",
        201,
        files={"file": ("ledger.csv", evidence, "text/csv")},
    )
    submitted = ent.ok(
        "POST",
        f"{BASE}/submissions/{sub['id']}/submit",
        headers={"Idempotency-Key": f"s{sub['id']}"},
    )
    assert submitted["status"] == "submitted"
    api.regulator.ok(
        "POST", f"{BASE}/submissions/{sub['id']}/assign", json={"verifier_id": verifier.org_id}
    )
    files = verifier.ok("GET", f"{BASE}/submissions/{sub['id']}/evidence")
    content = verifier.get(f"{BASE}/submissions/{sub['id']}/evidence/{files[0]['id']}/content")
    assert content.status_code == 200 and content.content == evidence
    check = verifier.ok("GET", f"{BASE}/submissions/{sub['id']}/recomputation")
    assert check["matches"] and check["evidence_intact"]
    verified = int(sub["claimed_t"])
    statement = "核查结论：无保留意见 / unqualified opinion"
    verifier.ok(
        "POST",
        f"{BASE}/submissions/{sub['id']}/attest",
        json={"verified_t": verified, "opinion": "unqualified", "statement": statement},
    )
    confirmed = api.regulator.ok("POST", f"{BASE}/submissions/{sub['id']}/confirm")
    assert confirmed["status"] == "confirmed"
    report = api.platform.require_gateway().suite.reports.report(confirmed["report_id"])
    assert report.state is ReportState.CONFIRMED and report.verified_t == verified
    assert report.document_hash.hex() == hashlib.sha256(statement.encode()).hexdigest()
    return verified


def test_the_whole_story_on_a_three_node_devnet(devnet: ChainEnv, tmp_path: Path) -> None:
    with fresh_database(database_kind(), tmp_path) as url:
        settings = settings_for(devnet, url, tmp_path)
        platform = Platform(settings)
        with TestClient(create_app(platform), raise_server_exceptions=False) as client:
            api = Api(client, platform)
            cement = api.organisation("enterprise", "江南水泥 Jiangnan Cement", industry="cement")
            steel = api.organisation("enterprise", "燕山钢铁 Yanshan Steel", industry="steel")
            verifier = api.organisation("verifier", "中环认证 CEC Verification")
            assert api.platform.require_gateway().permissioned  # the bundled chain's allowlist

            cement_t = confirm_report(api, cement, verifier, example("cement"))
            steel_t = confirm_report(api, steel, verifier, example("steel"))

            cap = cement_t * 5 // 100  # the compliance contract's default cap: 5 %
            regulator = api.regulator
            regulator.ok(
                "POST",
                "/api/v1/registry/allocations",
                201,
                json={
                    "vintage": 2024,
                    "kind": "free",
                    "items": [
                        {"org_id": cement.org_id, "amount": cement_t - cap},
                        {"org_id": steel.org_id, "amount": steel_t // 2},
                    ],
                },
            )
            regulator.ok(
                "POST", "/api/v1/compliance/eligibility", json={"year": 2024, "vintage": 2024}
            )
            regulator.ok(
                "POST",
                "/api/v1/registry/offsets/projects",
                201,
                json={
                    "project_id": 7001,
                    "developer_org_id": cement.org_id,
                    "methodology": "CMS-002-V01",
                    "region": "CN-GS",
                    "name": "甘肃风电 Gansu wind",
                },
            )
            block = regulator.ok(
                "POST",
                "/api/v1/registry/offsets/issuances",
                201,
                json={"project_id": 7001, "vintage": 2024, "amount": cap + 10},
            )["block_id"]

            over = cement.post(
                "/api/v1/compliance/surrenders/offsets",
                json={"year": 2024, "block_id": block, "amount": cap + 1},
            )
            assert over.status_code == 409 and over.json()["code"] == "offset-cap-exceeded"
            cement.ok(
                "POST",
                "/api/v1/compliance/surrenders/offsets",
                201,
                json={"year": 2024, "block_id": block, "amount": cap},
            )
            done = cement.ok(
                "POST",
                "/api/v1/compliance/surrenders/allowances",
                201,
                json={"year": 2024, "vintage": 2024, "amount": cement_t - cap},
            )
            assert done["status"]["status"] == "compliant" and done["status"]["gap"] == 0

            steel.ok(
                "POST",
                "/api/v1/compliance/surrenders/allowances",
                201,
                json={"year": 2024, "vintage": 2024, "amount": steel_t // 2},
            )
            past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
            regulator.ok(
                "POST", "/api/v1/compliance/deadlines", json={"year": 2024, "deadline": past}
            )
            st = steel.ok("GET", "/api/v1/compliance/status", params={"year": 2024})
            assert st["status"] == "deficit" and st["gap"] == steel_t - steel_t // 2
            penalty = regulator.ok(
                "POST",
                "/api/v1/compliance/penalties",
                201,
                json={
                    "org_id": steel.org_id,
                    "year": 2024,
                    "fine_cents": 10_000_00,
                    "reason": "未足额清缴",
                },
            )
            assert penalty["shortfall"] == steel_t - steel_t // 2
            assert (
                steel.ok("GET", "/api/v1/compliance/status", params={"year": 2024})[
                    "penalties_cents"
                ]
                == 10_000_00
            )

            history = cement.ok(
                "GET",
                "/api/v1/explorer/allowances/history",
                params={"vintage": 2024, "verify": "true"},
            )
            names = [i["event"] for i in history["items"]]
            assert "Allocated" in names and "AllowancesSurrendered" in names
            assert history["all_verified"] is True  # every tx re-read from the chain
            rec = api.admin.ok("GET", "/api/v1/admin/ledger/reconcile")
            assert rec["consistent"] and rec["mismatches"] == []
            balances = cement.ok("GET", "/api/v1/registry/balances")

        # a restart on the same database: the indexer resumes from its checkpoint
        again = Platform(settings)
        with TestClient(create_app(again), raise_server_exceptions=False) as client:
            api2 = Api(client, again)
            rec2 = api2.admin.ok("GET", "/api/v1/admin/ledger/reconcile")
            assert rec2["consistent"] and rec2["mismatches"] == []
            assert rec2["indexed_block"] >= rec["indexed_block"]
            assert api2.actor(cement.username).ok("GET", "/api/v1/registry/balances") == balances
