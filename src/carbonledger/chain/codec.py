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


class DecodingError(ValueError):
    """Bytes that are not one canonical RLP item."""


def _item_bounds(data: bytes, pos: int) -> tuple[bool, int, int]:
    """(is list, payload start, payload end) of the item starting at ``pos``."""
    if pos >= len(data):
        raise DecodingError("truncated RLP item")
    first = data[pos]
    if first < 0x80:
        return False, pos, pos + 1
    if first in (0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF) or first >= 0xF8:
        size = (first - 0xB7) if first < 0xC0 else (first - 0xF7)
        if pos + 1 + size > len(data):
            raise DecodingError("truncated RLP length")
    if first < 0xB8:
        start, end = pos + 1, pos + 1 + first - 0x80
        if first == 0x81 and end <= len(data) and data[start] < 0x80:
            raise DecodingError("non-canonical RLP: single byte below 0x80 with a prefix")
        is_list = False
    elif first < 0xC0:
        size = first - 0xB7
        length = int.from_bytes(data[pos + 1 : pos + 1 + size], "big")
        if size == 0 or data[pos + 1] == 0 or length < 56:
            raise DecodingError("non-canonical RLP length")
        start, end = pos + 1 + size, pos + 1 + size + length
        is_list = False
    elif first < 0xF8:
        start, end = pos + 1, pos + 1 + first - 0xC0
        is_list = True
    else:
        size = first - 0xF7
        length = int.from_bytes(data[pos + 1 : pos + 1 + size], "big")
        if data[pos + 1] == 0 or length < 56:
            raise DecodingError("non-canonical RLP length")
        start, end = pos + 1 + size, pos + 1 + size + length
        is_list = True
    if end > len(data):
        raise DecodingError("truncated RLP item")
    return is_list, start, end


def _decode_at(data: bytes, pos: int) -> tuple[object, int]:
    is_list, start, end = _item_bounds(data, pos)
    if not is_list:
        return data[start:end], end
    items = []
    while start < end:
        item, start = _decode_at(data, start)
        items.append(item)
    if start != end:
        raise DecodingError("RLP list payload overruns its length")
    return items, end


def decode(data: bytes) -> object:
    """Decode one RLP item (bytes or nested lists of bytes); the whole input must be used."""
    item, end = _decode_at(data, 0)
    if end != len(data):
        raise DecodingError("trailing bytes after the RLP item")
    return item
