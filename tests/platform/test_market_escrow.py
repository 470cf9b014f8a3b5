"""Escrow in batches: owner-signed order intents placed by the market operator, many per
transaction; a refused batch is retried order by order (on anvil, the shared chain)."""

from __future__ import annotations

import pytest
from market_testing import CODE, VINTAGE, balances, fund, list_instrument, signer
from platform_testing import Api

from carbonledger.ledger import RevertError
from carbonledger.ledger.contracts import Side
from carbonledger.platform.market.escrow import EscrowBatcher


def _batcher(api: Api) -> EscrowBatcher:
    """A batcher of its own, not started: what is submitted before start() is one batch."""
    market = api.platform.market
    assert market.operator is not None
    return EscrowBatcher(api.platform.require_gateway(), market.operator, senders=1)


def test_orders_submitted_together_are_escrowed_in_one_transaction(api: Api) -> None:
    seller = api.organisation("enterprise", "Batch Seller", industry="cement")
    buyer = api.organisation("enterprise", "Batch Buyer", industry="steel")
    fund(api, allowances=[(seller, 100)], coin=[(buyer, 1_000_000)])
    s0, b0 = balances(api, seller), balances(api, buyer)
    gw = api.platform.require_gateway()
    sell_key, buy_key = signer(api, seller), signer(api, buyer)
    batcher = _batcher(api)
    settlement = gw.suite.settlement
    futures = []
    for k in range(5):
        intent = batcher.intent(sell_key, int(Side.SELL), VINTAGE, 10 + k, 8_000)
        futures.append(batcher.submit(intent, settlement.sign_order(sell_key, intent)))
        intent = batcher.intent(buy_key, int(Side.BUY), VINTAGE, 1 + k, 7_000)
        futures.append(batcher.submit(intent, settlement.sign_order(buy_key, intent)))
    with batcher:
        placed = [f.result(timeout=60) for f in futures]
    assert batcher.batches == 1
    assert len({p.tx_hash for p in placed}) == 1
    ids = [p.order_id for p in placed]
    assert ids == list(range(ids[0], ids[0] + 10))  # in submission order
    for k in range(5):
        sell, buy = settlement.order(ids[2 * k]), settlement.order(ids[2 * k + 1])
        assert (sell.owner.lower(), sell.side, sell.remaining, sell.price) == (
            seller.address,
            Side.SELL,
            10 + k,
            8_000,
        )
        assert (buy.owner.lower(), buy.side, buy.remaining, buy.price) == (
            buyer.address,
            Side.BUY,
            1 + k,
            7_000,
        )
    # escrowed: 10+11+12+13+14 t of allowances, (1+2+3+4+5) t × 70.00 of coin
    assert balances(api, seller)[0] == s0[0] - 60
    assert balances(api, buyer)[1] == b0[1] - 15 * 7_000


def test_a_refused_order_fails_alone_and_the_rest_of_its_batch_is_placed(api: Api) -> None:
    rich = api.organisation("enterprise", "Rich Seller", industry="cement")
    poor = api.organisation("enterprise", "Poor Seller", industry="glass")
    fund(api, allowances=[(rich, 100), (poor, 5)], coin=[])
    gw = api.platform.require_gateway()
    batcher = _batcher(api)
    rich_key, poor_key = signer(api, rich), signer(api, poor)
    intents = [
        batcher.intent(rich_key, int(Side.SELL), VINTAGE, 20, 8_000),
        batcher.intent(poor_key, int(Side.SELL), VINTAGE, 50, 8_000),  # holds only 5 t
        batcher.intent(rich_key, int(Side.SELL), VINTAGE, 30, 8_000),
    ]
    keys = [rich_key, poor_key, rich_key]
    futures = [
        batcher.submit(i, gw.suite.settlement.sign_order(k, i))
        for i, k in zip(intents, keys, strict=True)
    ]
    with batcher:
        first = futures[0].result(timeout=60)
        with pytest.raises(RevertError) as refused:
            futures[1].result(timeout=60)
        third = futures[2].result(timeout=60)
    assert refused.value.reason == "allowances: insufficient balance"
    assert first.tx_hash == third.tx_hash  # the good orders still went together
    assert gw.suite.allowances.escrowed(rich.address, VINTAGE) >= 50
    assert balances(api, poor)[0] == 5


