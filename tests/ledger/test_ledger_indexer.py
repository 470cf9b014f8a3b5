"""The indexer's SQL projection equals the chain, also across a kill and restart."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from ledger_backends import Backend
from ledger_testing import PROJECT, VINTAGE, World
from sqlalchemy import create_engine, func, select

from carbonledger.ledger import Fill, Side
from carbonledger.ledger.indexer import Indexer, events, offset_blocks


def run_scenario(w: World, rounds: int, seed: int) -> None:
    """A mix of every kind of balance-changing operation."""
    rng = random.Random(seed)
    s = w.s
    ents = [w.alice, w.bob, w.carol]
    for _ in range(rounds):
        a, b = rng.sample(ents, 2)
        s.allowances.by(w.regulator).allocate(VINTAGE, [a.address], [rng.randint(1, 50)])
        s.allowances.by(a).transfer(b.address, VINTAGE, 1)
        s.coin.by(w.bank).mint(a.address, rng.randint(100, 10_000))
        s.coin.by(w.bank).mint(b.address, 40_00)
        s.coin.by(a).transfer(b.address, rng.randint(1, 50))
        sell = s.settlement.by(a).place_order(Side.SELL, VINTAGE, 2, 10_00)
        buy = s.settlement.by(b).place_order(Side.BUY, VINTAGE, 3, 12_00)
        s.settlement.by(w.operator).settle(
            [
                Fill(
                    buy.event("OrderPlaced")["order_id"],
                    sell.event("OrderPlaced")["order_id"],
                    2,
                    11_00,
                )
            ]
        )
        s.settlement.by(b).cancel_order(buy.event("OrderPlaced")["order_id"])
        block = s.offsets.by(w.regulator).issue(PROJECT, VINTAGE, a.address, 10).event("Issued")
        moved = s.offsets.by(a).transfer(b.address, block["block_id"], 4)
        s.offsets.by(b).retire(moved.event("BlockTransferred")["block_id"], 1, "someone")
        s.allowances.by(w.regulator).deduct(a.address, VINTAGE, 1)
        s.registry.by(w.regulator).set_status(w.carol.address, False)
        s.registry.by(w.regulator).set_status(w.carol.address, True)


def test_sync_projects_baseline_and_scenario(w: World, tmp_path: Path) -> None:
    idx = Indexer(w.chain, w.s.book, engine=f"sqlite:///{tmp_path / 'l.db'}", batch_blocks=7)
    run_scenario(w, rounds=3, seed=1)
    assert idx.sync() > 0
    assert idx.checkpoint() == w.chain.block_number()
    assert idx.reconcile() == []
    with idx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(offset_blocks)).scalar_one() == (
            w.s.offsets.block_count()
        )
    # nothing new: a second sync applies nothing
    assert idx.sync() == 0


def test_restart_continues_from_checkpoint(w: World, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    first = Indexer(w.chain, w.s.book, engine=url, batch_blocks=5)
    first.sync(to_block=w.chain.block_number() // 2)
    half = first.checkpoint()
    run_scenario(w, rounds=2, seed=2)
    second = Indexer(w.chain, w.s.book, engine=url, batch_blocks=5)
    assert second.checkpoint() == half
    second.sync()
    assert second.reconcile() == []


def test_reconcile_reports_a_tampered_balance(w: World, tmp_path: Path) -> None:
    idx = Indexer(w.chain, w.s.book, engine=f"sqlite:///{tmp_path / 'l.db'}")
    idx.sync()
    from carbonledger.ledger.indexer import coin_balances, orders

    with idx.engine.begin() as conn:
        conn.execute(
            coin_balances.update()
            .where(coin_balances.c.account == w.alice.address)
            .values(balance=coin_balances.c.balance + 1)
        )
        conn.execute(orders.update().where(orders.c.order_id == w.sell_order).values(remaining=9))
    kinds = {m.what for m in idx.reconcile()}
    assert kinds == {"coin", "coin supply", "order"}


def _indexer_process(backend: Backend, book: Path, db: str) -> subprocess.Popen[bytes]:
    args = ["contracts", "index", "--rpc", backend.url, "--addresses", str(book), "--db", db]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "carbonledger",
            *args,
            "--follow",
            "--batch-blocks",
            "2",
            "--poll",
            "0.02",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_checkpoint(idx: Indexer, at_least: int, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            cp = idx.checkpoint()
        except Exception:
            cp = -1  # the table may not exist yet
        if cp >= at_least:
            return cp
        time.sleep(0.02)
    raise AssertionError(f"indexer did not reach block {at_least} in {timeout}s")


def test_indexer_killed_mid_way_resumes_and_matches_chain(
    backend: Backend, w: World, tmp_path: Path
) -> None:
    book = tmp_path / "addresses.json"
    w.s.book.write(book)
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    reader = Indexer(w.chain, w.s.book, engine=db, name="default")
    proc = _indexer_process(backend, book, db)
    try:
        run_scenario(w, rounds=4, seed=3)
        head = w.chain.block_number()
        # kill while it is still working through the backlog, without warning
        reached = _wait_checkpoint(reader, w.s.book.deployed_at_block + 10)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert reached < head, "the indexer finished before it could be killed"
        run_scenario(w, rounds=3, seed=4)
        head = w.chain.block_number()
        proc = _indexer_process(backend, book, db)
        _wait_checkpoint(reader, head)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert reader.reconcile() == []
    with reader.engine.connect() as conn:
        n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
    logs = w.chain.get_logs(w.s.book.deployed_at_block, head, w.s.book.contract_addresses())
    assert n_events == len(logs)  # each event applied exactly once
    create_engine(db).dispose()
