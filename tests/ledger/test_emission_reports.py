from ledger_testing import World, reverts

from carbonledger.ledger import ReportState


def _submit(w: World, period: int, claimed: int = 1000) -> int:
    res = w.s.reports.by(w.alice).submit(period, b"root", b"calc", b"CN-POWER", claimed)
    return int(res.event("ReportSubmitted")["report_id"])


def _verify_and_confirm(w: World, report_id: int, verifier_idx: int = 0, tonnes: int = 990) -> None:
    v = (w.verifier, w.verifier2)[verifier_idx]
    w.s.reports.by(w.regulator).assign_verifier(report_id, v.address)
    w.s.reports.by(v).attest(report_id, tonnes, 1, b"doc")
    w.s.reports.by(w.regulator).confirm(report_id)


def test_submit_records_version_one(w: World) -> None:
    res = w.s.reports.by(w.bob).submit(2024, b"r", b"c", b"m", 321)
    ev = res.event("ReportSubmitted")
    assert (ev["enterprise"], ev["period"], ev["version"], ev["claimed_t"]) == (
        w.bob.address,
        2024,
        1,
        321,
    )
    assert ev["evidence_root"].rstrip(b"\0") == b"r"
    rep = w.s.reports.report(ev["report_id"])
    assert rep.state == ReportState.SUBMITTED and rep.claimed_t == 321
    assert w.s.reports.latest_version(w.bob.address, 2024) == 1
    assert w.s.reports.report_id_of(w.bob.address, 2024, 1) == ev["report_id"]


def test_submit_reverts(w: World) -> None:
    r = w.s.reports.by(w.alice)
    with reverts("reports: empty evidence root"):
        r.submit(2024, b"", b"c", b"m", 1)
    with reverts("reports: empty calculation digest"):
        r.submit(2024, b"r", b"", b"m", 1)


def test_full_cycle_sets_confirmed_emissions(w: World) -> None:
    rid = w.report_id
    res = w.s.reports.by(w.regulator).assign_verifier(rid, w.verifier2.address)
    assert res.event("VerifierAssigned") == {
        "report_id": rid,
        "verifier": w.verifier2.address,
        "by": w.regulator.address,
    }
    res = w.s.reports.by(w.verifier2).attest(rid, 1180, 2, b"verification.pdf")
    ev = res.event("ReportVerified")
    assert (ev["verifier"], ev["verified_t"], ev["opinion"]) == (w.verifier2.address, 1180, 2)
    res = w.s.reports.by(w.regulator).confirm(rid)
    assert res.event("ReportConfirmed") == {
        "report_id": rid,
        "enterprise": w.alice.address,
        "period": 2023,
        "verified_t": 1180,
        "by": w.regulator.address,
    }
    assert w.s.reports.confirmed_emissions(w.alice.address, 2023) == 1180
    assert w.s.reports.report(rid).state == ReportState.CONFIRMED


def test_correction_supersedes_and_keeps_history(w: World) -> None:
    _verify_and_confirm(w, w.report_id, tonnes=1180)
    res = w.s.reports.by(w.alice).submit(2023, b"root2", b"calc2", b"CN-POWER", 1250)
    new_id = res.event("ReportSubmitted")["report_id"]
    assert res.event("ReportSubmitted")["version"] == 2
    assert res.event("ReportSuperseded") == {"report_id": w.report_id, "by_report": new_id}
    old = w.s.reports.report(w.report_id)
    assert old.state == ReportState.SUPERSEDED and old.verified_t == 1180
    # the confirmed figure stands until the correction itself is confirmed
    assert w.s.reports.confirmed_emissions(w.alice.address, 2023) == 1180
    _verify_and_confirm(w, new_id, tonnes=1240)
    assert w.s.reports.confirmed_emissions(w.alice.address, 2023) == 1240
    with reverts("reports: not verified"):
        w.s.reports.by(w.regulator).confirm(w.report_id)


def test_reject_with_reason(w: World) -> None:
    res = w.s.reports.by(w.verifier).reject(w.report_id, 17)
    assert res.event("ReportRejected") == {
        "report_id": w.report_id,
        "verifier": w.verifier.address,
        "reason_code": 17,
    }
    assert w.s.reports.report(w.report_id).state == ReportState.REJECTED
    with reverts("reports: not awaiting verification"):
        w.s.reports.by(w.regulator).assign_verifier(w.report_id, w.verifier2.address)


def test_verifier_actions_revert(w: World) -> None:
    v = w.s.reports.by(w.verifier)
    with reverts("reports: unknown opinion"):
        v.attest(w.report_id, 1, 3, b"d")
    with reverts("reports: empty document hash"):
        v.attest(w.report_id, 1, 1, b"")
    with reverts("reports: zero reason code"):
        v.reject(w.report_id, 0)
    with reverts("reports: not the assigned verifier"):
        w.s.reports.by(w.verifier2).attest(w.report_id, 1, 1, b"d")
    with reverts("reports: not the assigned verifier"):
        w.s.reports.by(w.verifier2).reject(w.report_id, 1)
    fresh = _submit(w, 2030)
    with reverts("reports: not assigned"):
        v.attest(fresh, 1, 1, b"d")
    with reverts("reports: not assigned"):
        v.reject(fresh, 1)
    w.s.registry.by(w.regulator).set_status(w.verifier.address, False)
    with reverts("reports: verifier not active"):
        v.attest(w.report_id, 1, 1, b"d")
    with reverts("reports: verifier not active"):
        v.reject(w.report_id, 1)


def test_assign_reverts(w: World) -> None:
    r = w.s.reports.by(w.regulator)
    with reverts("reports: not an active verifier"):
        r.assign_verifier(w.report_id, w.alice.address)
    with reverts("reports: not awaiting verification"):
        r.assign_verifier(10**6, w.verifier.address)


def test_verifier_rotation_limit(w: World) -> None:
    w.s.reports.by(w.regulator).set_max_consecutive(2)
    _verify_and_confirm(w, w.report_id, 0)  # 2023 by verifier
    _verify_and_confirm(w, _submit(w, 2024), 0)  # 2024 by verifier: 2 in a row
    third = _submit(w, 2025)
    with reverts("reports: verifier rotation"):
        w.s.reports.by(w.regulator).assign_verifier(third, w.verifier.address)
    _verify_and_confirm(w, third, 1)  # rotate to verifier2
    _verify_and_confirm(w, _submit(w, 2026), 0)  # the first may come back


def test_set_max_consecutive(w: World) -> None:
    res = w.s.reports.by(w.regulator).set_max_consecutive(5)
    assert res.event("MaxConsecutiveSet") == {"max_consecutive": 5, "by": w.regulator.address}
    assert w.s.reports.max_consecutive() == 5
    with reverts("reports: bad limit"):
        w.s.reports.by(w.regulator).set_max_consecutive(0)
    with reverts("reports: bad limit"):
        w.s.reports.by(w.regulator).set_max_consecutive(21)
