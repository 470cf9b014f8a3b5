from eth_account.messages import encode_typed_data
from eth_utils.crypto import keccak
from ledger_testing import VINTAGE, World, reverts

from carbonledger.ledger import DealState, DealTerms, Fill, OrderIntent, Side, Signer


def test_place_orders_lock_escrow(world: World) -> None:
    s = world.s
    sell = s.settlement.order(world.sell_order)
    buy = s.settlement.order(world.buy_order)
    assert sell == (world.alice.address, Side.SELL, VINTAGE, 10, 80_00, True)
    assert buy == (world.bob.address, Side.BUY, VINTAGE, 10, 90_00, True)
    assert s.allowances.escrowed(world.alice.address, VINTAGE) == 10
    assert s.coin.balance_of(s.settlement.address) == 10 * 90_00


def test_place_order_emits(w: World) -> None:
    res = w.s.settlement.by(w.bob).place_order(Side.SELL, VINTAGE, 5, 70_00)
    ev = res.event("OrderPlaced")
    assert (ev["owner"], ev["side"], ev["vintage"], ev["amount"], ev["price"]) == (
        w.bob.address,
        Side.SELL,
        VINTAGE,
        5,
        70_00,
    )
    assert res.event("Escrowed") == {"owner": w.bob.address, "vintage": VINTAGE, "amount": 5}


def test_place_order_reverts(w: World) -> None:
    m = w.s.settlement.by(w.alice)
    with reverts("settlement: unknown side"):
        m.send("place_order", 3, VINTAGE, 1, 1)
    with reverts("settlement: zero amount"):
        m.place_order(Side.SELL, VINTAGE, 0, 1)
    with reverts("settlement: zero price"):
        m.place_order(Side.SELL, VINTAGE, 1, 0)
    with reverts("allowances: insufficient balance"):
        m.place_order(Side.SELL, VINTAGE, 10**6, 1)
    with reverts("coin: insufficient balance"):
        m.place_order(Side.BUY, VINTAGE, 10**6, 10**6)


def test_settle_delivers_and_pays_atomically(w: World) -> None:
    s = w.s
    alice_coin = s.coin.balance_of(w.alice.address)
    bob_coin = s.coin.balance_of(w.bob.address)
    bob_allow = s.allowances.balance_of(w.bob.address, VINTAGE)
    res = s.settlement.by(w.operator).settle([Fill(w.buy_order, w.sell_order, 6, 85_00)])
    assert res.event("TradeSettled") == {
        "buy_order": w.buy_order,
        "sell_order": w.sell_order,
        "buyer": w.bob.address,
        "seller": w.alice.address,
        "vintage": VINTAGE,
        "amount": 6,
        "price": 85_00,
    }
    assert s.allowances.balance_of(w.bob.address, VINTAGE) == bob_allow + 6
    assert s.coin.balance_of(w.alice.address) == alice_coin + 6 * 85_00
    # the buyer locked 90.00/t; the 5.00/t price improvement comes back
    assert s.coin.balance_of(w.bob.address) == bob_coin + 6 * 5_00
    assert s.settlement.order(w.buy_order).remaining == 4
    # fill the rest: both orders close
    s.settlement.by(w.operator).settle([Fill(w.buy_order, w.sell_order, 4, 90_00)])
    assert not s.settlement.order(w.buy_order).open
    assert not s.settlement.order(w.sell_order).open
    assert s.coin.balance_of(s.settlement.address) == 0
    assert s.allowances.escrowed(w.alice.address, VINTAGE) == 0


def test_settle_batch_is_all_or_nothing(w: World) -> None:
    before = w.s.allowances.balance_of(w.bob.address, VINTAGE)
    with reverts("settlement: amount exceeds order"):
        w.s.settlement.by(w.operator).settle(
            [Fill(w.buy_order, w.sell_order, 5, 85_00), Fill(w.buy_order, w.sell_order, 6, 85_00)]
        )
    assert w.s.allowances.balance_of(w.bob.address, VINTAGE) == before
    assert w.s.settlement.order(w.buy_order).remaining == 10


def test_settle_reverts(w: World) -> None:
    op = w.s.settlement.by(w.operator)
    b, s_ = w.buy_order, w.sell_order
    with reverts("settlement: empty batch"):
        op.settle([])
    with reverts("settlement: bad buy order"):
        op.settle([Fill(s_, s_, 1, 85_00)])
    with reverts("settlement: bad sell order"):
        op.settle([Fill(b, b, 1, 85_00)])
    with reverts("settlement: zero amount"):
        op.settle([Fill(b, s_, 0, 85_00)])
    with reverts("settlement: price outside limits"):
        op.settle([Fill(b, s_, 1, 79_00)])
    with reverts("settlement: price outside limits"):
        op.settle([Fill(b, s_, 1, 91_00)])


