"""Test backends: one switch, ``CARBONLEDGER_TEST_CHAIN=anvil|node|devnet|rpc`` (default anvil).

A backend is only an RPC URL and a funded private key, plus optional snapshot/revert. The
shared suite never calls node-specific RPC methods itself: without snapshots the fixtures
redeploy instead. ``node`` and ``devnet`` start the bundled chain (1 node, or 3 nodes on a
3-server NATS cluster) in a temporary directory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from carbonledger.devtools.anvil import Anvil, rpc


@dataclass
class Backend:
    name: str
    url: str
    funded_key: str
    snapshot: Callable[[], str] | None = None
    revert: Callable[[str], None] | None = None
    close: Callable[[], None] = field(default=lambda: None)


def _anvil() -> Backend:
    node = Anvil(accounts=1).start()

    def snapshot() -> str:
        return str(rpc(node.url, "evm_snapshot"))

    def revert(snap: str) -> None:
        if rpc(node.url, "evm_revert", [snap]) is not True:
            raise RuntimeError(f"anvil could not revert to snapshot {snap}")

    return Backend("anvil", node.url, node.private_keys[0], snapshot, revert, node.stop)


def _rpc() -> Backend:
    """Any running EVM node: CARBONLEDGER_TEST_RPC_URL and CARBONLEDGER_TEST_KEY."""
    try:
        url = os.environ["CARBONLEDGER_TEST_RPC_URL"]
        key = os.environ["CARBONLEDGER_TEST_KEY"]
    except KeyError as err:
        raise RuntimeError(f"CARBONLEDGER_TEST_CHAIN=rpc needs {err.args[0]}") from None
    return Backend("rpc", url, key)


#: test accounts the bundled chain's genesis allowlist admits (the chain is permissioned)
ALLOWED_TEST_ACCOUNTS = 64


def _bundled(nodes: int) -> Backend:
    """A devnet of the bundled chain in a temporary directory, stopped and removed by close.

    The chain is permissioned: the deterministic test accounts (``cast_key``) are put on the
    genesis allowlist; the funded key is the devnet's genesis admin.
    """
    from ledger_testing import cast_key

    from carbonledger.bench.contracts import _key as bench_key
    from carbonledger.chain.devnet import Devnet
    from carbonledger.ledger import Signer

    directory = Path(tempfile.mkdtemp(prefix=f"carbonledger-ledger-{nodes}n-"))
    devnet = Devnet(directory)
    keys = [cast_key(i) for i in range(ALLOWED_TEST_ACCOUNTS)]
    keys += [cast_key(501)]  # the second admin of the suspension tests
    keys += [bench_key(i) for i in range(8)]  # the gas benchmark's accounts
    allowlist = [Signer(k).address for k in keys]
    manifest = devnet.up(nodes, genesis_overrides={"allowlist": allowlist})

    def close() -> None:
        devnet.down()
        shutil.rmtree(directory, ignore_errors=True)

    # on a devnet, talk to the last node: the stream is written through every node anyway
    url = manifest["nodes"][-1]["rpc_url"]
    return Backend(f"devnet{nodes}", url, manifest["admin"]["private_key"], close=close)


def _node() -> Backend:
    return _bundled(1)


def _devnet() -> Backend:
    return _bundled(3)


BACKENDS: dict[str, Callable[[], Backend]] = {
    "anvil": _anvil,
    "node": _node,
    "devnet": _devnet,
    "rpc": _rpc,
}


def start_backend() -> Backend:
    name = os.environ.get("CARBONLEDGER_TEST_CHAIN", "anvil")
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise RuntimeError(
            f"CARBONLEDGER_TEST_CHAIN={name!r}: choose one of {', '.join(BACKENDS)}"
        ) from None
    return factory()
