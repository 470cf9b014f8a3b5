"""Market data of every venue (the order book, auctions, negotiated trades), what orders
lock in the balances, and the directory of counterparties for negotiated trades."""

from __future__ import annotations

from typing import Any

from market_testing import CODE, fund, list_instrument, wait_released, wait_settled
from platform_testing import Actor, Api


def body(side: str, quantity: int, price: int) -> dict[str, object]:
    return {"instrument": CODE, "side": side, "quantity": quantity, "price": price}


def deal(counterparty: Actor, quantity: int, price: int) -> dict[str, object]:
    return {
        "instrument": CODE,
        "counterparty_id": counterparty.org_id,
        "as_seller": True,
        "quantity": quantity,
        "price": price,
    }


def market_data(api: Api) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    base = f"/api/v1/market/instruments/{CODE}"
    return (
        api.client.get(f"{base}/trades").json(),
        api.client.get(f"{base}/statistics").json(),
        api.client.get(f"{base}/ohlcv").json(),
    )


def test_negotiated_trades_are_on_the_tape_and_in_volume_but_set_no_price(api: Api) -> None:
    seller = api.organisation("enterprise", "Tape Seller")
    buyer = api.organisation("enterprise", "Tape Buyer", industry="steel")
    list_instrument(api, block_min_quantity=500)
    fund(api, allowances=[(seller, 2000)], coin=[(buyer, 20_000_000)])
    seller.ok("POST", "/api/v1/market/orders", 201, json=body("sell", 100, 8100))
    buyer.ok("POST", "/api/v1/market/orders", 201, json=body("buy", 100, 8100))
    (book_trade,) = wait_settled(buyer, 1)

    # withdrawn and still proposed deals traded nothing
    withdrawn = seller.ok("POST", "/api/v1/market/deals", 201, json=deal(buyer, 500, 8000))
    seller.ok("POST", f"/api/v1/market/deals/{withdrawn['id']}/cancel")
    seller.ok("POST", "/api/v1/market/deals", 201, json=deal(buyer, 500, 8200))
    tape, stats, (candle,) = market_data(api)
    assert [(t["kind"], t["id"]) for t in tape] == [("book", book_trade["id"])]

    block = seller.ok("POST", "/api/v1/market/deals", 201, json=deal(buyer, 600, 9000))
    # the parties see each other's names
    assert (block["proposer_name"], block["counterparty_name"]) == ("Tape Seller", "Tape Buyer")
    listed = {d["id"]: d for d in buyer.ok("GET", "/api/v1/market/deals")}
    assert listed[block["id"]]["proposer_name"] == "Tape Seller"
    with api.client.websocket_connect("/api/v1/market/ws") as ws:
        ws.send_json({"subscribe": [CODE]})
        assert ws.receive_json()["type"] == "depth"
        settled = buyer.ok("POST", f"/api/v1/market/deals/{block['id']}/accept")
        assert settled["counterparty_name"] == "Tape Buyer"
        pushed = ws.receive_json()
    assert pushed == {
        "type": "trade",
        "kind": "deal",
        "instrument": CODE,
        "price": 9000,
        "quantity": 600,
        "aggressor": "",
    }

    tape, stats, (candle,) = market_data(api)
    latest, first = tape
    assert (latest["kind"], latest["id"], latest["price"], latest["quantity"]) == (
        "deal",
        block["id"],
        9000,
        600,
    )
    assert latest["state"] == "settled" and latest["tx_hash"] == settled["tx_hash"]
    assert latest["aggressor"] == "" and latest["matched_at"] >= first["matched_at"]
    assert (first["kind"], first["price"], first["aggressor"]) == ("book", 8100, "buy")
    assert "buyer_org" not in latest and "seller_org" not in latest  # public: no parties
    limited = api.client.get(f"/api/v1/market/instruments/{CODE}/trades?limit=1").json()
    assert [t["kind"] for t in limited] == ["deal"]

    # volume and turnover count the block; the last price, the VWAP and the candle's
    # prices are the order book's
    assert stats["last_price"] == 8100 and stats["vwap"] == 8100
    assert (stats["trades"], stats["volume"]) == (2, 700)
    assert stats["turnover"] == 100 * 8100 + 600 * 9000
    assert (stats["settled_trades"], stats["pending_trades"]) == (2, 0)
    assert (stats["negotiated_trades"], stats["negotiated_volume"]) == (1, 600)
    assert stats["negotiated_turnover"] == 600 * 9000
    assert (candle["open"], candle["high"], candle["low"], candle["close"]) == (8100,) * 4
    assert (candle["volume"], candle["negotiated_volume"]) == (700, 600)
    assert candle["turnover"] == stats["turnover"]
    assert candle["negotiated_turnover"] == 600 * 9000
    instrument = api.client.get(f"/api/v1/market/instruments/{CODE}").json()
    assert instrument["last_price"] == 8100


