"""What the market's screens list and change besides trading: auctions (open and closed)
with their fills and who may see the bidders, a bid's idempotency key, declared related
organisations (listed, refused twice, withdrawn) and an instrument's surveillance
thresholds."""

from __future__ import annotations

import httpx
from market_testing import CODE, fund, list_instrument, wait_settled
from platform_testing import Actor, Api

AUCTIONS = "/api/v1/market/auctions"


def patch(actor: Actor, path: str, body: dict[str, object]) -> httpx.Response:
    return actor.api.client.patch(path, json=body, headers=actor.headers)


def test_auctions_are_listed_and_a_closed_one_publishes_its_fills(api: Api) -> None:
    seller = api.organisation("enterprise", "Listing Seller")
    bidder = api.organisation("enterprise", "Listing Bidder")
    other = api.organisation("enterprise", "Listing Onlooker")
    list_instrument(api)
    fund(api, allowances=[(seller, 400)], coin=[(bidder, 10_000_000)])
    first = seller.ok(
        "POST", AUCTIONS, 201, json={"instrument": CODE, "quantity": 100, "reserve": 7000}
    )
    second = seller.ok(
        "POST", AUCTIONS, 201, json={"instrument": CODE, "quantity": 200, "reserve": 7500}
    )
    # a bid sent twice with one key escrows once and answers the same both times
    key = {"Idempotency-Key": "bid-once"}
    bid = {"price": 7600, "quantity": 150}
    placed = bidder.ok("POST", f"{AUCTIONS}/{second['id']}/bids", 201, json=bid, headers=key)
    again = bidder.post(f"{AUCTIONS}/{second['id']}/bids", json=bid, headers=key)
    assert again.status_code == 201 and again.json()["id"] == placed["id"]
    assert again.headers["Idempotent-Replayed"] == "true"

    # anyone lists them, newest first, with their bids counted; filters by state
    listed = api.client.get(AUCTIONS).json()
    assert [a["id"] for a in listed["items"]] == [second["id"], first["id"]]
    assert [a["bids"] for a in listed["items"]] == [1, 0] and listed["total"] == 2
    assert api.client.get(f"{AUCTIONS}/{second['id']}/fills").json() == []

    closed = api.regulator.ok("POST", f"{AUCTIONS}/{second['id']}/close")
    assert closed["clearing_price"] == 7600 and closed["sold"] == 150
    open_only = api.client.get(AUCTIONS, params={"state": "open"}).json()["items"]
    assert [a["id"] for a in open_only] == [first["id"]]
    closed_only = api.client.get(AUCTIONS, params={"state": "closed", "instrument": CODE}).json()
    assert [a["id"] for a in closed_only["items"]] == [second["id"]]
    assert api.client.get(AUCTIONS, params={"state": "sold"}).status_code == 422

    wait_settled(bidder, 1)
    # the bidder's own bids of the auction, through the order list
    mine = bidder.ok("GET", "/api/v1/market/orders", params={"auction_id": second["id"]})
    assert [(o["id"], o["filled"]) for o in mine["items"]] == [(placed["id"], 150)]
    offer = seller.ok("GET", "/api/v1/market/orders", params={"auction_id": second["id"]})
    assert [o["kind"] for o in offer["items"]] == ["auction_offer"]
    every = api.regulator.ok("GET", "/api/v1/market/orders", params={"auction_id": second["id"]})
    assert sorted((o["kind"], o["org_id"]) for o in every["items"]) == [
        ("auction_bid", bidder.org_id),
        ("auction_offer", seller.org_id),
    ]

    # the fills: the seller, the buyer and supervisors see who bought; others do not
    for who in (seller, bidder, api.regulator):
        (fill,) = who.ok("GET", f"{AUCTIONS}/{second['id']}/fills")
        assert fill["buyer_org"] == bidder.org_id and fill["bid_order_id"] == placed["id"]
        assert fill["price"] == 7600 and fill["quantity"] == 150
        assert fill["state"] == "settled" and fill["tx_hash"].startswith("0x")
    for public in (
        other.ok("GET", f"{AUCTIONS}/{second['id']}/fills"),
        api.client.get(f"{AUCTIONS}/{second['id']}/fills").json(),
    ):
        assert [(f["buyer_org"], f["bid_order_id"], f["quantity"]) for f in public] == [
            (None, None, 150)
        ]
    assert api.client.get(f"{AUCTIONS}/999999/fills").status_code == 404


def test_related_organisations_are_listed_refused_twice_and_withdrawn(api: Api) -> None:
    a = api.organisation("enterprise", "Group Parent")
    b = api.organisation("enterprise", "Group Subsidiary")
    relations = "/api/v1/market/relations"
    made = api.regulator.ok(
        "POST", relations, 201, json={"org_a": a.org_id, "org_b": b.org_id, "note": "one group"}
    )
    # the same pair, in either order, is declared once
    twice = api.regulator.post(relations, json={"org_a": b.org_id, "org_b": a.org_id})
    assert twice.status_code == 409 and twice.json()["code"] == "relation-exists"
    listed = api.regulator.ok("GET", relations)
    assert [(r["id"], r["org_a"], r["org_b"], r["note"]) for r in listed] == [
        (made["id"], a.org_id, b.org_id, "one group")
    ]
    assert listed[0]["created_at"]
    assert api.admin.ok("GET", relations) == listed
    assert a.get(relations).status_code == 403
    assert api.admin.delete(f"{relations}/{made['id']}").status_code == 403

    assert api.regulator.ok("DELETE", f"{relations}/{made['id']}")["id"] == made["id"]
    assert api.regulator.ok("GET", relations) == []
    assert api.regulator.delete(f"{relations}/{made['id']}").status_code == 404
    # withdrawn, it may be declared again
    api.regulator.ok("POST", relations, 201, json={"org_a": b.org_id, "org_b": a.org_id})


def test_the_regulator_changes_an_instruments_surveillance_thresholds(api: Api) -> None:
    listed = list_instrument(api, layering_alert_t=500, position_alert_t=5000)
    path = f"/api/v1/market/instruments/{CODE}"
    changed = api.regulator.ok("PATCH", path, json={"layering_alert_t": 800})
    assert (changed["layering_alert_t"], changed["position_alert_t"]) == (800, 5000)
    assert {k: v for k, v in changed.items() if k != "layering_alert_t"} == {
        k: v for k, v in listed.items() if k != "layering_alert_t"
    }
    assert api.client.get(path).json()["layering_alert_t"] == 800
    empty = patch(api.regulator, path, {})
    assert empty.status_code == 422 and empty.json()["code"] == "no-settings"
    zero = patch(api.regulator, path, {"position_alert_t": 0})
    assert zero.status_code == 422
    assert (
        api.regulator.ok("PATCH", path, json={"position_alert_t": 9000})["position_alert_t"] == 9000
    )
    other = "/api/v1/market/instruments/CEA-2031"
    assert patch(api.regulator, other, {"layering_alert_t": 1}).status_code == 404
    enterprise = api.organisation("enterprise", "Threshold Curious")
    assert patch(enterprise, path, {"layering_alert_t": 1}).status_code == 403
