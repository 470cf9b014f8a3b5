"""Test backends: one switch, ``CARBONLEDGER_TEST_CHAIN=anvil|node|devnet|rpc`` (default anvil).

A backend is only an RPC URL and a funded private key, plus optional snapshot/revert. The
shared suite never calls node-specific RPC methods itself: without snapshots the fixtures
redeploy instead. Wiring the bundled node is writing ``_node``/``_devnet`` below: start it,
return a :class:`Backend` with its URL and a funded key, and stop it in ``close``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

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


def _node() -> Backend:
    raise RuntimeError(
        "the bundled node backend is not wired yet: start one node (carbonledger.chain) "
        "here and return Backend(url, funded key); meanwhile use CARBONLEDGER_TEST_CHAIN=rpc"
    )


def _devnet() -> Backend:
    raise RuntimeError(
        "the 3-node devnet backend is not wired yet: start the devnet here and return "
        "Backend(url of one node, funded key); meanwhile use CARBONLEDGER_TEST_CHAIN=rpc"
    )


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
