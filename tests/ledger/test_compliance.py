from ledger_testing import VINTAGE, YEAR, World, reverts

from carbonledger.ledger import ComplianceStatus


def _oblige(w: World, tonnes: int, year: int = YEAR) -> None:
    res = w.s.reports.by(w.alice).submit(year, b"root", b"calc", b"CN-POWER", tonnes)
    rid = res.event("ReportSubmitted")["report_id"]
    w.s.reports.by(w.regulator).assign_verifier(rid, w.verifier2.address)
    w.s.reports.by(w.verifier2).attest(rid, tonnes, 1, b"doc")
    w.s.reports.by(w.regulator).confirm(rid)


def test_obligation_is_confirmed_emissions(w: World) -> None:
    assert w.s.compliance.obligation(w.alice.address, YEAR) == 0
    _oblige(w, 400)
    assert w.s.compliance.obligation(w.alice.address, YEAR) == 400
    assert w.s.compliance.offset_cap(w.alice.address, YEAR) == 20  # 5% national ETS
    assert w.s.compliance.status(w.alice.address, YEAR) == ComplianceStatus.PENDING


def test_surrender_allowances_and_offsets_to_compliant(w: World) -> None:
    _oblige(w, 400)
    c = w.s.compliance.by(w.alice)
    res = c.surrender_allowances(YEAR, VINTAGE, 380)
    assert res.event("AllowancesSurrendered") == {
        "enterprise": w.alice.address,
        "year": YEAR,
        "vintage": VINTAGE,
        "amount": 380,
    }
    assert res.event("Surrendered")["amount"] == 380  # from Allowances
    res = c.surrender_offsets(YEAR, w.block_id, 20)
    assert res.event("OffsetsSurrendered") == {
        "enterprise": w.alice.address,
        "year": YEAR,
        "block_id": w.block_id,
        "amount": 20,
    }
    assert w.s.compliance.surrendered(w.alice.address, YEAR) == (380, 20)
    assert w.s.compliance.status(w.alice.address, YEAR) == ComplianceStatus.COMPLIANT
    assert w.s.allowances.totals(VINTAGE)["surrendered"] == 380
    assert w.s.offsets.totals(VINTAGE)["surrendered"] == 20


def test_offset_cap_enforced(w: World) -> None:
    _oblige(w, 400)
    c = w.s.compliance.by(w.alice)
    c.surrender_offsets(YEAR, w.block_id, 15)
    with reverts("compliance: offset cap exceeded"):
        c.surrender_offsets(YEAR, w.block_id, 6)
    c.surrender_offsets(YEAR, w.block_id, 5)


def test_surrender_reverts(w: World) -> None:
    c = w.s.compliance.by(w.alice)
    with reverts("compliance: no confirmed obligation"):
        c.surrender_allowances(YEAR, VINTAGE, 1)
    with reverts("compliance: no confirmed obligation"):
        c.surrender_offsets(YEAR, w.block_id, 1)
    _oblige(w, 100)
    with reverts("compliance: zero amount"):
        c.surrender_allowances(YEAR, VINTAGE, 0)
    with reverts("compliance: exceeds obligation"):
        c.surrender_allowances(YEAR, VINTAGE, 101)
    with reverts("allowances: vintage not eligible for year"):
        c.surrender_allowances(YEAR, 2019, 1)
    w.s.allowances.by(w.regulator).deduct(w.alice.address, VINTAGE, 940)  # 50 left free
    with reverts("allowances: insufficient balance"):
        c.surrender_allowances(YEAR, VINTAGE, 60)


def test_deadline_turns_pending_into_deficit(w: World) -> None:
    _oblige(w, 100)
    res = w.s.compliance.by(w.regulator).set_deadline(YEAR, 1)
    assert res.event("DeadlineSet") == {"year": YEAR, "deadline": 1, "by": w.regulator.address}
    assert w.s.compliance.status(w.alice.address, YEAR) == ComplianceStatus.DEFICIT
    w.s.compliance.by(w.regulator).set_deadline(YEAR, 2**40)
    assert w.s.compliance.status(w.alice.address, YEAR) == ComplianceStatus.PENDING


def test_offset_cap_setting(w: World) -> None:
    res = w.s.compliance.by(w.regulator).set_offset_cap_bps(1000)
    assert res.event("OffsetCapSet") == {"cap_bps": 1000, "by": w.regulator.address}
    assert w.s.compliance.offset_cap_bps() == 1000
    with reverts("compliance: cap above 100%"):
        w.s.compliance.by(w.regulator).set_offset_cap_bps(10001)


def test_record_penalty(w: World) -> None:
    res = w.s.compliance.by(w.regulator).record_penalty(
        w.alice.address, YEAR, 30_000_00, b"deficit"
    )
    ev = res.event("PenaltyRecorded")
    assert (ev["enterprise"], ev["year"], ev["amount_cents"]) == (w.alice.address, YEAR, 30_000_00)
    assert w.s.compliance.penalties(w.alice.address, YEAR) == 30_000_00
    with reverts("compliance: zero amount"):
        w.s.compliance.by(w.regulator).record_penalty(w.alice.address, YEAR, 0)


def test_deployment_logs_initial_settings(world: World) -> None:
    from carbonledger.ledger.contracts import decode_log

    book = world.s.book
    logs = world.chain.get_logs(
        book.deployed_at_block, world.chain.block_number(), [book.compliance, book.reports]
    )
    first = {}
    for ev in filter(None, map(decode_log, logs)):
        first.setdefault(ev.name, ev.args)
    assert first["OffsetCapSet"] == {"cap_bps": 500, "by": world.admin.address}
    assert first["MaxConsecutiveSet"] == {"max_consecutive": 3, "by": world.admin.address}
