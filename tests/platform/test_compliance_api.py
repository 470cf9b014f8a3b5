from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chain_helpers import allocate, confirmed_report
from platform_testing import Api

from carbonledger.ledger import RevertError
from carbonledger.platform.compliance.service import translate_revert


def _offsets(api: Api, developer: int, amount: int, project: int = 2001) -> int:
    api.regulator.ok(
        "POST",
        "/api/v1/registry/offsets/projects",
        201,
        json={
            "project_id": project,
            "developer_org_id": developer,
            "methodology": "CMS-002-V01",
            "region": "CN-GS",
            "name": "甘肃风电 Gansu wind",
        },
    )
    out = api.regulator.ok(
        "POST",
        "/api/v1/registry/offsets/issuances",
        201,
        json={"project_id": project, "vintage": 2023, "amount": amount},
    )
    return int(out["block_id"])


def test_surrender_allowances_and_offsets_within_the_cap_until_compliant(api: Api) -> None:
    ent = api.organisation("enterprise", "华东电厂 East Power", industry="power", region="CN-SH")
    other = api.organisation("enterprise", "Other Co", industry="cement")
    allocate(api, 2024, {ent.org_id: 1000})
    block = _offsets(api, ent.org_id, 100)
    status_url = "/api/v1/compliance/status"

    early = ent.post(
        "/api/v1/compliance/surrenders/allowances",
        json={"year": 2024, "vintage": 2024, "amount": 10},
    )
    assert early.status_code == 409 and early.json()["code"] == "no-obligation"

    confirmed_report(api, ent.org_id, 2024, 1000)
    st = ent.ok("GET", status_url, params={"year": 2024})
    assert (st["obligation"], st["offset_cap"], st["offset_cap_bps"], st["gap"]) == (
        1000,
        50,
        500,
        1000,
    )
    assert st["status"] == "pending"

    body = {"year": 2024, "vintage": 2024, "amount": 900}
    closed = ent.post("/api/v1/compliance/surrenders/allowances", json=body)
    assert closed.status_code == 409 and closed.json()["code"] == "vintage-not-eligible"
    assert closed.json()["field"] == "body:vintage"
    assert closed.json()["params"] == {"vintage": 2024, "year": 2024}
    rules = ent.ok("GET", "/api/v1/compliance/rules/2024")
    assert rules["offset_cap_bps"] == 500 and rules["deadline"] is None
    assert [(r["vintage"], r["eligible"]) for r in rules["vintages"]] == [
        (v, False) for v in range(2020, 2026)
    ]
    api.regulator.ok("POST", "/api/v1/compliance/eligibility", json={"year": 2024, "vintage": 2024})
    rules = ent.ok("GET", "/api/v1/compliance/rules/2024")
    assert [r["vintage"] for r in rules["vintages"] if r["eligible"]] == [2024]
    assert ent.get("/api/v1/compliance/rules/1999").status_code == 422
    out = ent.ok("POST", "/api/v1/compliance/surrenders/allowances", 201, json=body)
    assert out["status"]["surrendered_allowances"] == 900 and out["status"]["gap"] == 100

    over_cap = ent.post(
        "/api/v1/compliance/surrenders/offsets",
        json={"year": 2024, "block_id": block, "amount": 51},
    )
    assert over_cap.status_code == 409
    problem = over_cap.json()
    assert problem["code"] == "offset-cap-exceeded" and problem["field"] == "body:amount"
    assert "offset cap for 2024 is 50 t" in problem["detail"]
    assert "5 %" in problem["detail"]
    assert problem["params"] == {
        "year": 2024,
        "cap_t": 50,
        "share_bps": 500,
        "left_t": 50,
        "want_t": 51,
    }

    part = ent.ok(
        "POST",
        "/api/v1/compliance/surrenders/offsets",
        201,
        json={"year": 2024, "block_id": block, "amount": 30},
    )
    assert part["status"]["surrendered_offsets"] == 30
    # 20 more offsets fit the cap exactly; one more does not
    last = ent.ok(
        "POST",
        "/api/v1/compliance/surrenders/offsets",
        201,
        json={"year": 2024, "block_id": block, "amount": 20},
    )
    assert last["status"]["status"] == "pending" and last["status"]["gap"] == 50
    surrendered = api.platform.require_gateway().suite.offsets.block(last["block_id"])
    assert surrendered.state.name == "SURRENDERED"
    one_more = ent.post(
        "/api/v1/compliance/surrenders/offsets", json={"year": 2024, "block_id": block, "amount": 1}
    )
    assert one_more.status_code == 409 and one_more.json()["code"] == "offset-cap-exceeded"
    assert "at most 0 t more" in one_more.json()["detail"]
    done = ent.ok(
        "POST",
        "/api/v1/compliance/surrenders/allowances",
        201,
        json={"year": 2024, "vintage": 2024, "amount": 50},
    )
    assert done["status"]["status"] == "compliant" and done["status"]["gap"] == 0
    more = ent.post(
        "/api/v1/compliance/surrenders/allowances",
        json={"year": 2024, "vintage": 2024, "amount": 1},
    )
    assert more.status_code == 409 and more.json()["code"] == "exceeds-obligation"
    assert more.json()["params"] == {"year": 2024, "remaining_t": 0, "want_t": 1}

    assert ent.get(status_url, params={"year": 2024, "org_id": other.org_id}).status_code == 404
    seen = api.regulator.ok("GET", status_url, params={"year": 2024, "org_id": ent.org_id})
    assert seen["status"] == "compliant"
    assert ent.get("/api/v1/compliance/overview").status_code == 403
    page = api.regulator.ok(
        "GET", "/api/v1/compliance/overview", params={"year": 2024, "status": "compliant"}
    )
    assert [(r["org_id"], r["surrendered_offsets"], r["gap"]) for r in page["items"]] == [
        (ent.org_id, 50, 0)
    ]
    assert (
        api.regulator.ok("GET", "/api/v1/compliance/overview", params={"region": "CN-GD"})["total"]
        == 0
    )
    bad_sort = api.regulator.get("/api/v1/compliance/overview", params={"sort": "secret"})
    assert bad_sort.status_code == 422 and bad_sort.json()["field"] == "query:sort"


