#pragma version 0.4.3
"""
@title CarbonCoin
@notice ERC-20 settlement token: 2 decimals, 1 coin = 1 CNY, amounts in cents.
        FINANCE mints on a fiat deposit and burns its own balance on a withdrawal; coin
        moves only between active registered organisations (and the settlement contract,
        which holds the coin locked by open buy orders). ADMIN may pause all movement.
@dev Supply invariant: totalSupply == sum of balanceOf over all holders.
"""

from ethereum.ercs import IERC20
import roles

implements: IERC20

interface Registry:
    def has_role(account: address, role: roles.Role) -> bool: view
    def is_active(account: address) -> bool: view

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

event Minted:
    receiver: indexed(address)
    value: uint256
    reference: bytes32
    by: indexed(address)

event Burned:
    holder: indexed(address)
    value: uint256
    reference: bytes32

event PauseChanged:
    paused: bool
    by: indexed(address)

event MarketSet:
    market: indexed(address)
    by: indexed(address)

name: public(constant(String[32])) = "CarbonCoin"
symbol: public(constant(String[8])) = "CCOIN"
decimals: public(constant(uint8)) = 2

REGISTRY: public(immutable(address))

totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
paused: public(bool)
market: public(address)


@deploy
def __init__(registry: address):
    REGISTRY = registry


@internal
@view
def _has(account: address, role: roles.Role) -> bool:
    return staticcall Registry(REGISTRY).has_role(account, role)


@internal
@view
def _active(account: address) -> bool:
    return staticcall Registry(REGISTRY).is_active(account)


@internal
def _move(sender: address, receiver: address, amount: uint256):
    """Move coin; the market's own balance is reached only through market_lock/pay."""
    assert not self.paused, "coin: paused"
    assert receiver != empty(address), "coin: zero receiver"
    assert sender == self.market or self._active(sender), "coin: sender not active"
    assert receiver == self.market or self._active(receiver), "coin: receiver not active"
    assert self.balanceOf[sender] >= amount, "coin: insufficient balance"
    self.balanceOf[sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)


@internal
def _only_market():
    assert msg.sender == self.market and msg.sender != empty(address), "coin: only market"


@external
def transfer(receiver: address, amount: uint256) -> bool:
    """
    @notice Send `amount` cents to `receiver`; both must be active organisations.
    @dev Sending to the market directly is refused: its balance must equal open buy orders.
    """
    assert receiver != self.market, "coin: use the market's functions"
    self._move(msg.sender, receiver, amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    """
    @notice Move `amount` cents from `sender` within the allowance it gave the caller.
    @dev The caller must be active as well: a suspended organisation does nothing.
    """
    assert self._active(msg.sender), "coin: caller not active"
    assert receiver != self.market, "coin: use the market's functions"
    assert self.allowance[sender][msg.sender] >= amount, "coin: insufficient allowance"
    self.allowance[sender][msg.sender] -= amount
    log Approval(owner=sender, spender=msg.sender, value=self.allowance[sender][msg.sender])
    self._move(sender, receiver, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice Let `spender` move up to `amount` cents of the caller's coin.
    """
    assert self._active(msg.sender), "coin: caller not active"
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def mint(receiver: address, amount: uint256, reference: bytes32):
    """
    @notice FINANCE: create `amount` cents for `receiver` against a fiat deposit.
    @param reference The bank's deposit reference (hash), for reconciliation.
    """
    assert self._has(msg.sender, roles.Role.FINANCE), "coin: caller is not finance"
    assert not self.paused, "coin: paused"
    assert amount > 0, "coin: zero amount"
    assert self._active(receiver), "coin: receiver not active"
    self.totalSupply += amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=empty(address), receiver=receiver, value=amount)
    log Minted(receiver=receiver, value=amount, reference=reference, by=msg.sender)


@external
def burn(amount: uint256, reference: bytes32):
    """
    @notice FINANCE: destroy `amount` cents of its own balance on a fiat withdrawal.
    @dev A holder withdraws by transferring coin to its bank, which then burns it.
    """
    assert self._has(msg.sender, roles.Role.FINANCE), "coin: caller is not finance"
    assert not self.paused, "coin: paused"
    assert amount > 0, "coin: zero amount"
    assert self.balanceOf[msg.sender] >= amount, "coin: insufficient balance"
    self.balanceOf[msg.sender] -= amount
    self.totalSupply -= amount
    log Transfer(sender=msg.sender, receiver=empty(address), value=amount)
    log Burned(holder=msg.sender, value=amount, reference=reference)


@external
def set_paused(paused: bool):
    """
    @notice ADMIN: stop (or resume) every mint, burn and transfer.
    """
    assert self._has(msg.sender, roles.Role.ADMIN), "coin: caller is not admin"
    assert self.paused != paused, "coin: pause unchanged"
    self.paused = paused
    log PauseChanged(paused=paused, by=msg.sender)


@external
def set_market(market: address):
    """
    @notice ADMIN: name the settlement contract that may lock and pay out coin.
    """
    assert self._has(msg.sender, roles.Role.ADMIN), "coin: caller is not admin"
    self.market = market
    log MarketSet(market=market, by=msg.sender)


@external
def market_lock(owner: address, amount: uint256):
    """
    @notice Market only: move `amount` cents from `owner` to the market's own balance.
    @dev Settlement calls this only with the order's placer (msg.sender there) as owner.
    """
    self._only_market()
    self._move(owner, msg.sender, amount)


@external
def market_pay(receiver: address, amount: uint256):
    """
    @notice Market only: pay `amount` cents out of the market's balance to `receiver`.
    """
    self._only_market()
    self._move(msg.sender, receiver, amount)
