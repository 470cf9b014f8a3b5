"""Project the suite's events into SQL tables (SQLAlchemy 2 Core; SQLite by default).

The indexer reads logs with ``eth_getLogs`` in block ranges from its checkpoint. Each
range is applied in one database transaction together with the new checkpoint, so a
crash or kill at any moment leaves the database at a range boundary and a restart goes
on from there: nothing is applied twice or skipped. ``reconcile`` compares the SQL
balances with the chain (the chain is the source of truth).

Amounts are stored as 64-bit integers (tonnes and cents); larger values are refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    insert,
    select,
    update,
)

from carbonledger.ledger.abi import Event
from carbonledger.ledger.client import Chain
from carbonledger.ledger.contracts import decode_log
from carbonledger.ledger.deploy import AddressBook, Suite

ZERO = "0x" + "00" * 20
MAX_INT64 = 2**63 - 1

metadata = MetaData()

checkpoints = Table(
    "ledger_checkpoint",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("chain_id", BigInteger, nullable=False),
    Column("registry", String(42), nullable=False),
    Column("last_block", BigInteger, nullable=False),
)

events = Table(
    "ledger_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("block_number", BigInteger, nullable=False),
    Column("log_index", Integer, nullable=False),
    Column("tx_hash", String(66), nullable=False),
    Column("contract", String(32), nullable=False),
    Column("name", String(64), nullable=False),
    Column("args", Text, nullable=False),
    UniqueConstraint("block_number", "log_index"),
)

organisations = Table(
    "ledger_organisations",
    metadata,
    Column("account", String(42), primary_key=True),
    Column("role", Integer, nullable=False),
    Column("industry", String(16), nullable=False),
    Column("region", String(16), nullable=False),
    Column("active", Boolean, nullable=False),
)

allowance_balances = Table(
    "ledger_allowance_balances",
    metadata,
    Column("account", String(42), primary_key=True),
    Column("vintage", BigInteger, primary_key=True),
    Column("balance", BigInteger, nullable=False),
    Column("escrowed", BigInteger, nullable=False),
)

offset_balances = Table(
    "ledger_offset_balances",
    metadata,
    Column("account", String(42), primary_key=True),
    Column("vintage", BigInteger, primary_key=True),
    Column("balance", BigInteger, nullable=False),
)

offset_blocks = Table(
    "ledger_offset_blocks",
    metadata,
    Column("block_id", BigInteger, primary_key=True),
    Column("owner", String(42), nullable=False),
    Column("project", BigInteger, nullable=False),
    Column("vintage", BigInteger, nullable=False),
    Column("first", BigInteger, nullable=False),
    Column("last", BigInteger, nullable=False),
    Column("state", Integer, nullable=False),
    Column("beneficiary", String(64)),
)

coin_balances = Table(
    "ledger_coin_balances",
    metadata,
    Column("account", String(42), primary_key=True),
    Column("balance", BigInteger, nullable=False),
)

reports = Table(
    "ledger_reports",
    metadata,
    Column("report_id", BigInteger, primary_key=True),
    Column("enterprise", String(42), nullable=False),
    Column("period", BigInteger, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("claimed_t", BigInteger, nullable=False),
    Column("verifier", String(42)),
    Column("verified_t", BigInteger),
    Column("state", Integer, nullable=False),
)

orders = Table(
    "ledger_orders",
    metadata,
    Column("order_id", BigInteger, primary_key=True),
    Column("owner", String(42), nullable=False),
    Column("side", Integer, nullable=False),
    Column("vintage", BigInteger, nullable=False),
    Column("remaining", BigInteger, nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("open", Boolean, nullable=False),
)

compliance_records = Table(
    "ledger_compliance",
    metadata,
    Column("enterprise", String(42), primary_key=True),
    Column("year", BigInteger, primary_key=True),
    Column("allowances", BigInteger, nullable=False),
    Column("offsets", BigInteger, nullable=False),
    Column("penalties_cents", BigInteger, nullable=False),
)


def _int(value: int) -> int:
    if value > MAX_INT64:
        raise OverflowError(f"{value} does not fit the SQL projection's 64-bit columns")
    return value


def _add(conn: Connection, table: Table, key: dict[str, Any], column: str, delta: int) -> None:
    """Add `delta` to `column` of the row with `key`, creating the row at zero."""
    where = [table.c[k] == v for k, v in key.items()]
    row = conn.execute(select(table.c[column]).where(*where)).first()
    if row is None:
        defaults = {c.name: 0 for c in table.columns if c.name not in key}
        conn.execute(insert(table).values(**key, **{**defaults, column: _int(delta)}))
    else:
        conn.execute(update(table).where(*where).values({column: _int(row[0] + delta)}))


class Projector:
    """Applies one decoded event to the projection tables."""

    def __init__(self, book: AddressBook) -> None:
        #: balance changes summed per row while a range of events is applied
        self._deltas: dict[tuple[Table, tuple[tuple[str, Any], ...]], dict[str, int]] | None = None
        # within apply_all: placed orders' rows, inserted together before anything else
        # touches the order table (a batch of signed orders places a hundred at once)
        self._placed: list[dict[str, Any]] | None = None
        self.contract_of = {
            book.registry: "registry",
            book.coin: "coin",
            book.allowances: "allowances",
            book.offsets: "offsets",
            book.reports: "reports",
            book.compliance: "compliance",
            book.settlement: "settlement",
        }
        self.handlers: dict[tuple[str, str], Callable[[Connection, dict[str, Any]], None]] = {
            ("registry", "OrganisationRegistered"): self._registered,
            ("registry", "OrganisationStatusChanged"): self._status,
            ("coin", "Transfer"): self._coin_transfer,
            ("allowances", "TransferSingle"): self._allowance_transfer,
            ("allowances", "Escrowed"): self._escrowed,
            ("allowances", "Released"): self._released,
            ("allowances", "Delivered"): self._delivered,
            ("offsets", "TransferSingle"): self._offset_transfer,
            ("offsets", "Issued"): self._issued,
            ("offsets", "BlockSplit"): self._split,
            ("offsets", "BlockTransferred"): self._block_transferred,
            ("offsets", "Retired"): self._retired,
            ("offsets", "Surrendered"): self._offset_surrendered,
            ("reports", "ReportSubmitted"): self._submitted,
            ("reports", "ReportSuperseded"): self._superseded,
            ("reports", "VerifierAssigned"): self._assigned,
            ("reports", "ReportVerified"): self._verified,
            ("reports", "ReportRejected"): self._rejected,
            ("reports", "ReportConfirmed"): self._confirmed,
            ("compliance", "AllowancesSurrendered"): self._surrendered_allowances,
            ("compliance", "OffsetsSurrendered"): self._surrendered_offsets,
            ("compliance", "PenaltyRecorded"): self._penalty,
            ("settlement", "OrderPlaced"): self._order_placed,
            ("settlement", "OrderCancelled"): self._order_cancelled,
            ("settlement", "TradeSettled"): self._trade_settled,
        }

    def apply(self, conn: Connection, ev: Event) -> None:
        self.apply_all(conn, [ev])

    def _add(
        self, conn: Connection, table: Table, key: dict[str, Any], column: str, delta: int
    ) -> None:
        """Add `delta` to a balance column: at once, or, inside :meth:`apply_all`, summed
        per row and written when the events are done (no handler reads these tables)."""
        if self._deltas is None:
            _add(conn, table, key, column, delta)
            return
        row = self._deltas.setdefault((table, tuple(sorted(key.items()))), {})
        row[column] = row.get(column, 0) + delta

    def _write_deltas(self, conn: Connection) -> None:
        assert self._deltas is not None
        for (table, key_items), columns in self._deltas.items():
            key = dict(key_items)
            where = [table.c[k] == v for k, v in key.items()]
            names = list(columns)
            row = conn.execute(select(*(table.c[c] for c in names)).where(*where)).first()
            if row is None:
                defaults = {c.name: 0 for c in table.columns if c.name not in key}
                values = {c: _int(d) for c, d in columns.items()}
                conn.execute(insert(table).values(**key, **{**defaults, **values}))
            else:
                values = {c: _int(row[i] + columns[c]) for i, c in enumerate(names)}
                conn.execute(update(table).where(*where).values(values))

    def apply_all(self, conn: Connection, evs: list[Event]) -> None:
        """Apply events in their order; the event log rows go in with one statement (a
        busy market block carries hundreds of events)."""
        rows: list[dict[str, Any]] = []
        self._deltas = {}
        self._placed = []
        try:
            self._apply_events(conn, evs, rows)
            self._insert_placed(conn)
            self._write_deltas(conn)
        finally:
            self._deltas = None
            self._placed = None
        if rows:
            conn.execute(insert(events), rows)

    def _apply_events(self, conn: Connection, evs: list[Event], rows: list[dict[str, Any]]) -> None:
        for ev in evs:
            contract = self.contract_of.get(ev.address, "unknown")
            rows.append(
                {
                    "block_number": ev.block_number,
                    "log_index": ev.log_index,
                    "tx_hash": ev.tx_hash,
                    "contract": contract,
                    "name": ev.name,
                    "args": json.dumps(ev.args, default=_json_default, sort_keys=True),
                }
            )
            handler = self.handlers.get((contract, ev.name))
            if handler is not None:
                if self._placed and ev.name != "OrderPlaced":
                    self._insert_placed(conn)
                handler(conn, ev.args)

    def _insert_placed(self, conn: Connection) -> None:
        if self._placed:
            conn.execute(insert(orders), self._placed)
            self._placed = []

    # registry
    def _registered(self, conn: Connection, a: dict[str, Any]) -> None:
        conn.execute(
            insert(organisations).values(
                account=a["account"],
                role=a["role"],
                industry=a["industry"],
                region=a["region"],
                active=True,
            )
        )

    def _status(self, conn: Connection, a: dict[str, Any]) -> None:
        conn.execute(
            update(organisations)
            .where(organisations.c.account == a["account"])
            .values(active=a["active"])
        )

    # coin and allowances
    def _coin_transfer(self, conn: Connection, a: dict[str, Any]) -> None:
        if a["sender"] != ZERO:
            self._add(conn, coin_balances, {"account": a["sender"]}, "balance", -a["value"])
        if a["receiver"] != ZERO:
            self._add(conn, coin_balances, {"account": a["receiver"]}, "balance", a["value"])

    def _allowance_transfer(self, conn: Connection, a: dict[str, Any]) -> None:
        if a["sender"] != ZERO:
            key = {"account": a["sender"], "vintage": a["id"]}
            self._add(conn, allowance_balances, key, "balance", -a["value"])
        if a["receiver"] != ZERO:
            key = {"account": a["receiver"], "vintage": a["id"]}
            self._add(conn, allowance_balances, key, "balance", a["value"])

    def _escrowed(self, conn: Connection, a: dict[str, Any]) -> None:
        key = {"account": a["owner"], "vintage": a["vintage"]}
        self._add(conn, allowance_balances, key, "escrowed", a["amount"])

    def _released(self, conn: Connection, a: dict[str, Any]) -> None:
        key = {"account": a["owner"], "vintage": a["vintage"]}
        self._add(conn, allowance_balances, key, "escrowed", -a["amount"])

    def _delivered(self, conn: Connection, a: dict[str, Any]) -> None:
        key = {"account": a["sender"], "vintage": a["vintage"]}
        self._add(conn, allowance_balances, key, "escrowed", -a["amount"])

    # offsets
    def _offset_transfer(self, conn: Connection, a: dict[str, Any]) -> None:
        if a["sender"] != ZERO:
            key = {"account": a["sender"], "vintage": a["id"]}
            self._add(conn, offset_balances, key, "balance", -a["value"])
        if a["receiver"] != ZERO:
            key = {"account": a["receiver"], "vintage": a["id"]}
            self._add(conn, offset_balances, key, "balance", a["value"])

    def _issued(self, conn: Connection, a: dict[str, Any]) -> None:
        conn.execute(
            insert(offset_blocks).values(
                block_id=a["block_id"],
                owner=a["receiver"],
                project=a["project"],
                vintage=a["vintage"],
                first=a["first"],
                last=a["last"],
                state=1,
            )
        )

    def _split(self, conn: Connection, a: dict[str, Any]) -> None:
        parent = conn.execute(
            select(offset_blocks).where(offset_blocks.c.block_id == a["parent"])
        ).one()
        conn.execute(
            insert(offset_blocks).values(
                block_id=a["child"],
                owner=parent.owner,
                project=parent.project,
                vintage=parent.vintage,
                first=a["first"],
                last=a["last"],
                state=1,
            )
        )
        conn.execute(
            update(offset_blocks)
            .where(offset_blocks.c.block_id == a["parent"])
            .values(first=a["last"] + 1)
        )

    def _block_transferred(self, conn: Connection, a: dict[str, Any]) -> None:
        conn.execute(
            update(offset_blocks)
            .where(offset_blocks.c.block_id == a["block_id"])
            .values(owner=a["receiver"])
        )

    def _retired(self, conn: Connection, a: dict[str, Any]) -> None:
        conn.execute(
            update(offset_blocks)
            .where(offset_blocks.c.block_id == a["block_id"])
            .values(state=2, beneficiary=a["beneficiary"])
        )

    def _offset_surrendered(self, conn: Connection, a: dict[str, Any]) -> None:
        conn.execute(
            update(offset_blocks).where(offset_blocks.c.block_id == a["block_id"]).values(state=3)
        )

    # reports
    def _submitted(self, conn: Connection, a: dict[str, Any]) -> None:
        conn.execute(
            insert(reports).values(
                report_id=a["report_id"],
                enterprise=a["enterprise"],
                period=a["period"],
                version=a["version"],
                claimed_t=_int(a["claimed_t"]),
                state=1,
            )
        )

    def _report(self, conn: Connection, report_id: int, **values: Any) -> None:
        conn.execute(update(reports).where(reports.c.report_id == report_id).values(**values))

    def _superseded(self, conn: Connection, a: dict[str, Any]) -> None:
        self._report(conn, a["report_id"], state=6)

    def _assigned(self, conn: Connection, a: dict[str, Any]) -> None:
        self._report(conn, a["report_id"], state=2, verifier=a["verifier"])

    def _verified(self, conn: Connection, a: dict[str, Any]) -> None:
        self._report(conn, a["report_id"], state=3, verified_t=_int(a["verified_t"]))

    def _rejected(self, conn: Connection, a: dict[str, Any]) -> None:
        self._report(conn, a["report_id"], state=4)

    def _confirmed(self, conn: Connection, a: dict[str, Any]) -> None:
        self._report(conn, a["report_id"], state=5)

    # compliance
    def _surrendered_allowances(self, conn: Connection, a: dict[str, Any]) -> None:
        key = {"enterprise": a["enterprise"], "year": a["year"]}
        self._add(conn, compliance_records, key, "allowances", a["amount"])

    def _surrendered_offsets(self, conn: Connection, a: dict[str, Any]) -> None:
        key = {"enterprise": a["enterprise"], "year": a["year"]}
        self._add(conn, compliance_records, key, "offsets", a["amount"])

    def _penalty(self, conn: Connection, a: dict[str, Any]) -> None:
        key = {"enterprise": a["enterprise"], "year": a["year"]}
        self._add(conn, compliance_records, key, "penalties_cents", a["amount_cents"])

    # settlement
    def _order_placed(self, conn: Connection, a: dict[str, Any]) -> None:
        row = {
            "order_id": a["order_id"],
            "owner": a["owner"],
            "side": a["side"],
            "vintage": a["vintage"],
            "remaining": _int(a["amount"]),
            "price": _int(a["price"]),
            "open": True,
        }
        if self._placed is not None:
            self._placed.append(row)  # inserted with the others of its range
        else:
            conn.execute(insert(orders).values(**row))

    def _order_cancelled(self, conn: Connection, a: dict[str, Any]) -> None:
        conn.execute(
            update(orders).where(orders.c.order_id == a["order_id"]).values(remaining=0, open=False)
        )

    def _trade_settled(self, conn: Connection, a: dict[str, Any]) -> None:
        amount = _int(a["amount"])
        left = orders.c.remaining - amount
        for order_id in (a["buy_order"], a["sell_order"]):
            # one statement; `open` first, as MySQL/MariaDB evaluate SET left to right
            # (reading the new `remaining`) where SQLite and PostgreSQL read the old row
            done = conn.execute(
                update(orders)
                .where(orders.c.order_id == order_id)
                .ordered_values((orders.c.open, left > 0), (orders.c.remaining, left))
            )
            if done.rowcount != 1:
                raise LookupError(f"TradeSettled names order {order_id}, never placed")


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    raise TypeError(f"cannot store {type(value).__name__} in the event log")


@dataclass(frozen=True)
class Mismatch:
    what: str
    key: str
    sql: int
    chain: int


class Indexer:
    """Streams the suite's events into SQL from a stored checkpoint."""

    def __init__(
        self,
        chain: Chain,
        book: AddressBook,
        *,
        engine: Engine | str = "sqlite:///ledger.db",
        name: str = "default",
        batch_blocks: int = 500,
        confirmations: int = 0,
    ) -> None:
        self.chain = chain
        self.book = book
        self.engine = create_engine(engine) if isinstance(engine, str) else engine
        self.name = name
        self.batch_blocks = batch_blocks
        # blocks left unindexed at the head; 0 suits chains with immediate finality
        self.confirmations = confirmations
        self.projector = Projector(book)
        metadata.create_all(self.engine)

    def checkpoint(self) -> int:
        """The last block fully applied (the block before the deployment at first)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(checkpoints).where(checkpoints.c.name == self.name)).first()
        if row is None:
            return self.book.deployed_at_block - 1
        if row.chain_id != self.book.chain_id or row.registry != self.book.registry:
            raise RuntimeError(
                f"indexer {self.name!r} was filled from chain {row.chain_id} registry "
                f"{row.registry}; use another database or name for this deployment"
            )
        return int(row.last_block)

    def _apply_range(self, start: int, end: int) -> int:
        logs = self.chain.get_logs(start, end, self.book.contract_addresses())
        decoded = [ev for ev in map(decode_log, logs) if ev is not None]
        decoded.sort(key=lambda e: (e.block_number, e.log_index))
        with self.engine.begin() as conn:
            self.projector.apply_all(conn, decoded)
            values = {
                "chain_id": self.book.chain_id,
                "registry": self.book.registry,
                "last_block": end,
            }
            done = conn.execute(
                update(checkpoints).where(checkpoints.c.name == self.name).values(**values)
            )
            if done.rowcount == 0:
                conn.execute(insert(checkpoints).values(name=self.name, **values))
        return len(decoded)

    def sync(self, to_block: int | None = None) -> int:
        """Apply every new block up to `to_block` (default: the head); returns events."""
        head = self.chain.block_number() - self.confirmations
        target = head if to_block is None else min(to_block, head)
        applied = 0
        start = self.checkpoint() + 1
        while start <= target:
            end = min(start + self.batch_blocks - 1, target)
            applied += self._apply_range(start, end)
            start = end + 1
        return applied

    def follow(self, poll_interval: float = 0.5, stop: Callable[[], bool] = lambda: False) -> None:
        """Keep syncing until `stop()` is true."""
        while not stop():
            self.sync()
            time.sleep(poll_interval)

    def reconcile(self) -> list[Mismatch]:
        """Compare every SQL balance with the chain; an empty list means they agree."""
        suite = Suite(self.chain, self.book)
        out: list[Mismatch] = []

        def check(what: str, key: str, sql: int, chain: int) -> None:
            if sql != chain:
                out.append(Mismatch(what, key, sql, chain))

        def same(what: str, ident: int, sql: tuple[Any, ...], chain: tuple[Any, ...]) -> None:
            """Records compared field by field; reported as 1 (sql) vs 0 (chain)."""
            if sql != chain:
                out.append(Mismatch(what, f"{ident}: sql {sql} chain {chain}", 1, 0))

        with self.engine.connect() as conn:
            total = 0
            for row in conn.execute(select(coin_balances)):
                total += row.balance
                check("coin", row.account, row.balance, suite.coin.balance_of(row.account))
            check("coin supply", "", total, suite.coin.total_supply())
            for row in conn.execute(select(allowance_balances)):
                key = f"{row.account}/{row.vintage}"
                chain_bal = suite.allowances.balance_of(row.account, row.vintage)
                check("allowances", key, row.balance, chain_bal)
                chain_esc = suite.allowances.escrowed(row.account, row.vintage)
                check("allowance escrow", key, row.escrowed, chain_esc)
            for row in conn.execute(select(offset_balances)):
                key = f"{row.account}/{row.vintage}"
                check(
                    "offsets", key, row.balance, suite.offsets.balance_of(row.account, row.vintage)
                )
            sql_blocks = {r.block_id: r for r in conn.execute(select(offset_blocks))}
            check("offset blocks", "count", len(sql_blocks), suite.offsets.block_count())
            for block_id, row in sql_blocks.items():
                blk = suite.offsets.block(block_id)
                same(
                    "offset block",
                    block_id,
                    (row.owner, row.first, row.last, row.state),
                    (blk.owner, blk.first, blk.last, int(blk.state)),
                )
            for row in conn.execute(select(orders)):
                order = suite.settlement.order(row.order_id)
                same(
                    "order",
                    row.order_id,
                    (row.owner, row.remaining, row.open),
                    (order.owner, order.remaining, order.open),
                )
            for row in conn.execute(select(reports)):
                rep = suite.reports.report(row.report_id)
                same(
                    "report",
                    row.report_id,
                    (row.enterprise, row.version, row.state),
                    (rep.enterprise, rep.version, int(rep.state)),
                )
            for row in conn.execute(select(organisations)):
                check(
                    "organisation active",
                    row.account,
                    int(row.active),
                    int(suite.registry.is_active(row.account)),
                )
        return out
