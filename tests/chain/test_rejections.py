"""Every admission rejection, through JSON-RPC, with the exact error the sender sees."""

from __future__ import annotations

from typing import Any

import pytest
import rlp
from eth_account import Account

from carbonledger.chain.crypto import SECP256K1_N
from carbonledger.chain.devnet import Devnet
from carbonledger.chain.executor import (
    PERMISSIONS_ADDRESS,
    SELECTOR_ALLOW,
    SELECTOR_IS_ALLOWED,
    SELECTOR_REVOKE,
)

from .helpers import rpc, rpc_batch, rpc_raw, sign, wait_receipt

pytestmark = pytest.mark.slow


def send_error(url: str, raw: str) -> dict[str, Any]:
    reply = rpc_raw(url, "eth_sendRawTransaction", raw)
    assert "error" in reply, reply
    return dict(reply["error"])


@pytest.fixture(scope="module")
def net(devnet3: Devnet) -> dict[str, Any]:
    manifest = devnet3.manifest()
    return {
        "url": manifest["nodes"][1]["rpc_url"],
        "chain_id": manifest["chain_id"],
        "key": manifest["admin"]["private_key"],
        "admin": manifest["admin"]["address"],
    }


def next_nonce(net: dict[str, Any], address: str | None = None) -> int:
    return int(rpc(net["url"], "eth_getTransactionCount", address or net["admin"], "pending"), 16)


@pytest.mark.parametrize("tamper", ["zero r", "high s"])
def test_bad_signature(net: dict[str, Any], tamper: str) -> None:
    raw = bytes.fromhex(sign(net["key"], net["chain_id"], next_nonce(net))[2:])
    fields = rlp.decode(raw[1:])
    if tamper == "zero r":
        fields[-2] = b""
    else:  # the malleable twin of a valid signature, refused since EIP-2
        s = int.from_bytes(fields[-1], "big")
        fields[-1] = (SECP256K1_N - s).to_bytes(32, "big")
    error = send_error(net["url"], "0x" + (raw[:1] + rlp.encode(fields)).hex())
    assert error == {"code": -32000, "message": "invalid sender: bad signature"}


def test_wrong_chain_id(net: dict[str, Any]) -> None:
    error = send_error(net["url"], sign(net["key"], 5, next_nonce(net)))
    assert error == {
        "code": -32000,
        "message": f"invalid chain id: transaction is for chain 5, this chain is {net['chain_id']}",
    }


def test_legacy_without_chain_id(net: dict[str, Any]) -> None:
    tx = {"nonce": 0, "gasPrice": 0, "gas": 21000, "to": "0x" + "22" * 20, "value": 0}
    raw = "0x" + bytes(Account.sign_transaction(tx, net["key"]).raw_transaction).hex()
    assert send_error(net["url"], raw) == {
        "code": -32000,
        "message": "invalid chain id: transaction has no chain id; "
        "only replay-protected (EIP-155) transactions are accepted",
    }


def test_nonce_already_used_and_too_far_ahead(net: dict[str, Any]) -> None:
    nonce = next_nonce(net)
    tx_hash = rpc(net["url"], "eth_sendRawTransaction", sign(net["key"], net["chain_id"], nonce))
    wait_receipt(net["url"], tx_hash)
    again = sign(net["key"], net["chain_id"], nonce, value=1)
    assert send_error(net["url"], again) == {
        "code": -32000,
        "message": f"nonce too low: next nonce {nonce + 1}, transaction nonce {nonce}",
    }
    ahead = sign(net["key"], net["chain_id"], nonce + 1 + 1025)
    assert send_error(net["url"], ahead) == {
        "code": -32000,
        "message": f"nonce too high: next nonce {nonce + 1}, transaction nonce {nonce + 1026}, "
        "at most 1024 ahead allowed",
    }


def test_same_transaction_twice_is_already_known(net: dict[str, Any]) -> None:
    raw = sign(net["key"], net["chain_id"], next_nonce(net))
    tx_hash = rpc(net["url"], "eth_sendRawTransaction", raw)
    wait_receipt(net["url"], tx_hash)
    assert send_error(net["url"], raw) == {
        "code": -32000,
        "message": "already known: transaction is already in a block",
    }


