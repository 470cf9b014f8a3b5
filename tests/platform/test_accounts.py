from __future__ import annotations

from platform_testing import PASSWORD, Api

from carbonledger.ledger import Role, Suite


def test_registration_awaits_approval_then_logs_in(api: Api) -> None:
    reg = api.register("verifier", "中环认证 CEC Verification", username="cec.lead")
    assert reg["organisation"]["status"] == "pending"
    r = api.client.post("/api/v1/auth/login", json={"username": "cec.lead", "password": PASSWORD})
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "awaiting-approval"

    org_id = reg["organisation"]["id"]
    approved = api.admin.ok("POST", f"/api/v1/admin/organisations/{org_id}/approve", json={})
    assert approved["status"] == "active"
    assert approved["on_chain"] is True
    suite = Suite(api.platform.require_gateway().chain, api.platform.require_gateway().book)
    assert suite.registry.role_of(approved["address"]) == Role.VERIFIER

    verifier = api.actor("cec.lead")
    me = verifier.ok("GET", "/api/v1/auth/me")
    assert me["organisation"]["kind"] == "verifier"


def test_enterprise_goes_on_chain_at_certification(api: Api) -> None:
    reg = api.register("enterprise", "示例水泥 Example Cement")
    org_id = reg["organisation"]["id"]
    approved = api.admin.ok("POST", f"/api/v1/admin/organisations/{org_id}/approve", json={})
    assert approved["on_chain"] is False
    body = {"industry": "cement", "region": "CN-AH", "credit_code": "91340000MA00000099"}
    out = api.regulator.ok("POST", f"/api/v1/organisations/{org_id}/certify", json=body)
    assert out["certified"] and out["on_chain"]
    assert (out["industry"], out["region"]) == ("cement", "CN-AH")
    suite = api.platform.require_gateway().suite
    org = suite.registry.organisation(out["address"])
    assert (org.role, org.industry, org.region) == (Role.ENTERPRISE, "cement", "CN-AH")
    again = api.regulator.post(f"/api/v1/organisations/{org_id}/certify", json=body)
    assert again.status_code == 409 and again.json()["code"] == "already-certified"


def test_bad_input_is_a_problem_naming_the_field(api: Api) -> None:
    r = api.client.post(
        "/api/v1/auth/register",
        json={
            "organisation": "X Co",
            "kind": "enterprise",
            "username": "ok.name",
            "password": PASSWORD,
            "credit_code": "123",
        },
    )
    assert r.status_code == 422
    doc = r.json()
    assert doc["field"] == "body:credit_code"
    assert "18 characters" in doc["detail"]
    weak = api.client.post(
        "/api/v1/auth/register",
        json={
            "organisation": "X Co",
            "kind": "enterprise",
            "username": "ok.name",
            "password": "short",
        },
    )
    assert weak.status_code == 422 and weak.json()["field"] == "body:password"
    admin = api.client.post(
        "/api/v1/auth/register",
        json={"organisation": "X Co", "kind": "admin", "username": "ok.name", "password": PASSWORD},
    )
    assert admin.status_code == 422 and admin.json()["field"] == "body:kind"


def test_password_change_revokes_old_tokens_and_refresh_works(api: Api) -> None:
    ent = api.organisation("enterprise", "Refresh Co")
    r = api.client.post("/api/v1/auth/login", json={"username": ent.username, "password": PASSWORD})
    pair = r.json()
    new = api.client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert new.status_code == 200
    access_as_refresh = api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["access_token"]}
    )
    assert access_as_refresh.status_code == 401
    ent.ok(
        "POST",
        "/api/v1/auth/password",
        204,
        json={"current_password": PASSWORD, "new_password": "another-pass-2"},
    )
    assert ent.get("/api/v1/auth/me").status_code == 401  # the old token is revoked
    stale = api.client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert stale.status_code == 401
    assert api.actor(ent.username, "another-pass-2").get("/api/v1/auth/me").status_code == 200


def test_organisation_users_and_visibility(api: Api) -> None:
    a = api.organisation("enterprise", "Alpha Steel", industry="steel")
    b = api.organisation("enterprise", "Beta Glass", industry="glass")
    a.ok(
        "POST",
        f"/api/v1/organisations/{a.org_id}/users",
        201,
        json={"username": "alpha.clerk", "password": PASSWORD},
    )
    clerk = api.actor("alpha.clerk")
    assert clerk.org_id == a.org_id
    # a clerk is not the organisation's administrator
    r = clerk.post(
        f"/api/v1/organisations/{a.org_id}/users", json={"username": "x.y.z", "password": PASSWORD}
    )
    assert r.status_code == 403
    # enterprises see only themselves; the regulator sees all
    assert [o["id"] for o in a.ok("GET", "/api/v1/organisations")["items"]] == [a.org_id]
    assert a.get(f"/api/v1/organisations/{b.org_id}").status_code == 404
    page = api.regulator.ok(
        "GET", "/api/v1/organisations", params={"kind": "enterprise", "sort": "-id"}
    )
    assert [o["id"] for o in page["items"]] == [b.org_id, a.org_id]
    bad = api.regulator.get("/api/v1/organisations", params={"sort": "password"})
    assert bad.status_code == 422 and bad.json()["field"] == "query:sort"


