#pragma version 0.4.3
"""
@title Emission reports
@notice One record per (enterprise, period, version). The enterprise submits hashes of
        its evidence (Merkle root) and calculation with the claimed tCO2e; REGULATOR
        assigns a VERIFIER (rotation rule: no verifier attests the same enterprise for
        more than `max_consecutive` consecutive periods); the verifier attests or rejects;
        REGULATOR confirms a verified report, which sets the enterprise's confirmed
        emissions for the period. A correction is a new version that supersedes the
        previous one; every version is kept. Reports are not transferable.
"""

import roles

interface Registry:
    def has_role(account: address, role: roles.Role) -> bool: view

MAX_CONSECUTIVE_LIMIT: constant(uint256) = 20

SUBMITTED: constant(uint8) = 1
ASSIGNED: constant(uint8) = 2
VERIFIED: constant(uint8) = 3
REJECTED: constant(uint8) = 4
CONFIRMED: constant(uint8) = 5
SUPERSEDED: constant(uint8) = 6

struct Report:
    enterprise: address
    period: uint256
    version: uint256
    evidence_root: bytes32
    calculation_digest: bytes32
    methodology: bytes32
    claimed_t: uint256
    verifier: address
    verified_t: uint256
    opinion: uint8
    document_hash: bytes32
    reject_reason: uint16
    state: uint8

event ReportSubmitted:
    report_id: indexed(uint256)
    enterprise: indexed(address)
    period: indexed(uint256)
    version: uint256
    evidence_root: bytes32
    calculation_digest: bytes32
    methodology: bytes32
    claimed_t: uint256

event ReportSuperseded:
    report_id: indexed(uint256)
    by_report: indexed(uint256)

event VerifierAssigned:
    report_id: indexed(uint256)
    verifier: indexed(address)
    by: indexed(address)

event ReportVerified:
    report_id: indexed(uint256)
    verifier: indexed(address)
    verified_t: uint256
    opinion: uint8
    document_hash: bytes32

event ReportRejected:
    report_id: indexed(uint256)
    verifier: indexed(address)
    reason_code: uint16

event ReportConfirmed:
    report_id: indexed(uint256)
    enterprise: indexed(address)
    period: indexed(uint256)
    verified_t: uint256
    by: address

event MaxConsecutiveSet:
    max_consecutive: uint256
    by: indexed(address)

REGISTRY: public(immutable(address))

reports: public(HashMap[uint256, Report])
report_count: public(uint256)
# enterprise -> period -> latest version (0: none)
latest_version: public(HashMap[address, HashMap[uint256, uint256]])
# enterprise -> period -> version -> report id
report_id_of: public(HashMap[address, HashMap[uint256, HashMap[uint256, uint256]]])
# enterprise -> period -> tCO2e of the most recently confirmed version
confirmed_emissions: public(HashMap[address, HashMap[uint256, uint256]])
# enterprise -> period -> verifier whose attestation was confirmed
period_verifier: public(HashMap[address, HashMap[uint256, address]])
max_consecutive: public(uint256)


@deploy
def __init__(registry: address, max_consecutive: uint256):
    assert max_consecutive > 0 and max_consecutive <= MAX_CONSECUTIVE_LIMIT, "reports: bad limit"
    REGISTRY = registry
    self.max_consecutive = max_consecutive
    log MaxConsecutiveSet(max_consecutive=max_consecutive, by=msg.sender)


@internal
@view
def _has(account: address, role: roles.Role) -> bool:
    return staticcall Registry(REGISTRY).has_role(account, role)


@internal
@view
def _consecutive(enterprise: address, period: uint256, verifier: address) -> uint256:
    """Periods immediately before `period` whose confirmed verifier was `verifier`."""
    count: uint256 = 0
    for i: uint256 in range(1, MAX_CONSECUTIVE_LIMIT + 1):
        if i > period or i > self.max_consecutive:
            break
        if self.period_verifier[enterprise][period - i] != verifier:
            break
        count += 1
    return count


