"""Stateful property tests: random sequences of operations keep the supply invariants.

Each example starts from the baseline world (restored by the backend's snapshot, or a
fresh deployment) and ends by checking that the indexer's SQL projection of the
example's events equals the chain. A small model chooses operations that should
succeed, plus some that must be refused; after every step the invariants are checked
against the chain itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from ledger_backends import Backend
from ledger_testing import VINTAGE, YEAR, World, build_world, reverts

from carbonledger.ledger import BlockState, Chain, Fill, Side, Signer
from carbonledger.ledger.indexer import Indexer

VINTAGES = (VINTAGE, VINTAGE + 1)  # VINTAGE + 1 is not eligible for YEAR


@dataclass
class OpenOrder:
    owner: str
    side: Side
    vintage: int
    remaining: int
    price: int


def run_machine(backend: Backend, chain: Chain, world: World, examples: int, steps: int) -> None:
    snap = [backend.snapshot() if backend.snapshot else ""]

    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            if backend.snapshot and backend.revert:
                backend.revert(snap[0])
                snap[0] = backend.snapshot()
                chain.forget_nonces()
                self.w = world
            else:
                self.w = build_world(chain, backend.funded_key)
            w = self.w
            # the SQL projection is rebuilt from this example's events and must match
            self.indexer = Indexer(chain, w.s.book, engine="sqlite://", batch_blocks=50)
            self.ents: list[Signer] = [w.alice, w.bob, w.carol]
            self.active = {e.address: True for e in self.ents}
            self.obligation: dict[str, int] = {}
            self.surrendered: dict[str, list[int]] = {}
            self.orders = {
                w.sell_order: OpenOrder(w.alice.address, Side.SELL, VINTAGE, 10, 80_00),
                w.buy_order: OpenOrder(w.bob.address, Side.BUY, VINTAGE, 10, 90_00),
            }

        # -- helpers -------------------------------------------------------------------
        def free(self, e: Signer, v: int) -> int:
            return self.w.s.allowances.balance_of(e.address, v)

        def coin(self, e: Signer) -> int:
            return self.w.s.coin.balance_of(e.address)

        def held_blocks(self, owner: str | None = None) -> list[int]:
            o = self.w.s.offsets
            ids = range(1, o.block_count() + 1)
            return [
                i
                for i in ids
                if o.block(i).state == BlockState.HELD and owner in (None, o.block(i).owner)
            ]

        # -- allowances ----------------------------------------------------------------
        @rule(data=st.data())
        def allocate(self, data: st.DataObject) -> None:
            e = data.draw(st.sampled_from(self.ents))
            v = data.draw(st.sampled_from(VINTAGES))
            amount = data.draw(st.integers(1, 500))
            a = self.w.s.allowances.by(self.w.regulator)
            if self.active[e.address]:
                a.allocate(v, [e.address], [amount])
            else:
                with reverts("allowances: receiver not active enterprise"):
                    a.allocate(v, [e.address], [amount])

        @rule(data=st.data())
        def deduct(self, data: st.DataObject) -> None:
            e = data.draw(st.sampled_from(self.ents))
            v = data.draw(st.sampled_from(VINTAGES))
            free = self.free(e, v)
            if free:
                amount = data.draw(st.integers(1, free))
                self.w.s.allowances.by(self.w.regulator).deduct(e.address, v, amount)

        @rule(data=st.data())
        def transfer_allowances(self, data: st.DataObject) -> None:
            sender, receiver = data.draw(st.permutations(self.ents))[:2]
            v = data.draw(st.sampled_from(VINTAGES))
            free = self.free(sender, v)
            if not free:
                return
            amount = data.draw(st.integers(1, free))
            a = self.w.s.allowances.by(sender)
            if not self.active[sender.address]:
                with reverts("allowances: sender not active enterprise"):
                    a.transfer(receiver.address, v, amount)
            elif not self.active[receiver.address]:
                with reverts("allowances: receiver not active enterprise"):
                    a.transfer(receiver.address, v, amount)
            else:
                a.transfer(receiver.address, v, amount)

        # -- coin ----------------------------------------------------------------------
        @rule(data=st.data())
        def mint(self, data: st.DataObject) -> None:
            e = data.draw(st.sampled_from(self.ents))
            if self.active[e.address]:
                self.w.s.coin.by(self.w.bank).mint(e.address, data.draw(st.integers(1, 10**7)))

        @rule(data=st.data())
        def transfer_coin(self, data: st.DataObject) -> None:
            sender, receiver = data.draw(st.permutations(self.ents))[:2]
            bal = self.coin(sender)
            if bal and self.active[sender.address] and self.active[receiver.address]:
                amount = data.draw(st.integers(1, bal))
                self.w.s.coin.by(sender).transfer(receiver.address, amount)

        # -- market --------------------------------------------------------------------
        @rule(data=st.data(), side=st.sampled_from([Side.BUY, Side.SELL]))
        def place_order(self, data: st.DataObject, side: Side) -> None:
            e = data.draw(st.sampled_from(self.ents))
            if not self.active[e.address]:
                return
            v = data.draw(st.sampled_from(VINTAGES))
            price = data.draw(st.integers(1, 200_00))
            cap = self.free(e, v) if side == Side.SELL else min(self.coin(e) // price, 1000)
            if cap == 0:
                return
            amount = data.draw(st.integers(1, cap))
            res = self.w.s.settlement.by(e).place_order(side, v, amount, price)
            order_id = res.event("OrderPlaced")["order_id"]
            self.orders[order_id] = OpenOrder(e.address, side, v, amount, price)

        @rule(data=st.data())
        def settle(self, data: st.DataObject) -> None:
            pairs = [
                (b, s)
                for b, bo in self.orders.items()
                for s, so in self.orders.items()
                if bo.side == Side.BUY
                and so.side == Side.SELL
                and bo.vintage == so.vintage
                and bo.owner != so.owner
                and bo.price >= so.price
                and self.active[bo.owner]
                and self.active[so.owner]
            ]
            if not pairs:
                return
            b, s = data.draw(st.sampled_from(pairs))
            bo, so = self.orders[b], self.orders[s]
            amount = data.draw(st.integers(1, min(bo.remaining, so.remaining)))
            price = data.draw(st.integers(so.price, bo.price))
            self.w.s.settlement.by(self.w.operator).settle([Fill(b, s, amount, price)])
            for oid, order in ((b, bo), (s, so)):
                order.remaining -= amount
                if order.remaining == 0:
                    del self.orders[oid]

        @rule(data=st.data())
        def cancel(self, data: st.DataObject) -> None:
            if not self.orders:
                return
            oid = data.draw(st.sampled_from(sorted(self.orders)))
            m = self.w.s.settlement.by(self.w.operator)
            if self.active[self.orders[oid].owner]:
                m.cancel_order(oid)
                del self.orders[oid]
            else:
                with reverts(
                    "allowances: owner not active enterprise"
                    if self.orders[oid].side == Side.SELL
                    else "coin: receiver not active"
                ):
                    m.cancel_order(oid)

        @rule(data=st.data())
        def bilateral_deal(self, data: st.DataObject) -> None:
            seller, buyer = data.draw(st.permutations(self.ents))[:2]
            if not (self.active[seller.address] and self.active[buyer.address]):
                return
            free = self.free(seller, VINTAGE)
            price = data.draw(st.integers(1, 100_00))
            most = min(free, self.coin(buyer) // price)
            if most == 0:
                return
            amount = data.draw(st.integers(1, most))
            proposer, acceptor = data.draw(st.permutations([seller, buyer]))
            m = self.w.s.settlement
            res = m.by(proposer).propose_deal(
                acceptor.address, proposer == seller, VINTAGE, amount, price
            )
            deal_id = res.event("DealProposed")["deal_id"]
            if data.draw(st.booleans()):
                m.by(acceptor).accept_deal(deal_id, VINTAGE, amount, price)
            else:
                m.by(acceptor).cancel_deal(deal_id)

        # -- offsets -------------------------------------------------------------------
        @rule(data=st.data())
        def issue(self, data: st.DataObject) -> None:
            e = data.draw(st.sampled_from(self.ents))
            if self.active[e.address]:
                v = data.draw(st.sampled_from(VINTAGES))
                amount = data.draw(st.integers(1, 300))
                self.w.s.offsets.by(self.w.regulator).issue(1001, v, e.address, amount)

        @rule(data=st.data())
        def transfer_or_retire_offsets(self, data: st.DataObject) -> None:
            blocks = self.held_blocks()
            if not blocks:
                return
            block_id = data.draw(st.sampled_from(blocks))
            blk = self.w.s.offsets.block(block_id)
            owner = next(e for e in self.ents if e.address == blk.owner)
            if not self.active[owner.address]:
                return
            amount = data.draw(st.integers(1, blk.size))
            o = self.w.s.offsets.by(owner)
            if data.draw(st.booleans()):
                o.retire(block_id, amount, "beneficiary", "voluntary")
                return
            receiver = data.draw(st.sampled_from([e for e in self.ents if e != owner]))
            if self.active[receiver.address]:
                o.transfer(receiver.address, block_id, amount)

        # -- compliance ----------------------------------------------------------------
        @rule(data=st.data())
        def confirm_obligation(self, data: st.DataObject) -> None:
            todo = [e for e in self.ents if e.address not in self.obligation]
            if not todo:
                return
            e = data.draw(st.sampled_from(todo))
            if not self.active[e.address]:
                return
            tonnes = data.draw(st.integers(1, 2000))
            s = self.w.s
            rid = s.reports.by(e).submit(YEAR, b"r", b"c", b"m", tonnes).event("ReportSubmitted")
            s.reports.by(self.w.regulator).assign_verifier(
                rid["report_id"], self.w.verifier2.address
            )
            s.reports.by(self.w.verifier2).attest(rid["report_id"], tonnes, 1, b"d")
            s.reports.by(self.w.regulator).confirm(rid["report_id"])
            self.obligation[e.address] = tonnes
            self.surrendered[e.address] = [0, 0]

        def _ready(self, data: st.DataObject) -> tuple[Signer, list[int], int] | None:
            """An active enterprise with a confirmed obligation not yet covered."""
            ready = [
                e for e in self.ents if e.address in self.obligation and self.active[e.address]
            ]
            if not ready:
                return None
            e = data.draw(st.sampled_from(ready))
            done = self.surrendered[e.address]
            room = self.obligation[e.address] - sum(done)
            return (e, done, room) if room else None

        @rule(data=st.data())
        def surrender_allowances(self, data: st.DataObject) -> None:
            picked = self._ready(data)
            if picked is None:
                return
            e, done, room = picked
            v = data.draw(st.sampled_from(VINTAGES))
            free = self.free(e, v)
            if free == 0:
                return
            amount = data.draw(st.integers(1, min(free, room)))
            c = self.w.s.compliance.by(e)
            if v != VINTAGE:
                with reverts("allowances: vintage not eligible for year"):
                    c.surrender_allowances(YEAR, v, amount)
                return
            c.surrender_allowances(YEAR, v, amount)
            done[0] += amount

        @rule(data=st.data())
        def surrender_offsets(self, data: st.DataObject) -> None:
            picked = self._ready(data)
            if picked is None:
                return
            e, done, room = picked
            blocks = self.held_blocks(e.address)
            if not blocks:
                return
            block_id = data.draw(st.sampled_from(blocks))
            size = self.w.s.offsets.block(block_id).size
            most = min(size, room)
            cap_left = self.obligation[e.address] * 500 // 10000 - done[1]
            # mostly within the cap, sometimes beyond it
            within = st.integers(1, max(1, min(most, cap_left)))
            amount = data.draw(st.one_of(within, within, st.integers(1, most)))
            c = self.w.s.compliance.by(e)
            if (done[1] + amount) * 10000 > self.obligation[e.address] * 500:
                with reverts("compliance: offset cap exceeded"):
                    c.surrender_offsets(YEAR, block_id, amount)
                return
            c.surrender_offsets(YEAR, block_id, amount)
            done[1] += amount

        # -- registry ------------------------------------------------------------------
        @rule(data=st.data())
        def toggle_status(self, data: st.DataObject) -> None:
            e = data.draw(st.sampled_from(self.ents))
            now = not self.active[e.address]
            self.w.s.registry.by(self.w.regulator).set_status(e.address, now)
            self.active[e.address] = now

        def teardown(self) -> None:
            self.indexer.sync()
            assert self.indexer.reconcile() == []
            self.indexer.engine.dispose()

        # -- invariants, read from the chain -------------------------------------------
        @invariant()
        def allowance_supply(self) -> None:
            a = self.w.s.allowances
            holders = [e.address for e in self.ents]
            for v in VINTAGES:
                t = a.totals(v)
                held = sum(a.balance_of(h, v) for h in holders)
                escrowed = sum(a.escrowed(h, v) for h in holders)
                assert escrowed == t["total_escrowed"]
                assert a.balance_of(self.w.s.settlement.address, v) == escrowed
                assert t["allocated"] - t["deducted"] == held + escrowed + t["surrendered"]
                escrow_in_orders = sum(
                    o.remaining
                    for o in self.orders.values()
                    if o.side == Side.SELL and o.vintage == v
                )
                assert escrowed == escrow_in_orders

        @invariant()
        def offset_supply_and_serials(self) -> None:
            o = self.w.s.offsets
            blocks = [o.block(i) for i in range(1, o.block_count() + 1)]
            # no serial number in two places: the blocks tile 1..next_serial-1 exactly
            ranges = sorted((b.first, b.last) for b in blocks)
            expected_first = 1
            for first, last in ranges:
                assert first == expected_first and last >= first
                expected_first = last + 1
            assert expected_first == o.call("next_serial")
            for v in VINTAGES:
                t = o.totals(v)
                held = sum(o.balance_of(e.address, v) for e in self.ents)
                assert t["issued"] == held + t["retired"] + t["surrendered"]
                for e in self.ents:
                    in_blocks = sum(
                        b.size
                        for b in blocks
                        if b.owner == e.address and b.vintage == v and b.state == BlockState.HELD
                    )
                    assert in_blocks == o.balance_of(e.address, v)

        @invariant()
        def coin_supply(self) -> None:
            c = self.w.s.coin
            holders = [e.address for e in self.ents] + [self.w.bank.address]
            escrow = c.balance_of(self.w.s.settlement.address)
            assert c.total_supply() == sum(c.balance_of(h) for h in holders) + escrow
            assert escrow == sum(
                o.remaining * o.price for o in self.orders.values() if o.side == Side.BUY
            )

        @invariant()
        def offsets_within_cap(self) -> None:
            comp = self.w.s.compliance
            for e in self.ents:
                allowances, offsets = comp.surrendered(e.address, YEAR)
                obligation = comp.obligation(e.address, YEAR)
                assert offsets * 10000 <= obligation * comp.offset_cap_bps()
                assert allowances + offsets <= obligation

    try:
        run_state_machine_as_test(
            Ledger,
            settings=settings(
                max_examples=examples,
                stateful_step_count=steps,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            ),
        )
    finally:
        # leave the shared world as the other tests expect it
        if backend.revert:
            backend.revert(snap[0])
            chain.forget_nonces()


def test_ledger_invariants_hold_under_random_operations(
    backend: Backend, chain: Chain, world: World
) -> None:
    run_machine(backend, chain, world, examples=12, steps=30)
