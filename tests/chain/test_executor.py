"""Deterministic execution: identical inputs give identical receipts and roots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rlp
from eth_account import Account
from eth_utils import keccak as eth_keccak
from eth_utils import to_checksum_address

from carbonledger.chain.crypto import address_of_private_key
from carbonledger.chain.executor import HOLD_BLOCKS, ChainState
from carbonledger.chain.genesis import Genesis, Validator
from carbonledger.chain.node import build_header, genesis_header
from carbonledger.chain.store import BlockStore
from carbonledger.chain.trie import EMPTY_TRIE_ROOT, ordered_trie_root
from carbonledger.chain.tx import Tx, decode_tx

ADMIN_KEY = bytes.fromhex("11" * 32)
ADMIN = address_of_private_key(ADMIN_KEY)


def genesis() -> Genesis:
    return Genesis(
        chain_id=1337,
        timestamp_ms=1_700_000_000_000,
        admins=(ADMIN,),
        validators=(Validator("node1", b"\x01" * 20),),
        alloc={ADMIN: 10**21},
    )


def signed(nonce: int, **fields: Any) -> Tx:
    tx = {"chainId": 1337, "nonce": nonce, "gas": 600_000, "gasPrice": 0, "value": 0}
    tx.update(fields)
    return decode_tx(bytes(Account.sign_transaction(tx, ADMIN_KEY).raw_transaction))


def erc20_blocks(erc20: dict[str, Any]) -> list[list[Tx]]:
    from eth_abi import encode

    code = bytes.fromhex(erc20["bytecode"][2:]) + encode(["uint256"], [10**24])
    token = "0x" + eth_keccak(rlp.encode([ADMIN, 0]))[12:].hex()
    transfer = eth_keccak(b"transfer(address,uint256)")[:4]
    blocks = [[signed(0, to="", data=code)]]
    nonce = 1
    for b in range(3):
        txs = []
        for i in range(5):
            to = bytes([b + 1, i + 1]) * 10
            data = transfer + encode(["address", "uint256"], ["0x" + to.hex(), 10 + i])
            txs.append(signed(nonce, to=to_checksum_address(token), data=data))
            nonce += 1
        blocks.append(txs)
    return blocks


def run(blocks: list[list[Tx]]) -> list[bytes]:
    g = genesis()
    state = ChainState(g)
    parent = genesis_header(g)
    hashes = []
    for i, txs in enumerate(blocks):
        executed = state.execute_block(i + 1, g.timestamp_ms + 1000 * (i + 1), parent.hash, txs)
        assert len(executed.txs) == len(txs)
        parent = build_header(g, parent, g.timestamp_ms + 1000 * (i + 1), 10 * (i + 1), executed)
        hashes.append(parent.hash)
    return hashes


def test_identical_blocks_give_identical_receipts_roots(erc20: dict[str, Any]) -> None:
    blocks = erc20_blocks(erc20)
    assert run(blocks) == run(blocks)


def test_contract_address_follows_sender_and_nonce(erc20: dict[str, Any]) -> None:
    g = genesis()
    state = ChainState(g)
    blocks = erc20_blocks(erc20)
    executed = state.execute_block(1, g.timestamp_ms, b"\x00" * 32, blocks[0])
    receipt = executed.receipts[0]
    assert receipt.status == 1
    assert receipt.contract_address == eth_keccak(rlp.encode([ADMIN, 0]))[12:]
    assert state.code(receipt.contract_address) != b""


def test_reused_nonces_are_left_out_and_early_nonces_wait_for_the_gap() -> None:
    g = genesis()
    state = ChainState(g)
    to = to_checksum_address("0x" + "22" * 20)
    txs = [signed(0, to=to), signed(0, to=to, value=1), signed(2, to=to), signed(4, to=to)]
    executed = state.execute_block(1, g.timestamp_ms, b"\x00" * 32, txs)
    assert [t.nonce for t in executed.txs] == [0]
    assert state.held_nonces(ADMIN) == [2, 4]
    executed = state.execute_block(2, g.timestamp_ms, b"\x00" * 32, [signed(1, to=to)])
    assert [t.nonce for t in executed.txs] == [1, 2]
    assert state.nonce(ADMIN) == 3
    assert state.held_nonces(ADMIN) == [4]
    # a held transaction whose gap is never filled expires
    for number in range(3, 3 + HOLD_BLOCKS + 1):
        state.execute_block(number, g.timestamp_ms, b"\x00" * 32, [])
    assert state.held_nonces(ADMIN) == []


def test_the_store_holds_exactly_the_held_transactions_block_after_block(
    tmp_path: Path,
) -> None:
    """The store's held table is updated by difference; after every block it equals what
    the executor holds (what a restarted node reloads), also when a nonce that expired is
    held again by another transaction."""
    g = genesis()
    state = ChainState(g)
    store = BlockStore(tmp_path / "chain.db")
    to = to_checksum_address("0x" + "22" * 20)
    parent = genesis_header(g)
    store.put_block(parent, [], [])

    def block(number: int, txs: list[Tx]) -> int:
        nonlocal parent
        executed = state.execute_block(number, g.timestamp_ms + number, parent.hash, txs)
        parent = build_header(g, parent, g.timestamp_ms + number, number, executed)
        changes = state.held_changes()
        store.put_block(parent, executed.txs, executed.receipts, changes.gone, changes.added)
        state.held_stored(changes)
        stored = [(at, decode_tx(raw).hash) for at, raw in store.held()]
        expected = [
            (at, tx.hash)
            for _, held in sorted(state.held.items())
            for _, (at, tx) in sorted(held.items())
        ]
        assert stored == expected, number
        return len(changes.gone) + len(changes.added)

    assert block(1, [signed(0, to=to), signed(2, to=to), signed(3, to=to), signed(5, to=to)]) == 3
    assert block(2, [signed(4, to=to)]) == 1  # only the new row is written
    assert block(3, [signed(1, to=to)]) == 4  # 1 fills the gap: 2-5 run, their rows go
    assert state.held_nonces(ADMIN) == []
    block(4, [signed(6, to=to), signed(8, to=to, value=1)])
    assert state.held_nonces(ADMIN) == [8]
    number = 5
    while state.held_nonces(ADMIN):  # nonce 8 expires ...
        block(number, [])
        number += 1
    assert number - 4 > HOLD_BLOCKS
    # ... and is held again, by a different transaction: same key, a new row
    block(number, [signed(8, to=to, value=2)])
    assert [decode_tx(raw).value for _, raw in store.held()] == [2]
    block(number + 1, [signed(8, to=to, value=3)])  # the first one holds its place
    assert [decode_tx(raw).value for _, raw in store.held()] == [2]
    # a restarted node loads them from the store and has nothing to write
    again = ChainState(g)
    for at, raw in store.held():
        tx = decode_tx(raw)
        again.held.setdefault(tx.sender, {})[tx.nonce] = (at, tx)
    again.held_loaded()
    assert again.held_in_store == state.held_in_store
    assert again.held_changes() == ([], [], {})
    store.close()


def test_reverted_transaction_has_status_zero_and_keeps_state() -> None:
    g = genesis()
    state = ChainState(g)
    too_much = signed(0, to=to_checksum_address("0x" + "22" * 20), value=10**22)
    executed = state.execute_block(1, g.timestamp_ms, b"\x00" * 32, [too_much])
    assert executed.receipts[0].status == 0
    assert state.balance(ADMIN) == 10**21
    assert state.nonce(ADMIN) == 1


def test_empty_trie_root_is_ethereums() -> None:
    assert ordered_trie_root([]) == EMPTY_TRIE_ROOT
    assert EMPTY_TRIE_ROOT.hex() == (
        "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
    )
