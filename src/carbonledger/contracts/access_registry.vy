#pragma version 0.4.3
"""
@title Organisation registry
@notice Every account the contracts know is an organisation with one role, an industry
        code, a region and a status. Suspended organisations can neither act nor receive
        anything: every other contract asks this registry before it moves a unit.
@dev The deployer is registered as the first ADMIN.
"""

import roles

struct Organisation:
    role: roles.Role
    industry: String[16]
    region: String[16]
    active: bool

event OrganisationRegistered:
    account: indexed(address)
    role: roles.Role
    industry: String[16]
    region: String[16]
    by: indexed(address)

event OrganisationStatusChanged:
    account: indexed(address)
    active: bool
    by: indexed(address)

organisations: public(HashMap[address, Organisation])
organisation_count: public(uint256)


@deploy
def __init__():
    self._write(msg.sender, roles.Role.ADMIN, "", "")


@internal
def _write(account: address, role: roles.Role, industry: String[16], region: String[16]):
    self.organisations[account] = Organisation(
        role=role, industry=industry, region=region, active=True
    )
    self.organisation_count += 1
    log OrganisationRegistered(
        account=account, role=role, industry=industry, region=region, by=msg.sender
    )


@internal
@view
def _is_active_role(account: address, role: roles.Role) -> bool:
    org: Organisation = self.organisations[account]
    return org.active and (org.role & role) != empty(roles.Role)


@internal
@view
def _may_manage(caller: address, role: roles.Role) -> bool:
    if self._is_active_role(caller, roles.Role.ADMIN):
        return True
    # ADMIN and REGULATOR roles are granted and suspended by ADMINs only
    return self._is_active_role(caller, roles.Role.REGULATOR) and (
        role & (roles.Role.ADMIN | roles.Role.REGULATOR)
    ) == empty(roles.Role)


@external
def register(account: address, role: roles.Role, industry: String[16], region: String[16]):
    """
    @notice Register an organisation's account with one role; it starts active.
    @dev ADMIN may grant any role; REGULATOR may grant any role but ADMIN and REGULATOR.
    @param account The organisation's account.
    @param role Exactly one role.
    @param industry Industry code (e.g. GB/T 4754 "4411"); may be empty.
    @param region Region code (e.g. "CN-GD"); may be empty.
    """
    bits: uint256 = convert(role, uint256)
    assert bits != 0 and bits & (bits - 1) == 0, "registry: exactly one role"
    assert account != empty(address), "registry: zero account"
    assert self._may_manage(msg.sender, role), "registry: not allowed"
    assert self.organisations[account].role == empty(roles.Role), "registry: already registered"
    self._write(account, role, industry, region)


@external
def set_status(account: address, active: bool):
    """
    @notice Suspend (active=False) or reactivate an organisation.
    @dev ADMIN may change anyone but itself; REGULATOR anyone but ADMINs and REGULATORs.
    @param account The organisation's account.
    @param active The new status.
    """
    org: Organisation = self.organisations[account]
    assert org.role != empty(roles.Role), "registry: unknown account"
    assert account != msg.sender, "registry: cannot change own status"
    assert self._may_manage(msg.sender, org.role), "registry: not allowed"
    assert org.active != active, "registry: status unchanged"
    self.organisations[account].active = active
    log OrganisationStatusChanged(account=account, active=active, by=msg.sender)


@external
@view
def has_role(account: address, role: roles.Role) -> bool:
    """
    @notice True when `account` is registered, active and holds one of the roles in `role`.
    """
    return self._is_active_role(account, role)


@external
@view
def is_active(account: address) -> bool:
    """
    @notice True when `account` is registered and active.
    """
    return self.organisations[account].active


@external
@view
def role_of(account: address) -> roles.Role:
    """
    @notice The role of `account` (0 when unregistered), whatever its status.
    """
    return self.organisations[account].role
