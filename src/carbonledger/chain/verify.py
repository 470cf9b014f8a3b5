"""Offline verification of a node's block store: hash chain, roots, receipts, attestations."""

from __future__ import annotations

from dataclasses import dataclass

import rlp

from carbonledger.chain.block import Header, attestation_hash, decode_receipt
from carbonledger.chain.crypto import recover_signer
from carbonledger.chain.genesis import Genesis
from carbonledger.chain.store import BlockStore
from carbonledger.chain.trie import logs_bloom, ordered_trie_root
from carbonledger.chain.tx import TxRejectedError, decode_tx


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    blocks: int
    bad_block: int | None = None
    error: str | None = None


class _BadBlockError(Exception):
    pass


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _BadBlockError(message)


def verify_store(store: BlockStore, genesis: Genesis) -> VerifyResult:
    """Check every stored block without executing it (execution is checked at node start).

    Checks: header hash, parent link and sequence ranges, transactions root over the
    stored transactions, receipts root, gas and bloom over the stored receipts, that the
    log index agrees with the receipts, attestation signatures, and that no majority of
    validators attested a different hash.
    """
    from carbonledger.chain.node import genesis_header

    parent: Header | None = None
    count = 0
    for number, stored_hash, encoded in store.iter_headers(0):
        count += 1
        try:
            try:
                header = Header.decode(encoded)
            except (rlp.exceptions.DecodingError, ValueError, IndexError):
                raise _BadBlockError("stored header does not decode") from None
            _require(
                header.number == number and header.hash == stored_hash,
                "stored hash does not match its header",
            )
            if parent is None:
                _require(
                    header == genesis_header(genesis),
                    "genesis block does not match the genesis file",
                )
            else:
                _check_block(store, genesis, parent, header)
        except _BadBlockError as err:
            return VerifyResult(False, count, number, f"block {number}: {err}")
        parent = header
    return VerifyResult(True, count)


def _check_block(store: BlockStore, genesis: Genesis, parent: Header, header: Header) -> None:
    n = header.number
    _require(n == parent.number + 1, f"missing block {parent.number + 1}")
    _require(
        header.parent_hash == parent.hash and header.first_seq == parent.last_seq + 1,
        f"does not link to block {parent.number}",
    )
    raws = store.block_raw_txs(n)
    try:
        txs = [decode_tx(raw) for raw in raws]
    except TxRejectedError as err:
        raise _BadBlockError(f"a stored transaction does not decode ({err})") from None
    _require(
        len(txs) == header.tx_count and ordered_trie_root(raws) == header.tx_root,
        "transactions root does not match the stored transactions",
    )
    _require(
        [tx.hash for tx in txs] == store.block_tx_hashes(n),
        "a stored transaction hash does not match its transaction",
    )
    receipts = store.block_receipts(n)
    _require(
        [r.tx_hash for r in receipts] == [tx.hash for tx in txs],
        "receipts do not match the block's transactions",
    )
    _require(
        ordered_trie_root([r.encoded for r in receipts]) == header.receipts_root,
        "receipts root does not match the stored receipts",
    )
    bloom = 0
    previous = 0
    expected_logs: list[tuple[int, bytes, tuple[bytes, ...], bytes]] = []
    for r in receipts:
        try:
            _type, _status, cumulative, r_bloom, logs = decode_receipt(r.encoded)
        except (rlp.exceptions.DecodingError, ValueError, TypeError):
            raise _BadBlockError(f"receipt {r.idx} does not decode") from None
        _require(r.gas_used == cumulative - previous, f"receipt {r.idx}: gas used was altered")
        _require(logs_bloom(logs) == r_bloom, f"receipt {r.idx}: bloom does not match its logs")
        previous = cumulative
        bloom |= r_bloom
        expected_logs.extend((r.idx, a, t, d) for a, t, d in logs)
    _require(
        bloom.to_bytes(256, "big") == header.logs_bloom and previous == header.gas_used,
        "header bloom or gas used does not match the receipts",
    )
    stored_logs = [
        (tx_idx, address, topics, data)
        for _n, _i, tx_idx, address, topics, data in store.logs(n, n, [], [], 1 << 30)
    ]
    _require(stored_logs == expected_logs, "log index does not match the receipts")
    validators = {v.address for v in genesis.validators}
    votes: dict[bytes, int] = {}
    for validator, block_hash, receipts_root, signature in store.attestations(n):
        digest = attestation_hash(genesis.chain_id, n, block_hash, receipts_root)
        try:
            signer = recover_signer(digest, signature)
        except ValueError:
            signer = b""
        _require(
            signer == validator and validator in validators,
            f"attestation by 0x{validator.hex()} has a bad signature",
        )
        votes[block_hash] = votes.get(block_hash, 0) + 1
    for block_hash, count in votes.items():
        _require(
            count < genesis.quorum or block_hash == header.hash,
            "a majority of validators attested a different block hash",
        )
