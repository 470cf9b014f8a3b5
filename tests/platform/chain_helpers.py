"""Helpers of the registry, compliance and explorer tests.

`confirmed_report` drives the EmissionReports contract directly, without the MRV package
(built separately): it opens the enterprise's, a verifier's and the regulator's sealed
keys through ``api.platform.signer_for`` — keys the platform holds — and sends submit →
assign → attest → confirm with them. Everything else in the tests goes through HTTP.
"""

from __future__ import annotations

import hashlib
from typing import Any

from platform_testing import PASSWORD, Actor, Api

from carbonledger.ledger import Signer


def enterprise(
    api: Api, name: str, *, industry: str = "power", region: str = "CN-JS"
) -> dict[str, Any]:
    """Register, approve and certify an enterprise without signing in as it (cheaper for
    batches); returns the certified organisation."""
    reg = api.register("enterprise", name)
    org_id = reg["organisation"]["id"]
    api.admin.ok("POST", f"/api/v1/admin/organisations/{org_id}/approve", json={})
    out: dict[str, Any] = api.regulator.ok(
        "POST",
        f"/api/v1/organisations/{org_id}/certify",
        json={"industry": industry, "region": region, "credit_code": api.credit_code()},
    )
    return out


def enterprises(api: Api, count: int, prefix: str) -> list[int]:
    """`count` certified enterprises, registered a few at a time (password hashing
    dominates registration and runs in the server's worker threads)."""
    from concurrent.futures import ThreadPoolExecutor

    api.admin, api.regulator  # noqa: B018 (sign them in once, before the threads)

    def one(i: int) -> int:
        body = {
            "organisation": f"{prefix} {i}",
            "kind": "enterprise",
            "username": f"{prefix.lower()}.{i}",
            "password": PASSWORD,
        }
        r = api.client.post("/api/v1/auth/register", json=body)
        assert r.status_code == 201, r.text
        org_id = int(r.json()["organisation"]["id"])
        api.admin.ok("POST", f"/api/v1/admin/organisations/{org_id}/approve", json={})
        api.regulator.ok(
            "POST",
            f"/api/v1/organisations/{org_id}/certify",
            json={"industry": "power", "region": "CN-JS", "credit_code": f"91120000MB{i:08d}"},
        )
        return org_id

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(count)))


_verifiers: dict[int, Actor] = {}


def _signer(api: Api, org_id: int) -> Signer:
    with api.platform.sessions() as s:
        return api.platform.signer_for(s, org_id)


def confirmed_report(api: Api, org_id: int, period: int, emissions_t: int) -> int:
    """A report of `emissions_t` for `period`, confirmed on chain; returns its id.

    Uses the platform-held keys of the enterprise, a verifier and the regulator (see the
    module docstring) instead of the MRV workflow's HTTP endpoints.
    """
    verifier = _verifiers.get(id(api))
    if verifier is None:
        verifier = api.organisation("verifier", "中环认证 Test Verifier")
        _verifiers[id(api)] = verifier
    gw = api.platform.require_gateway()
    reports = gw.suite.reports
    seed = f"{org_id}/{period}/{emissions_t}".encode()
    evidence = hashlib.sha256(b"evidence " + seed).digest()
    digest = hashlib.sha256(b"calculation " + seed).digest()
    ent = _signer(api, org_id)
    report_id = int(
        reports.by(ent)
        .submit(period, evidence, digest, b"cn-2013-power@1", emissions_t)
        .event("ReportSubmitted")["report_id"]
    )
    regulator = _signer(api, api.regulator.org_id)
    assert verifier.address is not None
    reports.by(regulator).assign_verifier(report_id, verifier.address)
    document = hashlib.sha256(b"verification " + seed).digest()
    reports.by(_signer(api, verifier.org_id)).attest(report_id, emissions_t, 1, document)
    reports.by(regulator).confirm(report_id)
    gw.sync()
    return report_id


def allocate(api: Api, vintage: int, amounts: dict[int, int], kind: str = "free") -> Any:
    items = [{"org_id": org, "amount": amount} for org, amount in amounts.items()]
    return api.regulator.ok(
        "POST",
        "/api/v1/registry/allocations",
        201,
        json={"vintage": vintage, "kind": kind, "items": items},
    )
