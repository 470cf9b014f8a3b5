"""Deterministic execution of ordered transactions on pyrevm, with nonces and permissions.

pyrevm executes EVM code but knows nothing of signed transactions, nonces, receipts or
blooms; this module adds them. Everything here must give the same result on every node
for the same ordered input: no clocks, no randomness, no iteration over unordered sets.

Gas accounting follows pyrevm's journaled state, which is never finalised between
transactions: an account or storage slot touched by an earlier transaction stays warm for
later ones, so repeated transfers cost less than on Ethereum (about 24k instead of 34k
for an ERC-20 transfer). It is deterministic because every node executes the same
transactions in the same order from genesis, and every read the RPC does runs inside a
snapshot that is reverted, so queries never warm state.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from pyrevm import EVM, AccountInfo, BlockEnv, CfgEnv, Env

from carbonledger.chain.block import LogEntry, Receipt
from carbonledger.chain.codec import encode
from carbonledger.chain.crypto import keccak
from carbonledger.chain.genesis import Genesis
from carbonledger.chain.trie import logs_bloom
from carbonledger.chain.tx import Tx, TxRejectedError, intrinsic_gas

SPEC_ID = "CANCUN"

# The allowlist lives at a reserved address, handled natively by every node so that the
# permission set is part of the replicated state. Admins call allow(address) and
# revoke(address); anyone may eth_call isAllowed(address).
PERMISSIONS_ADDRESS = bytes.fromhex("00000000000000000000000000000000000c0de1")
SELECTOR_ALLOW = keccak(b"allow(address)")[:4]
SELECTOR_REVOKE = keccak(b"revoke(address)")[:4]
SELECTOR_IS_ALLOWED = keccak(b"isAllowed(address)")[:4]
TOPIC_ALLOWED = keccak(b"Allowed(address)")
TOPIC_REVOKED = keccak(b"Revoked(address)")
PERMISSION_CHANGE_GAS = 20_000


class HeldChanges(NamedTuple):
    """Rows of the store's ``held`` table to delete, (sender, nonce), and to insert,
    (sender, nonce, block held, raw); ``after``: the entries changed, (block held, tx
    hash) or None where no longer held."""

    gone: list[tuple[bytes, int]]
    added: list[tuple[bytes, int, int, bytes]]
    after: dict[tuple[bytes, int], tuple[int, bytes] | None]


class CallRevertedError(Exception):
    """An eth_call or gas estimate reverted; ``output`` is the revert data."""

    def __init__(self, message: str, output: bytes = b"") -> None:
        super().__init__(message)
        self.output = output


def _hex(address: bytes) -> str:
    return "0x" + address.hex()


def contract_address(sender: bytes, nonce: int) -> bytes:
    return keccak(encode([sender, nonce]))[12:]


def _revert_output(message: str) -> bytes:
    marker = "output: 0x"
    at = message.find(marker)
    if at < 0:
        return b""
    tail = message[at + len(marker) :]
    end = 0
    while end < len(tail) and tail[end] in "0123456789abcdefABCDEF":
        end += 1
    return bytes.fromhex(tail[:end])


HOLD_BLOCKS = 100


@dataclass(frozen=True, slots=True)
class ExecutedBlock:
    txs: tuple[Tx, ...]
    receipts: tuple[Receipt, ...]
    gas_used: int
    bloom: int


class _BlockBuilder:
    def __init__(self, number: int, gas_limit: int) -> None:
        self.number = number
        self.gas_limit = gas_limit
        self.cumulative = 0
        self.bloom = 0
        self.txs: list[Tx] = []
        self.receipts: list[Receipt] = []

    def add(
        self,
        tx: Tx,
        status: int,
        gas_used: int,
        logs: tuple[LogEntry, ...],
        created: bytes | None,
    ) -> None:
        self.cumulative += gas_used
        tx_bloom = logs_bloom(logs)
        self.bloom |= tx_bloom
        self.txs.append(tx)
        self.receipts.append(
            Receipt(tx.type, status, self.cumulative, gas_used, logs, tx_bloom, created)
        )

    def result(self) -> ExecutedBlock:
        return ExecutedBlock(tuple(self.txs), tuple(self.receipts), self.cumulative, self.bloom)


class ChainState:
    """The EVM state plus what pyrevm does not track: nonces and the allowlist."""

    def __init__(self, genesis: Genesis) -> None:
        self.genesis = genesis
        self.evm = EVM(
            env=Env(cfg=CfgEnv(chain_id=genesis.chain_id), block=BlockEnv(number=0)),
            gas_limit=genesis.block_gas_limit,
            spec_id=SPEC_ID,
        )
        for address, balance in sorted(genesis.alloc.items()):
            self.evm.set_balance(_hex(address), balance)
        self.nonces: dict[bytes, int] = {}
        self.admins = frozenset(genesis.admins)
        self.allowed: set[bytes] = set(genesis.admins) | set(genesis.allowlist)
        # transactions waiting for an earlier nonce: sender -> nonce -> (block held, tx)
        self.held: dict[bytes, dict[int, tuple[int, Tx]]] = {}
        # what the block store holds of them, (sender, nonce) -> (block held, tx hash),
        # and the entries changed since it was last told
        self.held_in_store: dict[tuple[bytes, int], tuple[int, bytes]] = {}
        self.held_touched: set[tuple[bytes, int]] = set()
        # test-only fault injection: added to gas used in blocks at or above this number
        self.fault_from_block: int | None = None

    # -- validation -------------------------------------------------------------------

    def nonce(self, address: bytes) -> int:
        return self.nonces.get(address, 0)

    def check(self, tx: Tx) -> None:
        """Raise TxRejectedError if ``tx`` may not execute next; the same rules at admission
        (with a nonce window) and at execution (exact nonce)."""
        g = self.genesis
        if tx.chain_id != g.chain_id:
            raise TxRejectedError(
                f"invalid chain id: transaction is for chain {tx.chain_id}, "
                f"this chain is {g.chain_id}"
            )
        if len(tx.raw) > g.max_tx_bytes:
            raise TxRejectedError(
                f"oversized data: transaction is {len(tx.raw)} bytes, limit is {g.max_tx_bytes}"
            )
        if tx.gas > g.block_gas_limit:
            raise TxRejectedError(
                f"exceeds block gas limit: transaction gas {tx.gas} > "
                f"block gas limit {g.block_gas_limit}"
            )
        needed = intrinsic_gas(tx)
        if tx.gas < needed:
            raise TxRejectedError(f"intrinsic gas too low: gas {tx.gas} < {needed} needed")
        if tx.sender not in self.allowed:
            raise TxRejectedError(
                f"sender not permitted: {_hex(tx.sender)} is not on the chain's allowlist"
            )

    # -- execution --------------------------------------------------------------------

    def execute_block(
        self,
        number: int,
        timestamp_ms: int,
        parent_hash: bytes,
        txs: Sequence[Tx],
        replay: bool = False,
    ) -> ExecutedBlock:
        """Execute ``txs`` in stream order and return what the block includes.

        A transaction whose nonce is ahead of its sender's is held (as an Ethereum pool
        would keep it) and runs, in this or a later block, right after the transaction
        that fills the gap; held transactions expire after HOLD_BLOCKS blocks. Other
        transactions that are invalid at their turn are left out. With ``replay`` the
        list is a stored block, executed exactly as given.
        """
        self.evm.set_block_env(
            BlockEnv(
                number=number,
                timestamp=timestamp_ms // 1000,
                gas_limit=self.genesis.block_gas_limit,
                prevrandao=parent_hash,
                basefee=0,
            )
        )
        block = _BlockBuilder(number, self.genesis.block_gas_limit)
        if replay:
            for tx in txs:
                try:
                    self.check(tx)
                except TxRejectedError:
                    continue
                if tx.nonce == self.nonce(tx.sender):
                    self._include(block, tx)
            return block.result()
        self._expire_held(number)
        for sender in sorted(self.held):
            self._release_held(block, sender)
        for tx in txs:
            try:
                self.check(tx)
            except TxRejectedError:
                continue
            expected = self.nonce(tx.sender)
            if tx.nonce > expected:
                if tx.nonce - expected <= self.genesis.max_nonce_gap:
                    waiting = self.held.setdefault(tx.sender, {})
                    if tx.nonce not in waiting:
                        waiting[tx.nonce] = (number, tx)
                        self.held_touched.add((tx.sender, tx.nonce))
                continue
            if tx.nonce == expected and self._include(block, tx):
                self._release_held(block, tx.sender)
        return block.result()

    def _include(self, block: _BlockBuilder, tx: Tx) -> bool:
        if block.cumulative + tx.gas > block.gas_limit:
            return False
        status, gas_used, logs, created = self._apply(tx)
        if self.fault_from_block is not None and block.number >= self.fault_from_block:
            gas_used += 1
        self.nonces[tx.sender] = tx.nonce + 1
        block.add(tx, status, gas_used, logs, created)
        return True

    def _release_held(self, block: _BlockBuilder, sender: bytes) -> None:
        held = self.held.get(sender)
        while held:
            entry = held.get(self.nonce(sender))
            if entry is None:
                break
            tx = entry[1]
            try:
                self.check(tx)  # the allowlist may have changed since it was held
            except TxRejectedError:
                del held[tx.nonce]
                self.held_touched.add((sender, tx.nonce))
                continue
            if not self._include(block, tx):
                break
            del held[tx.nonce]
            self.held_touched.add((sender, tx.nonce))
        if held is not None:
            for nonce in [n for n in held if n < self.nonce(sender)]:
                del held[nonce]
                self.held_touched.add((sender, nonce))
            if not held:
                del self.held[sender]

    def _expire_held(self, number: int) -> None:
        for sender in sorted(self.held):
            held = self.held[sender]
            for nonce in sorted(held):
                if number - held[nonce][0] > HOLD_BLOCKS:
                    del held[nonce]
                    self.held_touched.add((sender, nonce))
            if not held:
                del self.held[sender]

    def held_nonces(self, sender: bytes) -> list[int]:
        return sorted(self.held.get(sender, {}))

    def held_changes(self) -> HeldChanges:
        """How the held transactions differ from what the store holds of them: the rows
        to delete and those to insert, found among the entries changed since the store was
        last told (a backlog of thousands held costs a block only what changed). Pass it to
        :meth:`held_stored` once written."""
        gone: list[tuple[bytes, int]] = []
        added: list[tuple[bytes, int, int, bytes]] = []
        after: dict[tuple[bytes, int], tuple[int, bytes] | None] = {}
        stored = self.held_in_store
        for key in sorted(self.held_touched):
            sender, nonce = key
            entry = self.held.get(sender, {}).get(nonce)
            now = None if entry is None else (entry[0], entry[1].hash)
            before = stored.get(key)
            if now == before:
                continue
            if before is not None:
                gone.append(key)
            if entry is not None:
                added.append((sender, nonce, entry[0], entry[1].raw))
            after[key] = now
        return HeldChanges(gone, added, after)

    def held_stored(self, changes: HeldChanges) -> None:
        """The store has written `changes`."""
        for key, now in changes.after.items():
            if now is None:
                self.held_in_store.pop(key, None)
            else:
                self.held_in_store[key] = now
        self.held_touched.clear()

    def held_loaded(self) -> None:
        """The held transactions were just loaded from the store (a restart)."""
        self.held_in_store = {
            (sender, nonce): (at, tx.hash)
            for sender, held in self.held.items()
            for nonce, (at, tx) in held.items()
        }
        self.held_touched.clear()

    def _apply(self, tx: Tx) -> tuple[int, int, tuple[LogEntry, ...], bytes | None]:
        if tx.to == PERMISSIONS_ADDRESS:
            return self._permissions(tx)
        evm = self.evm
        sender = _hex(tx.sender)
        checkpoint = evm.snapshot()
        created: bytes | None = None
        try:
            if tx.to is None:
                self._set_evm_nonce(sender, tx.nonce)
                evm.deploy(sender, tx.data, value=tx.value, gas=tx.gas)
                created = contract_address(tx.sender, tx.nonce)
            else:
                evm.message_call(sender, _hex(tx.to), tx.data, value=tx.value, gas=tx.gas)
        except RuntimeError:
            result = evm.result
            evm.revert(checkpoint)
            # a failure before execution (e.g. value above balance) still consumes the
            # intrinsic gas, so the sender cannot spam the chain for free
            gas_used = result.gas_used if result is not None else intrinsic_gas(tx)
            return 0, gas_used, (), None
        result = evm.result
        evm.commit()
        assert result is not None, "pyrevm returned without a result"
        logs = tuple(
            (
                bytes.fromhex(log.address[2:]),
                tuple(bytes.fromhex(t[2:]) for t in log.topics),
                bytes(log.data[1]),
            )
            for log in result.logs
        )
        return 1, result.gas_used, logs, created

    def _set_evm_nonce(self, sender: str, nonce: int) -> None:
        # CREATE derives the new address from the sender's EVM nonce, which pyrevm does
        # not advance for calls; align it with the transaction nonce first.
        info = self.evm.basic(sender)
        if info.nonce != nonce:
            balance = info.balance
            self.evm.insert_account_info(
                sender, AccountInfo(nonce=nonce, code_hash=info.code_hash, code=info.code)
            )
            self.evm.set_balance(sender, balance)

    def _permissions(self, tx: Tx) -> tuple[int, int, tuple[LogEntry, ...], bytes | None]:
        gas_used = min(tx.gas, intrinsic_gas(tx) + PERMISSION_CHANGE_GAS)
        selector, arg = tx.data[:4], tx.data[4:]
        if (
            tx.sender not in self.admins
            or selector not in (SELECTOR_ALLOW, SELECTOR_REVOKE)
            or len(arg) != 32
            or tx.value != 0
        ):
            return 0, gas_used, (), None
        account = arg[12:]
        if selector == SELECTOR_ALLOW:
            self.allowed.add(account)
            topic = TOPIC_ALLOWED
        else:
            if account in self.admins:
                return 0, gas_used, (), None
            self.allowed.discard(account)
            topic = TOPIC_REVOKED
        return 1, gas_used, ((PERMISSIONS_ADDRESS, (topic, arg), b""),), None

    # -- read-only queries (never change state or warmth) -----------------------------

    @contextmanager
    def _isolated(self) -> Iterator[EVM]:
        checkpoint = self.evm.snapshot()
        try:
            yield self.evm
        finally:
            self.evm.revert(checkpoint)

    def balance(self, address: bytes) -> int:
        with self._isolated() as evm:
            return int(evm.get_balance(_hex(address)))

    def code(self, address: bytes) -> bytes:
        with self._isolated() as evm:
            code = evm.get_code(_hex(address))
        return bytes(code) if code else b""

    def storage(self, address: bytes, slot: int) -> int:
        with self._isolated() as evm:
            return int(evm.storage(_hex(address), slot))

    def call(
        self, sender: bytes, to: bytes | None, data: bytes, value: int, gas: int | None
    ) -> tuple[bytes, int]:
        """Run a call or creation without keeping its effects: (output, gas used)."""
        gas = min(gas or self.genesis.block_gas_limit, self.genesis.block_gas_limit)
        if to == PERMISSIONS_ADDRESS:
            return self._permissions_view(data), 21_000 + PERMISSION_CHANGE_GAS
        with self._isolated() as evm:
            try:
                if to is None:
                    evm.deploy(_hex(sender), data, value=value, gas=gas)
                    output = b""
                else:
                    output = bytes(
                        evm.message_call(_hex(sender), _hex(to), data, value=value, gas=gas)
                    )
            except RuntimeError as err:
                message = str(err)
                result = evm.result
                if (result is not None and result.reason == "Revert") or "Revert" in message:
                    raise CallRevertedError("execution reverted", _revert_output(message)) from None
                raise CallRevertedError(f"execution failed: {message}") from None
            result = evm.result
            used = int(result.gas_used + result.gas_refunded) if result is not None else 0
        return output, used

    def _permissions_view(self, data: bytes) -> bytes:
        if data[:4] == SELECTOR_IS_ALLOWED and len(data) == 36:
            return (1 if data[16:36] in self.allowed else 0).to_bytes(32, "big")
        raise CallRevertedError("execution reverted")
