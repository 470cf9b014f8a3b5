"""Helpers of the market tests: funding enterprises on chain and waiting for settlement.

Allocating allowances and minting coin belong to the registry's endpoints (another
package); until they exist here the tests do it on chain with the regulator's and a
bank's custodial keys, which is exactly what those endpoints will do.
"""

from __future__ import annotations

import time
from typing import Any

from platform_testing import Actor, Api

from carbonledger.ledger.contracts import AllocationKind
from carbonledger.platform.db import unit_of_work

VINTAGE = 2024
CODE = f"CEA-{VINTAGE}"


def signer(api: Api, actor: Actor) -> Any:
    with unit_of_work(api.platform.sessions) as s:
        return api.platform.signer_for(s, actor.org_id)


def fund(api: Api, *, allowances: list[tuple[Actor, int]], coin: list[tuple[Actor, int]]) -> None:
    gw = api.platform.require_gateway()
    suite = gw.suite
    if allowances:
        reg = signer(api, api.regulator)
        receivers = [a.address for a, _ in allowances]
        suite.allowances.by(reg).allocate(
            VINTAGE, receivers, [n for _, n in allowances], AllocationKind.FREE
        )
    if coin:
        bank = api.organisation("finance", "Market Test Bank")
        bank_signer = signer(api, bank)
        for actor, cents in coin:
            suite.coin.by(bank_signer).mint(actor.address, cents)


def balances(api: Api, actor: Actor) -> tuple[int, int]:
    """(allowances of the vintage [t], carbon coin [cents]) on chain."""
    suite = api.platform.require_gateway().suite
    return suite.allowances.balance_of(actor.address, VINTAGE), suite.coin.balance_of(actor.address)


def list_instrument(api: Api, **extra: Any) -> dict[str, Any]:
    body = {"vintage": VINTAGE, "reference_price": 8000, **extra}
    return api.regulator.ok("POST", "/api/v1/market/instruments", 201, json=body)  # type: ignore[no-any-return]


def wait_settled(actor: Actor, expected: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        trades = actor.ok("GET", "/api/v1/market/trades?limit=200")["items"]
        if len(trades) >= expected and all(t["state"] == "settled" for t in trades):
            return list(trades)
        if time.monotonic() > deadline:
            raise AssertionError(f"trades not settled after {timeout}s: {trades}")
        time.sleep(0.05)


def wait_released(actor: Actor, order_id: int, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        order = actor.ok("GET", f"/api/v1/market/orders/{order_id}")
        if order["released"]:
            return dict(order)
        if time.monotonic() > deadline:
            raise AssertionError(f"order {order_id} not released after {timeout}s: {order}")
        time.sleep(0.05)
