from ledger_testing import PROJECT, VINTAGE, World, reverts

from carbonledger.ledger import BlockState

ZERO = "0x" + "00" * 20


def test_register_project(w: World) -> None:
    res = w.s.offsets.by(w.regulator).register_project(2002, w.bob.address, b"CCER-01", "CN-SC")
    ev = res.event("ProjectRegistered")
    assert (ev["project"], ev["developer"], ev["region"]) == (2002, w.bob.address, "CN-SC")
    o = w.s.offsets.by(w.regulator)
    with reverts("offsets: zero project"):
        o.register_project(0, w.bob.address)
    with reverts("offsets: project exists"):
        o.register_project(2002, w.bob.address)
    with reverts("offsets: developer not active enterprise"):
        o.register_project(2003, w.bank.address)


def test_issue_assigns_fresh_serial_range(w: World) -> None:
    base = w.s.offsets.block(w.block_id)
    assert (base.first, base.last, base.state) == (1, 100, BlockState.HELD)
    res = w.s.offsets.by(w.regulator).issue(PROJECT, 2025, w.bob.address, 50)
    ev = res.event("Issued")
    assert (ev["first"], ev["last"], ev["vintage"], ev["receiver"]) == (
        101,
        150,
        2025,
        w.bob.address,
    )
    assert res.event("TransferSingle") == {
        "operator": w.regulator.address,
        "sender": ZERO,
        "receiver": w.bob.address,
        "id": 2025,
        "value": 50,
    }
    assert w.s.offsets.balance_of(w.bob.address, 2025) == 50
    assert w.s.offsets.totals(2025)["issued"] == 50
    o = w.s.offsets.by(w.regulator)
    with reverts("offsets: unknown project"):
        o.issue(999, 2025, w.bob.address, 1)
    with reverts("offsets: receiver not active enterprise"):
        o.issue(PROJECT, 2025, w.bank.address, 1)
    with reverts("offsets: zero amount"):
        o.issue(PROJECT, 2025, w.bob.address, 0)


def test_transfer_whole_and_split(w: World) -> None:
    res = w.s.offsets.by(w.alice).transfer(w.bob.address, w.block_id, 30)
    split = res.event("BlockSplit")
    child = split["child"]
    assert (split["parent"], split["first"], split["last"]) == (w.block_id, 1, 30)
    assert res.event("BlockTransferred") == {
        "block_id": child,
        "sender": w.alice.address,
        "receiver": w.bob.address,
    }
    assert res.event("TransferSingle")["value"] == 30
    assert w.s.offsets.block(child)[:5] == (w.bob.address, PROJECT, VINTAGE, 1, 30)
    assert w.s.offsets.block(w.block_id).first == 31
    assert w.s.offsets.balance_of(w.alice.address, VINTAGE) == 70
    # moving a whole block keeps its id and does not split
    res = w.s.offsets.by(w.bob).transfer(w.carol.address, child, 30)
    assert res.all("BlockSplit") == []
    assert w.s.offsets.block(child).owner == w.carol.address


def test_transfer_reverts(w: World) -> None:
    o = w.s.offsets.by(w.alice)
    with reverts("offsets: amount exceeds block"):
        o.transfer(w.bob.address, w.block_id, 101)
    with reverts("offsets: zero amount"):
        o.transfer(w.bob.address, w.block_id, 0)
    with reverts("offsets: not block owner"):
        w.s.offsets.by(w.bob).transfer(w.carol.address, w.block_id, 1)
    with reverts("offsets: self transfer"):
        o.transfer(w.alice.address, w.block_id, 1)
    with reverts("offsets: receiver not active enterprise"):
        o.transfer(w.bank.address, w.block_id, 1)
    with reverts("offsets: sender not active enterprise"):
        w.s.offsets.by(w.stranger).transfer(w.bob.address, w.block_id, 1)


def test_retire_is_permanent(w: World) -> None:
    res = w.s.offsets.by(w.alice).retire(w.block_id, 10, "Shenzhen Metro 2024", "carbon neutral")
    ev = res.event("Retired")
    retired_id = ev["block_id"]
    assert (ev["owner"], ev["vintage"], ev["amount"], ev["beneficiary"], ev["reason"]) == (
        w.alice.address,
        VINTAGE,
        10,
        "Shenzhen Metro 2024",
        "carbon neutral",
    )
    assert res.event("TransferSingle")["receiver"] == ZERO
    assert w.s.offsets.block(retired_id).state == BlockState.RETIRED
    assert w.s.offsets.totals(VINTAGE)["retired"] == 10
    with reverts("offsets: block not held"):
        w.s.offsets.by(w.alice).transfer(w.bob.address, retired_id, 10)
    with reverts("offsets: block not held"):
        w.s.offsets.by(w.alice).retire(retired_id, 10, "again")
    with reverts("offsets: empty beneficiary"):
        w.s.offsets.by(w.alice).retire(w.block_id, 1, "")
    with reverts("offsets: sender not active enterprise"):
        w.s.offsets.by(w.stranger).retire(w.block_id, 1, "x")


def test_set_compliance_and_surrender_from(w: World) -> None:
    res = w.s.offsets.by(w.admin).set_compliance(w.operator.address)
    assert res.event("ComplianceSet") == {"compliance": w.operator.address, "by": w.admin.address}
    c = w.s.offsets.by(w.operator)
    res = c.send("surrender_from", w.alice.address, w.block_id, 4, 2024)
    ev = res.event("Surrendered")
    assert (ev["owner"], ev["year"], ev["vintage"], ev["amount"]) == (
        w.alice.address,
        2024,
        VINTAGE,
        4,
    )
    assert w.s.offsets.block(ev["block_id"]).state == BlockState.SURRENDERED
    with reverts("offsets: owner not active enterprise"):
        c.send("surrender_from", w.bank.address, w.block_id, 1, 2024)
    with reverts("offsets: block not held"):
        c.send("surrender_from", w.alice.address, ev["block_id"], 4, 2024)


def test_surrender_from_refuses_everyone_but_compliance(world: World) -> None:
    for signer in world.by_role().values():
        with reverts("offsets: only compliance"):
            world.s.offsets.by(signer).send("surrender_from", world.alice.address, 1, 1, 2024)


def test_block_size_view(world: World) -> None:
    assert world.s.offsets.call("block_size", world.block_id) == 100
    assert world.s.offsets.call("block_size", 10**6) == 0


def test_unknown_records_read_as_none(world: World) -> None:
    from carbonledger.ledger import DealState, ReportState, Side

    assert world.s.offsets.block(10**6).state == BlockState.NONE
    assert world.s.reports.report(10**6).state == ReportState.NONE
    assert world.s.settlement.order(10**6).side == Side.NONE
    assert world.s.settlement.deal(10**6).state == DealState.NONE