def test_a_day_of_negotiated_trades_only_has_volume_without_prices(api: Api) -> None:
    seller = api.organisation("enterprise", "Block Only Seller")
    buyer = api.organisation("enterprise", "Block Only Buyer")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[(buyer, 1_000_000)])
    proposed = seller.ok("POST", "/api/v1/market/deals", 201, json=deal(buyer, 50, 7000))
    buyer.ok("POST", f"/api/v1/market/deals/{proposed['id']}/accept")
    tape, stats, (candle,) = market_data(api)
    assert [(t["kind"], t["quantity"]) for t in tape] == [("deal", 50)]
    assert stats["last_price"] is None and stats["vwap"] is None
    assert (stats["volume"], stats["negotiated_volume"], stats["trades"]) == (50, 50, 1)
    assert [candle[k] for k in ("open", "high", "low", "close")] == [None] * 4
    assert (candle["volume"], candle["turnover"]) == (50, 50 * 7000)


def test_auction_fills_are_on_the_tape_and_pushed_live(api: Api) -> None:
    seller = api.organisation("enterprise", "Tape Auctioneer")
    bidder = api.organisation("enterprise", "Tape Bidder")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[(bidder, 1_000_000)])
    auction = seller.ok(
        "POST",
        "/api/v1/market/auctions",
        201,
        json={"instrument": CODE, "quantity": 100, "reserve": 7000},
    )
    bidder.ok(
        "POST",
        f"/api/v1/market/auctions/{auction['id']}/bids",
        201,
        json={"price": 7500, "quantity": 60},
    )
    with api.client.websocket_connect("/api/v1/market/ws") as ws:
        ws.send_json({"subscribe": [CODE]})
        assert ws.receive_json()["type"] == "depth"
        seller.ok("POST", f"/api/v1/market/auctions/{auction['id']}/close")
        pushed = ws.receive_json()
    assert (pushed["type"], pushed["kind"], pushed["price"], pushed["quantity"]) == (
        "trade",
        "auction",
        7500,
        60,
    )
    wait_settled(bidder, 1)
    tape, stats, (candle,) = market_data(api)
    assert [(t["kind"], t["price"], t["quantity"]) for t in tape] == [("auction", 7500, 60)]
    assert candle["close"] == 7500 and stats["negotiated_volume"] == 0