def test_the_contracts_cap_revert_becomes_a_409_naming_the_cap() -> None:
    problem = translate_revert(RevertError("compliance: offset cap exceeded"), "body:amount")
    assert (problem.status, problem.code, problem.field) == (
        409,
        "offset-cap-exceeded",
        "body:amount",
    )
    assert "offset cap" in problem.detail
    other = translate_revert(RevertError("offsets: not block owner"))
    assert (other.status, other.code) == (409, "chain-rejected")
    # the reason goes with it, for the UI to translate (revert.offsets.not-block-owner)
    assert other.params == {"reason": "offsets: not block owner"}
    assert problem.params is None


def test_deficit_after_the_deadline_is_penalised_with_a_deduction_next_period(api: Api) -> None:
    late = api.organisation("enterprise", "迟缴钢铁 Late Steel", industry="steel", region="CN-HE")
    fine = api.organisation("enterprise", "Punctual Glass", industry="glass", region="CN-HE")
    allocate(api, 2024, {late.org_id: 100, fine.org_id: 300})
    allocate(api, 2025, {late.org_id: 150})
    api.regulator.ok("POST", "/api/v1/compliance/eligibility", json={"year": 2024, "vintage": 2024})
    confirmed_report(api, late.org_id, 2024, 500)
    confirmed_report(api, fine.org_id, 2024, 300)
    late.ok(
        "POST",
        "/api/v1/compliance/surrenders/allowances",
        201,
        json={"year": 2024, "vintage": 2024, "amount": 100},
    )
    fine.ok(
        "POST",
        "/api/v1/compliance/surrenders/allowances",
        201,
        json={"year": 2024, "vintage": 2024, "amount": 300},
    )
    penalty = {"org_id": late.org_id, "year": 2024, "fine_cents": 30_000_00, "reason": "未足额清缴"}
    too_soon = api.regulator.post("/api/v1/compliance/penalties", json=penalty)
    assert too_soon.status_code == 409 and too_soon.json()["code"] == "not-in-deficit"
    assert "no deadline" in too_soon.json()["detail"]

    past = datetime.now(UTC) - timedelta(days=1)
    api.regulator.ok(
        "POST", "/api/v1/compliance/deadlines", json={"year": 2024, "deadline": past.isoformat()}
    )
    assert [d["year"] for d in late.ok("GET", "/api/v1/compliance/deadlines")] == [2024]
    st = late.ok("GET", "/api/v1/compliance/status", params={"year": 2024})
    assert (st["status"], st["gap"]) == ("deficit", 400)
    deficits = api.regulator.ok(
        "GET",
        "/api/v1/compliance/overview",
        params={"year": 2024, "status": "deficit", "region": "CN-HE"},
    )
    assert [r["org_id"] for r in deficits["items"]] == [late.org_id]
    everyone = api.regulator.ok(
        "GET", "/api/v1/compliance/overview", params={"year": 2024, "sort": "-gap"}
    )
    assert [(r["org_id"], r["status"]) for r in everyone["items"]] == [
        (late.org_id, "deficit"),
        (fine.org_id, "compliant"),
    ]
    assert late.post("/api/v1/compliance/penalties", json=penalty).status_code == 403
    pen = api.regulator.ok("POST", "/api/v1/compliance/penalties", 201, json=penalty)
    # 400 t short: the 150 t of 2025 held now are deducted, 250 t wait for the allocation
    assert (pen["shortfall"], pen["deducted_now"], pen["pending"]) == (400, 150, 250)
    assert pen["deduct_vintage"] == 2025
    st = late.ok("GET", "/api/v1/compliance/status", params={"year": 2024})
    assert st["penalties_cents"] == 30_000_00
    held = late.ok("GET", "/api/v1/registry/balances")["allowances"]
    assert all(v["vintage"] != 2025 for v in held)  # zero balances are not listed

    out = allocate(api, 2025, {late.org_id: 300, fine.org_id: 200})
    assert [(d["org_id"], d["amount"]) for d in out["deductions"]] == [(late.org_id, 250)]
    balances = late.ok("GET", "/api/v1/registry/balances")["allowances"]
    assert {v["vintage"]: v["balance"] for v in balances}.get(2025) == 50
    chain = api.platform.require_gateway().suite.allowances
    assert chain.totals(2025)["deducted"] == 400
    # once applied, the next allocation deducts nothing more
    assert allocate(api, 2025, {late.org_id: 10})["deductions"] == []
    listed = late.ok("GET", "/api/v1/compliance/penalties")
    assert [p["id"] for p in listed["items"]] == [pen["id"]]
    assert fine.ok("GET", "/api/v1/compliance/penalties")["total"] == 0


