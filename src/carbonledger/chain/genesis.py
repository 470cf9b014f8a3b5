"""Genesis: the chain's identity, limits, admins, validators and initial balances.

Every node of a chain loads the same genesis file; its digest is part of block 0, so
nodes started from different genesis files cannot agree on any block.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carbonledger.chain.crypto import hex_to_bytes, keccak


@dataclass(frozen=True)
class Validator:
    node_id: str
    address: bytes


@dataclass(frozen=True)
class Genesis:
    chain_id: int
    timestamp_ms: int
    admins: tuple[bytes, ...]
    validators: tuple[Validator, ...]
    allowlist: tuple[bytes, ...] = ()
    alloc: dict[bytes, int] = field(default_factory=dict)
    block_gas_limit: int = 100_000_000
    max_block_txs: int = 500
    max_block_bytes: int = 1_000_000
    min_block_gap_ms: int = 50
    max_tx_bytes: int = 128 * 1024
    max_nonce_gap: int = 1024

    @property
    def stream_name(self) -> str:
        return f"CARBONCHAIN_{self.chain_id}"

    @property
    def subject_prefix(self) -> str:
        return f"carbonchain.{self.chain_id}"

    @property
    def quorum(self) -> int:
        return len(self.validators) // 2 + 1

    def to_json(self) -> dict[str, Any]:
        return {
            "chain_id": self.chain_id,
            "timestamp_ms": self.timestamp_ms,
            "admins": ["0x" + a.hex() for a in self.admins],
            "allowlist": ["0x" + a.hex() for a in self.allowlist],
            "validators": [
                {"node_id": v.node_id, "address": "0x" + v.address.hex()} for v in self.validators
            ],
            "alloc": {"0x" + a.hex(): str(b) for a, b in sorted(self.alloc.items())},
            "block_gas_limit": self.block_gas_limit,
            "max_block_txs": self.max_block_txs,
            "max_block_bytes": self.max_block_bytes,
            "min_block_gap_ms": self.min_block_gap_ms,
            "max_tx_bytes": self.max_tx_bytes,
            "max_nonce_gap": self.max_nonce_gap,
        }

    def digest(self) -> bytes:
        return keccak(json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")).encode())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Genesis:
        return cls(
            chain_id=int(data["chain_id"]),
            timestamp_ms=int(data["timestamp_ms"]),
            admins=tuple(hex_to_bytes(a) for a in data["admins"]),
            allowlist=tuple(hex_to_bytes(a) for a in data.get("allowlist", [])),
            validators=tuple(
                Validator(v["node_id"], hex_to_bytes(v["address"])) for v in data["validators"]
            ),
            alloc={hex_to_bytes(a): int(b) for a, b in data.get("alloc", {}).items()},
            block_gas_limit=int(data.get("block_gas_limit", 100_000_000)),
            max_block_txs=int(data.get("max_block_txs", 500)),
            max_block_bytes=int(data.get("max_block_bytes", 1_000_000)),
            min_block_gap_ms=int(data.get("min_block_gap_ms", 50)),
            max_tx_bytes=int(data.get("max_tx_bytes", 128 * 1024)),
            max_nonce_gap=int(data.get("max_nonce_gap", 1024)),
        )

    @classmethod
    def load(cls, path: Path) -> Genesis:
        return cls.from_json(json.loads(path.read_text()))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")