def test_balances_show_coin_locked_by_open_buy_orders_and_bids(api: Api) -> None:
    seller = api.organisation("enterprise", "Lock Seller")
    buyer = api.organisation("enterprise", "Lock Buyer")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[(buyer, 1_000_000)])
    gw = api.platform.require_gateway()

    def held(actor: Actor) -> dict[str, Any]:
        gw.sync()
        return actor.ok("GET", "/api/v1/registry/balances")  # type: ignore[no-any-return]

    assert (held(buyer)["coin_cents"], held(buyer)["coin_locked_cents"]) == (1_000_000, 0)
    bid = buyer.ok("POST", "/api/v1/market/orders", 201, json=body("buy", 30, 7500))
    auction = seller.ok(
        "POST",
        "/api/v1/market/auctions",
        201,
        json={"instrument": CODE, "quantity": 40, "reserve": 7000},
    )
    buyer.ok(
        "POST",
        f"/api/v1/market/auctions/{auction['id']}/bids",
        201,
        json={"price": 7200, "quantity": 40},
    )
    b = held(buyer)
    assert b["coin_locked_cents"] == 30 * 7500 + 40 * 7200
    assert b["coin_cents"] + b["coin_locked_cents"] == 1_000_000
    s = held(seller)
    ((row),) = s["allowances"]
    assert (row["balance"], row["escrowed"], s["coin_locked_cents"]) == (60, 40, 0)

    # a sell below the bid fills part of it at the bid's price: that part leaves the lock
    seller.ok("POST", "/api/v1/market/orders", 201, json=body("sell", 10, 7500))
    wait_settled(buyer, 1)
    b = held(buyer)
    assert b["coin_locked_cents"] == 20 * 7500 + 40 * 7200
    assert b["coin_cents"] == 1_000_000 - 10 * 7500 - b["coin_locked_cents"]
    buyer.ok("DELETE", f"/api/v1/market/orders/{bid['id']}")
    wait_released(buyer, bid["id"])
    assert held(buyer)["coin_locked_cents"] == 40 * 7200
    # a regulator sees another organisation's lock; an enterprise does not
    seen = api.regulator.ok("GET", f"/api/v1/registry/balances?org_id={buyer.org_id}")
    assert seen["coin_locked_cents"] == 40 * 7200
    assert seller.get(f"/api/v1/registry/balances?org_id={buyer.org_id}").status_code == 404


def test_participants_lists_who_a_deal_can_name(api: Api) -> None:
    me = api.organisation("enterprise", "Directory Cement", industry="cement")
    steel = api.organisation("enterprise", "Northern Steel Works", industry="steel", region="CN-BJ")
    glass = api.organisation("enterprise", "Southern Glass 50%_Co")
    gone = api.organisation("enterprise", "Suspended Steel")
    api.regulator.ok("POST", f"/api/v1/organisations/{gone.org_id}/suspend", json={"note": "x"})
    uncertified = api.register("enterprise", "Uncertified Steel")["organisation"]["id"]
    api.admin.ok("POST", f"/api/v1/admin/organisations/{uncertified}/approve", json={})
    api.register("enterprise", "Pending Steel")
    api.organisation("finance", "Steel Bank")
    bank = api.organisation("finance", "Directory Bank")

    url = "/api/v1/market/participants"
    everyone = me.ok("GET", url)
    assert [p["id"] for p in everyone] == [steel.org_id, glass.org_id]  # by name, not me
    (found,) = me.ok("GET", f"{url}?q=steel")  # any case; only those that can trade
    assert found == {
        "id": steel.org_id,
        "name": "Northern Steel Works",
        "region": "CN-BJ",
        "industry": "steel",
    }
    # the whole credit code, any case; the id (as "#12" too); wildcards are plain text
    code = api.regulator.ok("GET", f"/api/v1/organisations/{steel.org_id}")["credit_code"]
    assert [p["id"] for p in me.ok("GET", url, params={"q": code.lower()})] == [steel.org_id]
    assert me.ok("GET", url, params={"q": code[:8]}) == []
    assert [p["id"] for p in me.ok("GET", url, params={"q": f"#{glass.org_id}"})] == [glass.org_id]
    assert [p["id"] for p in me.ok("GET", url, params={"q": "50%_"})] == [glass.org_id]
    assert me.ok("GET", url, params={"q": "s%g"}) == []  # as a pattern it would match
    for odd in ("²", "#99999999999", "9" * 10):  # not a number, or beyond any id
        assert me.ok("GET", url, params={"q": odd}) == []
    assert me.ok("GET", url, params={"q": "Directory"}) == []  # itself left out
    assert len(steel.ok("GET", url, params={"limit": 1})) == 1
    assert steel.get(url, params={"limit": 51}).status_code == 422
    assert steel.get(url, params={"q": "x" * 101}).status_code == 422

    # only enterprises propose deals: the directory is theirs
    assert api.client.get(url).status_code == 401
    for other in (bank, api.regulator, api.admin):
        r = other.get(url)
        assert r.status_code == 403 and r.json()["code"] == "forbidden", r.text