def test_self_trade_and_vintage_mismatch(w: World) -> None:
    s = w.s
    s.allowances.by(w.regulator).allocate(2025, [w.bob.address], [5])
    own_sell = s.settlement.by(w.bob).place_order(Side.SELL, VINTAGE, 1, 1).event("OrderPlaced")
    other_vintage = s.settlement.by(w.bob).place_order(Side.SELL, 2025, 1, 1).event("OrderPlaced")
    op = s.settlement.by(w.operator)
    with reverts("settlement: self trade"):
        op.settle([Fill(w.buy_order, own_sell["order_id"], 1, 85_00)])
    s.coin.by(w.bank).mint(w.carol.address, 100_00)
    carol_buy = (
        s.settlement.by(w.carol).place_order(Side.BUY, VINTAGE, 1, 90_00).event("OrderPlaced")
    )
    with reverts("settlement: vintage mismatch"):
        op.settle([Fill(carol_buy["order_id"], other_vintage["order_id"], 1, 85_00)])


def test_cancel_releases_escrow(w: World) -> None:
    s = w.s
    free = s.allowances.balance_of(w.alice.address, VINTAGE)
    res = s.settlement.by(w.alice).cancel_order(w.sell_order)
    assert res.event("OrderCancelled") == {
        "order_id": w.sell_order,
        "by": w.alice.address,
        "remaining": 10,
    }
    assert res.event("Released")["amount"] == 10
    assert s.allowances.balance_of(w.alice.address, VINTAGE) == free + 10
    bob_coin = s.coin.balance_of(w.bob.address)
    s.settlement.by(w.operator).cancel_order(w.buy_order)  # the operator may cancel too
    assert s.coin.balance_of(w.bob.address) == bob_coin + 10 * 90_00
    with reverts("settlement: order not open"):
        s.settlement.by(w.alice).cancel_order(w.sell_order)


def test_cancel_refused_for_others(world: World) -> None:
    for name, signer in world.by_role().items():
        if name in ("MARKET_OPERATOR",):
            continue
        if signer == world.alice:
            continue
        with reverts("settlement: not owner or operator"):
            world.s.settlement.by(signer).cancel_order(world.sell_order)
    with reverts("settlement: not owner or operator"):
        world.s.settlement.by(world.carol).cancel_order(world.sell_order)


def test_bilateral_deal_settles_when_both_approve(w: World) -> None:
    s = w.s
    res = s.settlement.by(w.alice).propose_deal(w.carol.address, True, VINTAGE, 20, 88_00)
    ev = res.event("DealProposed")
    deal_id = ev["deal_id"]
    assert (ev["seller"], ev["buyer"], ev["amount"], ev["price"]) == (
        w.alice.address,
        w.carol.address,
        20,
        88_00,
    )
    s.coin.by(w.bank).mint(w.carol.address, 20 * 88_00)
    with reverts("settlement: not the counterparty"):
        s.settlement.by(w.alice).accept_deal(deal_id, VINTAGE, 20, 88_00)
    with reverts("settlement: not the counterparty"):
        s.settlement.by(w.bob).accept_deal(deal_id, VINTAGE, 20, 88_00)
    with reverts("settlement: terms differ"):
        s.settlement.by(w.carol).accept_deal(deal_id, VINTAGE, 20, 87_00)
    res = s.settlement.by(w.carol).accept_deal(deal_id, VINTAGE, 20, 88_00)
    assert res.event("DealSettled")["deal_id"] == deal_id
    assert s.allowances.balance_of(w.carol.address, VINTAGE) == 20
    assert s.coin.balance_of(w.carol.address) == 0
    assert s.settlement.deal(deal_id).state == DealState.SETTLED
    with reverts("settlement: deal not open"):
        s.settlement.by(w.carol).accept_deal(deal_id, VINTAGE, 20, 88_00)


def test_bilateral_deal_as_buyer_and_cancel(w: World) -> None:
    s = w.s
    res = s.settlement.by(w.bob).propose_deal(w.alice.address, False, VINTAGE, 3, 1_00)
    deal_id = res.event("DealProposed")["deal_id"]
    assert s.settlement.deal(deal_id)[:2] == (w.alice.address, w.bob.address)
    with reverts("settlement: not a party"):
        s.settlement.by(w.carol).cancel_deal(deal_id)
    res = s.settlement.by(w.alice).cancel_deal(deal_id)
    assert res.event("DealCancelled") == {"deal_id": deal_id, "by": w.alice.address}
    with reverts("settlement: deal not open"):
        s.settlement.by(w.alice).cancel_deal(deal_id)


