#pragma version 0.4.3
"""
@title Offsets
@notice CCER-style offset credits in whole tonnes (1 credit = 1 tCO2e), each with a
        unique serial number. REGULATOR registers projects and issues credits for a
        vintage as one block of consecutive serials. A block is held, retired or
        surrendered; moving part of a block splits it, so a serial is always in exactly
        one block. ERC-1155 style balances and TransferSingle events, vintage as id.
        Retirement is permanent: no function changes a retired block.
@dev Supply invariant per vintage: issued == sum(balanceOf) + retired + surrendered.
"""

import roles

interface Registry:
    def has_role(account: address, role: roles.Role) -> bool: view

HELD: constant(uint8) = 1
RETIRED: constant(uint8) = 2
SURRENDERED: constant(uint8) = 3

struct Project:
    developer: address
    methodology: bytes32
    region: String[16]

struct Block:
    owner: address
    project: uint256
    vintage: uint256
    first: uint256  # first serial number in the block
    last: uint256  # last serial number, inclusive
    state: uint8

event TransferSingle:
    operator: indexed(address)
    sender: indexed(address)
    receiver: indexed(address)
    id: uint256
    value: uint256

event ProjectRegistered:
    project: indexed(uint256)
    developer: indexed(address)
    methodology: bytes32
    region: String[16]

event Issued:
    block_id: indexed(uint256)
    project: indexed(uint256)
    receiver: indexed(address)
    vintage: uint256
    first: uint256
    last: uint256

event BlockSplit:
    parent: indexed(uint256)
    child: indexed(uint256)
    first: uint256
    last: uint256

event BlockTransferred:
    block_id: indexed(uint256)
    sender: indexed(address)
    receiver: indexed(address)

event Retired:
    block_id: indexed(uint256)
    owner: indexed(address)
    vintage: indexed(uint256)
    amount: uint256
    beneficiary: String[64]
    reason: String[128]

event Surrendered:
    block_id: indexed(uint256)
    owner: indexed(address)
    year: indexed(uint256)
    vintage: uint256
    amount: uint256

event ComplianceSet:
    compliance: indexed(address)
    by: indexed(address)

REGISTRY: public(immutable(address))

projects: public(HashMap[uint256, Project])
blocks: public(HashMap[uint256, Block])
block_count: public(uint256)
next_serial: public(uint256)
balanceOf: public(HashMap[address, HashMap[uint256, uint256]])
issued: public(HashMap[uint256, uint256])
retired: public(HashMap[uint256, uint256])
surrendered: public(HashMap[uint256, uint256])
compliance: public(address)


@deploy
def __init__(registry: address):
    REGISTRY = registry
    self.next_serial = 1


@internal
@view
def _has(account: address, role: roles.Role) -> bool:
    return staticcall Registry(REGISTRY).has_role(account, role)


@internal
def _take(owner: address, block_id: uint256, amount: uint256) -> uint256:
    """Return a block of the first `amount` serials of `block_id`, splitting if needed."""
    blk: Block = self.blocks[block_id]
    assert blk.owner == owner, "offsets: not block owner"
    assert blk.state == HELD, "offsets: block not held"
    assert amount > 0, "offsets: zero amount"
    size: uint256 = blk.last - blk.first + 1
    assert amount <= size, "offsets: amount exceeds block"
    if amount == size:
        return block_id
    child: uint256 = self.block_count + 1
    self.block_count = child
    self.blocks[child] = Block(
        owner=owner,
        project=blk.project,
        vintage=blk.vintage,
        first=blk.first,
        last=blk.first + amount - 1,
        state=HELD,
    )
    self.blocks[block_id].first = blk.first + amount
    log BlockSplit(parent=block_id, child=child, first=blk.first, last=blk.first + amount - 1)
    return child


