"""Node-independent parts of the client: revert parsing and ABI handling."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from eth_abi.abi import encode

from carbonledger.ledger.abi import decode_revert
from carbonledger.ledger.client import (
    LATEST_RACE_RETRIES,
    Chain,
    LedgerError,
    _ReceiptWaiter,
    revert_from_rpc,
)
from carbonledger.ledger.contracts import contract_abi
from carbonledger.ledger.rpc import RpcError

ERROR = bytes.fromhex("08c379a0") + encode(["string"], ["coin: paused"])


def test_revert_reason_from_data_string_object_or_message() -> None:
    as_string = RpcError("eth_estimateGas", 3, "execution reverted", "0x" + ERROR.hex())
    as_object = RpcError("eth_call", -32000, "execution reverted", {"data": "0x" + ERROR.hex()})
    in_message = RpcError("eth_estimateGas", -32000, "execution reverted: coin: paused")
    for err in (as_string, as_object, in_message):
        revert = revert_from_rpc(err)
        assert revert is not None and revert.reason == "coin: paused"


def test_revert_without_reason_and_other_errors() -> None:
    bare = revert_from_rpc(RpcError("eth_call", 3, "execution reverted", "0x"))
    assert bare is not None and bare.reason is None
    assert revert_from_rpc(RpcError("eth_sendRawTransaction", -32000, "nonce too low")) is None


def test_decode_revert_ignores_custom_errors() -> None:
    assert decode_revert(ERROR) == "coin: paused"
    assert decode_revert(bytes.fromhex("4e487b71") + encode(["uint256"], [0x11])) is None


def test_tuple_outputs_are_checksummed() -> None:
    orders = contract_abi("settlement").functions["orders"]
    raw = encode(
        ["(address,uint8,uint256,uint256,uint256,bool)"], [("0x" + "ab" * 20, 2, 1, 2, 3, True)]
    )
    assert orders.decode(raw) == ("0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB", 2, 1, 2, 3, True)


def test_function_selector_and_arity() -> None:
    transfer = contract_abi("carbon_coin").functions["transfer"]
    assert transfer.selector.hex() == "a9059cbb"  # the ERC-20 selector
    with pytest.raises(TypeError, match="takes 2 arguments"):
        transfer.encode(["0x" + "00" * 20])


class FlakyRpc:
    """Answers eth_call with anvil's transient 'latest' race `failures` times, then 0x01."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[Any] = []

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        self.calls.append(params)
        if self.failures > 0:
            self.failures -= 1
            raise RpcError(
                method, -32602, "BlockOutOfRangeError: block height is 32 but requested was 31"
            )
        return "0x01"


def chain_on(rpc: Any) -> Chain:
    chain = Chain.__new__(Chain)  # no node: only the read path is exercised
    chain.rpc = rpc  # type: ignore[assignment]
    chain.poll_interval = 0.0
    return chain


def test_a_latest_read_caught_in_anvils_mining_race_is_asked_again() -> None:
    rpc = FlakyRpc(failures=LATEST_RACE_RETRIES)
    assert chain_on(rpc).call("0x" + "11" * 20, b"") == b"\x01"
    assert len(rpc.calls) == LATEST_RACE_RETRIES + 1


def test_the_race_is_not_retried_forever_nor_for_a_pinned_block() -> None:
    with pytest.raises(RpcError, match="BlockOutOfRange"):
        chain_on(FlakyRpc(failures=LATEST_RACE_RETRIES + 1)).call("0x" + "11" * 20, b"")
    pinned = FlakyRpc(failures=1)
    with pytest.raises(RpcError, match="BlockOutOfRange"):
        chain_on(pinned).call("0x" + "11" * 20, b"", block="0x1f")
    assert len(pinned.calls) == 1


class MiningRpc:
    """A node that mines one block per `every` block-number requests and includes every
    transaction sent before it; counts the requests the client makes."""

    def __init__(self, every: int = 3) -> None:
        self.lock = threading.Lock()
        self.every = every
        self.block = 1
        self.asked_number = 0
        self.requests = 0
        self.mined: dict[str, int] = {}
        self.sent: set[str] = set()

    def send(self, tx_hash: str) -> None:
        with self.lock:
            self.sent.add(tx_hash)

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        assert method == "eth_blockNumber"
        with self.lock:
            self.requests += 1
            self.asked_number += 1
            if self.asked_number % self.every == 0:
                self.block += 1
                for h in self.sent - set(self.mined):
                    self.mined[h] = self.block
            return hex(self.block)

    def batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        with self.lock:
            self.requests += 1
            out = []
            for method, (tx_hash,) in calls:
                assert method == "eth_getTransactionReceipt"
                block = self.mined.get(tx_hash)
                out.append(
                    None
                    if block is None
                    else {"status": "0x1", "gasUsed": "0x5208", "blockNumber": hex(block)}
                )
            return out


def test_concurrent_waiters_share_one_poller() -> None:
    rpc = MiningRpc()
    chain = chain_on(rpc)
    chain.receipt_timeout = 10.0
    chain._waiter = _ReceiptWaiter(chain)
    hashes = [f"0x{i:064x}" for i in range(40)]
    for h in hashes:
        rpc.send(h)
    with ThreadPoolExecutor(max_workers=40) as pool:
        receipts = list(pool.map(chain.wait, hashes))
    assert [r.tx_hash for r in receipts] == hashes
    assert all(r.status == 1 and r.block_number == rpc.mined[r.tx_hash] for r in receipts)
    # one poller: a handful of rounds for all 40, not 40 pollers asking each round
    assert rpc.requests < 40, rpc.requests
    time.sleep(chain.poll_interval * 5 + 0.05)
    assert chain._waiter.thread is None, "the poller stops when nobody waits"


def test_a_receipt_that_never_comes_times_out_and_a_dead_node_fails_the_waiters() -> None:
    rpc = MiningRpc()
    chain = chain_on(rpc)
    chain.receipt_timeout = 0.2
    chain._waiter = _ReceiptWaiter(chain)
    with pytest.raises(LedgerError, match="no receipt"):
        chain.wait("0x" + "ab" * 32)  # never sent: never mined
    assert chain._waiter.pending == {}

    def dead(*_: Any) -> Any:
        raise RpcError("eth_blockNumber", -32000, "node stopped")

    rpc.call = dead  # type: ignore[method-assign]
    chain.receipt_timeout = 5.0
    with pytest.raises(RpcError, match="node stopped"):
        chain.wait("0x" + "cd" * 32)