def test_propose_deal_reverts(w: World) -> None:
    m = w.s.settlement.by(w.alice)
    with reverts("settlement: counterparty not active enterprise"):
        m.propose_deal(w.bank.address, True, VINTAGE, 1, 1)
    with reverts("settlement: self trade"):
        m.propose_deal(w.alice.address, True, VINTAGE, 1, 1)
    with reverts("settlement: zero amount"):
        m.propose_deal(w.bob.address, True, VINTAGE, 0, 1)
    with reverts("settlement: zero price"):
        m.propose_deal(w.bob.address, True, VINTAGE, 1, 0)


def _terms(w: World, amount: int = 7, nonce: int = 1, deadline: int = 2**40) -> DealTerms:
    return DealTerms(w.alice.address, w.bob.address, VINTAGE, amount, 95_00, nonce, deadline)


def test_signed_deal_digest_matches_eip712(world: World) -> None:
    terms = _terms(world)
    message = encode_typed_data(full_message=world.s.settlement.deal_typed_data(terms))
    expected = b"\x19\x01" + message.header + message.body
    assert world.s.settlement.deal_digest(terms) == keccak(expected)


def test_signed_deal_settles_once(w: World) -> None:
    s = w.s
    terms = _terms(w)
    seller_sig = s.settlement.sign_deal(w.alice, terms)
    buyer_sig = s.settlement.sign_deal(w.bob, terms)
    bob_allow = s.allowances.balance_of(w.bob.address, VINTAGE)
    alice_coin = s.coin.balance_of(w.alice.address)
    res = s.settlement.by(w.operator).settle_signed_deal(terms, seller_sig, buyer_sig)
    ev = res.event("SignedDealSettled")
    assert ev["digest"] == s.settlement.deal_digest(terms)
    assert (ev["seller"], ev["buyer"], ev["amount"], ev["price"], ev["by"]) == (
        w.alice.address,
        w.bob.address,
        7,
        95_00,
        w.operator.address,
    )
    assert s.allowances.balance_of(w.bob.address, VINTAGE) == bob_allow + 7
    assert s.coin.balance_of(w.alice.address) == alice_coin + 7 * 95_00
    with reverts("settlement: deal already used"):
        s.settlement.by(w.alice).settle_signed_deal(terms, seller_sig, buyer_sig)


def test_signed_deal_reverts(w: World) -> None:
    m = w.s.settlement
    terms = _terms(w)
    sig_a, sig_b = m.sign_deal(w.alice, terms), m.sign_deal(w.bob, terms)
    with reverts("settlement: not a party or operator"):
        m.by(w.carol).settle_signed_deal(terms, sig_a, sig_b)
    with reverts("settlement: bad seller signature"):
        m.by(w.bob).settle_signed_deal(terms, sig_b, sig_b)
    with reverts("settlement: bad buyer signature"):
        m.by(w.bob).settle_signed_deal(terms, sig_a, sig_a)
    altered = terms._replace(amount=8)  # signatures cover the exact terms
    with reverts("settlement: bad seller signature"):
        m.by(w.bob).settle_signed_deal(altered, sig_a, sig_b)
    expired = _terms(w, deadline=1)
    with reverts("settlement: deal expired"):
        m.by(w.bob).settle_signed_deal(
            expired, m.sign_deal(w.alice, expired), m.sign_deal(w.bob, expired)
        )
    for bad, reason in (
        (terms._replace(buyer=w.alice.address), "settlement: self trade"),
        (terms._replace(amount=0), "settlement: zero amount"),
        (terms._replace(price=0), "settlement: zero price"),
    ):
        with reverts(reason):
            m.by(w.alice).settle_signed_deal(
                bad, m.sign_deal(w.alice, bad), m.sign_deal(w.bob, bad)
            )
    too_big = _terms(w, amount=10**6)
    with reverts("allowances: insufficient balance"):
        m.by(w.alice).settle_signed_deal(
            too_big, m.sign_deal(w.alice, too_big), m.sign_deal(w.bob, too_big)
        )


def test_signed_deal_can_be_revoked_by_a_party(w: World) -> None:
    m = w.s.settlement
    terms = _terms(w, nonce=2)
    with reverts("settlement: not a party"):
        m.by(w.carol).revoke_signed_deal(terms)
    res = m.by(w.bob).revoke_signed_deal(terms)
    assert res.event("SignedDealRevoked") == {
        "digest": m.deal_digest(terms),
        "by": w.bob.address,
    }
    with reverts("settlement: deal already used"):
        m.by(w.alice).settle_signed_deal(
            terms, m.sign_deal(w.alice, terms), m.sign_deal(w.bob, terms)
        )
    with reverts("settlement: deal already used"):
        m.by(w.alice).revoke_signed_deal(terms)


# -- orders signed by their owners, placed in batches by the market operator ---------------
def _intent(
    w: World,
    owner: Signer,
    side: Side = Side.SELL,
    amount: int = 3,
    price: int = 85_00,
    nonce: int = 1,
    deadline: int = 2**40,
) -> OrderIntent:
    return OrderIntent(owner.address, int(side), VINTAGE, amount, price, nonce, deadline)


