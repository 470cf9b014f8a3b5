"""The market benchmark's workload and command (what it measures, not how fast)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from carbonledger.bench.market import fresh_engine, order_stream, replay
from carbonledger.cli import app
from carbonledger.market.engine import OrderType, RejectCode, Rejected, TimeInForce


def test_the_stream_is_reproducible_from_its_seed():
    assert order_stream(2000, seed=7) == order_stream(2000, seed=7)
    assert order_stream(2000, seed=7) != order_stream(2000, seed=8)


def test_the_stream_has_the_advertised_mix():
    stream = order_stream(20_000)
    mix = Counter()
    for kind, _account, _side, order_type, _qty, _price, tif, _id in stream:
        if kind == "cancel":
            mix["cancel"] += 1
        elif order_type is OrderType.MARKET:
            mix["market"] += 1
        elif tif is TimeInForce.DAY:
            mix["limit"] += 1
        else:
            mix["ioc/fok"] += 1
    share = {k: v / len(stream) for k, v in mix.items()}
    assert abs(share["limit"] - 0.6) < 0.03
    assert abs(share["cancel"] - 0.2) < 0.03
    assert abs(share["market"] - 0.1) < 0.02
    assert abs(share["ioc/fok"] - 0.1) < 0.02


def test_cancels_name_the_right_order_and_account_and_orders_trade():
    engine = fresh_engine()
    counts = replay(engine, order_stream(5000))
    assert counts["trade"] > 1000
    # a cancel may come after its order was filled, but never names a stranger's order
    refused = Counter()
    engine = fresh_engine()
    for kind, account, side, order_type, qty, price, tif, order_id in order_stream(5000):
        if kind == "submit":
            events = engine.submit("CEA-2024", account, side, order_type, qty, price, tif)
            assert events[0].order_id == order_id
        else:
            events = engine.cancel(order_id, account)
        refused.update(ev.code for ev in events if isinstance(ev, Rejected))
    assert set(refused) <= {RejectCode.UNKNOWN_ORDER, RejectCode.FOK_NOT_FILLABLE}


def test_bench_market_matching_prints_json():
    result = CliRunner().invoke(
        app, ["bench", "market", "--matching", "--commands", "3000", "--rounds", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] == "matching" and data["commands"] == 3000
    assert data["median_per_second"]["engine"] > 0
    assert data["median_per_cpu_second"]["engine"] > 0
    assert data["ratio_to_reference"] == (
        data["median_per_second"]["engine"] / data["median_per_second"]["reference"]
    )
    assert data["events"]["accepted"] > 0


def test_bench_market_needs_a_mode():
    result = CliRunner().invoke(app, ["bench", "market"])
    assert result.exit_code == 2


@pytest.mark.parametrize(("batch", "rate"), [("0", "0"), ("5", "0"), ("2", "20")])
def test_bench_market_end_to_end_on_anvil(batch: str, rate: str):
    """A tiny run: orders go through HTTP, escrow, matching and on-chain settlement; one
    order per request, or five per batch request (closed loop), or two per request
    offered at 20 orders/s (open loop)."""
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "market",
            "--end-to-end",
            "--chain",
            "anvil",
            "--accounts",
            "2",
            "--seconds",
            "1",
            "--batch",
            batch,
            "--rate",
            rate,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[result.stdout.index("{") :])
    assert data["mode"] == "end-to-end" and data["errors"] == 0, data
    assert data["batch"] == int(batch)
    if rate != "0":
        assert data["offered_per_second"] == float(rate)
        # open loop: 20 orders/s for 1 s are 10 requests of 2, offered whatever the answers
        assert data["orders"] == 20, data
    assert data["orders"] > 0 and data["trades"] > 0
    assert data["trades_settled"] == data["trades"]
    lat = data["order_to_settled_s"]
    assert 0 < lat["p50"] <= lat["p99"] <= lat["max"]
