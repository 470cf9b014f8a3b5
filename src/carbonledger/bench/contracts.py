"""Gas used per common contract operation, measured from real receipts.

Runs against a fresh anvil by default, or any JSON-RPC node given a funded key. Gas is
a property of the contracts and the EVM rules (the node only matters through its fork
rules), so the table is comparable across runs; wall time per transaction is shown for
orientation only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from eth_utils.crypto import keccak

from carbonledger.contracts import load_suite
from carbonledger.ledger import (
    Chain,
    DealTerms,
    Fill,
    Role,
    Side,
    Signer,
    Suite,
    TxResult,
    deploy_suite,
)
from carbonledger.ledger.client import Receipt
from carbonledger.ledger.deploy import deploy_receipt

VINTAGE = 2024
ETH = 10**18


@dataclass(frozen=True)
class Row:
    operation: str
    gas: int
    ms: float


def _key(i: int) -> str:
    return "0x" + keccak(text=f"carbonledger bench account {i}").hex()


def _timed(rows: list[Row], name: str, fn: Callable[[], TxResult | Receipt]) -> TxResult | Receipt:
    t0 = time.perf_counter()
    out = fn()
    ms = (time.perf_counter() - t0) * 1000
    receipt = out.receipt if isinstance(out, TxResult) else out
    rows.append(Row(name, receipt.gas_used, ms))
    return out


def _order_id(res: TxResult | Receipt) -> int:
    assert isinstance(res, TxResult)
    return int(res.event("OrderPlaced")["order_id"])


@dataclass
class _Cast:
    admin: Signer
    regulator: Signer
    verifier: Signer
    alice: Signer
    bob: Signer
    carol: Signer
    bank: Signer
    operator: Signer


def _deployments(chain: Chain, admin: Signer, rows: list[Row]) -> Suite:
    arts = load_suite()
    registry = deploy_receipt(chain, admin, arts["access_registry"])
    rows.append(Row("deploy access_registry", registry.gas_used, 0.0))
    reg_address = str(registry.contract_address)
    ctor_args: dict[str, tuple[object, ...]] = {
        "carbon_coin": (reg_address,),
        "allowances": (reg_address,),
        "offsets": (reg_address,),
        "emission_reports": (reg_address, 3),
        "compliance": (reg_address, reg_address, reg_address, reg_address),
        "settlement": (reg_address, reg_address, reg_address),
    }
    for name, args in ctor_args.items():
        receipt = deploy_receipt(chain, admin, arts[name], *args)
        rows.append(Row(f"deploy {name}", receipt.gas_used, 0.0))
    t0 = time.perf_counter()
    suite = deploy_suite(chain, admin)
    rows.append(Row("deploy + wire whole suite (11 txs)", 0, (time.perf_counter() - t0) * 1000))
    return suite


def _registry_and_coin(s: Suite, c: _Cast, rows: list[Row]) -> None:
    reg = s.registry
    _timed(
        rows,
        "registry.register",
        lambda: reg.by(c.admin).register(c.regulator.address, Role.REGULATOR),
    )
    for who, role in (
        (c.verifier, Role.VERIFIER),
        (c.bank, Role.FINANCE),
        (c.operator, Role.MARKET_OPERATOR),
    ):
        reg.by(c.regulator).register(who.address, role)
    for e in (c.alice, c.bob, c.carol):
        reg.by(c.regulator).register(e.address, Role.ENTERPRISE, "4411", "CN-GD")
    _timed(
        rows,
        "registry.set_status (suspend)",
        lambda: reg.by(c.regulator).set_status(c.carol.address, False),
    )
    reg.by(c.regulator).set_status(c.carol.address, True)
    coin = s.coin
    _timed(rows, "coin.mint", lambda: coin.by(c.bank).mint(c.alice.address, 1_000_000_00))
    coin.by(c.bank).mint(c.bob.address, 1_000_000_00)
    coin.by(c.bank).mint(c.bank.address, 1_00)
    _timed(rows, "coin.transfer", lambda: coin.by(c.alice).transfer(c.bob.address, 1_00))
    _timed(rows, "coin.burn", lambda: coin.by(c.bank).burn(1_00))


def _units(s: Suite, c: _Cast, rows: list[Row]) -> int:
    al = s.allowances
    _timed(
        rows,
        "allowances.allocate (1 receiver)",
        lambda: al.by(c.regulator).allocate(VINTAGE, [c.alice.address], [10_000]),
    )
    three = [c.alice.address, c.bob.address, c.carol.address]
    _timed(
        rows,
        "allowances.allocate (3 receivers)",
        lambda: al.by(c.regulator).allocate(VINTAGE, three, [10, 10, 10]),
    )
    _timed(rows, "allowances.transfer", lambda: al.by(c.alice).transfer(c.bob.address, VINTAGE, 5))
    _timed(rows, "allowances.deduct", lambda: al.by(c.regulator).deduct(c.bob.address, VINTAGE, 1))
    al.by(c.regulator).set_eligible(VINTAGE, VINTAGE, True)
    of = s.offsets
    of.by(c.regulator).register_project(1001, c.carol.address)
    issued = _timed(
        rows,
        "offsets.issue",
        lambda: of.by(c.regulator).issue(1001, VINTAGE, c.alice.address, 1000),
    )
    assert isinstance(issued, TxResult)
    block = int(issued.event("Issued")["block_id"])
    _timed(
        rows, "offsets.transfer (split)", lambda: of.by(c.alice).transfer(c.bob.address, block, 10)
    )
    _timed(
        rows,
        "offsets.retire (split)",
        lambda: of.by(c.alice).retire(block, 5, "Beneficiary Ltd", "voluntary"),
    )
    return block


def _mrv_and_compliance(s: Suite, c: _Cast, rows: list[Row], block: int) -> None:
    rp = s.reports
    sub = _timed(
        rows,
        "reports.submit",
        lambda: rp.by(c.alice).submit(VINTAGE, b"root", b"calc", b"CN-POWER", 20_000),
    )
    assert isinstance(sub, TxResult)
    rid = int(sub.event("ReportSubmitted")["report_id"])
    _timed(
        rows,
        "reports.assign_verifier",
        lambda: rp.by(c.regulator).assign_verifier(rid, c.verifier.address),
    )
    _timed(rows, "reports.attest", lambda: rp.by(c.verifier).attest(rid, 20_000, 1, b"doc"))
    _timed(rows, "reports.confirm", lambda: rp.by(c.regulator).confirm(rid))
    cp = s.compliance
    _timed(
        rows,
        "compliance.surrender_allowances",
        lambda: cp.by(c.alice).surrender_allowances(VINTAGE, VINTAGE, 100),
    )
    _timed(
        rows,
        "compliance.surrender_offsets",
        lambda: cp.by(c.alice).surrender_offsets(VINTAGE, block, 10),
    )


def _market(s: Suite, c: _Cast, rows: list[Row]) -> None:
    st = s.settlement
    sell = _order_id(
        _timed(
            rows,
            "settlement.place_order (sell)",
            lambda: st.by(c.alice).place_order(Side.SELL, VINTAGE, 100, 80_00),
        )
    )
    buy = _order_id(
        _timed(
            rows,
            "settlement.place_order (buy)",
            lambda: st.by(c.bob).place_order(Side.BUY, VINTAGE, 100, 90_00),
        )
    )
    _timed(
        rows,
        "settlement.settle (1 fill)",
        lambda: st.by(c.operator).settle([Fill(buy, sell, 10, 85_00)]),
    )
    fills = [Fill(buy, sell, 1, 85_00) for _ in range(10)]
    _timed(rows, "settlement.settle (10 fills)", lambda: st.by(c.operator).settle(fills))
    _timed(rows, "settlement.cancel_order", lambda: st.by(c.alice).cancel_order(sell))
    deal = _timed(
        rows,
        "settlement.propose_deal",
        lambda: st.by(c.alice).propose_deal(c.bob.address, True, VINTAGE, 5, 88_00),
    )
    assert isinstance(deal, TxResult)
    deal_id = int(deal.event("DealProposed")["deal_id"])
    _timed(
        rows,
        "settlement.accept_deal (settles)",
        lambda: st.by(c.bob).accept_deal(deal_id, VINTAGE, 5, 88_00),
    )
    terms = DealTerms(c.alice.address, c.bob.address, VINTAGE, 5, 88_00, 1, 2**40)
    sigs = (st.sign_deal(c.alice, terms), st.sign_deal(c.bob, terms))
    _timed(
        rows,
        "settlement.settle_signed_deal (EIP-712)",
        lambda: st.by(c.operator).settle_signed_deal(terms, *sigs),
    )


def measure(url: str, funded_key: str) -> list[Row]:
    chain = Chain(url)
    admin = Signer(funded_key)
    others = [Signer(_key(i)) for i in range(7)]
    if chain.balance(admin.address):
        for signer in others:
            chain.send_value(admin, signer.address, 10 * ETH)
    cast = _Cast(admin, *others)
    rows: list[Row] = []
    try:
        suite = _deployments(chain, admin, rows)
        _registry_and_coin(suite, cast, rows)
        block = _units(suite, cast, rows)
        _mrv_and_compliance(suite, cast, rows, block)
        _market(suite, cast, rows)
    finally:
        chain.close()
    return rows


def format_table(rows: list[Row]) -> str:
    width = max(len(r.operation) for r in rows)
    lines = [f"{'operation':<{width}}  {'gas used':>10}  {'ms/tx':>7}", "-" * (width + 21)]
    for r in rows:
        gas = f"{r.gas:>10,}" if r.gas else f"{'':>10}"
        lines.append(f"{r.operation:<{width}}  {gas}  {r.ms:>7.1f}")
    return "\n".join(lines)


def run(url: str | None = None, funded_key: str | None = None) -> str:
    """Measure against `url` (with `funded_key`), or a fresh anvil when url is None."""
    if url is not None:
        if funded_key is None:
            raise ValueError("a funded key is needed with an RPC URL")
        return format_table(measure(url, funded_key))
    from carbonledger.devtools.anvil import Anvil

    with Anvil(accounts=1) as node:
        return format_table(measure(node.url, node.private_keys[0]))
