"""Shared test helpers: the cast of organisations, the baseline world and ``reverts``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from eth_utils.crypto import keccak

from carbonledger.ledger import Chain, RevertError, Role, Side, Signer, Suite, deploy_suite

VINTAGE = 2024
YEAR = 2024
PROJECT = 1001
ETH = 10**18


@contextlib.contextmanager
def reverts(reason: str) -> Iterator[None]:
    """Expect the contract to refuse with exactly `reason`."""
    with pytest.raises(RevertError) as info:
        yield
    assert info.value.reason == reason


def cast_key(i: int) -> str:
    return "0x" + keccak(text=f"carbonledger test account {i}").hex()


@dataclass
class World:
    chain: Chain
    s: Suite
    admin: Signer
    regulator: Signer
    verifier: Signer
    verifier2: Signer
    alice: Signer
    bob: Signer
    carol: Signer
    bank: Signer
    operator: Signer
    stranger: Signer
    # baseline objects
    report_id: int = 0
    block_id: int = 0
    sell_order: int = 0
    buy_order: int = 0

    def by_role(self) -> dict[str, Signer]:
        """One signer per role, plus an unregistered account."""
        return {
            "ADMIN": self.admin,
            "REGULATOR": self.regulator,
            "VERIFIER": self.verifier,
            "ENTERPRISE": self.alice,
            "FINANCE": self.bank,
            "MARKET_OPERATOR": self.operator,
            "unregistered": self.stranger,
        }


def fund(chain: Chain, funder: Signer, signers: list[Signer]) -> None:
    if chain.balance(funder.address) == 0:
        return  # a gas-free consortium chain needs no funding
    for s in signers:
        if chain.balance(s.address) < ETH:
            chain.send_value(funder, s.address, 10 * ETH)


def build_world(chain: Chain, funded_key: str) -> World:
    """Deploy the suite and set up the baseline every test starts from."""
    admin = Signer(funded_key)
    cast = [Signer(cast_key(i)) for i in range(10)]
    fund(chain, admin, cast)
    regulator, verifier, verifier2, alice, bob, carol, bank, operator, stranger, _ = cast
    s = deploy_suite(chain, admin)
    w = World(
        chain, s, admin, regulator, verifier, verifier2, alice, bob, carol, bank, operator, stranger
    )
    s.registry.by(admin).register(regulator.address, Role.REGULATOR, "", "CN")
    reg = s.registry.by(regulator)
    reg.register(verifier.address, Role.VERIFIER, "7452", "CN")
    reg.register(verifier2.address, Role.VERIFIER, "7452", "CN")
    for e in (alice, bob, carol):
        reg.register(e.address, Role.ENTERPRISE, "4411", "CN-GD")
    reg.register(bank.address, Role.FINANCE, "6620", "CN")
    reg.register(operator.address, Role.MARKET_OPERATOR, "7212", "CN")

    s.allowances.by(regulator).allocate(VINTAGE, [alice.address, bob.address], [1000, 500])
    s.allowances.by(regulator).set_eligible(YEAR, VINTAGE, True)
    s.coin.by(bank).mint(alice.address, 50_000_00)
    s.coin.by(bank).mint(bob.address, 50_000_00)
    s.coin.by(bank).mint(bank.address, 1_000_00)
    s.offsets.by(regulator).register_project(PROJECT, carol.address, b"CCER-14-001", "CN-YN")
    w.block_id = (
        s.offsets.by(regulator)
        .issue(PROJECT, VINTAGE, alice.address, 100)
        .event("Issued")["block_id"]
    )
    w.report_id = (
        s.reports.by(alice)
        .submit(2023, b"root", b"calc", b"CN-POWER-2023", 1200)
        .event("ReportSubmitted")["report_id"]
    )
    s.reports.by(regulator).assign_verifier(w.report_id, verifier.address)
    w.sell_order = (
        s.settlement.by(alice)
        .place_order(Side.SELL, VINTAGE, 10, 80_00)
        .event("OrderPlaced")["order_id"]
    )
    w.buy_order = (
        s.settlement.by(bob)
        .place_order(Side.BUY, VINTAGE, 10, 90_00)
        .event("OrderPlaced")["order_id"]
    )
    return w
