"""Ethereum JSON-RPC over HTTP (single and batch requests), plus ``carbon_*`` methods."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from carbonledger.chain.block import Header, decode_receipt
from carbonledger.chain.crypto import keccak, to_checksum
from carbonledger.chain.executor import CallRevertedError
from carbonledger.chain.node import Node, OrderingUnavailableError
from carbonledger.chain.store import StoredReceipt
from carbonledger.chain.tx import Tx, TxRejectedError, decode_tx

log = logging.getLogger("carbonledger.chain.rpc")

CLIENT_VERSION = "carbonledger-chain/0.1.0"
MAX_LOG_RESULTS = 10_000
MAX_BATCH = 1000
EMPTY_OMMERS_HASH = keccak(bytes.fromhex("c0"))


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


def _q(value: int) -> str:
    return hex(value)


def _h(value: bytes) -> str:
    return "0x" + value.hex()


def _bytes_param(value: Any, name: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise RpcError(-32602, f"invalid params: {name} must be a 0x-prefixed hex string")
    try:
        return bytes.fromhex(value[2:] if len(value) % 2 == 0 else "0" + value[2:])
    except ValueError:
        raise RpcError(-32602, f"invalid params: {name} is not valid hex") from None


def _address_param(value: Any, name: str) -> bytes:
    out = _bytes_param(value, name)
    if len(out) != 20:
        raise RpcError(-32602, f"invalid params: {name} must be a 20-byte address")
    return out


def _int_param(value: Any, name: str) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.startswith("0x"):
        try:
            return int(value, 16)
        except ValueError:
            pass
    raise RpcError(-32602, f"invalid params: {name} must be a hex quantity")


class Rpc:
    def __init__(self, node: Node) -> None:
        self.node = node
        self.methods: dict[str, Callable[..., Awaitable[Any]]] = {
            name[len("m_") :]: getattr(self, name) for name in dir(self) if name.startswith("m_")
        }

    # -- transport --------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except ValueError:
            return web.json_response(_error(None, RpcError(-32700, "parse error")))
        if isinstance(body, list):
            if not body:
                return web.json_response(_error(None, RpcError(-32600, "empty batch")))
            if len(body) > MAX_BATCH:
                message = f"batch of {len(body)} requests; at most {MAX_BATCH} are accepted"
                return web.json_response(_error(None, RpcError(-32600, message)))
            replies = await asyncio.gather(*(self.handle_one(item) for item in body))
            return web.json_response(list(replies))
        return web.json_response(await self.handle_one(body))

    async def handle_one(self, item: Any) -> dict[str, Any]:
        if not isinstance(item, dict) or not isinstance(item.get("method"), str):
            return _error(None, RpcError(-32600, "invalid request"))
        request_id = item.get("id")
        method = self.methods.get(item["method"].replace("_", "__", 1))
        if method is None:
            return _error(request_id, RpcError(-32601, f"method {item['method']} not found"))
        params = item.get("params") or []
        if not isinstance(params, list):
            return _error(request_id, RpcError(-32602, "invalid params: params must be a list"))
        try:
            result = await method(*params)
        except (
            RpcError,
            TxRejectedError,
            OrderingUnavailableError,
            CallRevertedError,
            TypeError,
        ) as err:
            return _error(request_id, _as_rpc_error(err))
        except Exception as err:
            log.exception("%s failed", item["method"])
            return _error(request_id, RpcError(-32603, f"internal error: {type(err).__name__}"))
        return {"jsonrpc": "2.0", "id": request_id, "result": result}

    # -- helpers ----------------------------------------------------------------------

    def _block_number(self, tag: Any) -> int:
        node = self.node
        if tag in (None, "latest", "pending"):
            return node.head.number
        if tag == "earliest":
            return 0
        if tag in ("finalized", "safe"):
            return node.finalized
        return _int_param(tag, "block")

    def _state_at(self, tag: Any) -> None:
        """State queries only serve the newest state; older blocks need an archive node."""
        if isinstance(tag, dict):
            return
        number = self._block_number(tag)
        if number < self.node.head.number and tag not in ("finalized", "safe", "earliest"):
            raise RpcError(-32000, f"historical state for block {number} is not available")

    def _block_json(self, header: Header, full: bool) -> dict[str, Any]:
        store = self.node.store
        if full:
            txs: list[Any] = []
            for i, raw in enumerate(store.block_raw_txs(header.number)):
                txs.append(_tx_json(decode_tx(raw), header, i))
        else:
            txs = [_h(h) for h in store.block_tx_hashes(header.number)]
        return {
            "number": _q(header.number),
            "hash": _h(header.hash),
            "parentHash": _h(header.parent_hash),
            "nonce": "0x0000000000000000",
            "mixHash": _h(header.parent_hash),
            "sha3Uncles": _h(EMPTY_OMMERS_HASH),
            "logsBloom": _h(header.logs_bloom),
            "transactionsRoot": _h(header.tx_root),
            "stateRoot": _h(b"\x00" * 32),
            "receiptsRoot": _h(header.receipts_root),
            "miner": "0x" + "00" * 20,
            "difficulty": "0x0",
            "totalDifficulty": "0x0",
            "extraData": _h(header.extra),
            "size": _q(len(header.encode())),
            "gasLimit": _q(header.gas_limit),
            "gasUsed": _q(header.gas_used),
            "timestamp": _q(header.timestamp_ms // 1000),
            "baseFeePerGas": "0x0",
            "transactions": txs,
            "uncles": [],
            "carbonStreamSequence": [_q(header.first_seq), _q(header.last_seq)],
            "carbonTimestampMs": _q(header.timestamp_ms),
        }

    def _receipt_json(self, stored: StoredReceipt) -> dict[str, Any]:
        store = self.node.store
        header = store.header(stored.block_number)
        located = store.tx(stored.tx_hash)
        assert header is not None and located is not None
        tx = decode_tx(located[2])
        tx_type, status, cumulative, bloom, logs = decode_receipt(stored.encoded)
        first_log_index = sum(
            len(decode_receipt(r.encoded)[4])
            for r in store.block_receipts(stored.block_number)[: stored.idx]
        )
        block_hash = _h(header.hash)
        return {
            "transactionHash": _h(stored.tx_hash),
            "transactionIndex": _q(stored.idx),
            "blockHash": block_hash,
            "blockNumber": _q(stored.block_number),
            "from": to_checksum(tx.sender),
            "to": to_checksum(tx.to) if tx.to else None,
            "cumulativeGasUsed": _q(cumulative),
            "gasUsed": _q(stored.gas_used),
            "effectiveGasPrice": "0x0",
            "contractAddress": (
                to_checksum(stored.contract_address) if stored.contract_address else None
            ),
            "logs": [
                _log_json(
                    number=stored.block_number,
                    block_hash=block_hash,
                    tx_hash=stored.tx_hash,
                    tx_idx=stored.idx,
                    log_index=first_log_index + i,
                    address=address,
                    topics=topics,
                    data=data,
                )
                for i, (address, topics, data) in enumerate(logs)
            ],
            "logsBloom": _h(bloom.to_bytes(256, "big")),
            "status": _q(status),
            "type": _q(tx_type),
        }

    # -- eth_*, net_*, web3_* ---------------------------------------------------------

    async def m_eth__chainId(self) -> str:
        return _q(self.node.genesis.chain_id)

    async def m_net__version(self) -> str:
        return str(self.node.genesis.chain_id)

    async def m_net__listening(self) -> bool:
        return True

    async def m_net__peerCount(self) -> str:
        return _q(max(len(self.node.validators) - 1, 0))

    async def m_web3__clientVersion(self) -> str:
        return CLIENT_VERSION

    async def m_eth__syncing(self) -> bool:
        return False

    async def m_eth__accounts(self) -> list[str]:
        return []

    async def m_eth__blockNumber(self) -> str:
        return _q(self.node.head.number)

    async def m_eth__gasPrice(self) -> str:
        return "0x0"

    async def m_eth__maxPriorityFeePerGas(self) -> str:
        return "0x0"

    async def m_eth__feeHistory(
        self, block_count: Any, newest: Any, percentiles: Any = None
    ) -> dict[str, Any]:
        count = max(1, min(_int_param(block_count, "blockCount"), 1024))
        newest_number = self._block_number(newest)
        oldest = max(0, newest_number - count + 1)
        ratios = []
        for n in range(oldest, newest_number + 1):
            header = self.node.store.header(n)
            ratios.append(header.gas_used / header.gas_limit if header else 0.0)
        result: dict[str, Any] = {
            "oldestBlock": _q(oldest),
            "baseFeePerGas": ["0x0"] * (len(ratios) + 1),
            "gasUsedRatio": ratios,
        }
        if percentiles:
            result["reward"] = [["0x0"] * len(percentiles) for _ in ratios]
        return result

    async def m_eth__getBlockByNumber(self, tag: Any, full: bool = False) -> Any:
        header = self.node.store.header(self._block_number(tag))
        return None if header is None else self._block_json(header, bool(full))

    async def m_eth__getBlockByHash(self, block_hash: Any, full: bool = False) -> Any:
        number = self.node.store.number_of_hash(_bytes_param(block_hash, "blockHash"))
        header = None if number is None else self.node.store.header(number)
        return None if header is None else self._block_json(header, bool(full))

    async def m_eth__getBlockTransactionCountByNumber(self, tag: Any) -> Any:
        header = self.node.store.header(self._block_number(tag))
        return None if header is None else _q(header.tx_count)

    async def m_eth__getTransactionByHash(self, tx_hash: Any) -> Any:
        h = _bytes_param(tx_hash, "transactionHash")
        located = self.node.store.tx(h)
        if located is None:
            pending = self.node.known.get(h)
            return None if pending is None else _tx_json(pending, None, None)
        number, idx, raw = located
        return _tx_json(decode_tx(raw), self.node.store.header(number), idx)

    async def m_eth__getTransactionReceipt(self, tx_hash: Any) -> Any:
        stored = self.node.store.receipt(_bytes_param(tx_hash, "transactionHash"))
        return None if stored is None else self._receipt_json(stored)

    async def m_eth__getTransactionCount(self, address: Any, tag: Any = "latest") -> str:
        account = _address_param(address, "address")
        if tag == "pending":
            return _q(self.node.pending_nonce(account))
        return _q(self.node.state.nonce(account))

    async def m_eth__getBalance(self, address: Any, tag: Any = "latest") -> str:
        self._state_at(tag)
        return _q(self.node.state.balance(_address_param(address, "address")))

    async def m_eth__getCode(self, address: Any, tag: Any = "latest") -> str:
        self._state_at(tag)
        return _h(self.node.state.code(_address_param(address, "address")))

    async def m_eth__getStorageAt(self, address: Any, slot: Any, tag: Any = "latest") -> str:
        self._state_at(tag)
        value = self.node.state.storage(
            _address_param(address, "address"), _int_param(slot, "slot")
        )
        return _h(value.to_bytes(32, "big"))

    async def m_eth__sendRawTransaction(self, raw: Any) -> str:
        return _h(await self.node.submit(_bytes_param(raw, "data")))

    def _call_args(self, call: Any) -> tuple[bytes, bytes | None, bytes, int, int | None]:
        if not isinstance(call, dict):
            raise RpcError(-32602, "invalid params: call object expected")
        sender = _address_param(call["from"], "from") if call.get("from") else b"\x00" * 20
        to = _address_param(call["to"], "to") if call.get("to") else None
        data_field = call.get("input", call.get("data"))
        data = _bytes_param(data_field, "input") if data_field else b""
        value = _int_param(call["value"], "value") if call.get("value") else 0
        gas = _int_param(call["gas"], "gas") if call.get("gas") else None
        return sender, to, data, value, gas

    async def m_eth__call(self, call: Any, tag: Any = "latest", *_overrides: Any) -> str:
        self._state_at(tag)
        output, _gas = self.node.state.call(*self._call_args(call))
        return _h(output)

    async def m_eth__estimateGas(self, call: Any, tag: Any = "latest", *_overrides: Any) -> str:
        sender, to, data, value, _gas = self._call_args(call)
        _output, gas_used = self.node.state.call(sender, to, data, value, None)
        # refunds are paid after execution, so a transaction needs more gas than it uses
        return _q(gas_used * 5 // 4)

    async def m_eth__getLogs(self, criteria: Any) -> list[dict[str, Any]]:
        if not isinstance(criteria, dict):
            raise RpcError(-32602, "invalid params: filter object expected")
        store = self.node.store
        if criteria.get("blockHash"):
            number = store.number_of_hash(_bytes_param(criteria["blockHash"], "blockHash"))
            if number is None:
                raise RpcError(-32000, "unknown block")
            start = end = number
        else:
            start = self._block_number(criteria.get("fromBlock", "latest"))
            end = self._block_number(criteria.get("toBlock", "latest"))
        address = criteria.get("address")
        addresses = [address] if isinstance(address, str) else list(address or [])
        topics: list[list[bytes] | None] = []
        for entry in criteria.get("topics") or []:
            if entry is None:
                topics.append(None)
            elif isinstance(entry, str):
                topics.append([_bytes_param(entry, "topic")])
            else:
                topics.append([_bytes_param(t, "topic") for t in entry])
        rows = store.logs(
            start,
            end,
            [_address_param(a, "address") for a in addresses],
            topics,
            MAX_LOG_RESULTS,
        )
        if len(rows) > MAX_LOG_RESULTS:
            raise RpcError(-32005, f"query returned more than {MAX_LOG_RESULTS} results")
        hashes: dict[int, bytes] = {}
        tx_hashes: dict[int, list[bytes]] = {}
        out = []
        for number, log_index, tx_idx, address_b, topic_values, data in rows:
            if number not in hashes:
                hashes[number] = store.stored_hash(number) or b""
                tx_hashes[number] = store.block_tx_hashes(number)
            out.append(
                _log_json(
                    number=number,
                    block_hash=_h(hashes[number]),
                    tx_hash=tx_hashes[number][tx_idx],
                    tx_idx=tx_idx,
                    log_index=log_index,
                    address=address_b,
                    topics=topic_values,
                    data=data,
                )
            )
        return out

    # -- carbon_* ---------------------------------------------------------------------

    async def m_carbon__nodeInfo(self) -> dict[str, Any]:
        return await self.node.info()

    async def m_carbon__verifyChain(self) -> dict[str, Any]:
        from carbonledger.chain.verify import verify_store

        result = verify_store(self.node.store, self.node.genesis)
        return {"ok": result.ok, "blocks": result.blocks, "error": result.error}


def _as_rpc_error(err: Exception) -> RpcError:
    if isinstance(err, RpcError):
        return err
    if isinstance(err, TxRejectedError):
        return RpcError(-32000, str(err))
    if isinstance(err, OrderingUnavailableError):
        return RpcError(-32001, str(err))
    if isinstance(err, CallRevertedError):
        return RpcError(3, str(err), _h(err.output))
    return RpcError(-32602, f"invalid params: {err}")


def _error(request_id: Any, err: RpcError) -> dict[str, Any]:
    error: dict[str, Any] = {"code": err.code, "message": err.message}
    if err.data is not None:
        error["data"] = err.data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


def _tx_json(tx: Tx, header: Header | None, idx: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "hash": _h(tx.hash),
        "type": _q(tx.type),
        "nonce": _q(tx.nonce),
        "blockHash": _h(header.hash) if header else None,
        "blockNumber": _q(header.number) if header else None,
        "transactionIndex": _q(idx) if idx is not None else None,
        "from": to_checksum(tx.sender),
        "to": to_checksum(tx.to) if tx.to else None,
        "value": _q(tx.value),
        "gas": _q(tx.gas),
        "gasPrice": _q(tx.gas_price),
        "input": _h(tx.data),
        "chainId": _q(tx.chain_id),
        "v": _q(tx.v),
        "r": _q(tx.r),
        "s": _q(tx.s),
    }
    if tx.type >= 1:
        out["accessList"] = [
            {"address": to_checksum(a), "storageKeys": [_h(k) for k in keys]}
            for a, keys in tx.access_list
        ]
        out["yParity"] = _q(tx.v)
    if tx.type == 2:
        out["maxFeePerGas"] = _q(tx.max_fee)
        out["maxPriorityFeePerGas"] = _q(tx.max_priority_fee)
    return out


def _log_json(
    *,
    number: int,
    block_hash: str,
    tx_hash: bytes,
    tx_idx: int,
    log_index: int,
    address: bytes,
    topics: tuple[bytes, ...],
    data: bytes,
) -> dict[str, Any]:
    return {
        "address": to_checksum(address),
        "topics": [_h(t) for t in topics],
        "data": _h(data),
        "blockNumber": _q(number),
        "blockHash": block_hash,
        "transactionHash": _h(tx_hash),
        "transactionIndex": _q(tx_idx),
        "logIndex": _q(log_index),
        "removed": False,
    }


def make_app(node: Node) -> web.Application:
    rpc = Rpc(node)
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_post("/", rpc.handle_http)
    return app
