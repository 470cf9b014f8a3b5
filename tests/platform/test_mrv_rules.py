"""The MRV workflow's refusals, tamper detection, recomputation differences and lists."""

from __future__ import annotations

import io
import json
from dataclasses import replace

from mrv_support import BASE, edited, example, fill_workbook, people
from openpyxl import load_workbook
from platform_testing import Api

from carbonledger.platform.mrv.models import Submission


def test_roles_other_enterprises_and_wrong_transitions(api: Api) -> None:
    w = people(api)
    sub = w.create(example("cement"))
    sid = sub["id"]
    path = f"{BASE}/submissions/{sid}"

    # anonymous, and the wrong roles (declared per route)
    assert api.client.get(path).status_code == 401
    anonymous = api.client.post(f"{BASE}/submissions", json={"document": example("cement")})
    assert anonymous.status_code == 401
    for who in (w.verifier, w.regulator, api.admin):
        r = who.post(f"{BASE}/submissions", json={"document": example("cement")})
        assert r.status_code == 403 and r.json()["code"] == "forbidden", who.kind
    r = w.enterprise.post(f"{path}/assign", json={"verifier_id": w.verifier.org_id})
    assert r.status_code == 403
    r = w.regulator.post(
        f"{path}/attest", json={"verified_t": 1, "opinion": "unqualified", "statement": "x"}
    )
    assert r.status_code == 403
    assert w.enterprise.get(f"{path}/recomputation").status_code == 403
    assert api.admin.get(f"{path}/evidence/1/content").status_code == 403

    # another enterprise sees nothing: 404, not 403
    other = api.organisation("enterprise", "Other Cement Co", industry="cement")
    assert other.get(path).status_code == 404
    assert other.put(path, json={"document": example("cement")}).status_code == 404
    assert other.post(f"{path}/submit").status_code == 404
    assert other.get(f"{path}/evidence").status_code == 404
    assert other.get(f"{path}/integrity").status_code == 404
    assert other.ok("GET", f"{BASE}/submissions")["total"] == 0
    assert w.regulator.ok("GET", path)["id"] == sid  # supervisors see everything
    assert api.admin.ok("GET", path)["id"] == sid

    # wrong transitions name the current and the expected status
    r = w.regulator.post(f"{path}/confirm")
    assert r.status_code == 409
    problem = r.json()
    assert problem["code"] == "wrong-status"
    assert "is draft" in problem["detail"] and "verified" in problem["detail"]
    assert problem["errors"] == [{"current_status": "draft", "expected_status": ["verified"]}]
    r = w.regulator.post(f"{path}/assign", json={"verifier_id": w.verifier.org_id})
    assert r.status_code == 409 and r.json()["errors"][0]["expected_status"] == [
        "assigned",
        "submitted",
    ]
    fix = w.enterprise.post(f"{path}/corrections", json={})
    assert fix.status_code == 409 and "rejected" in fix.json()["detail"]

    # no evidence: nothing to put on chain
    r = w.enterprise.post(f"{path}/submit")
    assert r.status_code == 422 and r.json()["code"] == "evidence-required"
    evidence = w.upload(sid, "invoice.pdf", b"invoice")
    # a regulator approved after the upload is a reader too (its key is wrapped on demand)
    late = api.organisation("regulator", "省生态环境厅 Provincial Regulator")
    assert w.download(late, sid, evidence["id"]) == b"invoice"
    assert w.download(late, sid, evidence["id"]) == b"invoice"
    w.submit(sid)
    r = w.enterprise.put(path, json={"document": example("cement")})
    assert r.status_code == 409 and r.json()["errors"][0]["current_status"] == "submitted"
    r = w.enterprise.delete(f"{path}/evidence/{evidence['id']}")
    assert r.status_code == 409
    r = w.enterprise.post(f"{path}/evidence", files={"file": ("late.pdf", b"late")})
    assert r.status_code == 409
    r = w.enterprise.post(f"{path}/submit")
    assert r.status_code == 409 and r.json()["errors"][0]["current_status"] == "submitted"
    # the verifier may act only once assigned, and only the assigned one
    w.assign(sid)
    other_verifier = api.organisation("verifier", "Unassigned Verifier Co")
    r = other_verifier.post(f"{path}/reject", json={"reason_code": 99, "reason": "no"})
    assert r.status_code == 404
    bad = w.verifier.post(f"{path}/reject", json={"reason_code": 7, "reason": "x"})
    assert bad.status_code == 422 and bad.json()["field"] == "body:reason_code"
    # a second report for the same year is refused while this one stands
    again = w.enterprise.post(f"{BASE}/submissions", json={"document": example("cement")})
    assert again.status_code == 409 and again.json()["code"] == "year-taken"
    assert again.json()["field"] == "body:document.period"