def _signed(w: World, owner: Signer, **kw: int) -> tuple[OrderIntent, bytes]:
    intent = _intent(w, owner, **kw)  # type: ignore[arg-type]
    return intent, w.s.settlement.sign_order(owner, intent)


def test_order_digest_matches_eip712_here_and_in_the_contract(world: World) -> None:
    m = world.s.settlement
    intent = _intent(world, world.alice, Side.BUY, nonce=2**100)
    message = encode_typed_data(full_message=m.order_typed_data(intent))
    expected = keccak(b"\x19\x01" + message.header + message.body)
    assert m.order_digest(intent) == expected
    assert m.order_digest_local(intent) == expected
    # the fast signature is an ordinary EIP-712 signature of the owner
    signature = m.sign_order(world.alice, intent)
    assert bytes(world.alice.account.sign_message(message).signature) == signature
    assert m.supports_signed_orders()


def test_signed_orders_are_placed_in_one_batch(w: World) -> None:
    s = w.s
    sell = _signed(w, w.alice, amount=4, nonce=11)
    buy = _signed(w, w.bob, side=Side.BUY, amount=2, price=91_00, nonce=12)
    escrowed = s.allowances.escrowed(w.alice.address, VINTAGE)
    locked = s.coin.balance_of(s.settlement.address)
    first = s.settlement.order_count() + 1
    res = s.settlement.by(w.operator).place_signed_orders([sell, buy])
    placed = res.all("OrderPlaced")
    assert [(e["order_id"], e["owner"], e["side"], e["amount"], e["price"]) for e in placed] == [
        (first, w.alice.address, Side.SELL, 4, 85_00),
        (first + 1, w.bob.address, Side.BUY, 2, 91_00),
    ]
    assert res.all("SignedOrderPlaced") == [
        {"order_id": first, "digest": s.settlement.order_digest(sell[0])},
        {"order_id": first + 1, "digest": s.settlement.order_digest(buy[0])},
    ]
    assert s.settlement.order(first) == (w.alice.address, Side.SELL, VINTAGE, 4, 85_00, True)
    assert s.allowances.escrowed(w.alice.address, VINTAGE) == escrowed + 4
    assert s.coin.balance_of(s.settlement.address) == locked + 2 * 91_00
    # each signature places its order once
    with reverts("settlement: order intent already used"):
        s.settlement.by(w.operator).place_signed_orders([buy])


def test_signed_orders_reverts(w: World) -> None:
    m = w.s.settlement
    good = _signed(w, w.alice, nonce=21)
    with reverts("settlement: caller is not operator"):
        m.by(w.alice).place_signed_orders([good])
    with reverts("settlement: empty batch"):
        m.by(w.operator).place_signed_orders([])
    op = m.by(w.operator)
    with reverts("settlement: order intent expired"):
        op.place_signed_orders([_signed(w, w.alice, deadline=1)])
    # a signature covers the exact terms and only its owner's orders
    altered = (good[0]._replace(amount=4), good[1])
    with reverts("settlement: bad order signature"):
        op.place_signed_orders([altered])
    forged = (_intent(w, w.alice, nonce=22), m.sign_order(w.bob, _intent(w, w.alice, nonce=22)))
    with reverts("settlement: bad order signature"):
        op.place_signed_orders([forged])
    with reverts("settlement: order owner is not enterprise"):
        op.place_signed_orders([_signed(w, w.stranger, nonce=23)])
    with reverts("settlement: unknown side"):
        op.place_signed_orders([_signed(w, w.alice, side=3, nonce=24)])  # type: ignore[arg-type]
    # all or nothing: the second order cannot be escrowed, so the first is not placed
    count = m.order_count()
    with reverts("allowances: insufficient balance"):
        op.place_signed_orders([good, _signed(w, w.bob, amount=10**6, nonce=25)])
    assert m.order_count() == count
    op.place_signed_orders([good])
    assert m.order_count() == count + 1


def test_order_intent_can_be_revoked_by_its_owner(w: World) -> None:
    m = w.s.settlement
    intent, signature = _signed(w, w.alice, nonce=31)
    with reverts("settlement: not the owner"):
        m.by(w.bob).revoke_order_intent(intent)
    res = m.by(w.alice).revoke_order_intent(intent)
    assert res.event("OrderIntentRevoked") == {
        "digest": m.order_digest(intent),
        "by": w.alice.address,
    }
    with reverts("settlement: order intent already used"):
        m.by(w.operator).place_signed_orders([(intent, signature)])
    with reverts("settlement: order intent already used"):
        m.by(w.alice).revoke_order_intent(intent)
