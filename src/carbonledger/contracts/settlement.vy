#pragma version 0.4.3
"""
@title Settlement
@notice Escrow-backed delivery versus payment of allowances against carbon coin.
        An order locks what its placer gives: a sell order escrows allowances, a buy
        order locks amount x limit price in coin. MARKET_OPERATOR settles matched fills
        in batches; a batch is atomic (one bad fill reverts all). Cancelling releases
        what is left. A bilateral (negotiated) deal settles when both parties have
        approved its terms: on chain (the proposer by proposing, the counterparty by
        accepting), or off chain with EIP-712 signatures of both over the same terms.
        Orders can also be placed in batches by MARKET_OPERATOR, each carrying its
        owner's EIP-712 signature over exactly its terms (one transaction escrows many
        owners' orders, and still none without its owner's consent).
@dev Coin invariant: this contract's coin balance == sum over open buy orders of
     remaining x price.
"""

import roles

interface Registry:
    def has_role(account: address, role: roles.Role) -> bool: view

interface Allowances:
    def escrow(owner: address, vintage: uint256, amount: uint256): nonpayable
    def release(owner: address, vintage: uint256, amount: uint256): nonpayable
    def deliver(sender: address, receiver: address, vintage: uint256, amount: uint256): nonpayable

interface Coin:
    def market_lock(owner: address, amount: uint256): nonpayable
    def market_pay(receiver: address, amount: uint256): nonpayable

MAX_FILLS: constant(uint256) = 128
MAX_SIGNED_ORDERS: constant(uint256) = 128

BUY: constant(uint8) = 1
SELL: constant(uint8) = 2

DEAL_OPEN: constant(uint8) = 1
DEAL_SETTLED: constant(uint8) = 2
DEAL_CANCELLED: constant(uint8) = 3

struct Order:
    owner: address
    side: uint8
    vintage: uint256
    remaining: uint256  # tonnes still to trade
    price: uint256  # limit price, cents per tonne
    open: bool

struct Fill:
    buy_order: uint256
    sell_order: uint256
    amount: uint256  # tonnes
    price: uint256  # cents per tonne

struct DealTerms:
    seller: address
    buyer: address
    vintage: uint256
    amount: uint256
    price: uint256
    nonce: uint256  # any number making the terms unique
    deadline: uint256  # unix seconds after which the signatures are void

struct OrderIntent:
    owner: address
    side: uint8
    vintage: uint256
    amount: uint256
    price: uint256
    nonce: uint256  # any number making the intent unique
    deadline: uint256  # unix seconds after which the signature is void

struct SignedOrder:
    intent: OrderIntent
    signature: Bytes[65]

struct Deal:
    seller: address
    buyer: address
    vintage: uint256
    amount: uint256
    price: uint256
    proposer: address
    state: uint8

event OrderPlaced:
    order_id: indexed(uint256)
    owner: indexed(address)
    side: uint8
    vintage: uint256
    amount: uint256
    price: uint256

event SignedOrderPlaced:
    order_id: indexed(uint256)
    digest: indexed(bytes32)

event OrderIntentRevoked:
    digest: indexed(bytes32)
    by: indexed(address)

event OrderCancelled:
    order_id: indexed(uint256)
    by: indexed(address)
    remaining: uint256

event TradeSettled:
    buy_order: indexed(uint256)
    sell_order: indexed(uint256)
    buyer: address
    seller: address
    vintage: uint256
    amount: uint256
    price: uint256

event DealProposed:
    deal_id: indexed(uint256)
    seller: indexed(address)
    buyer: indexed(address)
    vintage: uint256
    amount: uint256
    price: uint256

event DealSettled:
    deal_id: indexed(uint256)
    seller: indexed(address)
    buyer: indexed(address)
    vintage: uint256
    amount: uint256
    price: uint256

event DealCancelled:
    deal_id: indexed(uint256)
    by: indexed(address)

event SignedDealSettled:
    digest: indexed(bytes32)
    seller: indexed(address)
    buyer: indexed(address)
    vintage: uint256
    amount: uint256
    price: uint256
    by: address

event SignedDealRevoked:
    digest: indexed(bytes32)
    by: indexed(address)

REGISTRY: public(immutable(address))
ALLOWANCES: public(immutable(address))
COIN: public(immutable(address))

DOMAIN_SEPARATOR: public(immutable(bytes32))
DEAL_TYPEHASH: constant(bytes32) = keccak256(
    "DealTerms(address seller,address buyer,uint256 vintage,uint256 amount,uint256 price,uint256 nonce,uint256 deadline)"
)
ORDER_TYPEHASH: constant(bytes32) = keccak256(
    "OrderIntent(address owner,uint8 side,uint256 vintage,uint256 amount,uint256 price,uint256 nonce,uint256 deadline)"
)
DOMAIN_TYPEHASH: constant(bytes32) = keccak256(
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)