def test_quality_errors_block_submit_and_calculation_errors_name_the_field(api: Api) -> None:
    w = people(api)
    doc = example("cement")
    # a monthly line outside the reporting year: a quality error the engine does not see
    doc["facilities"][0]["lines"][1]["period"] = "2023-12"
    sub = w.create(doc)
    quality = sub["quality"]
    assert quality["blocking"] is True and quality["errors"] == 1
    assert quality["findings"][0]["code"] == "line-period-outside"
    assert quality["findings"][0]["path"] == "/facilities/0/lines/1/period"
    w.upload(sub["id"], "invoice.pdf", b"invoice")
    r = w.enterprise.post(f"{BASE}/submissions/{sub['id']}/submit")
    assert r.status_code == 422
    problem = r.json()
    assert problem["code"] == "quality-errors"
    assert problem["errors"][0]["field"] == "body:document.facilities.0.lines.1.period"
    assert w.enterprise.ok("GET", f"{BASE}/submissions/{sub['id']}")["status"] == "draft"

    # the form fixes it (PUT); cleaning is recorded as info findings
    doc["facilities"][0]["lines"][1]["period"] = "2024-12"
    doc["facilities"][0]["lines"][0]["quantity"]["value"] = "150,000"
    fixed = w.enterprise.ok("PUT", f"{BASE}/submissions/{sub['id']}", json={"document": doc})
    assert fixed["quality"]["errors"] == 0 and fixed["origin"] == "form"
    cleaned = [f for f in fixed["quality"]["findings"] if f["code"] == "number-cleaned"]
    assert cleaned and cleaned[0]["cleaned"] == "150000"
    assert fixed["document"]["facilities"][0]["lines"][0]["quantity"]["value"] == "150000"
    assert w.submit(sub["id"])["status"] == "submitted"

    # what the engine cannot calculate is refused, naming the field
    broken = edited(example("cement"), ("facilities", 0, "lines", 2, "quantity", "value"), -5)
    broken["period"] = {"year": 2023}
    r = w.enterprise.post(f"{BASE}/submissions", json={"document": broken})
    assert r.status_code == 422
    problem = r.json()
    assert problem["code"] == "calculation-failed"
    assert problem["field"] == "body:document.facilities.0.lines.2.quantity"
    assert "negative" in problem["detail"]
    [entry] = problem["errors"]
    assert entry["type"] == "negative" and entry["params"] == {"field": "quantity", "value": "-5"}
    assert entry["message"] == "quantity must not be negative, got -5"
    assert entry["message_zh"] == "活动数据不能为负数，实际为 -5"
    assert "扣减量" in entry["hint_zh"]
    unknown = edited(example("cement"), ("methodology",), "cn-2013-nothing@1")
    unknown["period"] = {"year": 2023}
    r = w.enterprise.post(f"{BASE}/submissions", json={"document": unknown})
    assert r.status_code == 422 and r.json()["field"] == "body:document.methodology"
    assert w.enterprise.ok("GET", f"{BASE}/submissions")["total"] == 1


