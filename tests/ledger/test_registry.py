from ledger_testing import World, cast_key, reverts

from carbonledger.ledger import Role, Signer


def test_deployer_is_first_admin(world: World) -> None:
    org = world.s.registry.organisation(world.admin.address)
    assert org.role == Role.ADMIN and org.active
    assert world.s.registry.has_role(world.admin.address, Role.ADMIN | Role.REGULATOR)
    assert not world.s.registry.has_role(world.admin.address, Role.ENTERPRISE)


def test_register_records_organisation_and_emits(w: World) -> None:
    new = Signer(cast_key(99))
    res = w.s.registry.by(w.regulator).register(new.address, Role.ENTERPRISE, "2511", "CN-SH")
    assert res.event("OrganisationRegistered") == {
        "account": new.address,
        "role": Role.ENTERPRISE,
        "industry": "2511",
        "region": "CN-SH",
        "by": w.regulator.address,
    }
    org = w.s.registry.organisation(new.address)
    assert (org.role, org.industry, org.region, org.active) == (
        Role.ENTERPRISE,
        "2511",
        "CN-SH",
        True,
    )
    assert w.s.registry.role_of(new.address) == Role.ENTERPRISE
    assert w.s.registry.is_active(new.address)


def test_register_reverts(w: World) -> None:
    reg = w.s.registry.by(w.regulator)
    new = Signer(cast_key(98)).address
    with reverts("registry: exactly one role"):
        reg.register(new, Role.ENTERPRISE | Role.FINANCE)
    with reverts("registry: exactly one role"):
        reg.register(new, Role(0))
    with reverts("registry: zero account"):
        reg.register("0x" + "00" * 20, Role.ENTERPRISE)
    with reverts("registry: already registered"):
        reg.register(w.alice.address, Role.ENTERPRISE)
    # a regulator may not create admins or regulators; an admin may
    with reverts("registry: not allowed"):
        reg.register(new, Role.REGULATOR)
    with reverts("registry: not allowed"):
        reg.register(new, Role.ADMIN)
    w.s.registry.by(w.admin).register(new, Role.REGULATOR)
    assert w.s.registry.role_of(new) == Role.REGULATOR


def test_register_refused_for_other_roles(world: World) -> None:
    new = Signer(cast_key(97)).address
    for name, signer in world.by_role().items():
        if name in ("ADMIN", "REGULATOR"):
            continue
        with reverts("registry: not allowed"):
            world.s.registry.by(signer).register(new, Role.ENTERPRISE)


def test_set_status_suspends_and_reactivates(w: World) -> None:
    res = w.s.registry.by(w.regulator).set_status(w.alice.address, False)
    assert res.event("OrganisationStatusChanged") == {
        "account": w.alice.address,
        "active": False,
        "by": w.regulator.address,
    }
    assert not w.s.registry.is_active(w.alice.address)
    assert not w.s.registry.has_role(w.alice.address, Role.ENTERPRISE)
    assert w.s.registry.role_of(w.alice.address) == Role.ENTERPRISE
    w.s.registry.by(w.admin).set_status(w.alice.address, True)
    assert w.s.registry.has_role(w.alice.address, Role.ENTERPRISE)


def test_set_status_reverts(w: World) -> None:
    reg = w.s.registry.by(w.regulator)
    with reverts("registry: unknown account"):
        reg.set_status(w.stranger.address, False)
    with reverts("registry: cannot change own status"):
        reg.set_status(w.regulator.address, False)
    with reverts("registry: not allowed"):
        reg.set_status(w.admin.address, False)
    with reverts("registry: status unchanged"):
        reg.set_status(w.alice.address, True)
    for name, signer in w.by_role().items():
        if name in ("ADMIN", "REGULATOR"):
            continue
        with reverts("registry: not allowed"):
            w.s.registry.by(signer).set_status(w.carol.address, False)


def test_suspended_regulator_can_do_nothing(w: World) -> None:
    w.s.registry.by(w.admin).set_status(w.regulator.address, False)
    with reverts("registry: not allowed"):
        w.s.registry.by(w.regulator).register(Signer(cast_key(96)).address, Role.ENTERPRISE)
    with reverts("allowances: caller is not regulator"):
        w.s.allowances.by(w.regulator).allocate(2024, [w.alice.address], [1])
