"""Block headers and receipts, and their canonical (RLP) encodings and hashes."""

from __future__ import annotations

from dataclasses import dataclass

import rlp

from carbonledger.chain.codec import encode
from carbonledger.chain.crypto import keccak

ZERO_HASH = b"\x00" * 32

LogEntry = tuple[bytes, tuple[bytes, ...], bytes]


@dataclass(frozen=True, slots=True)
class Header:
    """A block header. ``timestamp_ms`` is the JetStream timestamp of the block's last message."""

    number: int
    parent_hash: bytes
    timestamp_ms: int
    first_seq: int
    last_seq: int
    tx_root: bytes
    receipts_root: bytes
    logs_bloom: bytes
    gas_limit: int
    gas_used: int
    tx_count: int
    extra: bytes = b""

    def encode(self) -> bytes:
        return encode(
            [
                self.parent_hash,
                self.number,
                self.timestamp_ms,
                self.first_seq,
                self.last_seq,
                self.tx_root,
                self.receipts_root,
                self.logs_bloom,
                self.gas_limit,
                self.gas_used,
                self.tx_count,
                self.extra,
            ]
        )

    @property
    def hash(self) -> bytes:
        return keccak(self.encode())

    @classmethod
    def decode(cls, data: bytes) -> Header:
        f = rlp.decode(data)
        n = [int.from_bytes(x, "big") for x in f]
        return cls(
            number=n[1],
            parent_hash=f[0],
            timestamp_ms=n[2],
            first_seq=n[3],
            last_seq=n[4],
            tx_root=f[5],
            receipts_root=f[6],
            logs_bloom=f[7],
            gas_limit=n[8],
            gas_used=n[9],
            tx_count=n[10],
            extra=f[11],
        )


@dataclass(frozen=True, slots=True)
class Receipt:
    tx_type: int
    status: int
    cumulative_gas: int
    gas_used: int
    logs: tuple[LogEntry, ...]
    bloom: int
    contract_address: bytes | None

    def encode(self) -> bytes:
        """Ethereum consensus encoding (EIP-2718 typed envelope for typed transactions)."""
        payload = encode(
            [
                self.status,
                self.cumulative_gas,
                self.bloom.to_bytes(256, "big"),
                [[a, list(t), d] for a, t, d in self.logs],
            ]
        )
        return payload if self.tx_type == 0 else bytes([self.tx_type]) + payload


def decode_receipt(data: bytes) -> tuple[int, int, int, int, tuple[LogEntry, ...]]:
    """(tx type, status, cumulative gas, bloom, logs) of an encoded receipt."""
    tx_type = 0
    if data and data[0] < 0x80:
        tx_type = data[0]
        data = data[1:]
    status, cumulative, bloom, logs = rlp.decode(data)
    return (
        tx_type,
        int.from_bytes(status, "big"),
        int.from_bytes(cumulative, "big"),
        int.from_bytes(bloom, "big"),
        tuple((a, tuple(t), d) for a, t, d in logs),
    )


def attestation_hash(chain_id: int, number: int, block_hash: bytes, receipts_root: bytes) -> bytes:
    """What a validator signs to attest that it executed block ``number`` to ``block_hash``."""
    return keccak(
        encode([b"carbonledger-attestation", chain_id, number, block_hash, receipts_root])
    )