def test_workbook_problems_name_sheet_row_and_column(api: Api) -> None:
    w = people(api, "power")
    template = w.enterprise.get(f"{BASE}/methodologies/cn-2013-grid@1/template.xlsx").content
    wb = load_workbook(io.BytesIO(fill_workbook(template, example("grid"))))
    wb["sf6_equipment"]["E6"] = "a lot"  # the second SF6 row's quantity
    out = io.BytesIO()
    wb.save(out)
    r = w.enterprise.post(
        f"{BASE}/submissions/excel", files={"file": ("grid.xlsx", out.getvalue())}
    )
    assert r.status_code == 422
    problem = r.json()
    assert problem["code"] == "workbook-invalid" and problem["field"] == "body:file"
    cell = problem["errors"][0]
    assert (cell["sheet"], cell["row"], cell["column"]) == ("sf6_equipment", 6, "E")
    assert cell["type"] == "not-a-number" and cell["params"] == {"value": "'a lot'"}
    assert cell["message"] == "expected a number, got 'a lot'"
    assert cell["message_zh"] == "应为数值，实际为 'a lot'"
    r = w.enterprise.post(f"{BASE}/submissions/excel", files={"file": ("x.xlsx", b"not a zip")})
    assert r.status_code == 422 and "xlsx" in r.json()["detail"]


def test_oversize_upload_is_413_and_leaves_nothing_behind(api: Api) -> None:
    w = people(api)
    sub = w.create(example("cement"))
    api.platform.settings = replace(api.platform.settings, max_upload_bytes=4096)
    r = w.enterprise.post(
        f"{BASE}/submissions/{sub['id']}/evidence", files={"file": ("big.bin", b"x" * 4097)}
    )
    assert r.status_code == 413
    assert r.json()["code"] == "file-too-large" and r.json()["field"] == "body:file"
    assert list(api.platform.settings.evidence_dir.iterdir()) == []
    assert w.enterprise.ok("GET", f"{BASE}/submissions/{sub['id']}/evidence") == []
    exactly = w.upload(sub["id"], "fits.bin", b"y" * 4096)
    assert exactly["size"] == 4096
    template = w.enterprise.get(f"{BASE}/methodologies/cn-2013-grid@1/template.xlsx").content
    r = w.enterprise.post(f"{BASE}/submissions/excel", files={"file": ("t.xlsx", template)})
    assert r.status_code == 413
    # a declared length far over the limit is refused before the body is read
    huge = b"z" * (4096 + 128 * 1024)
    r = w.enterprise.post(
        f"{BASE}/submissions/{sub['id']}/evidence", files={"file": ("huge.bin", huge)}
    )
    assert r.status_code == 413 and "request body" in r.json()["detail"]

    # a draft's evidence can be deleted, file and all
    w.enterprise.ok("DELETE", f"{BASE}/submissions/{sub['id']}/evidence/{exactly['id']}", 204)
    assert list(api.platform.settings.evidence_dir.iterdir()) == []


def test_a_flipped_byte_in_stored_evidence_is_detected(api: Api) -> None:
    w = people(api)
    sub = w.create(example("cement"))
    w.upload(sub["id"], "invoice.pdf", b"fuel invoice " * 1000)
    second = w.upload(sub["id"], "weighbridge.csv", b"weighbridge tickets " * 1000)
    w.submit(sub["id"])
    path = f"{BASE}/submissions/{sub['id']}/integrity"
    before = w.enterprise.ok("GET", path)
    assert before["evidence_intact"] is True
    assert before["on_chain_root"] == before["recomputed_root"] == before["stored_root"]

    stored = sorted(api.platform.settings.evidence_dir.iterdir(), key=lambda p: p.stat().st_mtime)
    target = stored[1]  # the second upload
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))

    w.assign(sub["id"])
    for who in (w.enterprise, w.regulator, w.verifier, api.admin):
        after = who.ok("GET", path)
        assert after["evidence_intact"] is False, who.kind
        statuses = {f["id"]: f["status"] for f in after["files"]}
        assert statuses[second["id"]] == "tampered"
        assert list(statuses.values()).count("intact") == 1
        assert after["recomputed_root"] != after["on_chain_root"]
    review = w.verifier.ok("GET", f"{BASE}/submissions/{sub['id']}/recomputation")
    assert review["evidence_intact"] is False and review["matches"] is True

    target.unlink()
    gone = w.regulator.ok("GET", path)
    assert {f["id"]: f["status"] for f in gone["files"]}[second["id"]] == "missing"


