"""Amendments, a settlement that keeps failing (reversed, parties told), surveillance and
the live WebSocket feed."""

from __future__ import annotations

import time

from market_testing import CODE, balances, fund, list_instrument, signer, wait_released
from platform_testing import Api


def body(side: str, quantity: int, price: int) -> dict[str, object]:
    return {"instrument": CODE, "side": side, "quantity": quantity, "price": price}


def test_amend_re_escrows_a_new_price_and_keeps_priority_on_a_smaller_quantity(api: Api) -> None:
    ent = api.organisation("enterprise", "Amending Power")
    list_instrument(api)
    fund(api, allowances=[(ent, 100)], coin=[])
    order = ent.ok("POST", "/api/v1/market/orders", 201, json=body("sell", 40, 8100))
    smaller = ent.ok("PATCH", f"/api/v1/market/orders/{order['id']}", json={"quantity": 30})
    assert smaller["chain_order_id"] == order["chain_order_id"]  # escrow untouched
    assert smaller["quantity"] == 30 and balances(api, ent)[0] == 60
    moved = ent.ok("PATCH", f"/api/v1/market/orders/{order['id']}", json={"price": 8200})
    assert moved["chain_order_id"] != order["chain_order_id"]
    assert moved["escrow_price"] == 8200 and moved["escrow_quantity"] == 30
    # the old escrow (40 t) was released, the new one holds 30 t
    assert balances(api, ent)[0] == 70
    depth = api.client.get(f"/api/v1/market/instruments/{CODE}/depth").json()
    assert depth["asks"] == [[8200, 30, 1]]
    r = ent.api.client.patch(
        f"/api/v1/market/orders/{order['id']}", json={"price": 9900}, headers=ent.headers
    )
    assert r.status_code == 422 and r.json()["field"] == "body:price"


def test_a_trade_that_cannot_settle_is_reversed_and_both_parties_are_told(api: Api) -> None:
    seller = api.organisation("enterprise", "Suspended Seller")
    buyer = api.organisation("enterprise", "Innocent Buyer")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[(buyer, 10_000_000)])
    b0 = balances(api, buyer)
    ask = seller.ok("POST", "/api/v1/market/orders", 201, json=body("sell", 20, 8000))
    registry = api.platform.require_gateway().suite.registry.by(signer(api, api.regulator))
    registry.set_status(seller.address, False)  # delivery from it now reverts
    bid = buyer.ok("POST", "/api/v1/market/orders", 201, json=body("buy", 20, 8000))
    deadline = time.monotonic() + 20
    while True:
        (trade,) = buyer.ok("GET", "/api/v1/market/trades")["items"]
        if trade["state"] == "reversed" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert trade["state"] == "reversed" and trade["attempts"] == 3
    assert "not active enterprise" in trade["last_error"]
    wait_released(buyer, bid["id"])
    assert balances(api, buyer) == b0  # its coin came back in full
    for party in (buyer, seller):
        (notice,) = party.ok("GET", "/api/v1/market/notices")
        assert notice["trade_id"] == trade["id"] and "reversed" in notice["message"]
    # the suspended seller can receive nothing: its escrow waits in the contract until
    # it is reactivated, then comes back
    registry.set_status(seller.address, True)
    released = wait_released(seller, ask["id"])
    assert released["state"] == "cancelled" and balances(api, seller)[0] == 100
    tape = api.client.get(f"/api/v1/market/instruments/{CODE}/trades").json()
    assert tape == []  # a reversed trade is not market data


def test_surveillance_alerts(api: Api) -> None:
    a = api.organisation("enterprise", "Related A")
    b = api.organisation("enterprise", "Related B")
    list_instrument(api, layering_alert_t=500, position_alert_t=5000)
    fund(api, allowances=[(a, 6000)], coin=[(b, 100_000_000)])
    api.regulator.ok(
        "POST",
        "/api/v1/market/relations",
        201,
        json={"org_a": a.org_id, "org_b": b.org_id, "note": "same group"},
    )
    a.ok("POST", "/api/v1/market/orders", 201, json=body("sell", 10, 8800))  # at the limit
    b.ok("POST", "/api/v1/market/orders", 201, json=body("buy", 10, 8800))
    big = a.ok("POST", "/api/v1/market/orders", 201, json=body("sell", 600, 8500))
    a.ok("DELETE", f"/api/v1/market/orders/{big['id']}")
    api.platform.require_gateway().sync()
    alerts = api.regulator.ok("GET", "/api/v1/market/surveillance/alerts")
    kinds = {x["kind"]: x for x in alerts}
    assert set(kinds) == {"wash_trade", "price_limit", "layering", "position"}, alerts
    assert kinds["layering"]["order_id"] == big["id"]
    assert kinds["position"]["org_ids"] == [a.org_id]
    assert a.get("/api/v1/market/surveillance/alerts").status_code == 403


def test_live_feed_pushes_depth_and_trades(api: Api) -> None:
    seller = api.organisation("enterprise", "Feed Seller")
    buyer = api.organisation("enterprise", "Feed Buyer")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[(buyer, 10_000_000)])
    with api.client.websocket_connect("/api/v1/market/ws") as ws:  # no sign-in
        ws.send_json({"subscribe": [CODE]})
        first = ws.receive_json()
        assert first == {"type": "depth", "instrument": CODE, "bids": [], "asks": []}
        seller.ok("POST", "/api/v1/market/orders", 201, json=body("sell", 5, 8000))
        assert ws.receive_json()["asks"] == [[8000, 5, 1]]
        buyer.ok("POST", "/api/v1/market/orders", 201, json=body("buy", 5, 8000))
        trade = ws.receive_json()
        assert (trade["type"], trade["price"], trade["quantity"]) == ("trade", 8000, 5)
        assert ws.receive_json() == {"type": "depth", "instrument": CODE, "bids": [], "asks": []}
