"""Ethereum roots and blooms: ordered Merkle-Patricia trie root and 2048-bit log bloom.

Only the root of a trie keyed by ``rlp(index)`` is needed (transactions and receipts
roots), so the trie is built in one pass from the sorted keys instead of by insertion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import rlp

from carbonledger.chain.crypto import keccak

EMPTY_TRIE_ROOT = keccak(rlp.encode(b""))

_Node = list[object] | bytes


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


def _reference(node: _Node) -> object:
    encoded = rlp.encode(node)
    return node if len(encoded) < 32 else keccak(encoded)


def _build(items: Sequence[tuple[tuple[int, ...], bytes]], depth: int) -> _Node:
    if len(items) == 1:
        key, value = items[0]
        return [_hex_prefix(key[depth:], True), value]
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
        return [_hex_prefix(first[depth : depth + common], False), _reference(child)]
    branch: list[object] = [b""] * 17
    start = 0
    if len(items[0][0]) == depth:
        branch[16] = items[0][1]
        start = 1
    index = start
    while index < len(items):
        nibble = items[index][0][depth]
        end = index
        while end < len(items) and items[end][0][depth] == nibble:
            end += 1
        branch[nibble] = _reference(_build(items[index:end], depth + 1))
        index = end
    return branch


def ordered_trie_root(values: Sequence[bytes]) -> bytes:
    """Root of the trie mapping ``rlp(i)`` to ``values[i]`` (transactions, receipts)."""
    if not values:
        return EMPTY_TRIE_ROOT
    items = sorted((_nibbles(rlp.encode(i)), value) for i, value in enumerate(values))
    return keccak(rlp.encode(_build(items, 0)))


def bloom_add(bloom: int, item: bytes) -> int:
    digest = keccak(item)
    for i in (0, 2, 4):
        bloom |= 1 << (((digest[i] << 8) | digest[i + 1]) & 2047)
    return bloom


def logs_bloom(logs: Iterable[tuple[bytes, Sequence[bytes], bytes]]) -> int:
    bloom = 0
    for address, topics, _data in logs:
        bloom = bloom_add(bloom, address)
        for topic in topics:
            bloom = bloom_add(bloom, topic)
    return bloom
