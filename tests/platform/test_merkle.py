"""The evidence Merkle root as documented: recomputable by hand, proofs that verify and bite."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.platform.merkle import (
    MerkleError,
    ProofStep,
    merkle_proof,
    merkle_root,
    verify_proof,
)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(d: bytes) -> bytes:
    return sha(b"\x00" + d)


def node(a: bytes, b: bytes) -> bytes:
    return sha(b"\x01" + a + b)


# digests of three "files"
A, B, C = sha(b"invoice.pdf"), sha(b"meter-readings.xlsx"), sha(b"lab-report.pdf")


def test_documented_definition_by_hand() -> None:
    a, b, c = sorted([A, B, C])
    assert merkle_root([A]) == leaf(A)
    assert merkle_root([A, B]) == node(leaf(min(A, B)), leaf(max(A, B)))
    # three leaves: the third is promoted, not duplicated
    assert merkle_root([A, B, C]) == node(node(leaf(a), leaf(b)), leaf(c))
    five = sorted(sha(bytes([i])) for i in range(5))
    l0, l1, l2, l3, l4 = (leaf(x) for x in five)
    assert merkle_root(five) == node(node(node(l0, l1), node(l2, l3)), l4)


def test_published_vector() -> None:
    # the worked example in docs/platform/evidence.md (recomputed there with sha256sum)
    files = [b"invoice.pdf", b"meter-readings.xlsx", b"lab-report.pdf"]
    root = merkle_root([sha(f) for f in files])
    assert root.hex() == "d1aa48e03b17c8b2fc695ba7409c07fb1a36327afe6d386128e1b23ed0e70575"
    proof = merkle_proof([sha(f) for f in files], sha(b"invoice.pdf"))
    assert [step.as_dict() for step in proof] == [
        {
            "side": "right",
            "hash": "df14c723d76653d24bf211dfa974cf8a8212b7dc3510fc488cfc6abb412dec1f",
        },
        {
            "side": "right",
            "hash": "3e3d96db9f5ce5000574995692288a7cbb115286d217e6bdf3f2727a40ddcf9e",
        },
    ]


def test_order_and_duplicates_do_not_matter() -> None:
    assert merkle_root([A, B, C]) == merkle_root([C, A, B]) == merkle_root([B, C, A, C])


def test_empty_set_is_refused() -> None:
    # the EmissionReports contract refuses an all-zero root; there is no "empty root"
    with pytest.raises(MerkleError, match="at least one digest"):
        merkle_root([])
    with pytest.raises(MerkleError, match="not one of the leaves"):
        merkle_proof([], A)


def test_leaves_must_be_digests() -> None:
    with pytest.raises(MerkleError, match="leaf 1 must be a 32-byte SHA-256 digest"):
        merkle_root([A, b"short"])
    with pytest.raises(MerkleError, match="not one of the leaves"):
        merkle_proof([A, B], C)


def test_a_leaf_is_not_an_inner_node() -> None:
    # the domain prefixes: an inner node offered as a leaf does not give the root
    inner = node(leaf(min(A, B)), leaf(max(A, B)))
    assert merkle_root([inner]) != merkle_root([A, B])


def test_proof_json_round_trip() -> None:
    proof = merkle_proof([A, B, C], A)
    as_json = [step.as_dict() for step in proof]
    assert {step["side"] for step in as_json} <= {"left", "right"}
    assert [ProofStep.from_dict(step) for step in as_json] == proof
    with pytest.raises(MerkleError):
        ProofStep.from_dict({"side": "up", "hash": "00" * 32})
    with pytest.raises(MerkleError):
        ProofStep.from_dict({"side": "left", "hash": "zz"})


digests = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(leaves=digests, data=st.data())
def test_every_leaf_has_a_proof_and_no_other_digest_passes(
    leaves: list[bytes], data: st.DataObject
) -> None:
    root = merkle_root(leaves)
    target = data.draw(st.sampled_from(leaves))
    proof = merkle_proof(leaves, target)
    assert verify_proof(root, target, proof)
    # a tree of n distinct leaves has depth ceil(log2 n); no proof is longer
    assert len(proof) <= max(0, (len(set(leaves)) - 1).bit_length())
    other = sha(target)
    assert not verify_proof(root, other, proof)
    assert not verify_proof(sha(root), target, proof)
    if proof:
        i = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        step = proof[i]
        flipped = bytes([step.sibling[0] ^ 1]) + step.sibling[1:]
        bad_hash = [*proof[:i], ProofStep(flipped, step.sibling_is_left), *proof[i + 1 :]]
        assert not verify_proof(root, target, bad_hash)
        bad_side = [*proof[:i], ProofStep(step.sibling, not step.sibling_is_left), *proof[i + 1 :]]
        assert not verify_proof(root, target, bad_side)
        assert not verify_proof(root, target, proof[:-1])


@settings(max_examples=50, deadline=None)
@given(leaves=digests, extra=st.binary(min_size=32, max_size=32))
def test_adding_a_file_changes_the_root(leaves: list[bytes], extra: bytes) -> None:
    if extra in leaves:
        assert merkle_root([*leaves, extra]) == merkle_root(leaves)
    else:
        assert merkle_root([*leaves, extra]) != merkle_root(leaves)
