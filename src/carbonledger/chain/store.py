"""The per-node block store: blocks, transactions, receipts, logs and attestations in SQLite.

WAL mode with ``synchronous=FULL``: a block's rows are committed (and fsynced) in one
transaction before any client can see its receipts, so a receipt that was returned is
never lost by a crash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from carbonledger.chain.block import Header, Receipt
from carbonledger.chain.tx import Tx

SCHEMA = """
CREATE TABLE IF NOT EXISTS blocks (
    number INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    header BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS txs (
    hash BLOB PRIMARY KEY,
    block_number INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    sender BLOB NOT NULL,
    raw BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_block ON txs (block_number, idx);
CREATE TABLE IF NOT EXISTS receipts (
    tx_hash BLOB PRIMARY KEY,
    block_number INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    gas_used INTEGER NOT NULL,
    contract_address BLOB,
    encoded BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS receipts_block ON receipts (block_number, idx);
CREATE TABLE IF NOT EXISTS logs (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    tx_idx INTEGER NOT NULL,
    address BLOB NOT NULL,
    topic0 BLOB, topic1 BLOB, topic2 BLOB, topic3 BLOB,
    data BLOB NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX IF NOT EXISTS logs_address ON logs (address, block_number);
CREATE INDEX IF NOT EXISTS logs_topic0 ON logs (topic0, block_number);
CREATE TABLE IF NOT EXISTS attestations (
    number INTEGER NOT NULL,
    validator BLOB NOT NULL,
    block_hash BLOB NOT NULL,
    receipts_root BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (number, validator)
);
CREATE TABLE IF NOT EXISTS held (
    sender BLOB NOT NULL,
    nonce INTEGER NOT NULL,
    held_at INTEGER NOT NULL,
    raw BLOB NOT NULL,
    PRIMARY KEY (sender, nonce)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class StoredReceipt:
    tx_hash: bytes
    block_number: int
    idx: int
    gas_used: int
    contract_address: bytes | None
    encoded: bytes


class BlockStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        # Attestations arrive in the stream after their block; they are written with the
        # next block, whose stream position is later, so a restart (which resumes after
        # the last stored block) never skips one that was not written.
        self.unwritten_attestations: list[tuple[int, bytes, bytes, bytes, bytes]] = []

    def close(self) -> None:
        self.flush_attestations()
        self.db.close()

    # -- writes -----------------------------------------------------------------------

    def put_block(
        self,
        header: Header,
        txs: Sequence[Tx],
        receipts: Sequence[Receipt],
        held_gone: Sequence[tuple[bytes, int]] = (),
        held_added: Sequence[tuple[bytes, int, int, bytes]] = (),
    ) -> None:
        """Store a block and, in the same transaction, the change to the transactions held
        after it: rows (sender, nonce) no longer held, then rows (sender, nonce, block
        held, raw) newly held."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            self._write_attestations()
            db.executemany("DELETE FROM held WHERE sender = ? AND nonce = ?", held_gone)
            db.executemany("INSERT INTO held VALUES (?, ?, ?, ?)", held_added)
            db.execute(
                "INSERT INTO blocks (number, hash, header) VALUES (?, ?, ?)",
                (header.number, header.hash, header.encode()),
            )
            db.executemany(
                "INSERT INTO txs (hash, block_number, idx, sender, raw) VALUES (?, ?, ?, ?, ?)",
                [(tx.hash, header.number, i, tx.sender, tx.raw) for i, tx in enumerate(txs)],
            )
            db.executemany(
                "INSERT INTO receipts (tx_hash, block_number, idx, gas_used, contract_address,"
                " encoded) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (tx.hash, header.number, i, r.gas_used, r.contract_address, r.encode())
                    for i, (tx, r) in enumerate(zip(txs, receipts, strict=True))
                ],
            )
            rows = []
            log_index = 0
            for i, r in enumerate(receipts):
                for address, topics, data in r.logs:
                    padded = [*topics, None, None, None, None][:4]
                    rows.append((header.number, log_index, i, address, *padded, data))
                    log_index += 1
            db.executemany("INSERT INTO logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def held(self) -> list[tuple[int, bytes]]:
        return [
            (int(r[0]), bytes(r[1]))
            for r in self.db.execute("SELECT held_at, raw FROM held ORDER BY sender, nonce")
        ]

    def put_attestation(
        self,
        number: int,
        validator: bytes,
        block_hash: bytes,
        receipts_root: bytes,
        signature: bytes,
    ) -> None:
        self.unwritten_attestations.append(
            (number, validator, block_hash, receipts_root, signature)
        )

    def _write_attestations(self) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO attestations VALUES (?, ?, ?, ?, ?)",
            self.unwritten_attestations,
        )
        self.unwritten_attestations.clear()

    def flush_attestations(self) -> None:
        """Write buffered attestations now (they are otherwise written with the next block)."""
        self._write_attestations()

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- reads ------------------------------------------------------------------------

    def head_number(self) -> int:
        row = self.db.execute("SELECT MAX(number) FROM blocks").fetchone()
        return -1 if row[0] is None else int(row[0])

    def header(self, number: int) -> Header | None:
        row = self.db.execute("SELECT header FROM blocks WHERE number = ?", (number,)).fetchone()
        return None if row is None else Header.decode(row[0])

    def stored_hash(self, number: int) -> bytes | None:
        row = self.db.execute("SELECT hash FROM blocks WHERE number = ?", (number,)).fetchone()
        return None if row is None else bytes(row[0])

    def number_of_hash(self, block_hash: bytes) -> int | None:
        row = self.db.execute("SELECT number FROM blocks WHERE hash = ?", (block_hash,)).fetchone()
        return None if row is None else int(row[0])

    def iter_headers(self, start: int = 0) -> Iterator[tuple[int, bytes, bytes]]:
        """(number, stored hash, encoded header) in order; decoding is the caller's check."""
        for number, stored_hash, header in self.db.execute(
            "SELECT number, hash, header FROM blocks WHERE number >= ? ORDER BY number", (start,)
        ):
            yield int(number), bytes(stored_hash), bytes(header)

    def block_raw_txs(self, number: int) -> list[bytes]:
        return [
            bytes(r[0])
            for r in self.db.execute(
                "SELECT raw FROM txs WHERE block_number = ? ORDER BY idx", (number,)
            )
        ]

    def block_tx_hashes(self, number: int) -> list[bytes]:
        return [
            bytes(r[0])
            for r in self.db.execute(
                "SELECT hash FROM txs WHERE block_number = ? ORDER BY idx", (number,)
            )
        ]

    def tx(self, tx_hash: bytes) -> tuple[int, int, bytes] | None:
        row = self.db.execute(
            "SELECT block_number, idx, raw FROM txs WHERE hash = ?", (tx_hash,)
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]), bytes(row[2]))

    def receipt(self, tx_hash: bytes) -> StoredReceipt | None:
        row = self.db.execute(
            "SELECT tx_hash, block_number, idx, gas_used, contract_address, encoded"
            " FROM receipts WHERE tx_hash = ?",
            (tx_hash,),
        ).fetchone()
        return None if row is None else _stored_receipt(row)

    def block_receipts(self, number: int) -> list[StoredReceipt]:
        return [
            _stored_receipt(row)
            for row in self.db.execute(
                "SELECT tx_hash, block_number, idx, gas_used, contract_address, encoded"
                " FROM receipts WHERE block_number = ? ORDER BY idx",
                (number,),
            )
        ]

    def logs(
        self,
        from_block: int,
        to_block: int,
        addresses: Sequence[bytes],
        topics: Sequence[Sequence[bytes] | None],
        limit: int = 10_000,
    ) -> list[tuple[int, int, int, bytes, tuple[bytes, ...], bytes]]:
        sql = [
            "SELECT block_number, log_index, tx_idx, address, topic0, topic1, topic2, topic3,"
            " data FROM logs WHERE block_number BETWEEN ? AND ?"
        ]
        params: list[object] = [from_block, to_block]
        if addresses:
            sql.append(f"AND address IN ({','.join('?' * len(addresses))})")
            params.extend(addresses)
        for i, options in enumerate(topics[:4]):
            if options:
                sql.append(f"AND topic{i} IN ({','.join('?' * len(options))})")
                params.extend(options)
        sql.append("ORDER BY block_number, log_index LIMIT ?")
        params.append(limit + 1)
        out = []
        for row in self.db.execute(" ".join(sql), params):
            topic_values = tuple(bytes(t) for t in row[4:8] if t is not None)
            out.append(
                (int(row[0]), int(row[1]), int(row[2]), bytes(row[3]), topic_values, bytes(row[8]))
            )
        return out

    def attestations(self, number: int) -> list[tuple[bytes, bytes, bytes, bytes]]:
        return [
            (bytes(r[0]), bytes(r[1]), bytes(r[2]), bytes(r[3]))
            for r in self.db.execute(
                "SELECT validator, block_hash, receipts_root, signature FROM attestations"
                " WHERE number = ?",
                (number,),
            )
        ]


def _stored_receipt(row: tuple[object, ...]) -> StoredReceipt:
    tx_hash, number, idx, gas_used, created, encoded = row
    assert isinstance(tx_hash, bytes) and isinstance(encoded, bytes)
    return StoredReceipt(
        tx_hash,
        int(number),  # type: ignore[call-overload]
        int(idx),  # type: ignore[call-overload]
        int(gas_used),  # type: ignore[call-overload]
        bytes(created) if isinstance(created, bytes) else None,
        encoded,
    )
