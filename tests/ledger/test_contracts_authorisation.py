"""Every restricted function, called by each role that may not call it, is refused.

And the role that may call it is refused too once its organisation is suspended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from ledger_testing import VINTAGE, World, cast_key, reverts

from carbonledger.ledger import Fill, OrderIntent, Role, Side, Signer

ALL = ("ADMIN", "REGULATOR", "VERIFIER", "ENTERPRISE", "FINANCE", "MARKET_OPERATOR", "unregistered")


@dataclass(frozen=True)
class Restricted:
    contract: str
    function: str
    args: Callable[[World], tuple[Any, ...]]
    allowed: tuple[str, ...]
    reason: str

    @property
    def id(self) -> str:
        return f"{self.contract}.{self.function}"


NEW = Signer(cast_key(500)).address

RESTRICTED = [
    Restricted(
        "registry",
        "register",
        lambda w: (NEW, int(Role.ENTERPRISE), "", ""),
        ("ADMIN", "REGULATOR"),
        "registry: not allowed",
    ),
    Restricted(
        "registry",
        "set_status",
        lambda w: (w.carol.address, False),
        ("ADMIN", "REGULATOR"),
        "registry: not allowed",
    ),
    Restricted(
        "coin",
        "mint",
        lambda w: (w.alice.address, 1, b"\0" * 32),
        ("FINANCE",),
        "coin: caller is not finance",
    ),
    Restricted(
        "coin", "burn", lambda w: (1, b"\0" * 32), ("FINANCE",), "coin: caller is not finance"
    ),
    Restricted("coin", "set_paused", lambda w: (True,), ("ADMIN",), "coin: caller is not admin"),
    Restricted(
        "coin", "set_market", lambda w: (w.carol.address,), ("ADMIN",), "coin: caller is not admin"
    ),
    Restricted(
        "allowances",
        "allocate",
        lambda w: (VINTAGE, [w.alice.address], [1], 0),
        ("REGULATOR",),
        "allowances: caller is not regulator",
    ),
    Restricted(
        "allowances",
        "deduct",
        lambda w: (w.alice.address, VINTAGE, 1, b"\0" * 32),
        ("REGULATOR",),
        "allowances: caller is not regulator",
    ),
    Restricted(
        "allowances",
        "set_eligible",
        lambda w: (2030, VINTAGE, True),
        ("REGULATOR",),
        "allowances: caller is not regulator",
    ),
    Restricted(
        "allowances",
        "set_market",
        lambda w: (w.carol.address,),
        ("ADMIN",),
        "allowances: caller is not admin",
    ),
    Restricted(
        "allowances",
        "set_compliance",
        lambda w: (w.carol.address,),
        ("ADMIN",),
        "allowances: caller is not admin",
    ),
    Restricted(
        "allowances",
        "transfer",
        lambda w: (w.bob.address, VINTAGE, 1),
        ("ENTERPRISE",),
        "allowances: sender not active enterprise",
    ),
    Restricted(
        "offsets",
        "register_project",
        lambda w: (77, w.bob.address, b"\0" * 32, ""),
        ("REGULATOR",),
        "offsets: caller is not regulator",
    ),
    Restricted(
        "offsets",
        "issue",
        lambda w: (1001, VINTAGE, w.bob.address, 1),
        ("REGULATOR",),
        "offsets: caller is not regulator",
    ),
    Restricted(
        "offsets",
        "set_compliance",
        lambda w: (w.carol.address,),
        ("ADMIN",),
        "offsets: caller is not admin",
    ),
    Restricted(
        "offsets",
        "transfer",
        lambda w: (w.bob.address, w.block_id, 1),
        ("ENTERPRISE",),
        "offsets: sender not active enterprise",
    ),
    Restricted(
        "offsets",
        "retire",
        lambda w: (w.block_id, 1, "b", "r"),
        ("ENTERPRISE",),
        "offsets: sender not active enterprise",
    ),
    Restricted(
        "reports",
        "submit",
        lambda w: (2024, b"r".ljust(32, b"\0"), b"c".ljust(32, b"\0"), b"\0" * 32, 1),
        ("ENTERPRISE",),
        "reports: caller is not enterprise",
    ),
    Restricted(
        "reports",
        "assign_verifier",
        lambda w: (w.report_id, w.verifier2.address),
        ("REGULATOR",),
        "reports: caller is not regulator",
    ),
    Restricted(
        "reports",
        "confirm",
        lambda w: (w.report_id,),
        ("REGULATOR",),
        "reports: caller is not regulator",
    ),
    Restricted(
        "reports",
        "set_max_consecutive",
        lambda w: (4,),
        ("REGULATOR",),
        "reports: caller is not regulator",
    ),
    Restricted(
        "reports",
        "attest",
        lambda w: (w.report_id, 1, 1, b"d".ljust(32, b"\0")),
        ("VERIFIER",),
        "reports: not the assigned verifier",
    ),
    Restricted(
        "reports",
        "reject",
        lambda w: (w.report_id, 1),
        ("VERIFIER",),
        "reports: not the assigned verifier",
    ),
    Restricted(
        "compliance",
        "surrender_allowances",
        lambda w: (2024, VINTAGE, 1),
        ("ENTERPRISE",),
        "compliance: caller is not enterprise",
    ),
    Restricted(
        "compliance",
        "surrender_offsets",
        lambda w: (2024, w.block_id, 1),
        ("ENTERPRISE",),
        "compliance: caller is not enterprise",
    ),
    Restricted(
        "compliance",
        "set_offset_cap_bps",
        lambda w: (100,),
        ("REGULATOR",),
        "compliance: caller is not regulator",
    ),
    Restricted(
        "compliance",
        "set_deadline",
        lambda w: (2024, 1),
        ("REGULATOR",),
        "compliance: caller is not regulator",
    ),
    Restricted(
        "compliance",
        "record_penalty",
        lambda w: (w.alice.address, 2024, 1, b"\0" * 32),
        ("REGULATOR",),
        "compliance: caller is not regulator",
    ),
    Restricted(
        "settlement",
        "place_order",
        lambda w: (int(Side.SELL), VINTAGE, 1, 1),
        ("ENTERPRISE",),
        "settlement: caller is not enterprise",
    ),
    Restricted(
        "settlement",
        "propose_deal",
        lambda w: (w.bob.address, True, VINTAGE, 1, 1),
        ("ENTERPRISE",),
        "settlement: caller is not enterprise",
    ),
    Restricted(
        "settlement",
        "settle",
        lambda w: ([tuple(Fill(w.buy_order, w.sell_order, 1, 85_00))],),
        ("MARKET_OPERATOR",),
        "settlement: caller is not operator",
    ),
    Restricted(
        "settlement",
        "place_signed_orders",
        lambda w: ([(tuple(_intent(w)), w.s.settlement.sign_order(w.alice, _intent(w)))],),
        ("MARKET_OPERATOR",),
        "settlement: caller is not operator",
    ),
]


def _intent(w: World) -> OrderIntent:
    return OrderIntent(w.alice.address, int(Side.SELL), VINTAGE, 1, 85_00, 7, 2**40)


WRONG = [
    pytest.param(r, role, id=f"{r.id}-{role}")
    for r in RESTRICTED
    for role in ALL
    if role not in r.allowed
]


def _contract(w: World, name: str) -> Any:
    return getattr(w.s, name)


@pytest.mark.parametrize(("entry", "role"), WRONG)
def test_wrong_role_is_refused(world: World, entry: Restricted, role: str) -> None:
    signer = world.by_role()[role]
    with reverts(entry.reason):
        _contract(world, entry.contract).by(signer).send(entry.function, *entry.args(world))


def _suspend(w: World, role: str) -> Signer:
    signer = w.by_role()[role]
    if role == "ADMIN":
        # nobody may suspend themselves, and only an admin may suspend an admin
        other = Signer(cast_key(501))
        w.s.registry.by(w.admin).register(other.address, Role.ADMIN)
        if w.chain.balance(w.admin.address):
            w.chain.send_value(w.admin, other.address, 10**17)
        w.s.registry.by(other).set_status(w.admin.address, False)
    elif role == "REGULATOR":
        w.s.registry.by(w.admin).set_status(signer.address, False)
    else:
        w.s.registry.by(w.regulator).set_status(signer.address, False)
    return signer


@pytest.mark.parametrize("entry", RESTRICTED, ids=[r.id for r in RESTRICTED])
def test_suspended_right_role_is_refused(w: World, entry: Restricted) -> None:
    args = entry.args(w)  # read ids before anything changes
    # suspend regulators first: suspending an admin takes away who suspends them
    for role in sorted(entry.allowed, key=lambda r: r == "ADMIN"):
        signer = _suspend(w, role)
        reason = entry.reason
        if entry.contract == "reports" and entry.function in ("attest", "reject"):
            reason = "reports: verifier not active"
        with reverts(reason):
            _contract(w, entry.contract).by(signer).send(entry.function, *args)


def test_every_restricted_function_is_listed() -> None:
    """A new restricted external function must be added to the table above."""
    open_to_all = {
        "registry": {"has_role", "is_active", "role_of"},
        "coin": {"transfer", "transferFrom", "approve", "market_lock", "market_pay"},
        "allowances": {"escrow", "release", "deliver", "surrender_from", "balanceOfBatch"},
        "offsets": {"surrender_from", "block_size"},
        "reports": set(),
        "compliance": {"obligation", "offset_cap", "status"},
        "settlement": {
            "cancel_order",
            "accept_deal",
            "cancel_deal",
            "settle_signed_deal",
            "revoke_signed_deal",
            "revoke_order_intent",
        },
    }
    from carbonledger.ledger.contracts import contract_abi

    names = {
        "registry": "access_registry",
        "coin": "carbon_coin",
        "allowances": "allowances",
        "offsets": "offsets",
        "reports": "emission_reports",
        "compliance": "compliance",
        "settlement": "settlement",
    }
    listed = {(r.contract, r.function) for r in RESTRICTED}
    for short, artefact in names.items():
        for fn in contract_abi(artefact).functions.values():
            if not fn.mutates or fn.name in open_to_all[short]:
                continue
            assert (short, fn.name) in listed, f"{short}.{fn.name} missing from RESTRICTED"
