#pragma version 0.4.3
"""
@title Allowances
@notice Emission allowances in whole tonnes (1 unit = 1 tCO2e), one balance per vintage
        (the compliance year the allowance was allocated for). ERC-1155 style: the
        vintage is the token id, with ERC-1155 TransferSingle events and balance views.
        REGULATOR allocates in batches and deducts as penalty; active enterprises
        transfer; the market escrows, releases and delivers; Compliance surrenders under
        per-year banking rules.
        Escrow moves allowances into the market contract's own balance (with ERC-1155
        TransferSingle events, so balance-tracking tools stay right) and records whose
        they are in `escrowed`.
@dev Supply invariant per vintage, over holders other than the market:
     allocated - deducted == sum(balanceOf) + sum(escrowed) + surrendered,
     and balanceOf[market] == total_escrowed.
"""

import roles

interface Registry:
    def has_role(account: address, role: roles.Role) -> bool: view

MAX_BATCH: constant(uint256) = 64

# allocation kinds, recorded in Allocated
FREE: constant(uint8) = 0  # free allocation
PRE: constant(uint8) = 1  # pre-allocation (e.g. 70% of base-year output x benchmark)
TRUE_UP: constant(uint8) = 2  # final true-up after verified output

event TransferSingle:
    operator: indexed(address)
    sender: indexed(address)
    receiver: indexed(address)
    id: uint256
    value: uint256

event Allocated:
    vintage: indexed(uint256)
    receiver: indexed(address)
    amount: uint256
    kind: uint8

event Deducted:
    account: indexed(address)
    vintage: indexed(uint256)
    amount: uint256
    reason: bytes32
    by: indexed(address)

event Escrowed:
    owner: indexed(address)
    vintage: indexed(uint256)
    amount: uint256

event Released:
    owner: indexed(address)
    vintage: indexed(uint256)
    amount: uint256

event Delivered:
    sender: indexed(address)
    receiver: indexed(address)
    vintage: indexed(uint256)
    amount: uint256

event Surrendered:
    owner: indexed(address)
    vintage: indexed(uint256)
    year: indexed(uint256)
    amount: uint256

event EligibilitySet:
    year: indexed(uint256)
    vintage: indexed(uint256)
    eligible: bool
    by: indexed(address)

event MarketSet:
    market: indexed(address)
    by: indexed(address)

event ComplianceSet:
    compliance: indexed(address)
    by: indexed(address)

REGISTRY: public(immutable(address))

balanceOf: public(HashMap[address, HashMap[uint256, uint256]])
escrowed: public(HashMap[address, HashMap[uint256, uint256]])
allocated: public(HashMap[uint256, uint256])
deducted: public(HashMap[uint256, uint256])
surrendered: public(HashMap[uint256, uint256])
total_escrowed: public(HashMap[uint256, uint256])
# compliance year -> vintage -> may be surrendered for that year (banking rule)
eligible: public(HashMap[uint256, HashMap[uint256, bool]])
market: public(address)
compliance: public(address)


@deploy
def __init__(registry: address):
    REGISTRY = registry


@internal
@view
def _has(account: address, role: roles.Role) -> bool:
    return staticcall Registry(REGISTRY).has_role(account, role)


@internal
@view
def _require_enterprise(account: address, message: String[48]):
    assert self._has(account, roles.Role.ENTERPRISE), message


@external
def allocate(
    vintage: uint256,
    receivers: DynArray[address, MAX_BATCH],
    amounts: DynArray[uint256, MAX_BATCH],
    kind: uint8,
):
    """
    @notice REGULATOR: allocate allowances of `vintage` to active enterprises in one batch.
    @param kind 0 free allocation, 1 pre-allocation, 2 true-up.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "allowances: caller is not regulator"
    assert len(receivers) == len(amounts), "allowances: length mismatch"
    assert len(receivers) > 0, "allowances: empty batch"
    assert kind <= TRUE_UP, "allowances: unknown kind"
    total: uint256 = 0
    for i: uint256 in range(len(receivers), bound=MAX_BATCH):
        receiver: address = receivers[i]
        amount: uint256 = amounts[i]
        assert amount > 0, "allowances: zero amount"
        self._require_enterprise(receiver, "allowances: receiver not active enterprise")
        self.balanceOf[receiver][vintage] += amount
        total += amount
        log TransferSingle(
            operator=msg.sender, sender=empty(address), receiver=receiver, id=vintage, value=amount
        )
        log Allocated(vintage=vintage, receiver=receiver, amount=amount, kind=kind)
    self.allocated[vintage] += total


@external
def deduct(account: address, vintage: uint256, amount: uint256, reason: bytes32):
    """
    @notice REGULATOR: remove `amount` allowances of `vintage` from `account` as a penalty.
    @dev Works on suspended accounts too; only the free balance can be deducted.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "allowances: caller is not regulator"
    assert amount > 0, "allowances: zero amount"
    assert self.balanceOf[account][vintage] >= amount, "allowances: insufficient balance"
    self.balanceOf[account][vintage] -= amount
    self.deducted[vintage] += amount
    log TransferSingle(
        operator=msg.sender, sender=account, receiver=empty(address), id=vintage, value=amount
    )
    log Deducted(account=account, vintage=vintage, amount=amount, reason=reason, by=msg.sender)