def test_audit_log_records_and_verifies(api: Api) -> None:
    api.organisation("finance", "Green Bank")
    page = api.admin.ok("GET", "/api/v1/admin/audit", params={"limit": 200})
    actions = {e["action"] for e in page["items"]}
    assert {"organisation.register", "organisation.approve", "auth.login"} <= actions
    assert api.admin.ok("GET", "/api/v1/admin/audit/verify") == {
        "intact": True,
        "first_broken_id": None,
    }
    # tamper with a row behind the service's back: the chain breaks there
    from sqlalchemy import update

    from carbonledger.platform.audit import AuditEntry

    with api.platform.sessions.begin() as s:
        first = page["items"][-1]["id"]
        s.execute(update(AuditEntry).where(AuditEntry.id == first).values(username="mallory"))
    assert api.admin.ok("GET", "/api/v1/admin/audit/verify") == {
        "intact": False,
        "first_broken_id": first,
    }


def test_health_and_readiness(api: Api) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    ready = api.client.get("/ready").json()
    assert ready["status"] == "ready" and ready["chain"] == "ok"


def test_client_custody_signs_its_own_transactions(api: Api) -> None:
    from eth_account import Account

    from carbonledger.ledger import Signer

    key = Account.create().key
    mine = Signer(key)
    reg = api.register("enterprise", "Self Custody Co", custody="client", address=mine.address)
    org_id = reg["organisation"]["id"]
    api.admin.ok("POST", f"/api/v1/admin/organisations/{org_id}/approve", json={})
    body = {"industry": "steel", "region": "CN-HE", "credit_code": api.credit_code()}
    out = api.regulator.ok("POST", f"/api/v1/organisations/{org_id}/certify", json=body)
    assert out["address"] == mine.address.lower() and out["custody"] == "client"
    ent = api.actor(reg["user"]["username"])

    gateway = api.platform.require_gateway()
    coin = gateway.suite.coin
    data = coin.abi.functions["approve"].encode([gateway.book.settlement, 5])
    _, raw = gateway.chain.sign(mine, coin.address, data, gas=100_000)
    sent = ent.ok("POST", "/api/v1/chain/transactions", json={"raw": "0x" + raw.hex()})
    assert sent["status"] == 1
    assert coin.allowance(mine.address, gateway.book.settlement) == 5

    # a transaction signed by someone else is refused
    other = Signer(Account.create().key)
    _, foreign = gateway.chain.sign(other, coin.address, data, gas=100_000)
    r = ent.post("/api/v1/chain/transactions", json={"raw": "0x" + foreign.hex()})
    assert r.status_code == 403 and r.json()["code"] == "not-your-account"
    junk = ent.post("/api/v1/chain/transactions", json={"raw": "0x1234"})
    assert junk.status_code == 422 and junk.json()["field"] == "body:raw"


def test_suspension_signs_out_and_stops_the_account_on_chain(api: Api) -> None:
    ent = api.organisation("enterprise", "Suspended Co")
    registry = api.platform.require_gateway().suite.registry
    assert registry.is_active(ent.address)
    out = api.regulator.ok(
        "POST", f"/api/v1/organisations/{ent.org_id}/suspend", json={"note": "fraud"}
    )
    assert out["status"] == "suspended"
    assert not registry.is_active(ent.address)
    assert ent.get("/api/v1/auth/me").status_code == 401
    r = api.client.post("/api/v1/auth/login", json={"username": ent.username, "password": PASSWORD})
    assert r.status_code == 403 and r.json()["code"] == "account-disabled"
    # a regulator cannot suspend another regulator or the admin
    admin_org = api.admin.org_id
    assert (
        api.regulator.post(f"/api/v1/organisations/{admin_org}/suspend", json={}).status_code == 403
    )
    again = api.regulator.post(f"/api/v1/organisations/{ent.org_id}/suspend", json={})
    assert again.status_code == 409
    api.admin.ok("POST", f"/api/v1/organisations/{ent.org_id}/reactivate", json={})
    assert registry.is_active(ent.address)
    assert api.actor(ent.username).get("/api/v1/auth/me").status_code == 200


def test_admin_sees_each_chain_node(api: Api) -> None:
    nodes = api.admin.ok("GET", "/api/v1/chain/nodes")
    assert len(nodes) == 1 and nodes[0]["reachable"] and nodes[0]["height"] >= 1
    assert nodes[0]["client"].lower().startswith("anvil")
