from ledger_testing import VINTAGE, World, reverts

from carbonledger.ledger import AllocationKind

ZERO = "0x" + "00" * 20


def test_allocate_batch_emits_erc1155_and_allocated(w: World) -> None:
    res = w.s.allowances.by(w.regulator).allocate(
        2025, [w.alice.address, w.carol.address], [70, 30], AllocationKind.PRE
    )
    singles = res.all("TransferSingle")
    assert singles == [
        {
            "operator": w.regulator.address,
            "sender": ZERO,
            "receiver": w.alice.address,
            "id": 2025,
            "value": 70,
        },
        {
            "operator": w.regulator.address,
            "sender": ZERO,
            "receiver": w.carol.address,
            "id": 2025,
            "value": 30,
        },
    ]
    assert res.all("Allocated")[1] == {
        "vintage": 2025,
        "receiver": w.carol.address,
        "amount": 30,
        "kind": AllocationKind.PRE,
    }
    assert w.s.allowances.balance_of_batch([w.alice.address, w.carol.address], [2025, 2025]) == [
        70,
        30,
    ]
    assert w.s.allowances.totals(2025)["allocated"] == 100


def test_allocate_reverts(w: World) -> None:
    a = w.s.allowances.by(w.regulator)
    with reverts("allowances: length mismatch"):
        a.allocate(2025, [w.alice.address], [1, 2])
    with reverts("allowances: empty batch"):
        a.allocate(2025, [], [])
    with reverts("allowances: unknown kind"):
        a.send("allocate", 2025, [w.alice.address], [1], 3)
    with reverts("allowances: zero amount"):
        a.allocate(2025, [w.alice.address], [0])
    with reverts("allowances: receiver not active enterprise"):
        a.allocate(2025, [w.bank.address], [1])
    w.s.registry.by(w.regulator).set_status(w.carol.address, False)
    with reverts("allowances: receiver not active enterprise"):
        a.allocate(2025, [w.alice.address, w.carol.address], [1, 1])


def test_deduct_as_penalty(w: World) -> None:
    res = w.s.allowances.by(w.regulator).deduct(w.bob.address, VINTAGE, 20, b"late report")
    assert res.event("TransferSingle") == {
        "operator": w.regulator.address,
        "sender": w.bob.address,
        "receiver": ZERO,
        "id": VINTAGE,
        "value": 20,
    }
    d = res.event("Deducted")
    assert (d["account"], d["vintage"], d["amount"], d["by"]) == (
        w.bob.address,
        VINTAGE,
        20,
        w.regulator.address,
    )
    assert w.s.allowances.balance_of(w.bob.address, VINTAGE) == 480
    assert w.s.allowances.totals(VINTAGE)["deducted"] == 20
    with reverts("allowances: zero amount"):
        w.s.allowances.by(w.regulator).deduct(w.bob.address, VINTAGE, 0)
    with reverts("allowances: insufficient balance"):
        w.s.allowances.by(w.regulator).deduct(w.bob.address, VINTAGE, 481)


def test_transfer_between_enterprises(w: World) -> None:
    res = w.s.allowances.by(w.alice).transfer(w.carol.address, VINTAGE, 15)
    assert res.event("TransferSingle") == {
        "operator": w.alice.address,
        "sender": w.alice.address,
        "receiver": w.carol.address,
        "id": VINTAGE,
        "value": 15,
    }
    assert w.s.allowances.balance_of(w.carol.address, VINTAGE) == 15


def test_transfer_reverts(w: World) -> None:
    a = w.s.allowances.by(w.alice)
    with reverts("allowances: receiver not active enterprise"):
        a.transfer(w.bank.address, VINTAGE, 1)
    with reverts("allowances: self transfer"):
        a.transfer(w.alice.address, VINTAGE, 1)
    with reverts("allowances: zero amount"):
        a.transfer(w.bob.address, VINTAGE, 0)
    with reverts("allowances: insufficient balance"):
        a.transfer(w.bob.address, VINTAGE, 10**6)
    with reverts("allowances: sender not active enterprise"):
        w.s.allowances.by(w.stranger).transfer(w.bob.address, VINTAGE, 1)
    w.s.registry.by(w.regulator).set_status(w.alice.address, False)
    with reverts("allowances: sender not active enterprise"):
        a.transfer(w.bob.address, VINTAGE, 1)
    with reverts("allowances: receiver not active enterprise"):
        w.s.allowances.by(w.bob).transfer(w.alice.address, VINTAGE, 1)


def test_balance_of_batch_length_mismatch(world: World) -> None:
    with reverts("allowances: length mismatch"):
        world.s.allowances.balance_of_batch([world.alice.address], [])


def test_set_eligible_banking_rule(w: World) -> None:
    res = w.s.allowances.by(w.regulator).set_eligible(2026, 2024, True)
    assert res.event("EligibilitySet") == {
        "year": 2026,
        "vintage": 2024,
        "eligible": True,
        "by": w.regulator.address,
    }
    assert w.s.allowances.is_eligible(2026, 2024)
    assert not w.s.allowances.is_eligible(2024, 2026)