orders: public(HashMap[uint256, Order])
order_count: public(uint256)
deals: public(HashMap[uint256, Deal])
deal_count: public(uint256)
# EIP-712 digests of signed deals already settled or revoked
signed_deal_used: public(HashMap[bytes32, bool])
# EIP-712 digests of order intents already placed or revoked
order_intent_used: public(HashMap[bytes32, bool])


@deploy
def __init__(registry: address, allowances: address, coin: address):
    REGISTRY = registry
    ALLOWANCES = allowances
    COIN = coin
    DOMAIN_SEPARATOR = keccak256(
        abi_encode(
            DOMAIN_TYPEHASH,
            keccak256("carbonledger Settlement"),
            keccak256("1"),
            chain.id,
            self,
        )
    )


@internal
@view
def _has(account: address, role: roles.Role) -> bool:
    return staticcall Registry(REGISTRY).has_role(account, role)


@external
def place_order(side: uint8, vintage: uint256, amount: uint256, price: uint256) -> uint256:
    """
    @notice ENTERPRISE: place a limit order; sell escrows `amount` allowances of
            `vintage`, buy locks `amount` x `price` cents of coin.
    @param side 1 buy, 2 sell.
    @return The order id.
    """
    assert self._has(msg.sender, roles.Role.ENTERPRISE), "settlement: caller is not enterprise"
    return self._place(msg.sender, side, vintage, amount, price)


@internal
def _place(owner: address, side: uint8, vintage: uint256, amount: uint256, price: uint256) -> uint256:
    assert side == BUY or side == SELL, "settlement: unknown side"
    assert amount > 0, "settlement: zero amount"
    assert price > 0, "settlement: zero price"
    order_id: uint256 = self.order_count + 1
    self.order_count = order_id
    self.orders[order_id] = Order(
        owner=owner, side=side, vintage=vintage, remaining=amount, price=price, open=True
    )
    if side == SELL:
        extcall Allowances(ALLOWANCES).escrow(owner, vintage, amount)
    else:
        extcall Coin(COIN).market_lock(owner, amount * price)
    log OrderPlaced(
        order_id=order_id, owner=owner, side=side, vintage=vintage, amount=amount, price=price
    )
    return order_id


@external
def place_signed_orders(
    batch: DynArray[SignedOrder, MAX_SIGNED_ORDERS]
) -> DynArray[uint256, MAX_SIGNED_ORDERS]:
    """
    @notice MARKET_OPERATOR: place orders that their owners signed off chain (EIP-712
            over `OrderIntent`), each escrowed as by `place_order`, at most once each.
            The batch is atomic: one bad order reverts all.
    @return The order ids, in the batch's order.
    """
    assert self._has(msg.sender, roles.Role.MARKET_OPERATOR), "settlement: caller is not operator"
    assert len(batch) > 0, "settlement: empty batch"
    ids: DynArray[uint256, MAX_SIGNED_ORDERS] = []
    for item: SignedOrder in batch:
        intent: OrderIntent = item.intent
        assert block.timestamp <= intent.deadline, "settlement: order intent expired"
        digest: bytes32 = self._order_digest(intent)
        assert not self.order_intent_used[digest], "settlement: order intent already used"
        assert self._recover(digest, item.signature) == intent.owner, (
            "settlement: bad order signature"
        )
        assert self._has(intent.owner, roles.Role.ENTERPRISE), (
            "settlement: order owner is not enterprise"
        )
        self.order_intent_used[digest] = True
        order_id: uint256 = self._place(
            intent.owner, intent.side, intent.vintage, intent.amount, intent.price
        )
        log SignedOrderPlaced(order_id=order_id, digest=digest)
        ids.append(order_id)
    return ids


@external
@view
def order_digest(intent: OrderIntent) -> bytes32:
    """
    @notice The EIP-712 digest an owner signs for `intent`.
    """
    return self._order_digest(intent)


@internal
@view
def _order_digest(intent: OrderIntent) -> bytes32:
    struct_hash: bytes32 = keccak256(
        abi_encode(
            ORDER_TYPEHASH,
            intent.owner,
            intent.side,
            intent.vintage,
            intent.amount,
            intent.price,
            intent.nonce,
            intent.deadline,
        )
    )
    return keccak256(concat(b"\x19\x01", DOMAIN_SEPARATOR, struct_hash))


