"""Hashing, secp256k1 signing and address helpers used across the node."""

from __future__ import annotations

import functools

import coincurve
from sha3 import keccak_256

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
SECP256K1_HALF_N = SECP256K1_N // 2


def keccak(data: bytes) -> bytes:
    digest: bytes = keccak_256(data).digest()
    return digest


def address_of_public_key(public_key: coincurve.PublicKey) -> bytes:
    return keccak(public_key.format(compressed=False)[1:])[-20:]


def address_of_private_key(private_key: bytes) -> bytes:
    return address_of_public_key(coincurve.PrivateKey(private_key).public_key)


def recover_address(message_hash: bytes, r: int, s: int, recovery_id: int) -> bytes:
    """Sender address of a signature over ``message_hash``; raises ValueError if invalid."""
    if not (0 < r < SECP256K1_N and 0 < s <= SECP256K1_HALF_N) or recovery_id not in (0, 1):
        raise ValueError("signature values out of range")
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([recovery_id])
    public_key = coincurve.PublicKey.from_signature_and_message(
        signature, message_hash, hasher=None
    )
    return address_of_public_key(public_key)


def sign_hash(private_key: bytes, message_hash: bytes) -> bytes:
    """65-byte recoverable signature r || s || recovery id."""
    signature: bytes = coincurve.PrivateKey(private_key).sign_recoverable(message_hash, hasher=None)
    return signature


def recover_signer(message_hash: bytes, signature: bytes) -> bytes:
    if len(signature) != 65:
        raise ValueError("signature must be 65 bytes")
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    return recover_address(message_hash, r, s, signature[64])


@functools.lru_cache(maxsize=65536)
def to_checksum(address: bytes) -> str:
    hex_address = address.hex()
    digest = keccak(hex_address.encode()).hex()
    return "0x" + "".join(
        c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(hex_address)
    )


def hex_to_bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:] if value.startswith(("0x", "0X")) else value)