@external
def submit(
    period: uint256,
    evidence_root: bytes32,
    calculation_digest: bytes32,
    methodology: bytes32,
    claimed_t: uint256,
) -> uint256:
    """
    @notice ENTERPRISE: submit a report (or a correction) for `period`.
    @dev A correction supersedes the previous version; a confirmed figure stays the
         enterprise's confirmed emissions until the correction itself is confirmed.
    @return The new report id.
    """
    assert self._has(msg.sender, roles.Role.ENTERPRISE), "reports: caller is not enterprise"
    assert evidence_root != empty(bytes32), "reports: empty evidence root"
    assert calculation_digest != empty(bytes32), "reports: empty calculation digest"
    version: uint256 = self.latest_version[msg.sender][period] + 1
    report_id: uint256 = self.report_count + 1
    self.report_count = report_id
    self.reports[report_id] = Report(
        enterprise=msg.sender,
        period=period,
        version=version,
        evidence_root=evidence_root,
        calculation_digest=calculation_digest,
        methodology=methodology,
        claimed_t=claimed_t,
        verifier=empty(address),
        verified_t=0,
        opinion=0,
        document_hash=empty(bytes32),
        reject_reason=0,
        state=SUBMITTED,
    )
    self.latest_version[msg.sender][period] = version
    self.report_id_of[msg.sender][period][version] = report_id
    log ReportSubmitted(
        report_id=report_id,
        enterprise=msg.sender,
        period=period,
        version=version,
        evidence_root=evidence_root,
        calculation_digest=calculation_digest,
        methodology=methodology,
        claimed_t=claimed_t,
    )
    if version > 1:
        previous: uint256 = self.report_id_of[msg.sender][period][version - 1]
        self.reports[previous].state = SUPERSEDED
        log ReportSuperseded(report_id=previous, by_report=report_id)
    return report_id


@external
def assign_verifier(report_id: uint256, verifier: address):
    """
    @notice REGULATOR: assign (or reassign) an active VERIFIER to a submitted report.
    @dev Refused when `verifier` already verified this enterprise for `max_consecutive`
         consecutive periods just before this one.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "reports: caller is not regulator"
    rep: Report = self.reports[report_id]
    assert rep.state == SUBMITTED or rep.state == ASSIGNED, "reports: not awaiting verification"
    assert self._has(verifier, roles.Role.VERIFIER), "reports: not an active verifier"
    assert self._consecutive(rep.enterprise, rep.period, verifier) < self.max_consecutive, (
        "reports: verifier rotation"
    )
    self.reports[report_id].verifier = verifier
    self.reports[report_id].state = ASSIGNED
    log VerifierAssigned(report_id=report_id, verifier=verifier, by=msg.sender)


@external
def attest(report_id: uint256, verified_t: uint256, opinion: uint8, document_hash: bytes32):
    """
    @notice The assigned VERIFIER: attest the report with the verified tCO2e.
    @param opinion 1 unqualified, 2 qualified (with reservations).
    @param document_hash SHA-256 of the verification report document.
    """
    rep: Report = self.reports[report_id]
    assert rep.state == ASSIGNED, "reports: not assigned"
    assert msg.sender == rep.verifier, "reports: not the assigned verifier"
    assert self._has(msg.sender, roles.Role.VERIFIER), "reports: verifier not active"
    assert opinion == 1 or opinion == 2, "reports: unknown opinion"
    assert document_hash != empty(bytes32), "reports: empty document hash"
    self.reports[report_id].verified_t = verified_t
    self.reports[report_id].opinion = opinion
    self.reports[report_id].document_hash = document_hash
    self.reports[report_id].state = VERIFIED
    log ReportVerified(
        report_id=report_id,
        verifier=msg.sender,
        verified_t=verified_t,
        opinion=opinion,
        document_hash=document_hash,
    )


@external
def reject(report_id: uint256, reason_code: uint16):
    """
    @notice The assigned VERIFIER: reject the report; the enterprise must submit a correction.
    """
    rep: Report = self.reports[report_id]
    assert rep.state == ASSIGNED, "reports: not assigned"
    assert msg.sender == rep.verifier, "reports: not the assigned verifier"
    assert self._has(msg.sender, roles.Role.VERIFIER), "reports: verifier not active"
    assert reason_code != 0, "reports: zero reason code"
    self.reports[report_id].reject_reason = reason_code
    self.reports[report_id].state = REJECTED
    log ReportRejected(report_id=report_id, verifier=msg.sender, reason_code=reason_code)


@external
def confirm(report_id: uint256):
    """
    @notice REGULATOR: confirm a verified report; its verified tCO2e becomes the
            enterprise's confirmed emissions (the compliance obligation) for the period.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "reports: caller is not regulator"
    rep: Report = self.reports[report_id]
    assert rep.state == VERIFIED, "reports: not verified"
    self.reports[report_id].state = CONFIRMED
    self.confirmed_emissions[rep.enterprise][rep.period] = rep.verified_t
    self.period_verifier[rep.enterprise][rep.period] = rep.verifier
    log ReportConfirmed(
        report_id=report_id,
        enterprise=rep.enterprise,
        period=rep.period,
        verified_t=rep.verified_t,
        by=msg.sender,
    )


@external
def set_max_consecutive(max_consecutive: uint256):
    """
    @notice REGULATOR: set how many consecutive periods one verifier may verify one enterprise.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "reports: caller is not regulator"
    assert max_consecutive > 0 and max_consecutive <= MAX_CONSECUTIVE_LIMIT, "reports: bad limit"
    self.max_consecutive = max_consecutive
    log MaxConsecutiveSet(max_consecutive=max_consecutive, by=msg.sender)
