from __future__ import annotations

from chain_helpers import allocate, confirmed_report, enterprise
from eth_utils.address import to_checksum_address
from platform_testing import Api
from sqlalchemy import update

from carbonledger.ledger.indexer import allowance_balances
from carbonledger.ledger.indexer import events as ledger_events


def test_histories_of_allowances_serials_and_reports_verify_against_the_chain(api: Api) -> None:
    a = api.organisation("enterprise", "甲电力 Alpha Power")
    b = api.organisation("enterprise", "乙电力 Beta Power")
    allocate(api, 2024, {a.org_id: 500})
    a.ok(
        "POST",
        "/api/v1/registry/transfers/allowances",
        201,
        json={"to_org_id": b.org_id, "vintage": 2024, "amount": 200},
    )
    report_id = confirmed_report(api, a.org_id, 2024, 250)
    api.regulator.ok("POST", "/api/v1/compliance/eligibility", json={"year": 2024, "vintage": 2024})
    a.ok(
        "POST",
        "/api/v1/compliance/surrenders/allowances",
        201,
        json={"year": 2024, "vintage": 2024, "amount": 240},
    )

    hist = a.ok(
        "GET", "/api/v1/explorer/allowances/history", params={"vintage": 2024, "verify": "true"}
    )
    names = [i["event"] for i in hist["items"]]
    assert names[:2] == ["TransferSingle", "Allocated"]  # issuance
    assert "AllowancesSurrendered" in names and names.count("TransferSingle") == 3
    assert all(i["block_number"] > 0 and len(i["tx_hash"]) == 66 for i in hist["items"])
    assert hist["all_verified"] is True
    assert all(i["verification"]["log_present"] for i in hist["items"])
    b_account = to_checksum_address(str(b.address))
    transfer = next(
        i
        for i in hist["items"]
        if i["event"] == "TransferSingle" and i["args"]["receiver"] == b_account
    )
    assert transfer["parties"][b_account] == b.org_id  # the chain account named by org id
    assert (
        a.get(
            "/api/v1/explorer/allowances/history", params={"vintage": 2024, "org_id": b.org_id}
        ).status_code
        == 404
    )
    seen = api.regulator.ok(
        "GET", "/api/v1/explorer/allowances/history", params={"vintage": 2024, "org_id": b.org_id}
    )
    assert [i["event"] for i in seen["items"]] == ["TransferSingle"]

    rep = a.ok("GET", f"/api/v1/explorer/reports/{report_id}/history", params={"verify": True})
    assert [i["event"] for i in rep["items"]][:4] == [
        "ReportSubmitted",
        "VerifierAssigned",
        "ReportVerified",
        "ReportConfirmed",
    ]
    assert rep["items"][-1]["event"] == "AllowancesSurrendered" and rep["all_verified"] is True
    assert b.get(f"/api/v1/explorer/reports/{report_id}/history").status_code == 404

    # offsets: issue -> transfer part -> retire a part of that; trace the retired serials
    api.regulator.ok(
        "POST",
        "/api/v1/registry/offsets/projects",
        201,
        json={
            "project_id": 77,
            "developer_org_id": a.org_id,
            "methodology": "CMS-001-V01",
            "region": "CN-QH",
            "name": "青海光伏 Qinghai solar",
        },
    )
    issued = api.regulator.ok(
        "POST",
        "/api/v1/registry/offsets/issuances",
        201,
        json={"project_id": 77, "vintage": 2022, "amount": 300},
    )
    moved = a.ok(
        "POST",
        "/api/v1/registry/transfers/offsets",
        201,
        json={"to_org_id": b.org_id, "block_id": issued["block_id"], "amount": 120},
    )
    cert = b.ok(
        "POST",
        "/api/v1/registry/offsets/retirements",
        201,
        json={"block_id": moved["block_id"], "amount": 50, "beneficiary": "Beta Power"},
    )
    serials = b.ok(
        "GET",
        "/api/v1/explorer/offsets/history",
        params={"first": cert["first_serial"], "last": cert["last_serial"], "verify": True},
    )
    assert [i["event"] for i in serials["items"]] == [
        "Issued",
        "BlockSplit",
        "BlockTransferred",
        "BlockSplit",
        "Retired",
    ]
    assert serials["all_verified"] is True
    assert serials["items"][-1]["tx_hash"] == cert["tx_hash"]
    by_block = b.ok(
        "GET", "/api/v1/explorer/offsets/history", params={"block_id": cert["block_id"]}
    )
    assert [i["event"] for i in by_block["items"]] == [i["event"] for i in serials["items"]]
    # A surrenders 10 of the serials it kept (121-300) for 2024, within its 12 t cap
    a.ok(
        "POST",
        "/api/v1/compliance/surrenders/offsets",
        201,
        json={"year": 2024, "block_id": issued["block_id"], "amount": 10},
    )
    gone = a.ok(
        "GET",
        "/api/v1/explorer/offsets/history",
        params={"first": 121, "last": 130, "verify": True},
    )
    assert [i["event"] for i in gone["items"]] == [
        "Issued",
        "BlockSplit",
        "Surrendered",
        "OffsetsSurrendered",
    ]
    assert gone["all_verified"] is True
    # serials the developer kept never moved: their history is the issuance alone
    kept = a.ok("GET", "/api/v1/explorer/offsets/history", params={"first": 200, "last": 300})
    assert [i["event"] for i in kept["items"]] == ["Issued"]
    stranger = api.organisation("enterprise", "Stranger Co")
    assert (
        stranger.get(
            "/api/v1/explorer/offsets/history", params={"first": 1, "last": 50}
        ).status_code
        == 404
    )
    bad = b.get("/api/v1/explorer/offsets/history", params={"first": 9, "last": 3})
    assert bad.status_code == 422 and bad.json()["field"] == "query:first"
    [entry] = bad.json()["errors"]
    assert (entry["type"], entry["params"]) == ("range_reversed", {"first": 9, "last": 3})

    # a projection row that no longer matches its transaction fails verification
    retired = serials["items"][-1]
    with api.platform.sessions.begin() as s:
        s.execute(
            update(ledger_events)
            .where(
                ledger_events.c.tx_hash == retired["tx_hash"],
                ledger_events.c.log_index == retired["log_index"],
            )
            .values(log_index=retired["log_index"] + 100)
        )
    forged = b.ok(
        "GET",
        "/api/v1/explorer/offsets/history",
        params={"first": cert["first_serial"], "last": cert["last_serial"], "verify": True},
    )
    assert forged["all_verified"] is False
    assert forged["items"][-1]["verification"] == {
        "receipt_found": True,
        "status_ok": True,
        "same_block": True,
        "log_present": False,
    }


