"""Ethereum roots and blooms: ordered Merkle-Patricia trie root and 2048-bit log bloom.

Only the root of a trie keyed by ``rlp(index)`` is needed (transactions and receipts
roots), so the trie is built in one pass from the sorted keys instead of by insertion.
Nodes are built as RLP bytes: a child whose encoding is shorter than 32 bytes is
embedded as is, a longer one by its hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from carbonledger.chain.codec import encode, encode_list_of_encoded
from carbonledger.chain.crypto import keccak

EMPTY_TRIE_ROOT = keccak(b"\x80")
_EMPTY = b"\x80"


def _nibbles(key: bytes) -> tuple[int, ...]:
    out: list[int] = []
    for byte in key:
        out.append(byte >> 4)
        out.append(byte & 0x0F)
    return tuple(out)


def _hex_prefix(nibbles: Sequence[int], leaf: bool) -> bytes:
    flag = 2 if leaf else 0
    full = [flag + 1, *nibbles] if len(nibbles) % 2 else [flag, 0, *nibbles]
    return bytes(full[i] * 16 + full[i + 1] for i in range(0, len(full), 2))


def _reference(encoded_node: bytes) -> bytes:
    return encoded_node if len(encoded_node) < 32 else encode(keccak(encoded_node))


def _build(items: Sequence[tuple[tuple[int, ...], bytes]], depth: int) -> bytes:
    if len(items) == 1:
        key, value = items[0]
        return encode_list_of_encoded([encode(_hex_prefix(key[depth:], True)), encode(value)])
    first = items[0][0]
    last = items[-1][0]
    common = 0
    # items are sorted, so the common prefix of all keys is that of the first and last
    while (
        depth + common < len(first)
        and depth + common < len(last)
        and first[depth + common] == last[depth + common]
    ):
        common += 1
    if common:
        child = _build(items, depth + common)
        prefix = encode(_hex_prefix(first[depth : depth + common], False))
        return encode_list_of_encoded([prefix, _reference(child)])
    branch = [_EMPTY] * 17
    index = 0
    if len(items[0][0]) == depth:
        branch[16] = encode(items[0][1])
        index = 1
    while index < len(items):
        nibble = items[index][0][depth]
        end = index
        while end < len(items) and items[end][0][depth] == nibble:
            end += 1
        branch[nibble] = _reference(_build(items[index:end], depth + 1))
        index = end
    return encode_list_of_encoded(branch)


def ordered_trie_root(values: Sequence[bytes]) -> bytes:
    """Root of the trie mapping ``rlp(i)`` to ``values[i]`` (transactions, receipts)."""
    if not values:
        return EMPTY_TRIE_ROOT
    items = sorted((_nibbles(encode(i)), value) for i, value in enumerate(values))
    return keccak(_build(items, 0))


_BLOOM_BITS: dict[bytes, int] = {}
_BLOOM_CACHE_SIZE = 100_000


def _bloom_bits(item: bytes) -> int:
    bits = _BLOOM_BITS.get(item)
    if bits is None:
        digest = keccak(item)
        bits = 0
        for i in (0, 2, 4):
            bits |= 1 << (((digest[i] << 8) | digest[i + 1]) & 2047)
        if len(_BLOOM_BITS) >= _BLOOM_CACHE_SIZE:
            _BLOOM_BITS.clear()
        _BLOOM_BITS[item] = bits
    return bits


def bloom_add(bloom: int, item: bytes) -> int:
    return bloom | _bloom_bits(item)


def logs_bloom(logs: Iterable[tuple[bytes, Sequence[bytes], bytes]]) -> int:
    bloom = 0
    for address, topics, _data in logs:
        bloom |= _bloom_bits(address)
        for topic in topics:
            bloom |= _bloom_bits(topic)
    return bloom