def test_recomputation_shows_where_the_stored_result_differs(api: Api) -> None:
    w = people(api)
    sub = w.create(example("cement"))
    w.upload(sub["id"], "invoice.pdf", b"invoice")
    w.submit(sub["id"])
    w.assign(sub["id"])
    # someone with database access edits the stored result after submission
    with api.platform.sessions.begin() as s:
        row = s.get(Submission, sub["id"])
        assert row is not None
        report = json.loads(row.report)
        report["totals"]["co2e"] = "1000"
        row.report = json.dumps(report)
    review = w.verifier.ok("GET", f"{BASE}/submissions/{sub['id']}/recomputation")
    assert review["matches"] is False
    assert review["differences"] == [
        {
            "path": "/totals/co2e",
            "stored": "1000",
            "recomputed": sub["calculation"]["report"]["totals"]["co2e"],
        }
    ]
    assert review["calculation_digest_matches_chain"] is True
    assert review["evidence_intact"] is True


def test_lists_filter_sort_and_page_by_what_each_role_may_see(api: Api) -> None:
    w = people(api)
    steel = api.organisation("enterprise", "宝钢 Example Steel", industry="steel")
    cement = w.create(example("cement"))
    w.create(edited(example("cement"), ("period",), {"year": 2023}))
    steel_sub = w.create(example("steel"), who=steel)
    w.upload(cement["id"], "invoice.pdf", b"invoice")
    w.submit(cement["id"])
    w.assign(cement["id"])

    everything = w.regulator.ok("GET", f"{BASE}/submissions")
    assert everything["total"] == 3
    assert [s["id"] for s in everything["items"]] == sorted(
        (s["id"] for s in everything["items"]), reverse=True
    )
    by_year = w.regulator.ok("GET", f"{BASE}/submissions", params={"year": 2023})
    assert by_year["total"] == 1 and by_year["items"][0]["year"] == 2023
    by_status = w.regulator.ok("GET", f"{BASE}/submissions", params={"status": "assigned"})
    assert [s["id"] for s in by_status["items"]] == [cement["id"]]
    by_method = w.regulator.ok(
        "GET", f"{BASE}/submissions", params={"methodology": steel_sub["methodology"]}
    )
    assert [s["id"] for s in by_method["items"]] == [steel_sub["id"]]
    by_org = w.regulator.ok(
        "GET", f"{BASE}/submissions", params={"enterprise_id": w.enterprise.org_id, "sort": "year"}
    )
    assert [s["year"] for s in by_org["items"]] == [2023, 2024]
    page = w.regulator.ok(
        "GET", f"{BASE}/submissions", params={"limit": 1, "offset": 1, "sort": "id"}
    )
    assert page["total"] == 3 and len(page["items"]) == 1
    assert page["items"][0]["id"] == sorted(s["id"] for s in everything["items"])[1]
    bad = w.regulator.get(f"{BASE}/submissions", params={"sort": "secret"})
    assert bad.status_code == 422 and bad.json()["field"] == "query:sort"

    assert w.enterprise.ok("GET", f"{BASE}/submissions")["total"] == 2
    assert [s["id"] for s in steel.ok("GET", f"{BASE}/submissions")["items"]] == [steel_sub["id"]]
    assert [s["id"] for s in w.verifier.ok("GET", f"{BASE}/submissions")["items"]] == [cement["id"]]
    assert api.admin.ok("GET", f"{BASE}/submissions")["total"] == 3
