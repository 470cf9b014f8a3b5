#pragma version 0.4.3
"""
@title Compliance
@notice Per (enterprise, year): the obligation is the enterprise's confirmed verified
        emissions; the enterprise surrenders allowances and offset credits against it.
        Offsets are capped at `offset_cap_bps` of the obligation (500 = 5%, the national
        ETS rule), enforced here. Status is pending until the obligation is covered
        (compliant) or the deadline passes (deficit). REGULATOR records penalties.
@dev Invariant: surrendered_offsets <= obligation * offset_cap_bps / 10000 at the time
     of every surrender; allowances + offsets surrendered never exceed the obligation.
"""

import roles

interface Registry:
    def has_role(account: address, role: roles.Role) -> bool: view

interface Reports:
    def confirmed_emissions(enterprise: address, period: uint256) -> uint256: view

interface Allowances:
    def surrender_from(owner: address, vintage: uint256, amount: uint256, year: uint256): nonpayable

interface Offsets:
    def surrender_from(owner: address, block_id: uint256, amount: uint256, year: uint256) -> uint256: nonpayable

PENDING: constant(uint8) = 0
COMPLIANT: constant(uint8) = 1
DEFICIT: constant(uint8) = 2
BPS: constant(uint256) = 10000

event AllowancesSurrendered:
    enterprise: indexed(address)
    year: indexed(uint256)
    vintage: uint256
    amount: uint256

event OffsetsSurrendered:
    enterprise: indexed(address)
    year: indexed(uint256)
    block_id: uint256
    amount: uint256

event OffsetCapSet:
    cap_bps: uint256
    by: indexed(address)

event DeadlineSet:
    year: indexed(uint256)
    deadline: uint256
    by: indexed(address)

event PenaltyRecorded:
    enterprise: indexed(address)
    year: indexed(uint256)
    amount_cents: uint256
    reason: bytes32
    by: indexed(address)

REGISTRY: public(immutable(address))
REPORTS: public(immutable(address))
ALLOWANCES: public(immutable(address))
OFFSETS: public(immutable(address))

offset_cap_bps: public(uint256)
deadline: public(HashMap[uint256, uint256])
surrendered_allowances: public(HashMap[address, HashMap[uint256, uint256]])
surrendered_offsets: public(HashMap[address, HashMap[uint256, uint256]])
penalties: public(HashMap[address, HashMap[uint256, uint256]])


@deploy
def __init__(registry: address, reports: address, allowances: address, offsets: address):
    REGISTRY = registry
    REPORTS = reports
    ALLOWANCES = allowances
    OFFSETS = offsets
    # 5%: the national ETS rule (CCER offsets <= 5% of allowances to surrender)
    self.offset_cap_bps = 500
    log OffsetCapSet(cap_bps=500, by=msg.sender)


@internal
@view
def _has(account: address, role: roles.Role) -> bool:
    return staticcall Registry(REGISTRY).has_role(account, role)


@internal
@view
def _obligation(enterprise: address, year: uint256) -> uint256:
    return staticcall Reports(REPORTS).confirmed_emissions(enterprise, year)


@internal
@view
def _covered(enterprise: address, year: uint256) -> uint256:
    return self.surrendered_allowances[enterprise][year] + self.surrendered_offsets[enterprise][year]


@internal
@view
def _check_room(enterprise: address, year: uint256, amount: uint256) -> uint256:
    obligation: uint256 = self._obligation(enterprise, year)
    assert obligation > 0, "compliance: no confirmed obligation"
    assert amount > 0, "compliance: zero amount"
    assert self._covered(enterprise, year) + amount <= obligation, "compliance: exceeds obligation"
    return obligation


@external
@view
def obligation(enterprise: address, year: uint256) -> uint256:
    """
    @notice The enterprise's obligation for `year` in tonnes: its confirmed emissions.
    """
    return self._obligation(enterprise, year)


@external
@view
def offset_cap(enterprise: address, year: uint256) -> uint256:
    """
    @notice Most offset credits (tonnes) the enterprise may surrender for `year`.
    """
    return self._obligation(enterprise, year) * self.offset_cap_bps // BPS


@external
@view
def status(enterprise: address, year: uint256) -> uint8:
    """
    @notice 0 pending, 1 compliant (obligation covered), 2 deficit (deadline passed).
    """
    obligation: uint256 = self._obligation(enterprise, year)
    if obligation > 0 and self._covered(enterprise, year) >= obligation:
        return COMPLIANT
    due: uint256 = self.deadline[year]
    if due != 0 and block.timestamp > due:
        return DEFICIT
    return PENDING


@external
def surrender_allowances(year: uint256, vintage: uint256, amount: uint256):
    """
    @notice ENTERPRISE: surrender `amount` of its `vintage` allowances for `year`.
    @dev The vintage must be eligible for the year (Allowances banking rule).
    """
    assert self._has(msg.sender, roles.Role.ENTERPRISE), "compliance: caller is not enterprise"
    self._check_room(msg.sender, year, amount)
    self.surrendered_allowances[msg.sender][year] += amount
    extcall Allowances(ALLOWANCES).surrender_from(msg.sender, vintage, amount, year)
    log AllowancesSurrendered(enterprise=msg.sender, year=year, vintage=vintage, amount=amount)


@external
def surrender_offsets(year: uint256, block_id: uint256, amount: uint256):
    """
    @notice ENTERPRISE: surrender `amount` credits of its offset block for `year`,
            within the offset cap.
    """
    assert self._has(msg.sender, roles.Role.ENTERPRISE), "compliance: caller is not enterprise"
    obligation: uint256 = self._check_room(msg.sender, year, amount)
    total: uint256 = self.surrendered_offsets[msg.sender][year] + amount
    assert total * BPS <= obligation * self.offset_cap_bps, "compliance: offset cap exceeded"
    self.surrendered_offsets[msg.sender][year] = total
    extcall Offsets(OFFSETS).surrender_from(msg.sender, block_id, amount, year)
    log OffsetsSurrendered(enterprise=msg.sender, year=year, block_id=block_id, amount=amount)


@external
def set_offset_cap_bps(cap_bps: uint256):
    """
    @notice REGULATOR: set the offset cap as a share of the obligation, in basis points.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "compliance: caller is not regulator"
    assert cap_bps <= BPS, "compliance: cap above 100%"
    self.offset_cap_bps = cap_bps
    log OffsetCapSet(cap_bps=cap_bps, by=msg.sender)


@external
def set_deadline(year: uint256, deadline: uint256):
    """
    @notice REGULATOR: set the surrender deadline (unix seconds) for `year`.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "compliance: caller is not regulator"
    self.deadline[year] = deadline
    log DeadlineSet(year=year, deadline=deadline, by=msg.sender)


@external
def record_penalty(enterprise: address, year: uint256, amount_cents: uint256, reason: bytes32):
    """
    @notice REGULATOR: record a fine (in cents) against an enterprise for `year`.
    @dev Deducting allowances as a penalty is Allowances.deduct.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "compliance: caller is not regulator"
    assert amount_cents > 0, "compliance: zero amount"
    self.penalties[enterprise][year] += amount_cents
    log PenaltyRecorded(
        enterprise=enterprise, year=year, amount_cents=amount_cents, reason=reason, by=msg.sender
    )