@external
def transfer(receiver: address, vintage: uint256, amount: uint256):
    """
    @notice Send `amount` allowances of `vintage` to another active enterprise.
    """
    self._require_enterprise(msg.sender, "allowances: sender not active enterprise")
    self._require_enterprise(receiver, "allowances: receiver not active enterprise")
    assert receiver != msg.sender, "allowances: self transfer"
    assert amount > 0, "allowances: zero amount"
    assert self.balanceOf[msg.sender][vintage] >= amount, "allowances: insufficient balance"
    self.balanceOf[msg.sender][vintage] -= amount
    self.balanceOf[receiver][vintage] += amount
    log TransferSingle(
        operator=msg.sender, sender=msg.sender, receiver=receiver, id=vintage, value=amount
    )


@external
@view
def balanceOfBatch(
    accounts: DynArray[address, MAX_BATCH], ids: DynArray[uint256, MAX_BATCH]
) -> DynArray[uint256, MAX_BATCH]:
    """
    @notice ERC-1155 batch balance view: free balance of accounts[i] for vintage ids[i].
    """
    assert len(accounts) == len(ids), "allowances: length mismatch"
    out: DynArray[uint256, MAX_BATCH] = []
    for i: uint256 in range(len(accounts), bound=MAX_BATCH):
        out.append(self.balanceOf[accounts[i]][ids[i]])
    return out


@external
def set_eligible(year: uint256, vintage: uint256, eligible: bool):
    """
    @notice REGULATOR: banking rule - may allowances of `vintage` be surrendered for `year`.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "allowances: caller is not regulator"
    self.eligible[year][vintage] = eligible
    log EligibilitySet(year=year, vintage=vintage, eligible=eligible, by=msg.sender)


@external
def set_market(market: address):
    """
    @notice ADMIN: name the settlement contract allowed to escrow, release and deliver.
    """
    assert self._has(msg.sender, roles.Role.ADMIN), "allowances: caller is not admin"
    self.market = market
    log MarketSet(market=market, by=msg.sender)


@external
def set_compliance(compliance: address):
    """
    @notice ADMIN: name the compliance contract allowed to surrender allowances.
    """
    assert self._has(msg.sender, roles.Role.ADMIN), "allowances: caller is not admin"
    self.compliance = compliance
    log ComplianceSet(compliance=compliance, by=msg.sender)


@internal
def _only_market():
    assert msg.sender == self.market and msg.sender != empty(address), "allowances: only market"


@external
def escrow(owner: address, vintage: uint256, amount: uint256):
    """
    @notice Market only: lock `amount` of `owner`'s allowances for an order, moving
            them into the market's balance.
    """
    self._only_market()
    self._require_enterprise(owner, "allowances: owner not active enterprise")
    assert amount > 0, "allowances: zero amount"
    assert self.balanceOf[owner][vintage] >= amount, "allowances: insufficient balance"
    self.balanceOf[owner][vintage] -= amount
    self.balanceOf[msg.sender][vintage] += amount
    self.escrowed[owner][vintage] += amount
    self.total_escrowed[vintage] += amount
    log TransferSingle(
        operator=msg.sender, sender=owner, receiver=msg.sender, id=vintage, value=amount
    )
    log Escrowed(owner=owner, vintage=vintage, amount=amount)


@internal
def _unescrow(owner: address, vintage: uint256, amount: uint256):
    assert self.escrowed[owner][vintage] >= amount, "allowances: insufficient escrow"
    self.escrowed[owner][vintage] -= amount
    self.total_escrowed[vintage] -= amount
    self.balanceOf[msg.sender][vintage] -= amount


@external
def release(owner: address, vintage: uint256, amount: uint256):
    """
    @notice Market only: return `amount` escrowed allowances to `owner`.
    """
    self._only_market()
    self._require_enterprise(owner, "allowances: owner not active enterprise")
    self._unescrow(owner, vintage, amount)
    self.balanceOf[owner][vintage] += amount
    log TransferSingle(
        operator=msg.sender, sender=msg.sender, receiver=owner, id=vintage, value=amount
    )
    log Released(owner=owner, vintage=vintage, amount=amount)


@external
def deliver(sender: address, receiver: address, vintage: uint256, amount: uint256):
    """
    @notice Market only: deliver `amount` of `sender`'s escrowed allowances to `receiver`.
    """
    self._only_market()
    self._require_enterprise(sender, "allowances: sender not active enterprise")
    self._require_enterprise(receiver, "allowances: receiver not active enterprise")
    self._unescrow(sender, vintage, amount)
    self.balanceOf[receiver][vintage] += amount
    log TransferSingle(
        operator=msg.sender, sender=msg.sender, receiver=receiver, id=vintage, value=amount
    )
    log Delivered(sender=sender, receiver=receiver, vintage=vintage, amount=amount)


@external
def surrender_from(owner: address, vintage: uint256, amount: uint256, year: uint256):
    """
    @notice Compliance only: surrender `amount` of `owner`'s `vintage` for compliance `year`.
    @dev Surrendered allowances leave circulation for good.
    """
    assert msg.sender == self.compliance and msg.sender != empty(
        address
    ), "allowances: only compliance"
    self._require_enterprise(owner, "allowances: owner not active enterprise")
    assert self.eligible[year][vintage], "allowances: vintage not eligible for year"
    assert amount > 0, "allowances: zero amount"
    assert self.balanceOf[owner][vintage] >= amount, "allowances: insufficient balance"
    self.balanceOf[owner][vintage] -= amount
    self.surrendered[vintage] += amount
    log TransferSingle(
        operator=msg.sender, sender=owner, receiver=empty(address), id=vintage, value=amount
    )
    log Surrendered(owner=owner, vintage=vintage, year=year, amount=amount)
