from ledger_testing import World, reverts

ZERO = "0x" + "00" * 20


def test_erc20_metadata(world: World) -> None:
    coin = world.s.coin
    assert coin.call("name") == "CarbonCoin"
    assert coin.call("symbol") == "CCOIN"
    assert coin.call("decimals") == 2


def test_mint_creates_supply_and_emits(w: World) -> None:
    before = w.s.coin.total_supply()
    res = w.s.coin.by(w.bank).mint(w.carol.address, 123_45, b"deposit-1")
    assert res.event("Transfer") == {"sender": ZERO, "receiver": w.carol.address, "value": 123_45}
    minted = res.event("Minted")
    assert minted["receiver"] == w.carol.address and minted["value"] == 123_45
    assert minted["reference"].rstrip(b"\0") == b"deposit-1"
    assert w.s.coin.balance_of(w.carol.address) == 123_45
    assert w.s.coin.total_supply() == before + 123_45


def test_mint_reverts(w: World) -> None:
    coin = w.s.coin.by(w.bank)
    with reverts("coin: zero amount"):
        coin.mint(w.alice.address, 0)
    with reverts("coin: receiver not active"):
        coin.mint(w.stranger.address, 1)
    w.s.registry.by(w.regulator).set_status(w.carol.address, False)
    with reverts("coin: receiver not active"):
        coin.mint(w.carol.address, 1)
    w.s.coin.by(w.admin).set_paused(True)
    with reverts("coin: paused"):
        coin.mint(w.alice.address, 1)


def test_burn_destroys_own_balance(w: World) -> None:
    before = w.s.coin.total_supply()
    res = w.s.coin.by(w.bank).burn(40_00, b"withdraw-7")
    assert res.event("Transfer") == {"sender": w.bank.address, "receiver": ZERO, "value": 40_00}
    assert res.event("Burned")["value"] == 40_00
    assert w.s.coin.total_supply() == before - 40_00
    with reverts("coin: zero amount"):
        w.s.coin.by(w.bank).burn(0)
    with reverts("coin: insufficient balance"):
        w.s.coin.by(w.bank).burn(10**12)
    w.s.coin.by(w.admin).set_paused(True)
    with reverts("coin: paused"):
        w.s.coin.by(w.bank).burn(1)


def test_transfer_between_active_organisations(w: World) -> None:
    res = w.s.coin.by(w.alice).transfer(w.bank.address, 5_00)
    assert res.event("Transfer") == {
        "sender": w.alice.address,
        "receiver": w.bank.address,
        "value": 5_00,
    }
    assert w.s.coin.balance_of(w.bank.address) == 1_005_00


def test_transfer_reverts(w: World) -> None:
    coin = w.s.coin.by(w.alice)
    with reverts("coin: insufficient balance"):
        coin.transfer(w.bob.address, 10**12)
    with reverts("coin: receiver not active"):
        coin.transfer(w.stranger.address, 1)
    with reverts("coin: zero receiver"):
        coin.transfer(ZERO, 1)
    with reverts("coin: sender not active"):
        w.s.coin.by(w.stranger).transfer(w.alice.address, 0)
    w.s.registry.by(w.regulator).set_status(w.bob.address, False)
    with reverts("coin: receiver not active"):
        coin.transfer(w.bob.address, 1)
    with reverts("coin: sender not active"):
        w.s.coin.by(w.bob).transfer(w.alice.address, 1)
    w.s.coin.by(w.admin).set_paused(True)
    with reverts("coin: paused"):
        coin.transfer(w.carol.address, 1)


def test_approve_and_transfer_from(w: World) -> None:
    res = w.s.coin.by(w.alice).approve(w.carol.address, 7_00)
    assert res.event("Approval") == {
        "owner": w.alice.address,
        "spender": w.carol.address,
        "value": 7_00,
    }
    res = w.s.coin.by(w.carol).transfer_from(w.alice.address, w.bob.address, 3_00)
    assert res.event("Transfer")["value"] == 3_00
    assert res.event("Approval")["value"] == 4_00
    assert w.s.coin.allowance(w.alice.address, w.carol.address) == 4_00
    with reverts("coin: insufficient allowance"):
        w.s.coin.by(w.carol).transfer_from(w.alice.address, w.bob.address, 5_00)
    with reverts("coin: caller not active"):
        w.s.coin.by(w.stranger).transfer_from(w.alice.address, w.bob.address, 0)
    with reverts("coin: caller not active"):
        w.s.coin.by(w.stranger).approve(w.alice.address, 1)


def test_pause_and_unpause(w: World) -> None:
    res = w.s.coin.by(w.admin).set_paused(True)
    assert res.event("PauseChanged") == {"paused": True, "by": w.admin.address}
    assert w.s.coin.paused()
    with reverts("coin: pause unchanged"):
        w.s.coin.by(w.admin).set_paused(True)
    w.s.coin.by(w.admin).set_paused(False)
    w.s.coin.by(w.alice).transfer(w.bob.address, 1)


def test_set_market_emits(w: World) -> None:
    res = w.s.coin.by(w.admin).set_market(w.carol.address)
    assert res.event("MarketSet") == {"market": w.carol.address, "by": w.admin.address}
    assert w.s.coin.call("market") == w.carol.address


def test_market_functions_only_for_market(world: World) -> None:
    for signer in world.by_role().values():
        with reverts("coin: only market"):
            world.s.coin.by(signer).send("market_lock", world.alice.address, 1)
        with reverts("coin: only market"):
            world.s.coin.by(signer).send("market_pay", world.alice.address, 1)


def test_market_lock_and_pay_via_an_account_market(w: World) -> None:
    """An account named market can lock from and pay to active organisations."""
    w.s.coin.by(w.admin).set_market(w.operator.address)
    market = w.s.coin.by(w.operator)
    res = market.send("market_lock", w.alice.address, 2_00)
    assert res.event("Transfer") == {
        "sender": w.alice.address,
        "receiver": w.operator.address,
        "value": 2_00,
    }
    res = market.send("market_pay", w.bob.address, 2_00)
    assert res.event("Transfer")["receiver"] == w.bob.address
    with reverts("coin: insufficient balance"):
        market.send("market_pay", w.bob.address, 10**12)


def test_coin_cannot_be_sent_to_the_market_directly(w: World) -> None:
    """The market's balance must stay equal to the coin locked by open buy orders."""
    market = w.s.settlement.address
    with reverts("coin: use the market's functions"):
        w.s.coin.by(w.alice).transfer(market, 1)
    w.s.coin.by(w.alice).approve(w.carol.address, 1)
    with reverts("coin: use the market's functions"):
        w.s.coin.by(w.carol).transfer_from(w.alice.address, market, 1)


def test_a_mined_revert_reports_its_reason(w: World) -> None:
    """With the gas given, nothing is estimated: the node mines the failing transaction."""
    from carbonledger.ledger import RevertError

    coin = w.s.coin
    data = coin.abi.functions["transfer"].encode([w.bob.address, 10**15])
    try:
        w.chain.transact(w.alice, coin.address, data, gas=200_000)
    except RevertError as err:
        assert err.reason == "coin: insufficient balance"
    else:
        raise AssertionError("the transfer should have reverted")
