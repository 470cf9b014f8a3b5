from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from eth_utils import to_checksum_address

from carbonledger.chain.tx import TxRejectedError, decode_tx

KEY = "0x" + "42" * 32
SENDER = Account.from_key(KEY).address

BASE: dict[str, Any] = {
    "chainId": 1337,
    "nonce": 7,
    "gas": 50_000,
    "to": to_checksum_address("0x" + "ab" * 20),
    "value": 12345,
    "data": b"\x01\x02",
}


@pytest.mark.parametrize(
    ("tx_type", "extra"),
    [
        (0, {"gasPrice": 3}),
        (
            1,
            {
                "gasPrice": 3,
                "accessList": [
                    {"address": to_checksum_address("0x" + "cd" * 20), "storageKeys": []}
                ],
            },
        ),
        (2, {"maxFeePerGas": 5, "maxPriorityFeePerGas": 2}),
    ],
)
def test_decode_matches_eth_account(tx_type: int, extra: dict[str, Any]) -> None:
    fields = {**BASE, **extra, "to": to_checksum_address("0x" + "ab" * 20)}
    if tx_type == 1:
        fields["type"] = 1
    signed = Account.sign_transaction(fields, KEY)
    tx = decode_tx(bytes(signed.raw_transaction))
    assert tx.type == tx_type
    assert tx.hash == bytes(signed.hash)
    assert "0x" + tx.sender.hex() == SENDER.lower()
    assert (tx.chain_id, tx.nonce, tx.gas, tx.value, tx.data) == (
        1337,
        7,
        50_000,
        12345,
        b"\x01\x02",
    )
    assert tx.to == bytes.fromhex("ab" * 20)


def test_contract_creation_has_no_recipient() -> None:
    signed = Account.sign_transaction({**BASE, "to": "", "gasPrice": 0}, KEY)
    assert decode_tx(bytes(signed.raw_transaction)).to is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "invalid transaction: empty"),
        (b"\x05\xc0", "invalid transaction: unsupported transaction type 5"),
        (b"\xc3\x01\x02\x03", "invalid transaction: a legacy transaction has 9 fields"),
        (b"\x02\xff", "invalid transaction: cannot decode RLP"),
    ],
)
def test_malformed_transactions(raw: bytes, message: str) -> None:
    with pytest.raises(TxRejectedError) as info:
        decode_tx(raw)
    assert str(info.value).startswith(message)