def test_an_order_through_http_is_escrowed_by_the_batcher_with_its_owner_on_chain(
    api: Api,
) -> None:
    seller = api.organisation("enterprise", "HTTP Seller", industry="cement")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[])
    market = api.platform.market
    assert market.batcher is not None  # the suite's Settlement has batch placement
    before = market.batcher.batches
    body = {"instrument": CODE, "side": "sell", "quantity": 40, "price": 8_100}
    placed = seller.ok("POST", "/api/v1/market/orders", 201, json=body)
    assert market.batcher.batches == before + 1
    order = api.platform.require_gateway().suite.settlement.order(placed["chain_order_id"])
    assert (order.owner.lower(), order.remaining, order.price) == (seller.address, 40, 8_100)
    # the refusal of a batch of one reaches the client as before, naming the short asset
    short = {"instrument": CODE, "side": "sell", "quantity": 500, "price": 8_100}
    problem = seller.ok("POST", "/api/v1/market/orders", 409, json=short)
    assert problem["code"] == "insufficient-allowances"


def test_without_batch_placement_each_order_is_its_owners_transaction(api: Api) -> None:
    """The path for a Settlement deployed before batch placement existed."""
    seller = api.organisation("enterprise", "Direct Seller", industry="cement")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[])
    market = api.platform.market
    batcher, market.batcher = market.batcher, None
    try:
        body = {"instrument": CODE, "side": "sell", "quantity": 25, "price": 8_100}
        placed = seller.ok("POST", "/api/v1/market/orders", 201, json=body)
    finally:
        market.batcher = batcher
    gw = api.platform.require_gateway()
    receipt = gw.chain.wait(placed["escrow_tx"])
    tx = gw.chain.rpc.call("eth_getTransactionByHash", [placed["escrow_tx"]])
    assert tx["from"].lower() == seller.address.lower()
    assert receipt.status == 1


def test_a_batch_of_orders_is_escrowed_together_and_each_gets_its_outcome(api: Api) -> None:
    seller = api.organisation("enterprise", "Batch Desk Seller", industry="cement")
    buyer = api.organisation("enterprise", "Batch Desk Buyer", industry="steel")
    list_instrument(api)
    fund(api, allowances=[(seller, 100)], coin=[(buyer, 10_000_000)])
    s0 = balances(api, seller)

    def sell(quantity: int, price: int) -> dict[str, object]:
        return {"instrument": CODE, "side": "sell", "quantity": quantity, "price": price}

    orders = [sell(10, 8_100), sell(10, 9_999), sell(1_000, 8_100), sell(20, 8_200)]
    answer = seller.ok("POST", "/api/v1/market/orders/batch", json={"orders": orders})
    assert (answer["placed"], answer["refused"]) == (2, 2)
    first, outside, short, last = answer["results"]
    assert first["problem"] is None and first["order"]["state"] == "open"
    assert last["problem"] is None and last["order"]["state"] == "open"
    # the two good orders shared one escrow transaction
    assert first["order"]["escrow_tx"] == last["order"]["escrow_tx"]
    assert outside["order"] is None and outside["problem"]["status"] == 422
    assert outside["problem"]["field"] == "body:orders:1:price"
    assert short["order"] is None and short["problem"]["code"] == "insufficient-allowances"
    assert balances(api, seller)[0] == s0[0] - 30  # only the placed orders escrowed

    # the buyer's batch matches in the order given: the first takes 10 t at 81.00, the
    # second (FOK for more than is left at its price) is rejected after escrow
    buys = [
        {"instrument": CODE, "side": "buy", "quantity": 10, "price": 8_150},
        {"instrument": CODE, "side": "buy", "quantity": 50, "price": 8_200, "tif": "fok"},
    ]
    answer = buyer.ok("POST", "/api/v1/market/orders/batch", json={"orders": buys})
    took, fok = answer["results"]
    assert took["order"]["filled"] == 10 and took["order"]["state"] == "filled"
    assert [(t["price"], t["quantity"]) for t in took["order"]["trades"]] == [(8_100, 10)]
    assert fok["order"]["state"] == "rejected" and fok["problem"]["status"] == 409
    assert (answer["placed"], answer["refused"]) == (1, 1)


def test_a_batch_is_checked_whole_before_anything_happens(api: Api) -> None:
    seller = api.organisation("enterprise", "Batch Shape Seller", industry="cement")
    too_many = [{"instrument": CODE, "side": "sell", "quantity": 1, "price": 8_000}] * 101
    problem = seller.ok("POST", "/api/v1/market/orders/batch", 422, json={"orders": too_many})
    assert problem["code"] == "invalid-input"
    problem = seller.ok("POST", "/api/v1/market/orders/batch", 422, json={"orders": []})
    assert problem["code"] == "invalid-input"