@external
def revoke_order_intent(intent: OrderIntent):
    """
    @notice The owner: void a signed order intent before it is placed.
    """
    assert msg.sender == intent.owner, "settlement: not the owner"
    digest: bytes32 = self._order_digest(intent)
    assert not self.order_intent_used[digest], "settlement: order intent already used"
    self.order_intent_used[digest] = True
    log OrderIntentRevoked(digest=digest, by=msg.sender)


@external
def cancel_order(order_id: uint256):
    """
    @notice The order's owner or a MARKET_OPERATOR: cancel an open order and release
            its remaining escrow to the owner.
    """
    order: Order = self.orders[order_id]
    assert order.open, "settlement: order not open"
    assert msg.sender == order.owner or self._has(
        msg.sender, roles.Role.MARKET_OPERATOR
    ), "settlement: not owner or operator"
    self.orders[order_id].open = False
    self.orders[order_id].remaining = 0
    if order.side == SELL:
        extcall Allowances(ALLOWANCES).release(order.owner, order.vintage, order.remaining)
    else:
        extcall Coin(COIN).market_pay(order.owner, order.remaining * order.price)
    log OrderCancelled(order_id=order_id, by=msg.sender, remaining=order.remaining)


@internal
def _fill(fill: Fill):
    buy: Order = self.orders[fill.buy_order]
    sell: Order = self.orders[fill.sell_order]
    assert buy.open and buy.side == BUY, "settlement: bad buy order"
    assert sell.open and sell.side == SELL, "settlement: bad sell order"
    assert buy.owner != sell.owner, "settlement: self trade"
    assert buy.vintage == sell.vintage, "settlement: vintage mismatch"
    assert fill.amount > 0, "settlement: zero amount"
    assert fill.amount <= buy.remaining and fill.amount <= sell.remaining, (
        "settlement: amount exceeds order"
    )
    assert fill.price >= sell.price and fill.price <= buy.price, "settlement: price outside limits"
    self.orders[fill.buy_order].remaining = buy.remaining - fill.amount
    self.orders[fill.sell_order].remaining = sell.remaining - fill.amount
    if buy.remaining == fill.amount:
        self.orders[fill.buy_order].open = False
    if sell.remaining == fill.amount:
        self.orders[fill.sell_order].open = False
    extcall Allowances(ALLOWANCES).deliver(sell.owner, buy.owner, sell.vintage, fill.amount)
    extcall Coin(COIN).market_pay(sell.owner, fill.amount * fill.price)
    # the buyer locked its limit price; price improvement goes back to it
    if fill.price < buy.price:
        extcall Coin(COIN).market_pay(buy.owner, fill.amount * (buy.price - fill.price))
    log TradeSettled(
        buy_order=fill.buy_order,
        sell_order=fill.sell_order,
        buyer=buy.owner,
        seller=sell.owner,
        vintage=sell.vintage,
        amount=fill.amount,
        price=fill.price,
    )


@external
def settle(fills: DynArray[Fill, MAX_FILLS]):
    """
    @notice MARKET_OPERATOR: settle matched fills atomically (all or none).
    """
    assert self._has(msg.sender, roles.Role.MARKET_OPERATOR), "settlement: caller is not operator"
    assert len(fills) > 0, "settlement: empty batch"
    for fill: Fill in fills:
        self._fill(fill)


@external
def propose_deal(
    counterparty: address, as_seller: bool, vintage: uint256, amount: uint256, price: uint256
) -> uint256:
    """
    @notice ENTERPRISE: propose a negotiated trade; proposing counts as the proposer's
            approval of exactly these terms. Nothing is locked until it settles.
    @return The deal id.
    """
    assert self._has(msg.sender, roles.Role.ENTERPRISE), "settlement: caller is not enterprise"
    assert self._has(counterparty, roles.Role.ENTERPRISE), (
        "settlement: counterparty not active enterprise"
    )
    assert counterparty != msg.sender, "settlement: self trade"
    assert amount > 0, "settlement: zero amount"
    assert price > 0, "settlement: zero price"
    seller: address = msg.sender
    buyer: address = counterparty
    if not as_seller:
        seller = counterparty
        buyer = msg.sender
    deal_id: uint256 = self.deal_count + 1
    self.deal_count = deal_id
    self.deals[deal_id] = Deal(
        seller=seller,
        buyer=buyer,
        vintage=vintage,
        amount=amount,
        price=price,
        proposer=msg.sender,
        state=DEAL_OPEN,
    )
    log DealProposed(
        deal_id=deal_id, seller=seller, buyer=buyer, vintage=vintage, amount=amount, price=price
    )
    return deal_id