def test_oversize(net: dict[str, Any]) -> None:
    raw = sign(net["key"], net["chain_id"], next_nonce(net), data=b"\x01" * 140_000, gas=5_000_000)
    size = len(bytes.fromhex(raw[2:]))
    assert send_error(net["url"], raw) == {
        "code": -32000,
        "message": f"oversized data: transaction is {size} bytes, limit is 131072",
    }


def test_gas_limit_above_block_limit(net: dict[str, Any]) -> None:
    raw = sign(net["key"], net["chain_id"], next_nonce(net), gas=100_000_001)
    assert send_error(net["url"], raw) == {
        "code": -32000,
        "message": "exceeds block gas limit: transaction gas 100000001 > block gas limit 100000000",
    }


def test_intrinsic_gas_too_low(net: dict[str, Any]) -> None:
    raw = sign(net["key"], net["chain_id"], next_nonce(net), gas=20_000)
    assert send_error(net["url"], raw) == {
        "code": -32000,
        "message": "intrinsic gas too low: gas 20000 < 21000 needed",
    }


def test_malformed(net: dict[str, Any]) -> None:
    error = send_error(net["url"], "0x02c0")
    assert error == {
        "code": -32000,
        "message": "invalid transaction: a type 2 transaction has 12 fields",
    }


def _permission_call(net: dict[str, Any], selector: bytes, account: str) -> dict[str, Any]:
    data = selector + bytes(12) + bytes.fromhex(account[2:])
    to = "0x" + PERMISSIONS_ADDRESS.hex()
    raw = sign(net["key"], net["chain_id"], next_nonce(net), to=to, data=data)
    return wait_receipt(net["url"], rpc(net["url"], "eth_sendRawTransaction", raw))


def test_sender_not_permitted_until_an_admin_allows_it(net: dict[str, Any]) -> None:
    outsider = Account.create()
    raw = sign(outsider.key.hex(), net["chain_id"], 0)
    message = f"sender not permitted: {outsider.address.lower()} is not on the chain's allowlist"
    assert send_error(net["url"], raw) == {"code": -32000, "message": message}

    receipt = _permission_call(net, SELECTOR_ALLOW, outsider.address)
    assert receipt["status"] == "0x1"
    call = {
        "to": "0x" + PERMISSIONS_ADDRESS.hex(),
        "data": "0x"
        + (SELECTOR_IS_ALLOWED + bytes(12) + bytes.fromhex(outsider.address[2:])).hex(),
    }
    assert int(rpc(net["url"], "eth_call", call, "latest"), 16) == 1
    tx_hash = rpc(net["url"], "eth_sendRawTransaction", raw)
    assert wait_receipt(net["url"], tx_hash)["status"] == "0x1"

    assert _permission_call(net, SELECTOR_REVOKE, outsider.address)["status"] == "0x1"
    again = sign(outsider.key.hex(), net["chain_id"], 1)
    assert send_error(net["url"], again) == {"code": -32000, "message": message}


def test_only_admins_change_the_allowlist(net: dict[str, Any]) -> None:
    member = Account.create()
    assert _permission_call(net, SELECTOR_ALLOW, member.address)["status"] == "0x1"
    outsider = Account.create()
    data = SELECTOR_ALLOW + bytes(12) + bytes.fromhex(outsider.address[2:])
    raw = sign(member.key.hex(), net["chain_id"], 0, to="0x" + PERMISSIONS_ADDRESS.hex(), data=data)
    receipt = wait_receipt(net["url"], rpc(net["url"], "eth_sendRawTransaction", raw))
    assert receipt["status"] == "0x0"
    assert send_error(net["url"], sign(outsider.key.hex(), net["chain_id"], 0))["message"] == (
        f"sender not permitted: {outsider.address.lower()} is not on the chain's allowlist"
    )


def test_second_transaction_with_a_pending_nonce(net: dict[str, Any]) -> None:
    nonce = next_nonce(net)
    first = sign(net["key"], net["chain_id"], nonce)
    second = sign(net["key"], net["chain_id"], nonce, value=7)
    batch = [
        {"jsonrpc": "2.0", "id": i, "method": "eth_sendRawTransaction", "params": [raw]}
        for i, raw in enumerate([first, second])
    ]
    replies = rpc_batch(net["url"], batch)
    assert "result" in replies[0]
    assert replies[1]["error"] == {
        "code": -32000,
        "message": f"nonce already used: nonce {nonce} of {net['admin'].lower()} is already "
        "pending; replacement transactions are not supported",
    }
    wait_receipt(net["url"], replies[0]["result"])
