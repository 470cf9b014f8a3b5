from __future__ import annotations

import json
from importlib import resources

from chain_helpers import allocate, enterprise, enterprises
from platform_testing import Api

from carbonledger.accounting.allocation import allocate as engine_allocate
from carbonledger.accounting.allocation import parse_allocation_request
from carbonledger.accounting.submission import parse_json_text

EXAMPLES = resources.files("carbonledger.accounting") / "data" / "examples"


def example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def test_allocation_preview_matches_the_engine_and_batches_go_in_chunks_of_64(api: Api) -> None:
    reg = api.regulator
    texts = [example("allocation-grandfathering.json"), example("allocation-coal-two-units.json")]
    body = '{"requests": [' + ",".join(texts) + "]}"
    previews = reg.ok(
        "POST",
        "/api/v1/registry/allocations/preview",
        content=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    for text, got in zip(texts, previews, strict=True):
        want = engine_allocate(parse_allocation_request(parse_json_text(text)))
        assert got["allowances"] == want.total
        assert got["pre_allocation"] == want.total_pre_allocation
        assert got["true_up"] == want.total_true_up
        assert got["result_digest"] == want.result_digest
        assert got["input_digest"] == want.input_digest
        assert got["result"] == json.loads(want.to_json())
    # the worked examples of src/carbonledger/accounting/guides/allocation.md
    assert previews[0]["allowances"] == 150512
    assert (previews[1]["allowances"], previews[1]["true_up"]) == (3925901, 1392958)
    assert previews[1]["result"]["provenance"], "the benchmark rows used are listed"

    broken = json.loads(texts[0])
    del broken["units"][0]["reduction_factor"]
    bad = reg.post(
        "/api/v1/registry/allocations/preview",
        json={"requests": [json.loads(texts[0]), broken]},
    )
    assert bad.status_code == 422, bad.text
    assert bad.json()["field"] == "body:requests[1]"
    assert "$.units[0]" in bad.json()["detail"]
    [entry] = bad.json()["errors"]
    assert (entry["type"], entry["params"]) == ("required", {"field": "reduction_factor"})
    assert entry["message_zh"] == "缺少调整系数（reduction_factor）"
    assert entry["hint_zh"] == "主管部门规定的调整系数，例如 0.98（1 表示不调整）"
    assert (
        api.organisation("enterprise", "Peeker")
        .post("/api/v1/registry/allocations/preview", json={"requests": [json.loads(texts[0])]})
        .status_code
        == 403
    )

    # 66 receivers: one engine-computed, 65 explicit -> two transactions (64 + 2)
    orgs = enterprises(api, 65, "Batch")
    engine_org = enterprise(api, "示例化工 Example Chemicals", industry="chemicals")["id"]
    items: list[dict[str, object]] = [
        {"org_id": org, "amount": 1000 + i} for i, org in enumerate(orgs)
    ]
    items.insert(10, {"org_id": engine_org, "request": json.loads(texts[0])})
    out = reg.ok(
        "POST",
        "/api/v1/registry/allocations",
        201,
        json={"vintage": 2024, "kind": "free", "items": items},
    )
    assert len(out["transactions"]) == 2
    first_tx, second_tx = (t["tx_hash"] for t in out["transactions"])
    txs = [a["tx_hash"] for a in out["allocations"]]
    assert txs == [first_tx] * 64 + [second_tx] * 2
    assert out["total"] == sum(1000 + i for i in range(65)) + 150512
    by_org = {a["org_id"]: a for a in out["allocations"]}
    engine_row = by_org[engine_org]
    assert (engine_row["amount"], engine_row["method"]) == (150512, "grandfathering")
    assert engine_row["digest"] == previews[0]["result_digest"]
    assert by_org[orgs[0]]["method"] == "explicit" and by_org[orgs[0]]["digest"] == ""

    listed = reg.ok(
        "GET", "/api/v1/registry/allocations", params={"batch": out["batch"], "limit": 200}
    )
    assert listed["total"] == 66
    for org, amount in ((orgs[0], 1000), (orgs[64], 1064), (engine_org, 150512)):
        bal = reg.ok("GET", "/api/v1/registry/balances", params={"org_id": org})
        assert bal["allowances"] == [{"vintage": 2024, "balance": amount, "escrowed": 0}]
    chain = api.platform.require_gateway().suite.allowances
    assert chain.totals(2024)["allocated"] == out["total"]

    # a request for another year than the vintage is refused, naming the field
    wrong = reg.post(
        "/api/v1/registry/allocations",
        json={"vintage": 2025, "items": [{"org_id": engine_org, "request": json.loads(texts[0])}]},
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "body:items[0].request.year"
    both = reg.post(
        "/api/v1/registry/allocations",
        json={
            "vintage": 2024,
            "items": [{"org_id": orgs[0], "amount": 5}, {"org_id": orgs[0], "amount": 6}],
        },
    )
    assert both.status_code == 422 and both.json()["field"] == "body:items[1].org_id"


def test_transfers_coin_deposit_and_withdrawal_and_visibility(api: Api) -> None:
    a = api.organisation("enterprise", "甲钢铁 Alpha Steel", industry="steel")
    b = api.organisation("enterprise", "乙玻璃 Beta Glass", industry="glass")
    bank = api.organisation("finance", "绿色银行 Green Bank")
    allocate(api, 2024, {a.org_id: 1000})

    key = {"Idempotency-Key": "t-1"}
    body = {"to_org_id": b.org_id, "vintage": 2024, "amount": 300}
    moved = a.ok("POST", "/api/v1/registry/transfers/allowances", 201, json=body, headers=key)
    again = a.post("/api/v1/registry/transfers/allowances", json=body, headers=key)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["tx_hash"] == moved["tx_hash"]
    assert a.ok("GET", "/api/v1/registry/balances")["allowances"][0]["balance"] == 700
    assert b.ok("GET", "/api/v1/registry/balances")["allowances"][0]["balance"] == 300

    too_much = a.post(
        "/api/v1/registry/transfers/allowances",
        json={"to_org_id": b.org_id, "vintage": 2024, "amount": 701},
    )
    assert too_much.status_code == 409, too_much.text
    assert too_much.json()["code"] == "insufficient-balance"
    assert too_much.json()["field"] == "body:amount"
    assert "700" in too_much.json()["detail"]
    assert too_much.json()["params"] == {"have_t": 700, "want_t": 701}
    # another organisation's balances are not there for an enterprise; the regulator sees them
    assert a.get("/api/v1/registry/balances", params={"org_id": b.org_id}).status_code == 404
    seen = api.regulator.ok("GET", "/api/v1/registry/balances", params={"org_id": b.org_id})
    assert seen["allowances"][0]["balance"] == 300
    assert b.ok("GET", "/api/v1/registry/allocations")["total"] == 0
    assert a.ok("GET", "/api/v1/registry/allocations")["items"][0]["amount"] == 1000
    to_bank = a.post(
        "/api/v1/registry/transfers/allowances",
        json={"to_org_id": bank.org_id, "vintage": 2024, "amount": 1},
    )
    assert to_bank.status_code == 422 and to_bank.json()["field"] == "body:to_org_id"

    # coin: the bank mints against a fiat deposit; enterprises cannot
    dep = {"org_id": a.org_id, "amount_cents": 50_000_00, "reference": "CNAPS-0001"}
    assert a.post("/api/v1/registry/coin/deposits", json=dep).status_code == 403
    bank.ok("POST", "/api/v1/registry/coin/deposits", 201, json=dep)
    dup = bank.post("/api/v1/registry/coin/deposits", json=dep)
    assert dup.status_code == 409 and dup.json()["field"] == "body:reference"
    a.ok(
        "POST",
        "/api/v1/registry/transfers/coin",
        201,
        json={"to_org_id": b.org_id, "amount_cents": 10_000_00},
    )
    assert b.ok("GET", "/api/v1/registry/balances")["coin_cents"] == 10_000_00
    w = a.ok(
        "POST",
        "/api/v1/registry/coin/withdrawals",
        201,
        json={"bank_org_id": bank.org_id, "amount_cents": 20_000_00},
    )
    assert w["status"] == "requested"
    assert a.ok("GET", "/api/v1/registry/balances")["coin_cents"] == 20_000_00
    assert bank.ok("GET", "/api/v1/registry/balances")["coin_cents"] == 20_000_00
    assert [x["id"] for x in bank.ok("GET", "/api/v1/registry/coin/withdrawals")["items"]] == [
        w["id"]
    ]
    assert b.ok("GET", "/api/v1/registry/coin/withdrawals")["total"] == 0
    done = bank.ok("POST", f"/api/v1/registry/coin/withdrawals/{w['id']}/execute", json={})
    assert done["status"] == "executed" and done["settle_tx"]
    assert bank.ok("GET", "/api/v1/registry/balances")["coin_cents"] == 0
    coin = api.platform.require_gateway().suite.coin
    assert coin.total_supply() == 30_000_00
    twice = bank.post(f"/api/v1/registry/coin/withdrawals/{w['id']}/execute", json={})
    assert twice.status_code == 409
    over = a.post(
        "/api/v1/registry/coin/withdrawals",
        json={"bank_org_id": bank.org_id, "amount_cents": 20_000_01},
    )
    assert over.status_code == 409 and over.json()["code"] == "insufficient-balance"
    assert over.json()["params"]["want_cents"] == 20_000_01
    burn = bank.post("/api/v1/registry/coin/burns", json={"amount_cents": 1, "reference": "x"})
    assert burn.status_code == 409 and burn.json()["field"] == "body:amount_cents"
    r = a.ok(
        "POST",
        "/api/v1/registry/coin/withdrawals",
        201,
        json={"bank_org_id": bank.org_id, "amount_cents": 5_00},
    )
    back = bank.ok("POST", f"/api/v1/registry/coin/withdrawals/{r['id']}/reject", json={})
    assert back["status"] == "rejected"
    assert a.ok("GET", "/api/v1/registry/balances")["coin_cents"] == 20_000_00
    mine = a.ok("GET", "/api/v1/explorer/transactions", params={"contract": "coin"})
    names = [i["event"] for i in mine["items"]]
    assert names.count("Minted") == 1 and "Burned" not in names  # the bank burned, not A
    assert {i["tx_hash"] for i in mine["items"]} >= {w["request_tx"], back["settle_tx"]}
    assert b.get("/api/v1/explorer/transactions", params={"org_id": a.org_id}).status_code == 404
    actions = {
        e["action"]
        for e in api.admin.ok("GET", "/api/v1/admin/audit", params={"limit": 200})["items"]
    }
    assert {
        "registry.allocate",
        "registry.transfer-allowances",
        "coin.deposit",
        "coin.withdrawal-executed",
        "coin.withdrawal-rejected",
    } <= actions


def test_offsets_issue_transfer_part_and_retire_with_a_certificate(api: Api) -> None:
    dev = api.organisation("enterprise", "云南林业 Yunnan Forestry", industry="forestry")
    buyer = api.organisation("enterprise", "示例水泥 Example Cement", industry="cement")
    project = {
        "project_id": 1001,
        "developer_org_id": dev.org_id,
        "methodology": "CCER-14-001-V01",
        "region": "CN-YN",
        "name": "云南造林碳汇项目 Yunnan afforestation",
    }
    assert dev.post("/api/v1/registry/offsets/projects", json=project).status_code == 403
    api.regulator.ok("POST", "/api/v1/registry/offsets/projects", 201, json=project)
    issued = api.regulator.ok(
        "POST",
        "/api/v1/registry/offsets/issuances",
        201,
        json={"project_id": 1001, "vintage": 2023, "amount": 1000},
    )
    assert (issued["first_serial"], issued["last_serial"], issued["to_org_id"]) == (
        1,
        1000,
        dev.org_id,
    )
    moved = dev.ok(
        "POST",
        "/api/v1/registry/transfers/offsets",
        201,
        json={"to_org_id": buyer.org_id, "block_id": issued["block_id"], "amount": 400},
    )
    held = buyer.ok("GET", "/api/v1/registry/balances")["offsets"]
    assert [(b["block_id"], b["first_serial"], b["last_serial"]) for b in held] == [
        (moved["block_id"], 1, 400)
    ]
    left = dev.ok("GET", "/api/v1/registry/balances")["offsets"]
    assert [(b["first_serial"], b["last_serial"]) for b in left] == [(401, 1000)]

    long_name = {"block_id": moved["block_id"], "amount": 1, "beneficiary": "碳" * 22}
    too_long = buyer.post("/api/v1/registry/offsets/retirements", json=long_name)
    assert too_long.status_code == 422 and too_long.json()["field"] == "body:beneficiary"
    [entry] = too_long.json()["errors"]
    assert (entry["type"], entry["params"]) == ("utf8_too_long", {"size": 66, "max_length": 64})
    cert = buyer.ok(
        "POST",
        "/api/v1/registry/offsets/retirements",
        201,
        json={
            "block_id": moved["block_id"],
            "amount": 150,
            "beneficiary": "示例水泥 Example Cement",
            "reason": "2024 年度碳中和",
        },
    )
    assert (cert["first_serial"], cert["last_serial"], cert["amount"]) == (1, 150, 150)
    assert (cert["vintage"], cert["project_id"]) == (2023, 1001)
    assert cert["project_name"].startswith("云南造林")
    gw = api.platform.require_gateway()
    receipt = gw.chain.rpc.call("eth_getTransactionReceipt", [cert["tx_hash"]])
    assert int(receipt["blockNumber"], 16) == cert["block_number"]
    block = gw.suite.offsets.block(cert["block_id"])
    assert (block.first, block.last, block.state.name) == (1, 150, "RETIRED")

    url = f"/api/v1/registry/offsets/retirements/{cert['block_id']}"
    assert buyer.ok("GET", url) == cert
    assert dev.get(url).status_code == 404  # another organisation's retirement
    assert api.regulator.ok("GET", url)["beneficiary"] == "示例水泥 Example Cement"
    text = buyer.get(url + "/certificate", params={"lang": "zh-CN", "format": "text"})
    assert text.headers["content-type"].startswith("text/plain")
    assert "碳减排量注销证明" in text.text and "1 – 150" in text.text
    assert cert["tx_hash"] in text.text
    html = buyer.get(url + "/certificate", params={"lang": "en-US"})
    assert html.headers["content-type"].startswith("text/html")
    assert "Certificate of Offset Retirement" in html.text and "150 t CO2e" in html.text

    # retirement is permanent
    again = buyer.post(
        "/api/v1/registry/transfers/offsets",
        json={"to_org_id": dev.org_id, "block_id": cert["block_id"], "amount": 1},
    )
    assert again.status_code == 409 and again.json()["code"] == "block-not-held"
    rest = buyer.ok("GET", "/api/v1/registry/balances")["offsets"]
    assert [(b["first_serial"], b["last_serial"]) for b in rest] == [(151, 400)]
    every = api.regulator.ok(
        "GET", "/api/v1/registry/offset-blocks", params={"project": 1001, "sort": "-block_id"}
    )
    assert [(b["first_serial"], b["state"]) for b in every["items"]] == [
        (1, "retired"),
        (151, "held"),
        (401, "held"),
    ]
    assert [b["owner_org_id"] for b in every["items"]] == [buyer.org_id, buyer.org_id, dev.org_id]
    own = buyer.ok("GET", "/api/v1/registry/offset-blocks", params={"state": "held"})
    assert [b["first_serial"] for b in own["items"]] == [151]
    assert (
        buyer.get("/api/v1/registry/offset-blocks", params={"org_id": dev.org_id}).status_code
        == 404
    )
    listed = buyer.ok("GET", "/api/v1/registry/offsets/retirements")
    assert [c["block_id"] for c in listed["items"]] == [cert["block_id"]]
    assert dev.ok("GET", "/api/v1/registry/offsets/retirements")["total"] == 0
