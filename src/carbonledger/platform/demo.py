"""The demo dataset ``make run`` starts with, created through the REST API itself.

A regulator, two verifiers, enterprises in four industries and a finance institution, all
registered, approved and (enterprises) certified — so every screen has someone to sign in
as. Seeding is idempotent: organisations that exist are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

DEMO_PASSWORD = "carbon-demo-2024"
ADMIN_PASSWORD = "carbon-admin-2024"


@dataclass(frozen=True)
class DemoOrg:
    username: str
    kind: str
    name: str
    industry: str = ""
    region: str = ""
    credit_code: str = ""


DEMO_ORGS = (
    DemoOrg("regulator", "regulator", "生态环境部 气候司（演示） MEE Climate Department (demo)"),
    DemoOrg(
        "verifier1", "verifier", "中环联合认证（演示） China Environmental Verification (demo)"
    ),
    DemoOrg("verifier2", "verifier", "华测碳核查（演示） CTI Carbon Verification (demo)"),
    DemoOrg("bank", "finance", "绿色发展银行（演示） Green Development Bank (demo)"),
    DemoOrg(
        "power",
        "enterprise",
        "华东清洁电力（演示） East China Clean Power (demo)",
        "power",
        "CN-JS",
        "91320000MA1CL00001",
    ),
    DemoOrg(
        "cement",
        "enterprise",
        "皖江水泥（演示） Wanjiang Cement (demo)",
        "cement",
        "CN-AH",
        "91340000MA1CL00002",
    ),
    DemoOrg(
        "steel",
        "enterprise",
        "燕山钢铁（演示） Yanshan Iron & Steel (demo)",
        "steel",
        "CN-HE",
        "91130000MA1CL00003",
    ),
    DemoOrg(
        "aluminium",
        "enterprise",
        "西部电解铝（演示） Western Electrolytic Aluminium (demo)",
        "aluminium",
        "CN-NX",
        "91640000MA1CL00004",
    ),
)


class SeedError(RuntimeError):
    pass


def _ok(r: httpx.Response, what: str) -> Any:
    if r.status_code >= 400:
        raise SeedError(f"{what}: {r.status_code} {r.text}")
    return r.json() if r.content else None


def _login(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    body = _ok(
        client.post("/api/v1/auth/login", json={"username": username, "password": password}),
        f"log in as {username}",
    )
    return {"Authorization": f"Bearer {body['access_token']}"}


def seed(client: httpx.Client, admin_username: str = "admin") -> list[DemoOrg]:
    """Create the demo organisations that do not exist yet; returns the ones created."""
    admin = _login(client, admin_username, ADMIN_PASSWORD)
    created: list[DemoOrg] = []
    regulator: dict[str, str] | None = None
    for org in DEMO_ORGS:
        probe = client.post(
            "/api/v1/auth/login", json={"username": org.username, "password": DEMO_PASSWORD}
        )
        if probe.status_code == 200:
            if org.kind == "regulator":
                regulator = {"Authorization": f"Bearer {probe.json()['access_token']}"}
            continue
        body: dict[str, Any] = {
            "organisation": org.name,
            "kind": org.kind,
            "username": org.username,
            "password": DEMO_PASSWORD,
            "email": f"{org.username}@demo.carbonledger.example",
        }
        if org.credit_code:
            body["credit_code"] = org.credit_code
        reg = _ok(client.post("/api/v1/auth/register", json=body), f"register {org.username}")
        org_id = reg["organisation"]["id"]
        _ok(
            client.post(
                f"/api/v1/admin/organisations/{org_id}/approve",
                json={"note": "demo dataset"},
                headers=admin,
            ),
            f"approve {org.username}",
        )
        if org.kind == "regulator":
            regulator = _login(client, org.username, DEMO_PASSWORD)
        if org.kind == "enterprise":
            if regulator is None:
                raise SeedError("the demo regulator must come before the enterprises")
            _ok(
                client.post(
                    f"/api/v1/organisations/{org_id}/certify",
                    json={
                        "industry": org.industry,
                        "region": org.region,
                        "credit_code": org.credit_code,
                    },
                    headers=regulator,
                ),
                f"certify {org.username}",
            )
        created.append(org)
    return created
