"""Node configuration, read from a TOML file.

Example::

    node_id = "node1"
    data_dir = "node1"              # relative paths are relative to this file
    genesis = "genesis.json"
    key_file = "node1/node.key"     # hex secp256k1 private key that signs attestations
    rpc_host = "127.0.0.1"
    rpc_port = 8545
    nats_urls = ["nats://127.0.0.1:4222"]
    stream_replicas = 1             # 3 on a 3-server NATS cluster
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NodeConfig:
    node_id: str
    data_dir: Path
    genesis: Path
    key_file: Path
    nats_urls: tuple[str, ...]
    rpc_host: str = "127.0.0.1"
    rpc_port: int = 8545
    stream_replicas: int = 1
    # Testing only: the node adds one unit of gas to every receipt from this block on,
    # simulating a node whose execution diverges from the others.
    fault_from_block: int | None = None

    @classmethod
    def load(cls, path: Path) -> NodeConfig:
        data = tomllib.loads(path.read_text())
        base = path.resolve().parent
        missing = [
            k for k in ("node_id", "data_dir", "genesis", "key_file", "nats_urls") if k not in data
        ]
        if missing:
            raise ValueError(f"{path}: missing setting(s) {', '.join(missing)}")
        fault = data.get("fault_from_block")
        return cls(
            node_id=str(data["node_id"]),
            data_dir=base / data["data_dir"],
            genesis=base / data["genesis"],
            key_file=base / data["key_file"],
            nats_urls=tuple(str(u) for u in data["nats_urls"]),
            rpc_host=str(data.get("rpc_host", "127.0.0.1")),
            rpc_port=int(data.get("rpc_port", 8545)),
            stream_replicas=int(data.get("stream_replicas", 1)),
            fault_from_block=None if fault is None else int(fault),
        )

    def to_toml(self) -> str:
        lines = [
            f'node_id = "{self.node_id}"',
            f'data_dir = "{self.data_dir}"',
            f'genesis = "{self.genesis}"',
            f'key_file = "{self.key_file}"',
            f'rpc_host = "{self.rpc_host}"',
            f"rpc_port = {self.rpc_port}",
            "nats_urls = [" + ", ".join(f'"{u}"' for u in self.nats_urls) + "]",
            f"stream_replicas = {self.stream_replicas}",
        ]
        if self.fault_from_block is not None:
            lines.append(f"fault_from_block = {self.fault_from_block}")
        return "\n".join(lines) + "\n"
