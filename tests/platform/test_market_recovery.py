"""Crash between match and settlement: after a restart every trade is settled exactly
once and the book is the same."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient
from market_testing import CODE, balances, fund, list_instrument, wait_settled
from platform_testing import Api, ChainEnv, database_kind, fresh_database, settings_for
from sqlalchemy import select

from carbonledger.ledger.contracts import Fill
from carbonledger.ledger.indexer import events as ledger_events
from carbonledger.platform.app import Platform, create_app
from carbonledger.platform.db import unit_of_work
from carbonledger.platform.market.models import MarketTrade


def settled_events(platform: Platform) -> Counter[tuple[int, int, int, int]]:
    platform.require_gateway().sync()
    with unit_of_work(platform.sessions) as s:
        rows = s.execute(
            select(ledger_events.c.args).where(ledger_events.c.name == "TradeSettled")
        ).scalars()
        return Counter(
            (a["buy_order"], a["sell_order"], a["amount"], a["price"])
            for a in map(json.loads, rows)
        )


def test_restart_settles_every_trade_exactly_once_and_keeps_the_book(
    chain_env: ChainEnv, tmp_path: Path
) -> None:
    assert chain_env.snapshot is not None and chain_env.revert is not None
    snap = chain_env.snapshot()
    try:
        with fresh_database(database_kind(), tmp_path) as url:
            settings = replace(settings_for(chain_env, url, tmp_path), market_settle_interval=0)
            first = Platform(settings)
            with TestClient(create_app(first), raise_server_exceptions=False) as client:
                api = Api(client, first)
                seller = api.organisation("enterprise", "Crash Seller")
                buyers = [api.organisation("enterprise", f"Crash Buyer {i}") for i in range(3)]
                list_instrument(api)
                fund(api, allowances=[(seller, 1000)], coin=[(b, 10_000_000) for b in buyers])
                s0 = balances(api, seller)
                for price in (8000, 8010, 8020, 8030):
                    seller.ok(
                        "POST",
                        "/api/v1/market/orders",
                        201,
                        json={"instrument": CODE, "side": "sell", "quantity": 50, "price": price},
                    )
                for b in buyers:  # 60 t each at up to 8020: sweeps three levels
                    b.ok(
                        "POST",
                        "/api/v1/market/orders",
                        201,
                        json={"instrument": CODE, "side": "buy", "quantity": 60, "price": 8020},
                    )
                # resting orders that stay in the book
                buyers[0].ok(
                    "POST",
                    "/api/v1/market/orders",
                    201,
                    json={"instrument": CODE, "side": "buy", "quantity": 5, "price": 7900},
                )
                book_before = api.regulator.ok("GET", "/api/v1/market/book-snapshot")
                with unit_of_work(first.sessions) as s:
                    trades = list(s.execute(select(MarketTrade).order_by(MarketTrade.id)).scalars())
                    assert len(trades) >= 4 and {t.state for t in trades} == {"matched"}
                    # the process sent the first trade's settlement, then died before
                    # writing it down
                    crashed = trades[0]
                    s.get(MarketTrade, crashed.id).state = "settling"  # type: ignore[union-attr]
                assert first.market is not None and first.market.operator is not None
                op = first.market.operator
                first.require_gateway().suite.settlement.by(op).settle(
                    [
                        Fill(
                            crashed.buy_chain_order,
                            crashed.sell_chain_order,
                            crashed.quantity,
                            crashed.price,
                        )
                    ]
                )
                # torn down here: nothing else settled
            keys = [(t.buy_chain_order, t.sell_chain_order, t.quantity, t.price) for t in trades]

            second = Platform(replace(settings, market_settle_interval=0.05))
            with TestClient(create_app(second), raise_server_exceptions=False) as client:
                api = Api(client, second)
                regulator = api.actor(api_regulator_name(second))
                assert regulator.ok("GET", "/api/v1/market/book-snapshot") == book_before
                wait_settled(regulator, len(trades))
                on_chain = settled_events(second)
                assert all(on_chain[k] == Counter(keys)[k] for k in keys), on_chain
                with unit_of_work(second.sessions) as s:
                    again = {t.id: t for t in s.execute(select(MarketTrade)).scalars()}
                assert again[crashed.id].tx_hash  # found on chain, not re-sent
                sold = sum(t.quantity for t in trades)
                seller2 = api.actor(seller.username)
                total = sum(t.quantity * t.price for t in trades)
                assert balances(api, seller2)[1] == s0[1] + total
                assert sold == 150
    finally:
        chain_env.revert(snap)


def api_regulator_name(platform: Platform) -> str:
    from carbonledger.platform.accounts.models import Organisation, User

    with unit_of_work(platform.sessions) as s:
        return str(
            s.execute(
                select(User.username).join(Organisation).where(Organisation.kind == "regulator")
            ).scalar_one()
        )