def test_public_figures_are_aggregates_and_the_ledger_reconciles(api: Api) -> None:
    crowd = [
        enterprise(api, f"水泥厂 Cement {i}", industry="cement", region="CN-AH") for i in range(3)
    ]
    loner = enterprise(api, "唯一铝厂 Only Aluminium", industry="aluminium", region="CN-XJ")
    allocate(api, 2024, {o["id"]: 1000 for o in [*crowd, loner]})
    for i, org in enumerate(crowd):
        confirmed_report(api, org["id"], 2024, 900 + i)
    confirmed_report(api, loner["id"], 2024, 4321)

    r = api.client.get("/api/v1/public/figures", params={"year": 2024})
    assert r.status_code == 200  # no login
    figures = r.json()
    assert figures["allowances"] == [
        {"vintage": 2024, "allocated": 4000, "deducted": 0, "surrendered": 0, "escrowed": 0}
    ]
    (year,) = figures["emissions"]
    assert year["groups"] == [
        {
            "year": 2024,
            "industry": "cement",
            "region": "CN-AH",
            "enterprises": 3,
            "confirmed_emissions_t": 900 + 901 + 902,
        }
    ]
    assert year["suppressed_enterprises"] == 1
    assert figures["compliance"] == [
        {"year": 2024, "enterprises": 4, "compliant": 0, "deficit": 0, "pending": 4}
    ]
    text = r.text.lower()
    for org in [*crowd, loner]:
        assert org["address"].lower() not in text
        assert org["name"].lower() not in text
        assert org["credit_code"].lower() not in text
    assert "4321" not in text  # the lone enterprise's emissions are in no figure
    assert '"org_id"' not in text

    assert api.regulator.get("/api/v1/admin/ledger/reconcile").status_code == 403
    assert api.client.get("/api/v1/admin/ledger/status").status_code == 401
    rec = api.admin.ok("GET", "/api/v1/admin/ledger/reconcile")
    assert rec == {"consistent": True, "indexed_block": rec["indexed_block"], "mismatches": []}
    status = api.admin.ok("GET", "/api/v1/admin/ledger/status")
    assert status["lag_blocks"] == 0 and status["indexed_block"] == rec["indexed_block"]
    assert status["events"] > 0

    # a projection balance edited behind the indexer's back is reported
    with api.platform.sessions.begin() as s:
        s.execute(
            update(allowance_balances)
            .where(allowance_balances.c.account == to_checksum_address(loner["address"]))
            .values(balance=allowance_balances.c.balance + 1)
        )
    broken = api.admin.ok("GET", "/api/v1/admin/ledger/reconcile")
    assert broken["consistent"] is False
    assert [(m["what"], m["sql"], m["chain"]) for m in broken["mismatches"]] == [
        ("allowances", 1001, 1000)
    ]


def test_blocks_name_events_only_and_a_transaction_is_shown_to_its_parties(api: Api) -> None:
    a = api.organisation("enterprise", "丙电力 Gamma Power")
    b = api.organisation("enterprise", "丁电力 Delta Power")
    batch = allocate(api, 2025, {a.org_id: 300})
    tx = batch["transactions"][0]

    latest = api.client.get("/api/v1/explorer/blocks", params={"limit": 5}).json()  # public
    assert latest["head_block"] >= tx["block_number"] and latest["blocks"]
    numbers = [blk["block_number"] for blk in latest["blocks"]]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) <= 5
    one = api.client.get(f"/api/v1/explorer/blocks/{tx['block_number']}").json()
    [blk] = one["blocks"]
    [summary] = [t for t in blk["transactions"] if t["tx_hash"] == tx["tx_hash"]]
    assert "allowances.Allocated" in summary["events"]
    assert "args" not in str(one)  # names only: no amounts or accounts in public
    assert api.client.get("/api/v1/explorer/blocks/999999999").status_code == 404
    older = api.client.get(
        "/api/v1/explorer/blocks", params={"before": tx["block_number"], "limit": 3}
    ).json()
    assert all(blk["block_number"] < tx["block_number"] for blk in older["blocks"])

    path = f"/api/v1/explorer/transactions/{tx['tx_hash']}"
    mine = a.ok("GET", path)
    assert {i["event"] for i in mine["items"]} >= {"Allocated"}
    assert all(i["tx_hash"] == tx["tx_hash"] for i in mine["items"])
    allocated = next(i for i in mine["items"] if i["event"] == "Allocated")
    assert a.org_id in allocated["parties"].values()
    assert api.regulator.ok("GET", path)["total"] == mine["total"]
    assert b.get(path).status_code == 404  # not a party
    assert api.client.get(path).status_code == 401
    assert a.get("/api/v1/explorer/transactions/0x12").status_code == 422
