"""Decoding and signature recovery of signed Ethereum transactions.

Supported: legacy transactions with EIP-155 replay protection, EIP-2930 (type 1) and
EIP-1559 (type 2). The sender is recovered with coincurve from the signing hash; this is
the node's hot path, so no higher-level library is used here.
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonledger.chain.codec import DecodingError, decode, encode
from carbonledger.chain.crypto import keccak, recover_address


class TxRejectedError(Exception):
    """A transaction the chain refuses; the message is what the JSON-RPC client sees."""


AccessList = tuple[tuple[bytes, tuple[bytes, ...]], ...]


@dataclass(frozen=True, slots=True)
class Tx:
    raw: bytes
    hash: bytes
    type: int
    chain_id: int
    nonce: int
    gas_price: int
    max_priority_fee: int
    max_fee: int
    gas: int
    to: bytes | None
    value: int
    data: bytes
    access_list: AccessList
    v: int
    r: int
    s: int
    sender: bytes


def _int(field: object, name: str) -> int:
    if not isinstance(field, bytes):
        raise TxRejectedError(f"invalid transaction: field {name} is not a byte string")
    if len(field) > 32 or (len(field) > 0 and field[0] == 0):
        raise TxRejectedError(f"invalid transaction: field {name} is not a canonical integer")
    return int.from_bytes(field, "big")


def _to(field: object) -> bytes | None:
    if not isinstance(field, bytes) or len(field) not in (0, 20):
        raise TxRejectedError("invalid transaction: field to is not an address")
    return field or None


def _data(field: object) -> bytes:
    if not isinstance(field, bytes):
        raise TxRejectedError("invalid transaction: field data is not a byte string")
    return field


def _access_list(field: object) -> AccessList:
    if not isinstance(field, list):
        raise TxRejectedError("invalid transaction: access list is not a list")
    entries = []
    for entry in field:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or not isinstance(entry[0], bytes)
            or len(entry[0]) != 20
            or not isinstance(entry[1], list)
            or not all(isinstance(k, bytes) and len(k) == 32 for k in entry[1])
        ):
            raise TxRejectedError("invalid transaction: malformed access list entry")
        entries.append((entry[0], tuple(entry[1])))
    return tuple(entries)


def decode_tx(raw: bytes) -> Tx:
    """Decode a raw signed transaction and recover its sender.

    Raises :class:`TxRejectedError` for malformed encodings, transactions without a chain id
    and bad signatures. Chain id, nonce and permission checks need chain state and are
    done by the caller.
    """
    if not raw:
        raise TxRejectedError("invalid transaction: empty")
    try:
        if raw[0] >= 0xC0:
            return _decode_legacy(raw)
        if raw[0] in (1, 2):
            return _decode_typed(raw)
    except DecodingError as err:
        raise TxRejectedError(f"invalid transaction: cannot decode RLP ({err})") from None
    raise TxRejectedError(f"invalid transaction: unsupported transaction type {raw[0]}")


def _decode_legacy(raw: bytes) -> Tx:
    fields = decode(raw)
    if not isinstance(fields, list) or len(fields) != 9:
        raise TxRejectedError("invalid transaction: a legacy transaction has 9 fields")
    nonce = _int(fields[0], "nonce")
    gas_price = _int(fields[1], "gasPrice")
    gas = _int(fields[2], "gas")
    to = _to(fields[3])
    value = _int(fields[4], "value")
    data = _data(fields[5])
    v = _int(fields[6], "v")
    r = _int(fields[7], "r")
    s = _int(fields[8], "s")
    if v in (27, 28):
        raise TxRejectedError(
            "invalid chain id: transaction has no chain id; "
            "only replay-protected (EIP-155) transactions are accepted"
        )
    if v < 35:
        raise TxRejectedError(f"invalid sender: bad signature (v={v})")
    chain_id = (v - 35) // 2
    recovery_id = (v - 35) % 2
    unsigned = encode([*fields[:6], chain_id, 0, 0])
    sender = _recover(keccak(unsigned), r, s, recovery_id)
    return Tx(
        raw,
        keccak(raw),
        0,
        chain_id,
        nonce,
        gas_price,
        gas_price,
        gas_price,
        gas,
        to,
        value,
        data,
        (),
        v,
        r,
        s,
        sender,
    )


def _decode_typed(raw: bytes) -> Tx:
    tx_type = raw[0]
    fields = decode(raw[1:])
    expected = 11 if tx_type == 1 else 12
    if not isinstance(fields, list) or len(fields) != expected:
        raise TxRejectedError(
            f"invalid transaction: a type {tx_type} transaction has {expected} fields"
        )
    chain_id = _int(fields[0], "chainId")
    nonce = _int(fields[1], "nonce")
    if tx_type == 1:
        gas_price = _int(fields[2], "gasPrice")
        max_priority = max_fee = gas_price
        rest = fields[3:]
    else:
        max_priority = _int(fields[2], "maxPriorityFeePerGas")
        max_fee = _int(fields[3], "maxFeePerGas")
        gas_price = max_fee
        rest = fields[4:]
    gas = _int(rest[0], "gas")
    to = _to(rest[1])
    value = _int(rest[2], "value")
    data = _data(rest[3])
    access_list = _access_list(rest[4])
    y_parity = _int(rest[5], "yParity")
    r = _int(rest[6], "r")
    s = _int(rest[7], "s")
    unsigned = bytes([tx_type]) + encode(fields[:-3])
    sender = _recover(keccak(unsigned), r, s, y_parity)
    return Tx(
        raw,
        keccak(raw),
        tx_type,
        chain_id,
        nonce,
        gas_price,
        max_priority,
        max_fee,
        gas,
        to,
        value,
        data,
        access_list,
        y_parity,
        r,
        s,
        sender,
    )


def _recover(message_hash: bytes, r: int, s: int, recovery_id: int) -> bytes:
    try:
        return recover_address(message_hash, r, s, recovery_id)
    except Exception:
        raise TxRejectedError("invalid sender: bad signature") from None


def intrinsic_gas(tx: Tx) -> int:
    """Gas charged before execution (Yellow Paper g0, with EIP-2028, EIP-2930, EIP-3860)."""
    zeros = tx.data.count(0)
    gas = 21000 + 4 * zeros + 16 * (len(tx.data) - zeros)
    if tx.to is None:
        gas += 32000 + 2 * ((len(tx.data) + 31) // 32)
    for _, keys in tx.access_list:
        gas += 2400 + 1900 * len(keys)
    return gas