@external
def accept_deal(deal_id: uint256, vintage: uint256, amount: uint256, price: uint256):
    """
    @notice The counterparty: approve the deal's terms (restated, so a caller cannot
            accept terms it did not see) and settle it at once, atomically.
    """
    deal: Deal = self.deals[deal_id]
    assert deal.state == DEAL_OPEN, "settlement: deal not open"
    assert msg.sender != deal.proposer and (
        msg.sender == deal.seller or msg.sender == deal.buyer
    ), "settlement: not the counterparty"
    assert deal.vintage == vintage and deal.amount == amount and deal.price == price, (
        "settlement: terms differ"
    )
    self.deals[deal_id].state = DEAL_SETTLED
    self._swap(deal.seller, deal.buyer, deal.vintage, deal.amount, deal.price)
    log DealSettled(
        deal_id=deal_id,
        seller=deal.seller,
        buyer=deal.buyer,
        vintage=deal.vintage,
        amount=deal.amount,
        price=deal.price,
    )


@external
def cancel_deal(deal_id: uint256):
    """
    @notice Either party: withdraw an open deal.
    """
    deal: Deal = self.deals[deal_id]
    assert deal.state == DEAL_OPEN, "settlement: deal not open"
    assert msg.sender == deal.seller or msg.sender == deal.buyer, "settlement: not a party"
    self.deals[deal_id].state = DEAL_CANCELLED
    log DealCancelled(deal_id=deal_id, by=msg.sender)


@internal
def _swap(seller: address, buyer: address, vintage: uint256, amount: uint256, price: uint256):
    extcall Allowances(ALLOWANCES).escrow(seller, vintage, amount)
    extcall Allowances(ALLOWANCES).deliver(seller, buyer, vintage, amount)
    extcall Coin(COIN).market_lock(buyer, amount * price)
    extcall Coin(COIN).market_pay(seller, amount * price)


@internal
@pure
def _recover(digest: bytes32, signature: Bytes[65]) -> address:
    r: uint256 = convert(slice(signature, 0, 32), uint256)
    s: uint256 = convert(slice(signature, 32, 32), uint256)
    v: uint256 = convert(slice(signature, 64, 1), uint256)
    return ecrecover(digest, v, r, s)


@external
@view
def deal_digest(terms: DealTerms) -> bytes32:
    """
    @notice The EIP-712 digest both parties sign for `terms`.
    """
    return self._digest(terms)


@internal
@view
def _digest(terms: DealTerms) -> bytes32:
    struct_hash: bytes32 = keccak256(
        abi_encode(
            DEAL_TYPEHASH,
            terms.seller,
            terms.buyer,
            terms.vintage,
            terms.amount,
            terms.price,
            terms.nonce,
            terms.deadline,
        )
    )
    return keccak256(concat(b"\x19\x01", DOMAIN_SEPARATOR, struct_hash))


@external
def settle_signed_deal(terms: DealTerms, seller_sig: Bytes[65], buyer_sig: Bytes[65]):
    """
    @notice Either party or a MARKET_OPERATOR: settle a negotiated deal that both
            parties signed off chain (EIP-712), atomically and at most once.
    """
    assert msg.sender == terms.seller or msg.sender == terms.buyer or self._has(
        msg.sender, roles.Role.MARKET_OPERATOR
    ), "settlement: not a party or operator"
    assert block.timestamp <= terms.deadline, "settlement: deal expired"
    assert terms.seller != terms.buyer, "settlement: self trade"
    assert terms.amount > 0, "settlement: zero amount"
    assert terms.price > 0, "settlement: zero price"
    digest: bytes32 = self._digest(terms)
    assert not self.signed_deal_used[digest], "settlement: deal already used"
    assert self._recover(digest, seller_sig) == terms.seller, "settlement: bad seller signature"
    assert self._recover(digest, buyer_sig) == terms.buyer, "settlement: bad buyer signature"
    self.signed_deal_used[digest] = True
    self._swap(terms.seller, terms.buyer, terms.vintage, terms.amount, terms.price)
    log SignedDealSettled(
        digest=digest,
        seller=terms.seller,
        buyer=terms.buyer,
        vintage=terms.vintage,
        amount=terms.amount,
        price=terms.price,
        by=msg.sender,
    )


@external
def revoke_signed_deal(terms: DealTerms):
    """
    @notice Either party: void signed terms before they are settled.
    """
    assert msg.sender == terms.seller or msg.sender == terms.buyer, "settlement: not a party"
    digest: bytes32 = self._digest(terms)
    assert not self.signed_deal_used[digest], "settlement: deal already used"
    self.signed_deal_used[digest] = True
    log SignedDealRevoked(digest=digest, by=msg.sender)
