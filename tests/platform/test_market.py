"""The market through HTTP: escrow, matching, settlement on chain, rejections, negotiated
trades and auctions. The trade, cancel, negotiated and auction stories run on anvil and
again on the bundled chain's 3-node devnet (a fresh one each; SQLite only, the chain's
behaviour does not depend on the platform's database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from market_testing import (
    CODE,
    balances,
    fund,
    list_instrument,
    wait_released,
    wait_settled,
)
from platform_testing import Api, database_kind, devnet_chain, running_platform


@pytest.fixture(params=["anvil", pytest.param("devnet", marks=pytest.mark.slow)])
def market_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    if request.param == "anvil":
        yield request.getfixturevalue("api")
        return
    if database_kind() != "sqlite":
        pytest.skip("the devnet variants run once, on SQLite")
    env = devnet_chain(3)
    try:
        with running_platform(env, tmp_path) as api:
            yield api
    finally:
        env.close()


def order(side: str, quantity: int, price: int | None = None, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {"instrument": CODE, "side": side, "quantity": quantity, **extra}
    if price is not None:
        body["price"] = price
    return body


def test_two_enterprises_trade_and_balances_on_chain_match(market_api: Api) -> None:
    api = market_api
    seller = api.organisation("enterprise", "Seller Cement", industry="cement")
    buyer = api.organisation("enterprise", "Buyer Steel", industry="steel")
    list_instrument(api)
    fund(api, allowances=[(seller, 1000)], coin=[(buyer, 10_000_000)])
    s0, b0 = balances(api, seller), balances(api, buyer)

    ask = seller.ok("POST", "/api/v1/market/orders", 201, json=order("sell", 300, 8100))
    assert ask["state"] == "open" and ask["chain_order_id"] and ask["escrow_tx"]
    assert balances(api, seller)[0] == s0[0] - 300  # escrowed on chain
    bid = buyer.ok("POST", "/api/v1/market/orders", 201, json=order("buy", 200, 8200))
    assert bid["filled"] == 200 and bid["state"] == "filled"
    # the buy locked 200 t × its limit 8200; it trades at the resting 8100
    (trade,) = wait_settled(buyer, 1)
    assert (trade["price"], trade["quantity"]) == (8100, 200)
    assert trade["tx_hash"] and trade["block_number"]
    wait_released(buyer, bid["id"])
    assert balances(api, buyer) == (b0[0] + 200, b0[1] - 200 * 8100)
    assert balances(api, seller) == (s0[0] - 300, s0[1] + 200 * 8100)

    # cancel the rest of the sell order: its 100 t come back
    cancelled = seller.ok("DELETE", f"/api/v1/market/orders/{ask['id']}")
    assert cancelled["state"] == "cancelled"
    wait_released(seller, ask["id"])
    assert balances(api, seller) == (s0[0] - 200, s0[1] + 200 * 8100)

    # market data
    tape = api.client.get(f"/api/v1/market/instruments/{CODE}/trades").json()
    assert [(t["price"], t["quantity"]) for t in tape] == [(8100, 200)]
    stats = api.client.get(f"/api/v1/market/instruments/{CODE}/statistics").json()
    assert stats["last_price"] == 8100 and stats["volume"] == 200 and stats["settled_trades"] == 1
    (candle,) = api.client.get(f"/api/v1/market/instruments/{CODE}/ohlcv").json()
    assert candle["volume"] == 200 and candle["close"] == 8100


def test_market_buy_escrows_at_the_upper_limit_and_ioc_remainder_is_released(api: Api) -> None:
    seller = api.organisation("enterprise", "Seller Power")
    buyer = api.organisation("enterprise", "Buyer Glass", industry="glass")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[(buyer, 10_000_000)])
    b0 = balances(api, buyer)
    seller.ok("POST", "/api/v1/market/orders", 201, json=order("sell", 50, 7900))
    bought = buyer.ok(
        "POST", "/api/v1/market/orders", 201, json=order("buy", 80, type="market", tif="ioc")
    )
    assert bought["escrow_protective"] and bought["escrow_price"] == 8800  # +10 % of 8000
    assert bought["filled"] == 50 and bought["state"] == "cancelled"
    wait_settled(buyer, 1)
    wait_released(buyer, bought["id"])
    assert balances(api, buyer) == (b0[0] + 50, b0[1] - 50 * 7900)


def test_rejections_never_touch_the_chain(api: Api) -> None:
    poor = api.organisation("enterprise", "Poor Chemicals", industry="chemicals")
    other = api.organisation("enterprise", "Other Aluminium", industry="aluminium")
    list_instrument(api, lot=10)
    fund(api, allowances=[(other, 100)], coin=[])
    before = api.platform.require_gateway().suite.settlement.order_count()

    r = poor.post("/api/v1/market/orders", json=order("sell", 10, 8000))
    assert r.status_code == 409 and r.json()["code"] == "insufficient-allowances"
    assert CODE in r.json()["detail"] and r.json()["field"] == "body:quantity"
    assert r.json()["params"] == {"quantity_t": 10}
    r = poor.post("/api/v1/market/orders", json=order("buy", 10, 8000))
    assert r.status_code == 409 and r.json()["code"] == "insufficient-coin"
    assert "carbon coin" in r.json()["detail"]
    assert r.json()["params"] == {"amount_cents": 10 * 8000}
    r = poor.post("/api/v1/market/orders", json=order("buy", 10, 9000))
    assert r.status_code == 422 and r.json()["code"] == "price-limit"
    assert r.json()["field"] == "body:price"
    # the numbers of the English detail, for the UI's own sentence
    assert r.json()["params"] == {
        "price_cents_per_t": 9000,
        "low_cents_per_t": 7200,
        "high_cents_per_t": 8800,
    }
    assert "7200..8800" in r.json()["detail"]
    r = poor.post("/api/v1/market/orders", json=order("buy", 15, 8000))
    assert r.status_code == 422 and r.json()["code"] == "bad-lot"
    assert r.json()["params"] == {"quantity_t": 15, "lot_t": 10}
    api.regulator.ok("POST", f"/api/v1/market/instruments/{CODE}/session", json={"open": False})
    r = poor.post("/api/v1/market/orders", json=order("buy", 10, 8000))
    assert r.status_code == 409 and r.json()["code"] == "market-closed"
    assert r.json()["params"] == {"instrument": CODE}
    api.regulator.ok("POST", f"/api/v1/market/instruments/{CODE}/session", json={"open": True})
    # the two escrow attempts reverted; nothing else reached the chain
    assert api.platform.require_gateway().suite.settlement.order_count() == before

    mine = other.ok("POST", "/api/v1/market/orders", 201, json=order("sell", 10, 8000))
    assert poor.get(f"/api/v1/market/orders/{mine['id']}").status_code == 404
    assert poor.delete(f"/api/v1/market/orders/{mine['id']}").status_code == 404
    assert poor.ok("GET", "/api/v1/market/orders")["total"] == 0


def test_negotiated_trade(market_api: Api) -> None:
    api = market_api
    seller = api.organisation("enterprise", "Block Seller")
    buyer = api.organisation("enterprise", "Block Buyer", industry="steel")
    list_instrument(api, block_min_quantity=500)
    fund(api, allowances=[(seller, 1000)], coin=[(buyer, 10_000_000)])
    s0, b0 = balances(api, seller), balances(api, buyer)
    small = {
        "instrument": CODE,
        "counterparty_id": buyer.org_id,
        "as_seller": True,
        "quantity": 100,
        "price": 8000,
    }
    r = seller.post("/api/v1/market/deals", json=small)
    assert r.status_code == 422 and r.json()["code"] == "below-minimum"
    assert r.json()["params"] == {"quantity_t": 100, "minimum_t": 500}
    assert r.json()["errors"][0]["type"] == "below-minimum"
    r = seller.post("/api/v1/market/deals", json={**small, "quantity": 600, "price": 12000})
    assert r.status_code == 422 and r.json()["code"] == "outside-band"
    assert r.json()["params"]["price_cents_per_t"] == 12000
    assert (
        "{low_cents_per_t}..{high_cents_per_t}".format(**r.json()["params"]) in (r.json()["detail"])
    )
    # ±30 %: 9000 is outside the book's ±10 % but inside the block band
    deal = seller.ok(
        "POST", "/api/v1/market/deals", 201, json={**small, "quantity": 600, "price": 9000}
    )
    r = seller.post(f"/api/v1/market/deals/{deal['id']}/accept")
    assert r.status_code == 403
    done = buyer.ok("POST", f"/api/v1/market/deals/{deal['id']}/accept")
    assert done["state"] == "settled" and done["tx_hash"]
    assert balances(api, seller) == (s0[0] - 600, s0[1] + 600 * 9000)
    assert balances(api, buyer) == (b0[0] + 600, b0[1] - 600 * 9000)


def test_auction_clears_at_one_price_and_settles(market_api: Api) -> None:
    api = market_api
    seller = api.organisation("enterprise", "Auction Seller")
    a = api.organisation("enterprise", "Bidder A", industry="steel")
    b = api.organisation("enterprise", "Bidder B", industry="glass")
    list_instrument(api)
    fund(api, allowances=[(seller, 500)], coin=[(a, 10_000_000), (b, 10_000_000)])
    s0, a0, b0 = balances(api, seller), balances(api, a), balances(api, b)
    auction = seller.ok(
        "POST",
        "/api/v1/market/auctions",
        201,
        json={"instrument": CODE, "quantity": 300, "reserve": 7000},
    )
    bid_a = a.ok(
        "POST",
        f"/api/v1/market/auctions/{auction['id']}/bids",
        201,
        json={"price": 8000, "quantity": 200},
    )
    b.ok(
        "POST",
        f"/api/v1/market/auctions/{auction['id']}/bids",
        201,
        json={"price": 7500, "quantity": 200},
    )
    low = a.ok(
        "POST",
        f"/api/v1/market/auctions/{auction['id']}/bids",
        201,
        json={"price": 6000, "quantity": 100},
    )  # below the reserve: not filled, released
    assert b.post(f"/api/v1/market/auctions/{auction['id']}/close").status_code == 404
    closed = seller.ok("POST", f"/api/v1/market/auctions/{auction['id']}/close")
    assert closed["clearing_price"] == 7500 and closed["sold"] == 300
    wait_settled(seller, 2)
    wait_released(a, bid_a["id"])
    assert wait_released(a, low["id"])["state"] == "cancelled"
    assert balances(api, seller) == (s0[0] - 300, s0[1] + 300 * 7500)
    assert balances(api, a) == (a0[0] + 200, a0[1] - 200 * 7500)
    assert balances(api, b) == (b0[0] + 100, b0[1] - 100 * 7500)
