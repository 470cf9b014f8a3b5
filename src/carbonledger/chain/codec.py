"""A small RLP encoder for the node's hot paths.

pyrlp infers a serializer for every item, which costs about 30 µs for a transaction-sized
list; the node encodes several lists per transaction (signing payload, receipt, trie
nodes), so this encoder handles just bytes, non-negative ints and lists of them.
Decoding still uses pyrlp.
"""

from __future__ import annotations

from collections.abc import Sequence

Item = bytes | int | Sequence["Item"]


def _prefix(length: int, offset: int) -> bytes:
    if length < 56:
        return bytes((offset + length,))
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes((offset + 55 + len(size),)) + size


def encode(item: Item) -> bytes:
    if isinstance(item, bytes):
        if len(item) == 1 and item[0] < 0x80:
            return item
        return _prefix(len(item), 0x80) + item
    if isinstance(item, int):
        if item < 0:
            raise ValueError("RLP cannot encode negative integers")
        if item == 0:
            return b"\x80"
        return encode(item.to_bytes((item.bit_length() + 7) // 8, "big"))
    return encode_list_of_encoded([encode(x) for x in item])


def encode_list_of_encoded(encoded_items: Sequence[bytes]) -> bytes:
    """The RLP list whose items are already encoded."""
    payload = b"".join(encoded_items)
    return _prefix(len(payload), 0xC0) + payload
