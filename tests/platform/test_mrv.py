"""The MRV workflow end to end, through HTTP: enterprise → regulator → verifier → regulator,
checked against the chain."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from mrv_support import BASE, example, fill_workbook, people
from platform_testing import Api

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.factors import factor_table
from carbonledger.ledger.contracts import ReportState
from carbonledger.platform.merkle import merkle_root

INVOICE = b"%PDF-1.7 fuel invoice: 150000 t bituminous coal, supplier Datong Coal " * 300
METER = b"electricity meter readings 2024: 85000 MWh, grid company statement " * 50


def test_cement_from_json_through_confirmation(api: Api) -> None:
    w = people(api, "cement")
    doc = example("cement")
    sub = w.create(doc)
    assert (sub["status"], sub["year"], sub["version"]) == ("draft", 2024, 1)
    assert sub["methodology"] == "cn-2013-cement@1" and sub["origin"] == "json"
    expected = calculate_dict(doc)
    calc = sub["calculation"]
    assert Decimal(calc["total_co2e"]) == expected.total
    assert calc["claimed_t"] == 885178  # 885178.20... rounded half up
    assert calc["result_digest"] == expected.result_digest
    assert calc["input_digest"] == expected.input_digest
    lines = calc["report"]["lines"]
    assert len(lines) == len(expected.lines)
    assert all(line["formula"] and line["terms"] for line in lines)
    assert sub["quality"] == {"blocking": False, "errors": 0, "warnings": 0, "findings": []}

    invoice = w.upload(sub["id"], "发票 invoice.pdf", INVOICE)
    meter = w.upload(sub["id"], "meter.csv", METER)
    assert invoice["sha256"] == hashlib.sha256(INVOICE).hexdigest()
    assert invoice["size"] == len(INVOICE)
    # at rest, nothing of the plaintext is readable
    stored = [p for p in api.platform.settings.evidence_dir.iterdir() if p.is_file()]
    assert len(stored) == 2
    for path in stored:
        raw = path.read_bytes()
        assert b"fuel invoice" not in raw and b"meter readings" not in raw
        assert path.name not in ("发票 invoice.pdf", "meter.csv")
    assert w.download(w.enterprise, sub["id"], invoice["id"]) == INVOICE
    assert w.download(w.regulator, sub["id"], meter["id"]) == METER

    # submit twice with one idempotency key: one chain transaction, the same answer
    first = w.submit(sub["id"], key="submit-cement-2024")
    r = w.enterprise.post(
        f"{BASE}/submissions/{sub['id']}/submit",
        headers={"Idempotency-Key": "submit-cement-2024"},
    )
    assert r.status_code == 200 and r.headers.get("Idempotent-Replayed") == "true"
    assert r.json() == first
    suite = api.platform.require_gateway().suite
    assert suite.reports.latest_version(w.enterprise.address, 2024) == 1
    assert first["status"] == "submitted"
    chain = first["chain"]
    root = merkle_root([hashlib.sha256(INVOICE).digest(), hashlib.sha256(METER).digest()])
    assert chain["evidence_root"] == root.hex()

    # the verifier sees nothing until assigned
    other = api.organisation("verifier", "Another Verifier Co")
    assert w.verifier.get(f"{BASE}/submissions/{sub['id']}").status_code == 404
    w.assign(sub["id"])
    assert other.get(f"{BASE}/submissions/{sub['id']}").status_code == 404
    denied = other.get(f"{BASE}/submissions/{sub['id']}/evidence/{invoice['id']}/content")
    assert denied.status_code == 404
    assert w.download(w.verifier, sub["id"], invoice["id"]) == INVOICE

    again = w.verifier.ok("GET", f"{BASE}/submissions/{sub['id']}/recomputation")
    assert again["matches"] is True and again["differences"] == []
    assert again["recomputed_result_digest"] == calc["result_digest"]
    assert again["calculation_digest_matches_chain"] is True
    assert again["evidence_intact"] is True
    assert [f["status"] for f in again["evidence"]["files"]] == ["intact", "intact"]

    statement = "Verified the 2024 emissions of 江南水泥; fairly stated. 核查结论: 无保留意见"
    attested = w.verifier.ok(
        "POST",
        f"{BASE}/submissions/{sub['id']}/attest",
        json={"verified_t": 885178, "opinion": "unqualified", "statement": statement},
    )
    assert attested["status"] == "verified"
    assert attested["document_hash"] == hashlib.sha256(statement.encode()).hexdigest()
    confirmed = w.regulator.ok("POST", f"{BASE}/submissions/{sub['id']}/confirm")
    assert confirmed["status"] == "confirmed"

    # the chain holds what the API reports
    on_chain = suite.reports.report(chain["report_id"])
    assert on_chain.enterprise.lower() == w.enterprise.address
    assert on_chain.period == 2024 and on_chain.version == 1
    assert on_chain.evidence_root.hex() == chain["evidence_root"]
    assert "sha256:" + on_chain.calculation_digest.hex() == calc["result_digest"]
    assert on_chain.methodology.rstrip(b"\0") == b"cn-2013-cement@1"
    assert on_chain.claimed_t == calc["claimed_t"]
    assert on_chain.verifier.lower() == w.verifier.address
    assert (on_chain.verified_t, on_chain.opinion) == (885178, 1)
    assert on_chain.document_hash.hex() == attested["document_hash"]
    assert on_chain.state == ReportState.CONFIRMED
    assert suite.reports.confirmed_emissions(w.enterprise.address, 2024) == 885178
    steps = [(h["action"], h["to_status"]) for h in confirmed["history"]]
    assert steps == [
        ("create", "draft"),
        ("submit", "submitted"),
        ("assign", "assigned"),
        ("attest", "verified"),
        ("confirm", "confirmed"),
    ]
    assert all(h["tx_hash"] and h["block"] for h in confirmed["history"][1:])
    assert confirmed["history"][1]["tx_hash"] == chain["tx_hash"]

    audit = api.admin.ok("GET", "/api/v1/admin/audit", params={"limit": 200})
    actions = [e["action"] for e in audit["items"] if e["action"].startswith("mrv.")]
    for action in ("mrv.create", "mrv.evidence-add", "mrv.submit", "mrv.assign", "mrv.attest"):
        assert action in actions
    assert actions.count("mrv.submit") == 1  # the replay did not run again
    assert api.admin.ok("GET", "/api/v1/admin/audit/verify")["intact"] is True


def test_grid_from_excel_rejected_then_corrected_as_version_2(api: Api) -> None:
    w = people(api, "power")
    doc = example("grid")
    r = w.enterprise.get(
        f"{BASE}/methodologies/cn-2013-grid@1/template.xlsx", params={"lang": "en-US"}
    )
    assert r.status_code == 200 and r.content[:2] == b"PK"
    workbook = fill_workbook(r.content, doc)
    sub = w.enterprise.ok(
        "POST",
        f"{BASE}/submissions/excel",
        201,
        files={"file": ("grid-2024.xlsx", workbook, "application/octet-stream")},
    )
    expected = calculate_dict(doc)
    assert sub["origin"] == "excel" and sub["methodology"] == "cn-2013-grid@1"
    assert Decimal(sub["calculation"]["total_co2e"]) == expected.total
    assert sub["calculation"]["input_digest"] == expected.input_digest
    # the two SF6 lines of one facility are a duplicate warning, which does not block
    assert sub["quality"]["warnings"] == 1 and not sub["quality"]["blocking"]
    assert sub["quality"]["findings"][0]["code"] == "duplicate-line"

    w.upload(sub["id"], "sf6-ledger.pdf", b"SF6 recovery ledger 2024")
    submitted = w.submit(sub["id"])
    w.assign(submitted["id"])
    rejected = w.verifier.ok(
        "POST",
        f"{BASE}/submissions/{sub['id']}/reject",
        json={"reason_code": 2, "reason": "no recovery certificates for the GIS repair"},
    )
    assert rejected["status"] == "rejected"
    assert (rejected["reject_code"], rejected["reject_reason"]) == (
        2,
        "no recovery certificates for the GIS repair",
    )
    suite = api.platform.require_gateway().suite
    first_id = submitted["chain"]["report_id"]
    assert suite.reports.report(first_id).state == ReportState.REJECTED
    assert suite.reports.report(first_id).reject_reason == 2

    # a correction: a new draft (the document copied) that supersedes the rejected one
    fix = w.enterprise.ok("POST", f"{BASE}/submissions/{sub['id']}/corrections", 201, json={})
    assert (fix["status"], fix["version"], fix["supersedes_id"]) == ("draft", 2, sub["id"])
    assert fix["calculation"]["result_digest"] == sub["calculation"]["result_digest"]
    twice = w.enterprise.post(f"{BASE}/submissions/{sub['id']}/corrections", json={})
    assert twice.status_code == 409 and twice.json()["code"] == "already-corrected"
    w.upload(fix["id"], "sf6-ledger.pdf", b"SF6 recovery ledger 2024")
    w.upload(fix["id"], "gis-certificate.pdf", b"GIS repair recovery certificate")
    resubmitted = w.submit(fix["id"])
    assert resubmitted["chain"]["version"] == 2
    old = w.enterprise.ok("GET", f"{BASE}/submissions/{sub['id']}")
    assert old["status"] == "superseded"
    assert suite.reports.report(first_id).state == ReportState.SUPERSEDED
    w.assign(fix["id"])
    w.verifier.ok(
        "POST",
        f"{BASE}/submissions/{fix['id']}/attest",
        json={"verified_t": 3420874, "opinion": "qualified", "statement": "qualified: see annex"},
    )
    done = w.regulator.ok("POST", f"{BASE}/submissions/{fix['id']}/confirm")
    second = suite.reports.report(done["chain"]["report_id"])
    assert (second.version, second.state, second.opinion) == (2, ReportState.CONFIRMED, 2)
    assert suite.reports.report_id_of(w.enterprise.address, 2024, 2) == done["chain"]["report_id"]
    assert suite.reports.confirmed_emissions(w.enterprise.address, 2024) == 3420874


def test_methodologies_and_templates(api: Api) -> None:
    listed = api.client.get(f"{BASE}/methodologies").json()
    ids = {m["id"] for m in listed}
    assert {"cn-2013-cement@1", "cn-2013-grid@1", "cn-mee-power@1"} <= ids
    cement = next(m for m in listed if m["id"] == "cn-2013-cement@1")
    assert cement["name_zh"] and cement["name_en"] and cement["sectors"] == ["cement"]
    assert cement["valid_from"] == "2013-10-15"
    template = api.client.get(f"{BASE}/methodologies/cn-2013-cement/template.json").json()
    assert template["methodology"] == "cn-2013-cement@1"
    assert template["schema"] == "carbonledger/activity-data@1"
    zh = api.client.get(f"{BASE}/methodologies/cn-2013-cement@1/template.xlsx")
    assert zh.status_code == 200 and zh.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    missing = api.client.get(f"{BASE}/methodologies/no-such@1/template.xlsx")
    assert missing.status_code == 404
    bad_lang = api.client.get(
        f"{BASE}/methodologies/cn-2013-cement@1/template.xlsx", params={"lang": "fr"}
    )
    assert bad_lang.status_code == 422 and bad_lang.json()["field"] == "query:lang"


def test_methodology_guide_has_the_page_sources_and_defaults_with_provenance(api: Api) -> None:
    guide = api.client.get(f"{BASE}/methodologies/cn-2013-cement/guide")
    assert guide.status_code == 200
    g = guide.json()
    assert g["id"] == "cn-2013-cement@1" and g["factor_sets"] == ["cn-ndrc-2013@1"]
    assert {o["name"] for o in g["options"]} == {"grid_region"}
    # the page in both languages, its tables rendered, raw HTML never passed through
    assert "<table>" in g["html_zh"] and "熟料" in g["html_zh"]
    assert "<table>" in g["html_en"] and "clinker" in g["html_en"]
    assert "<script" not in g["html_zh"] + g["html_en"]
    sources = {s["source"]: s for s in g["sources"]}
    clinker = {p["name"]: p for p in sources["clinker"]["parameters"]}
    assert clinker["cao"]["required"] and clinker["cao"]["default"] is None
    # the default NCV of bituminous coal is the factor table's, with where it comes from
    ncv = next(
        d
        for d in sources["fuel_combustion"]["defaults"]
        if d["parameter"] == "ncv" and d["material"] == "bituminous_coal"
    )
    row = factor_table("cn-ndrc-2013@1")["fuel.bituminous_coal.ncv"]
    assert (Decimal(ncv["value"]), ncv["unit"]) == (row.value, row.unit)
    assert ncv["document"] == row.document and ncv["status"] == "official"
    assert api.client.get(f"{BASE}/methodologies/no-such@1/guide").status_code == 404
