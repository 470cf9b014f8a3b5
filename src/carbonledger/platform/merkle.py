"""The evidence Merkle root: one 32-byte value on chain that commits to a report's files.

Definition (also in ``docs/platform/evidence.md``, so anyone holding the files can
recompute it):

1. **Leaves** are the SHA-256 digests (32 bytes each) of the evidence files' plaintext.
   The leaf set is the *distinct* digests sorted in ascending byte order: the root does
   not depend on upload order, and the same file uploaded twice counts once.
2. **Leaf nodes**: ``H(0x00 ‖ digest)``; **inner nodes**: ``H(0x01 ‖ left ‖ right)``, with
   ``H`` = SHA-256. The prefixes separate the domains, so an inner node can never be
   presented as a leaf (second-preimage attack on unprefixed trees).
3. **Levels**: pair the nodes of a level left to right; when a level has an odd number
   of nodes the last one is *promoted* unchanged to the next level (not duplicated, so
   two different leaf sets never share a root the way Bitcoin's duplicate-last rule allows).
   Repeat until one node is left: the root.
4. **Empty set**: refused (:class:`MerkleError`). A report needs evidence, and the
   ``EmissionReports`` contract refuses an all-zero evidence root, so there is no
   "empty root" that could be anchored by mistake.

A proof for one leaf is the list of siblings from the leaf up to the root, each with the
side it sits on; a level where the node was promoted contributes no step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = [
    "DIGEST_SIZE",
    "MerkleError",
    "ProofStep",
    "leaf_set",
    "merkle_proof",
    "merkle_root",
    "verify_proof",
]

DIGEST_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


class MerkleError(ValueError):
    """No leaves, a leaf that is not a 32-byte digest, or one not in the set of a proof."""


class ProofStep(NamedTuple):
    """One sibling on the path from a leaf to the root."""

    sibling: bytes
    #: True when the sibling is the left input of the parent, the path node the right one
    sibling_is_left: bool

    def as_dict(self) -> dict[str, str]:
        """JSON form: ``{"side": "left"|"right", "hash": "<hex>"}``."""
        return {"side": "left" if self.sibling_is_left else "right", "hash": self.sibling.hex()}

    @classmethod
    def from_dict(cls, raw: dict[str, str]) -> ProofStep:
        side = raw.get("side")
        if side not in ("left", "right"):
            raise MerkleError(f"proof step side must be 'left' or 'right', got {side!r}")
        try:
            sibling = bytes.fromhex(raw.get("hash", ""))
        except ValueError:
            raise MerkleError("proof step hash must be hex") from None
        if len(sibling) != DIGEST_SIZE:
            raise MerkleError(f"proof step hash must be {DIGEST_SIZE} bytes")
        return cls(sibling, side == "left")


def _leaf(digest: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + digest).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def leaf_set(leaves: Iterable[bytes]) -> list[bytes]:
    """The distinct digests in ascending byte order, after checking each is 32 bytes."""
    checked = set()
    for index, leaf in enumerate(leaves):
        if not isinstance(leaf, bytes | bytearray) or len(leaf) != DIGEST_SIZE:
            raise MerkleError(
                f"leaf {index} must be a {DIGEST_SIZE}-byte SHA-256 digest, got {leaf!r:.80}"
            )
        checked.add(bytes(leaf))
    return sorted(checked)


def _levels(ordered: list[bytes]) -> list[list[bytes]]:
    level = [_leaf(d) for d in ordered]
    levels = [level]
    while len(level) > 1:
        paired = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
        levels.append(level)
    return levels


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """The root over the SHA-256 file digests ``leaves`` (any order, duplicates allowed)."""
    ordered = leaf_set(leaves)
    if not ordered:
        raise MerkleError("no evidence files: a Merkle root needs at least one digest")
    return _levels(ordered)[-1][0]


def merkle_proof(leaves: Sequence[bytes], leaf: bytes) -> list[ProofStep]:
    """The siblings that lead from ``leaf`` to :func:`merkle_root` of ``leaves``."""
    ordered = leaf_set(leaves)
    (target,) = leaf_set([leaf])
    try:
        index = ordered.index(target)
    except ValueError:
        raise MerkleError(f"{target.hex()} is not one of the leaves") from None
    proof: list[ProofStep] = []
    for level in _levels(ordered)[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            proof.append(ProofStep(level[sibling], sibling < index))
        # a promoted node (no sibling) keeps its value; its index halves like any other
        index //= 2
    return proof


def verify_proof(root: bytes, leaf: bytes, proof: Sequence[ProofStep]) -> bool:
    """True when ``proof`` leads from the file digest ``leaf`` to ``root``."""
    if len(leaf) != DIGEST_SIZE or len(root) != DIGEST_SIZE:
        return False
    node = _leaf(bytes(leaf))
    for step in proof:
        if len(step.sibling) != DIGEST_SIZE:
            return False
        node = _node(step.sibling, node) if step.sibling_is_left else _node(node, step.sibling)
    return node == bytes(root)