def test_wiring_setters_emit(w: World) -> None:
    res = w.s.allowances.by(w.admin).set_market(w.operator.address)
    assert res.event("MarketSet") == {"market": w.operator.address, "by": w.admin.address}
    res = w.s.allowances.by(w.admin).set_compliance(w.operator.address)
    assert res.event("ComplianceSet") == {"compliance": w.operator.address, "by": w.admin.address}


def test_escrow_release_deliver_via_an_account_market(w: World) -> None:
    w.s.allowances.by(w.admin).set_market(w.operator.address)
    m = w.s.allowances.by(w.operator)
    op, alice, carol = w.operator.address, w.alice.address, w.carol.address
    res = m.send("escrow", alice, VINTAGE, 40)
    assert res.event("Escrowed") == {"owner": alice, "vintage": VINTAGE, "amount": 40}
    assert res.event("TransferSingle") == {
        "operator": op,
        "sender": alice,
        "receiver": op,
        "id": VINTAGE,
        "value": 40,
    }
    assert w.s.allowances.escrowed(alice, VINTAGE) == 40 + 10  # + baseline sell order
    assert w.s.allowances.balance_of(op, VINTAGE) == 40  # held by the market
    res = m.send("release", alice, VINTAGE, 15)
    assert res.event("Released") == {"owner": alice, "vintage": VINTAGE, "amount": 15}
    assert res.event("TransferSingle")["sender"] == op
    assert res.event("TransferSingle")["receiver"] == alice
    res = m.send("deliver", alice, carol, VINTAGE, 25)
    assert res.event("Delivered") == {
        "sender": alice,
        "receiver": carol,
        "vintage": VINTAGE,
        "amount": 25,
    }
    assert res.event("TransferSingle")["receiver"] == carol
    assert w.s.allowances.balance_of(carol, VINTAGE) == 25
    assert w.s.allowances.balance_of(op, VINTAGE) == 0
    assert w.s.allowances.escrowed(alice, VINTAGE) == 10
    with reverts("allowances: zero amount"):
        m.send("escrow", w.alice.address, VINTAGE, 0)
    with reverts("allowances: insufficient balance"):
        m.send("escrow", w.alice.address, VINTAGE, 10**6)
    with reverts("allowances: insufficient escrow"):
        m.send("release", w.alice.address, VINTAGE, 10**6)
    with reverts("allowances: insufficient escrow"):
        m.send("deliver", w.alice.address, w.carol.address, VINTAGE, 10**6)
    with reverts("allowances: owner not active enterprise"):
        m.send("escrow", w.bank.address, VINTAGE, 1)
    with reverts("allowances: receiver not active enterprise"):
        m.send("deliver", w.alice.address, w.bank.address, VINTAGE, 1)
    w.s.registry.by(w.regulator).set_status(w.alice.address, False)
    with reverts("allowances: owner not active enterprise"):
        m.send("release", w.alice.address, VINTAGE, 1)
    with reverts("allowances: sender not active enterprise"):
        m.send("deliver", w.alice.address, w.carol.address, VINTAGE, 1)


def test_surrender_from_via_an_account_compliance(w: World) -> None:
    w.s.allowances.by(w.admin).set_compliance(w.operator.address)
    c = w.s.allowances.by(w.operator)
    res = c.send("surrender_from", w.alice.address, VINTAGE, 5, 2024)
    assert res.event("Surrendered") == {
        "owner": w.alice.address,
        "vintage": VINTAGE,
        "year": 2024,
        "amount": 5,
    }
    assert res.event("TransferSingle")["receiver"] == ZERO
    assert w.s.allowances.totals(VINTAGE)["surrendered"] == 5
    with reverts("allowances: vintage not eligible for year"):
        c.send("surrender_from", w.alice.address, VINTAGE, 5, 2023)
    with reverts("allowances: zero amount"):
        c.send("surrender_from", w.alice.address, VINTAGE, 0, 2024)
    with reverts("allowances: insufficient balance"):
        c.send("surrender_from", w.alice.address, VINTAGE, 10**6, 2024)
    with reverts("allowances: owner not active enterprise"):
        c.send("surrender_from", w.bank.address, VINTAGE, 1, 2024)


def test_market_and_compliance_entry_points_refuse_everyone_else(world: World) -> None:
    a = world.s.allowances
    for signer in world.by_role().values():
        with reverts("allowances: only market"):
            a.by(signer).send("escrow", world.alice.address, VINTAGE, 1)
        with reverts("allowances: only market"):
            a.by(signer).send("release", world.alice.address, VINTAGE, 1)
        with reverts("allowances: only market"):
            a.by(signer).send("deliver", world.alice.address, world.bob.address, VINTAGE, 1)
        with reverts("allowances: only compliance"):
            a.by(signer).send("surrender_from", world.alice.address, VINTAGE, 1, 2024)