@external
def register_project(project: uint256, developer: address, methodology: bytes32, region: String[16]):
    """
    @notice REGULATOR: register an offset project run by an active enterprise.
    @param project The project's registry number (non-zero, unique).
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "offsets: caller is not regulator"
    assert project != 0, "offsets: zero project"
    assert self.projects[project].developer == empty(address), "offsets: project exists"
    assert self._has(developer, roles.Role.ENTERPRISE), "offsets: developer not active enterprise"
    self.projects[project] = Project(developer=developer, methodology=methodology, region=region)
    log ProjectRegistered(
        project=project, developer=developer, methodology=methodology, region=region
    )


@external
def issue(project: uint256, vintage: uint256, receiver: address, amount: uint256) -> uint256:
    """
    @notice REGULATOR: issue `amount` credits of `vintage` from `project` to `receiver`
            as one block of fresh consecutive serial numbers.
    @return The new block id.
    """
    assert self._has(msg.sender, roles.Role.REGULATOR), "offsets: caller is not regulator"
    assert self.projects[project].developer != empty(address), "offsets: unknown project"
    assert self._has(receiver, roles.Role.ENTERPRISE), "offsets: receiver not active enterprise"
    assert amount > 0, "offsets: zero amount"
    first: uint256 = self.next_serial
    last: uint256 = first + amount - 1
    self.next_serial = last + 1
    block_id: uint256 = self.block_count + 1
    self.block_count = block_id
    self.blocks[block_id] = Block(
        owner=receiver, project=project, vintage=vintage, first=first, last=last, state=HELD
    )
    self.balanceOf[receiver][vintage] += amount
    self.issued[vintage] += amount
    log Issued(
        block_id=block_id, project=project, receiver=receiver, vintage=vintage, first=first, last=last
    )
    log TransferSingle(
        operator=msg.sender, sender=empty(address), receiver=receiver, id=vintage, value=amount
    )
    return block_id


@external
def transfer(receiver: address, block_id: uint256, amount: uint256) -> uint256:
    """
    @notice Send the first `amount` serials of a held block to another active enterprise.
    @return The id of the block now owned by `receiver`.
    """
    assert self._has(msg.sender, roles.Role.ENTERPRISE), "offsets: sender not active enterprise"
    assert self._has(receiver, roles.Role.ENTERPRISE), "offsets: receiver not active enterprise"
    assert receiver != msg.sender, "offsets: self transfer"
    moved: uint256 = self._take(msg.sender, block_id, amount)
    vintage: uint256 = self.blocks[moved].vintage
    self.blocks[moved].owner = receiver
    self.balanceOf[msg.sender][vintage] -= amount
    self.balanceOf[receiver][vintage] += amount
    log BlockTransferred(block_id=moved, sender=msg.sender, receiver=receiver)
    log TransferSingle(
        operator=msg.sender, sender=msg.sender, receiver=receiver, id=vintage, value=amount
    )
    return moved


@external
def retire(block_id: uint256, amount: uint256, beneficiary: String[64], reason: String[128]) -> uint256:
    """
    @notice Retire the first `amount` serials of a held block on behalf of `beneficiary`.
            PERMANENT: a retired block can never be moved, surrendered or un-retired.
    @return The id of the retired block.
    """
    assert self._has(msg.sender, roles.Role.ENTERPRISE), "offsets: sender not active enterprise"
    assert len(beneficiary) > 0, "offsets: empty beneficiary"
    retired_id: uint256 = self._take(msg.sender, block_id, amount)
    vintage: uint256 = self.blocks[retired_id].vintage
    self.blocks[retired_id].state = RETIRED
    self.balanceOf[msg.sender][vintage] -= amount
    self.retired[vintage] += amount
    log TransferSingle(
        operator=msg.sender, sender=msg.sender, receiver=empty(address), id=vintage, value=amount
    )
    log Retired(
        block_id=retired_id,
        owner=msg.sender,
        vintage=vintage,
        amount=amount,
        beneficiary=beneficiary,
        reason=reason,
    )
    return retired_id


@external
def set_compliance(compliance: address):
    """
    @notice ADMIN: name the compliance contract allowed to surrender credits.
    """
    assert self._has(msg.sender, roles.Role.ADMIN), "offsets: caller is not admin"
    self.compliance = compliance
    log ComplianceSet(compliance=compliance, by=msg.sender)


@external
def surrender_from(owner: address, block_id: uint256, amount: uint256, year: uint256) -> uint256:
    """
    @notice Compliance only: surrender the first `amount` serials of `owner`'s block for
            compliance `year`. Like retirement, surrender is final.
    @return The id of the surrendered block.
    """
    assert msg.sender == self.compliance and msg.sender != empty(
        address
    ), "offsets: only compliance"
    assert self._has(owner, roles.Role.ENTERPRISE), "offsets: owner not active enterprise"
    done: uint256 = self._take(owner, block_id, amount)
    vintage: uint256 = self.blocks[done].vintage
    self.blocks[done].state = SURRENDERED
    self.balanceOf[owner][vintage] -= amount
    self.surrendered[vintage] += amount
    log TransferSingle(
        operator=msg.sender, sender=owner, receiver=empty(address), id=vintage, value=amount
    )
    log Surrendered(block_id=done, owner=owner, year=year, vintage=vintage, amount=amount)
    return done


@external
@view
def block_size(block_id: uint256) -> uint256:
    """
    @notice Number of serials in a block (0 for an unknown id).
    """
    blk: Block = self.blocks[block_id]
    if blk.owner == empty(address):
        return 0
    return blk.last - blk.first + 1