def test_the_overview_by_province_counts_every_row_keyed_as_the_map(api: Api) -> None:
    compliant = api.organisation(
        "enterprise", "河北达标 Hebei Done", industry="steel", region="CN-HE"
    )
    pending = api.organisation("enterprise", "河北待缴 Hebei Due", industry="steel", region="CN-HE")
    # the same province under its pre-2017 ISO code and its current one
    old_code = api.organisation("enterprise", "Beijing Old Code", industry="power", region="CN-11")
    new_code = api.organisation("enterprise", "Beijing New Code", industry="power", region="CN-BJ")
    abroad = api.organisation("enterprise", "Abroad Co", industry="power", region="US-CA")
    allocate(api, 2024, {compliant.org_id: 100})
    api.regulator.ok("POST", "/api/v1/compliance/eligibility", json={"year": 2024, "vintage": 2024})
    for who, tonnes in [
        (compliant, 100),
        (pending, 300),
        (old_code, 200),
        (new_code, 50),
        (abroad, 10),
    ]:
        confirmed_report(api, who.org_id, 2024, tonnes)
    compliant.ok(
        "POST",
        "/api/v1/compliance/surrenders/allowances",
        201,
        json={"year": 2024, "vintage": 2024, "amount": 100},
    )
    url = "/api/v1/compliance/overview/provinces"
    assert compliant.get(url).status_code == 403
    figures = api.regulator.ok("GET", url, params={"year": 2024})
    assert figures == [
        {
            "region": "CN-BJ",
            "province": True,
            "enterprises": 2,
            "compliant": 0,
            "pending": 2,
            "deficit": 0,
            "obligation": 250,
            "gap": 250,
        },
        {
            "region": "CN-HE",
            "province": True,
            "enterprises": 2,
            "compliant": 1,
            "pending": 1,
            "deficit": 0,
            "obligation": 400,
            "gap": 300,
        },
        {
            "region": "US-CA",
            "province": False,
            "enterprises": 1,
            "compliant": 0,
            "pending": 1,
            "deficit": 0,
            "obligation": 10,
            "gap": 10,
        },
    ]
    # the bar charts' counts come from the database too, every row and not a page of them
    standings = "/api/v1/compliance/overview/standings"
    assert compliant.get(standings).status_code == 403
    assert api.regulator.ok("GET", standings, params={"year": 2024}) == [
        {"group": "power", "enterprises": 3, "compliant": 0, "pending": 3, "deficit": 0},
        {"group": "steel", "enterprises": 2, "compliant": 1, "pending": 1, "deficit": 0},
    ]
    by_region = api.regulator.ok("GET", standings, params={"year": 2024, "by": "region"})
    assert [(g["group"], g["enterprises"], g["compliant"]) for g in by_region] == [
        ("CN-11", 1, 0),
        ("CN-BJ", 1, 0),
        ("CN-HE", 2, 1),
        ("US-CA", 1, 0),
    ]
    assert api.regulator.get(standings, params={"by": "owner"}).status_code == 422
    # the overview's filters apply, as to its table
    steel = api.regulator.ok("GET", url, params={"year": 2024, "industry": "steel"})
    assert [(f["region"], f["enterprises"]) for f in steel] == [("CN-HE", 2)]
    past = datetime.now(UTC) - timedelta(days=1)
    api.regulator.ok(
        "POST", "/api/v1/compliance/deadlines", json={"year": 2024, "deadline": past.isoformat()}
    )
    short = api.regulator.ok("GET", url, params={"year": 2024, "status": "deficit"})
    assert [(f["region"], f["deficit"]) for f in short] == [
        ("CN-BJ", 2),
        ("CN-HE", 1),
        ("US-CA", 1),
    ]
    assert api.regulator.ok("GET", url, params={"year": 2023}) == []
