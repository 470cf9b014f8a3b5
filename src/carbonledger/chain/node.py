"""The chain node: admission, ordering through JetStream, block cutting, execution, finality.

Every node consumes the same JetStream stream in sequence order and derives blocks from it
with the same deterministic rules, so no node leads:

* ``<prefix>.tx`` messages carry raw signed transactions (message id = transaction hash,
  so JetStream drops duplicates);
* a block is cut when the pending transactions reach the block's transaction, byte or gas
  limit, or when a ``<prefix>.cut`` message for the next block number arrives (any node
  posts one when its timer runs out; the first one in the stream counts);
* ``<prefix>.att`` messages carry signed attestations (number, block hash, receipts root);
  a block is final when a majority of validators attested the same hash.

The block timestamp is the JetStream timestamp of the block's last message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import rlp

from carbonledger.chain.block import Header, attestation_hash
from carbonledger.chain.config import NodeConfig
from carbonledger.chain.crypto import (
    address_of_private_key,
    hex_to_bytes,
    recover_signer,
    sign_hash,
)
from carbonledger.chain.executor import ChainState, ExecutedBlock
from carbonledger.chain.genesis import Genesis
from carbonledger.chain.store import BlockStore
from carbonledger.chain.trie import EMPTY_TRIE_ROOT, ordered_trie_root
from carbonledger.chain.tx import Tx, TxRejectedError, decode_tx

log = logging.getLogger("carbonledger.chain")

PUBLISH_RETRY_SECONDS = 15.0
VOTES_KEPT = 1000


class ChainCorruptedError(Exception):
    """The stored chain does not verify; the node refuses to start."""


class ConsensusError(Exception):
    """This node's execution disagrees with the majority of validators."""


class OrderingUnavailableError(Exception):
    """JetStream did not accept a message within the retry window."""


def genesis_header(genesis: Genesis) -> Header:
    return Header(
        number=0,
        parent_hash=b"\x00" * 32,
        timestamp_ms=genesis.timestamp_ms,
        first_seq=0,
        last_seq=0,
        tx_root=EMPTY_TRIE_ROOT,
        receipts_root=EMPTY_TRIE_ROOT,
        logs_bloom=b"\x00" * 256,
        gas_limit=genesis.block_gas_limit,
        gas_used=0,
        tx_count=0,
        extra=genesis.digest(),
    )


def build_header(
    genesis: Genesis, parent: Header, timestamp_ms: int, last_seq: int, executed: ExecutedBlock
) -> Header:
    txs, receipts = executed.txs, executed.receipts
    gas_used, bloom = executed.gas_used, executed.bloom
    return Header(
        number=parent.number + 1,
        parent_hash=parent.hash,
        timestamp_ms=timestamp_ms,
        first_seq=parent.last_seq + 1,
        last_seq=last_seq,
        tx_root=ordered_trie_root([tx.raw for tx in txs]),
        receipts_root=ordered_trie_root([r.encode() for r in receipts]),
        logs_bloom=bloom.to_bytes(256, "big"),
        gas_limit=genesis.block_gas_limit,
        gas_used=gas_used,
        tx_count=len(txs),
    )


def replay_block(
    state: ChainState, genesis: Genesis, parent: Header, stored: Header, raw_txs: list[bytes]
) -> Header:
    """Re-execute a stored block and check it reproduces the stored header exactly."""
    n = stored.number
    if stored.parent_hash != parent.hash or stored.first_seq != parent.last_seq + 1:
        raise ChainCorruptedError(f"block {n}: does not link to block {n - 1}")
    try:
        txs = [decode_tx(raw) for raw in raw_txs]
    except TxRejectedError as err:
        raise ChainCorruptedError(f"block {n}: stored transaction does not decode: {err}") from None
    executed = state.execute_block(n, stored.timestamp_ms, parent.hash, txs, replay=True)
    if len(executed.txs) != len(txs):
        raise ChainCorruptedError(f"block {n}: a stored transaction is not valid at its position")
    rebuilt = build_header(genesis, parent, stored.timestamp_ms, stored.last_seq, executed)
    if rebuilt.tx_root != stored.tx_root:
        raise ChainCorruptedError(f"block {n}: transactions root does not match its transactions")
    if rebuilt != stored:
        raise ChainCorruptedError(
            f"block {n}: re-execution gives receipts root 0x{rebuilt.receipts_root.hex()}, "
            f"stored 0x{stored.receipts_root.hex()}"
        )
    return stored


@dataclass
class Pending:
    txs: list[Tx] = field(default_factory=list)
    seqs: list[tuple[int, int]] = field(default_factory=list)  # (stream seq, timestamp ms)
    bytes: int = 0
    gas: int = 0

    def clear(self) -> None:
        self.txs.clear()
        self.seqs.clear()
        self.bytes = 0
        self.gas = 0


class Node:
    def __init__(self, config: NodeConfig) -> None:
        self.config = config
        self.genesis = Genesis.load(config.genesis)
        self.key = hex_to_bytes(config.key_file.read_text().strip())
        self.address = address_of_private_key(self.key)
        self.validators = {v.address: v.node_id for v in self.genesis.validators}
        self.store = BlockStore(config.data_dir / "chain.sqlite")
        self.state = ChainState(self.genesis)
        self.state.fault_from_block = config.fault_from_block
        self.head = genesis_header(self.genesis)
        self.last_seq = 0
        self.pending = Pending()
        self.known: dict[bytes, Tx] = {}
        self.inflight: dict[bytes, dict[bytes, int]] = {}
        self.votes: dict[int, dict[bytes, bytes]] = {}
        self.finalized = 0
        self.halted: str | None = None
        self.last_cut_monotonic = time.monotonic()
        self.cut_posted: tuple[int, int] | None = None
        self.cut_posted_at = 0.0
        self.cut_attempt = 0
        self.nc: Any = None
        self.js: Any = None
        self.sub: Any = None
        self.stopped = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    # -- startup ----------------------------------------------------------------------

    def load_chain(self) -> None:
        """Verify and re-execute the stored chain, rebuilding state and finality."""
        from carbonledger.chain.verify import verify_store

        g0 = genesis_header(self.genesis)
        stored0 = self.store.stored_hash(0)
        if stored0 is None:
            self.store.put_block(g0, [], [])
        elif stored0 != g0.hash:
            raise ChainCorruptedError("block 0: stored genesis differs from the genesis file")
        # the stored receipts, logs and attestations must match the headers before the
        # blocks are re-executed against those headers
        checked = verify_store(self.store, self.genesis)
        if not checked.ok:
            raise ChainCorruptedError(str(checked.error))
        parent = g0
        for _number, stored_hash, encoded in self.store.iter_headers(1):
            header = Header.decode(encoded)
            if header.hash != stored_hash:
                raise ChainCorruptedError(
                    f"block {header.number}: stored hash does not match its header"
                )
            raw_txs = self.store.block_raw_txs(header.number)
            parent = replay_block(self.state, self.genesis, parent, header, raw_txs)
        self.head = parent
        self.last_seq = parent.last_seq
        for held_at, raw in self.store.held():
            tx = decode_tx(raw)
            self.state.held.setdefault(tx.sender, {})[tx.nonce] = (held_at, tx)
        self.state.held_loaded()
        for number in range(1, self.head.number + 1):
            for validator, block_hash, receipts_root, signature in self.store.attestations(number):
                digest = attestation_hash(self.genesis.chain_id, number, block_hash, receipts_root)
                if recover_signer(digest, signature) != validator:
                    raise ChainCorruptedError(
                        f"block {number}: stored attestation signature is bad"
                    )
                self.votes.setdefault(number, {})[validator] = block_hash
            self._check_final(number)

    async def start(self) -> None:
        import nats
        from nats.js.api import (
            RetentionPolicy,
            StorageType,
            StreamConfig,
        )

        self.load_chain()
        self.nc = await nats.connect(
            servers=list(self.config.nats_urls),
            name=self.config.node_id,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.2,
            connect_timeout=2,
            error_cb=self._nats_error,
        )
        self.js = self.nc.jetstream(timeout=5)
        prefix = self.genesis.subject_prefix
        stream_config = StreamConfig(
            name=self.genesis.stream_name,
            subjects=[f"{prefix}.>"],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            num_replicas=self.config.stream_replicas,
            duplicate_window=120.0,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                await self.js.add_stream(stream_config)
                break
            except Exception as err:  # the cluster may still be electing its meta leader
                if time.monotonic() > deadline:
                    raise
                log.info("waiting for JetStream: %s", err)
                await asyncio.sleep(0.5)
        await self._subscribe()
        self.tasks.append(asyncio.create_task(self._cut_timer()))

    async def _subscribe(self) -> None:
        from nats.js.api import ConsumerConfig, DeliverPolicy

        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=self.last_seq + 1
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.sub = await self.js.subscribe(
                    f"{self.genesis.subject_prefix}.>",
                    stream=self.genesis.stream_name,
                    cb=self._on_message,
                    ordered_consumer=True,
                    idle_heartbeat=1.0,
                    config=config,
                    pending_msgs_limit=1_000_000,
                    pending_bytes_limit=1024 * 1024 * 1024,
                )
                return
            except Exception as err:
                if time.monotonic() > deadline:
                    raise
                log.info("waiting to subscribe: %s", err)
                await asyncio.sleep(0.5)

    async def _nats_error(self, err: Exception) -> None:
        log.warning("NATS: %s", err)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await self.nc.close()
        self.store.close()

    def halt(self, reason: str) -> None:
        if self.halted is None:
            self.halted = reason
            log.critical("HALTING node %s: %s", self.config.node_id, reason)
            self.store.flush_attestations()
            self.stopped.set()

    # -- admission --------------------------------------------------------------------

    def pending_nonce(self, sender: bytes) -> int:
        nonce = self.state.nonce(sender)
        inflight = self.inflight.get(sender)
        if inflight:
            nonce = max(nonce, max(inflight.values()) + 1)
        held = self.state.held_nonces(sender)
        if held:
            nonce = max(nonce, held[-1] + 1)
        return nonce

    def admit(self, raw: bytes) -> Tx:
        """Check a raw transaction against the current state; raise TxRejectedError if not."""
        if self.halted is not None:
            raise TxRejectedError(f"node halted: {self.halted}")
        if len(raw) > self.genesis.max_tx_bytes:
            raise TxRejectedError(
                f"oversized data: transaction is {len(raw)} bytes, "
                f"limit is {self.genesis.max_tx_bytes}"
            )
        tx = decode_tx(raw)
        self.state.check(tx)
        inflight = self.inflight.get(tx.sender, {})
        if tx.hash in inflight:
            raise TxRejectedError("already known: transaction is pending")
        expected = self.state.nonce(tx.sender)
        if tx.nonce < expected:
            if self.store.tx(tx.hash) is not None:
                raise TxRejectedError("already known: transaction is already in a block")
            raise TxRejectedError(
                f"nonce too low: next nonce {expected}, transaction nonce {tx.nonce}"
            )
        if tx.nonce > expected + self.genesis.max_nonce_gap:
            raise TxRejectedError(
                f"nonce too high: next nonce {expected}, transaction nonce {tx.nonce}, "
                f"at most {self.genesis.max_nonce_gap} ahead allowed"
            )
        if tx.nonce in inflight.values() or tx.nonce in self.state.held.get(tx.sender, {}):
            raise TxRejectedError(
                f"nonce already used: nonce {tx.nonce} of 0x{tx.sender.hex()} is already "
                "pending; replacement transactions are not supported"
            )
        return tx

    async def submit(self, raw: bytes) -> bytes:
        tx = self.admit(raw)
        self.known[tx.hash] = tx
        self.inflight.setdefault(tx.sender, {})[tx.hash] = tx.nonce
        try:
            await self._publish("tx", tx.raw, "0x" + tx.hash.hex())
        except OrderingUnavailableError:
            self._forget(tx)
            raise
        return tx.hash

    async def _publish(self, kind: str, payload: bytes, msg_id: str) -> None:
        deadline = time.monotonic() + PUBLISH_RETRY_SECONDS
        subject = f"{self.genesis.subject_prefix}.{kind}"
        delay = 0.05
        while True:
            try:
                await self.js.publish(
                    subject,
                    payload,
                    stream=self.genesis.stream_name,
                    timeout=2.0,
                    headers={"Nats-Msg-Id": msg_id},
                )
                return
            except Exception as err:
                if time.monotonic() + delay > deadline:
                    raise OrderingUnavailableError(
                        f"ordering service unavailable: {type(err).__name__}: {err}"
                    ) from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _forget(self, tx: Tx) -> None:
        self.known.pop(tx.hash, None)
        inflight = self.inflight.get(tx.sender)
        if inflight is not None:
            inflight.pop(tx.hash, None)
            if not inflight:
                del self.inflight[tx.sender]

    # -- consuming the ordered stream -------------------------------------------------

    async def _on_message(self, msg: Any) -> None:
        if self.halted is not None:
            return
        tokens = msg.reply.split(".")
        if len(tokens) == 9:
            seq, ts_ns = int(tokens[5]), int(tokens[7])
        else:
            seq, ts_ns = int(tokens[7]), int(tokens[9])
        if seq <= self.last_seq:
            return
        if seq != self.last_seq + 1:
            log.warning("stream gap: expected %d, got %d; resubscribing", self.last_seq + 1, seq)
            await self.sub.unsubscribe()
            await self._subscribe()
            return
        headers = msg.headers or {}
        try:
            self.process(
                seq,
                ts_ns // 1_000_000,
                msg.subject.rsplit(".", 1)[-1],
                msg.data,
                headers.get("Nats-Msg-Id", ""),
            )
        except ConsensusError as err:
            self.halt(str(err))
        except Exception as err:
            # skipping a message would make this node's chain differ from the others'
            log.exception("failed to apply stream message %d", seq)
            self.halt(f"failed to apply stream message {seq}: {type(err).__name__}: {err}")

    def process(self, seq: int, ts_ms: int, kind: str, data: bytes, msg_id: str = "") -> None:
        """Apply one stream message; the same sequence gives the same blocks on every node."""
        self.last_seq = seq
        g = self.genesis
        pending = self.pending
        if kind == "tx":
            # a transaction this node admitted is already decoded; the message id names it
            cached = self.known.get(bytes.fromhex(msg_id[2:])) if msg_id[:2] == "0x" else None
            if cached is None or cached.raw != data:
                try:
                    cached = decode_tx(data)
                except TxRejectedError:
                    return
                self.known[cached.hash] = cached
            tx = cached
            self.inflight.setdefault(tx.sender, {})[tx.hash] = tx.nonce
            if pending.txs and pending.gas + tx.gas > g.block_gas_limit:
                self._cut(pending.seqs[-1][0], pending.seqs[-1][1])
            pending.txs.append(tx)
            pending.seqs.append((seq, ts_ms))
            pending.bytes += len(tx.raw)
            pending.gas += tx.gas
            if len(pending.txs) >= g.max_block_txs or pending.bytes >= g.max_block_bytes:
                self._cut(seq, ts_ms)
        elif kind == "cut":
            try:
                number = int(data)
            except ValueError:
                return
            if number == self.head.number + 1 and pending.txs:
                self._cut(seq, ts_ms)
        elif kind == "att":
            self._on_attestation(data)

    def _cut(self, last_seq: int, ts_ms: int) -> None:
        parent = self.head
        number = parent.number + 1
        timestamp_ms = max(ts_ms, parent.timestamp_ms)
        txs = list(self.pending.txs)
        # a cut that ends before the newest message keeps that message pending
        keep = [(t, s) for t, s in zip(txs, self.pending.seqs, strict=True) if s[0] > last_seq]
        txs = [t for t, s in zip(txs, self.pending.seqs, strict=True) if s[0] <= last_seq]
        self.pending.clear()
        for t, s in keep:
            self.pending.txs.append(t)
            self.pending.seqs.append(s)
            self.pending.bytes += len(t.raw)
            self.pending.gas += t.gas
        executed = self.state.execute_block(number, timestamp_ms, parent.hash, txs)
        for tx in txs:
            self._forget(tx)
        self.last_cut_monotonic = time.monotonic()
        if not executed.txs:
            # every transaction was invalid at its turn: no empty blocks; the next block's
            # sequence range starts where this one would have
            return
        header = build_header(self.genesis, parent, timestamp_ms, last_seq, executed)
        held = self.state.held_changes()
        self.store.put_block(header, executed.txs, executed.receipts, held.gone, held.added)
        self.state.held_stored(held)
        self.head = header
        self._attest(header)

    # -- finality ---------------------------------------------------------------------

    def _attest(self, header: Header) -> None:
        digest = attestation_hash(
            self.genesis.chain_id, header.number, header.hash, header.receipts_root
        )
        signature = sign_hash(self.key, digest)
        if self.address in self.validators:
            self._record_vote(
                header.number, self.address, header.hash, header.receipts_root, signature
            )
            payload = rlp.encode([header.number, header.hash, header.receipts_root, signature])
            self.tasks.append(
                asyncio.ensure_future(
                    self._publish_quietly(
                        "att", payload, f"att-{self.config.node_id}-{header.number}"
                    )
                )
            )
            self.tasks = [t for t in self.tasks if not t.done()]

    async def _publish_quietly(self, kind: str, payload: bytes, msg_id: str) -> None:
        try:
            await self._publish(kind, payload, msg_id)
        except OrderingUnavailableError as err:
            log.warning("could not publish %s: %s", msg_id, err)

    def _on_attestation(self, data: bytes) -> None:
        try:
            number_b, block_hash, receipts_root, signature = rlp.decode(data)
            number = int.from_bytes(number_b, "big")
            digest = attestation_hash(self.genesis.chain_id, number, block_hash, receipts_root)
            validator = recover_signer(digest, signature)
        except Exception:
            return
        if validator not in self.validators:
            return
        self._record_vote(number, validator, block_hash, receipts_root, signature)

    def _record_vote(
        self,
        number: int,
        validator: bytes,
        block_hash: bytes,
        receipts_root: bytes,
        signature: bytes,
    ) -> None:
        votes = self.votes.setdefault(number, {})
        if validator in votes:
            return
        votes[validator] = block_hash
        self.store.put_attestation(number, validator, block_hash, receipts_root, signature)
        self._check_final(number)

    def _check_final(self, number: int) -> None:
        votes = self.votes.get(number, {})
        counts: dict[bytes, int] = {}
        for block_hash in votes.values():
            counts[block_hash] = counts.get(block_hash, 0) + 1
        for block_hash, count in counts.items():
            if count < self.genesis.quorum:
                continue
            own = self.store.stored_hash(number) if number <= self.head.number else None
            if own is None:
                return
            if own != block_hash:
                raise ConsensusError(
                    f"block {number}: a majority of validators attested 0x{block_hash.hex()}, "
                    f"this node executed 0x{own.hex()}"
                )
            if number > self.finalized:
                self.finalized = number
                # votes for long-final blocks are only needed in the store
                for old in [n for n in self.votes if n < number - VOTES_KEPT]:
                    del self.votes[old]

    # -- block timer ------------------------------------------------------------------

    async def _cut_timer(self) -> None:
        gap = self.genesis.min_block_gap_ms / 1000
        while True:
            await asyncio.sleep(gap / 2)
            if self.halted is not None or not self.pending.txs:
                continue
            now = time.monotonic()
            if now - self.last_cut_monotonic < gap:
                continue
            number = self.head.number + 1
            key = (number, self.pending.seqs[0][0])
            if self.cut_posted == key:
                # the marker may have been lost in a NATS failover; post again, under a new
                # message id so that deduplication does not drop it
                if now - self.cut_posted_at < 1.0:
                    continue
                self.cut_attempt += 1
            else:
                self.cut_attempt = 0
            attempt = self.cut_attempt
            self.cut_posted = key
            self.cut_posted_at = now
            self.tasks.append(
                asyncio.ensure_future(
                    self._publish_quietly(
                        "cut", str(number).encode(), f"cut-{number}-{key[1]}-{attempt}"
                    )
                )
            )
            self.tasks = [t for t in self.tasks if not t.done()]

    # -- status -----------------------------------------------------------------------

    async def info(self) -> dict[str, Any]:
        peers = []
        for validator_address, node_id in self.validators.items():
            attested = [n for n, v in self.votes.items() if validator_address in v]
            peers.append(
                {
                    "node_id": node_id,
                    "address": "0x" + validator_address.hex(),
                    "last_attested": max(attested) if attested else None,
                }
            )
        nats_status: dict[str, Any] = {
            "connected_url": None,
            "connected_server": None,
            "stream": self.genesis.stream_name,
        }
        if self.nc is not None and self.nc.is_connected:
            nats_status["connected_url"] = str(self.nc.connected_url.geturl())
            server_info = getattr(self.nc, "_server_info", None) or {}
            nats_status["connected_server"] = server_info.get("server_name")
            try:
                stream = await self.js.stream_info(self.genesis.stream_name)
                nats_status["messages"] = stream.state.messages
                nats_status["last_seq"] = stream.state.last_seq
                cluster = stream.cluster
                if cluster is not None:
                    nats_status["cluster"] = cluster.name
                    nats_status["leader"] = cluster.leader
                    nats_status["replicas"] = [
                        {"name": r.name, "current": r.current, "lag": r.lag}
                        for r in (cluster.replicas or [])
                    ]
            except Exception as err:
                nats_status["error"] = f"{type(err).__name__}: {err}"
        return {
            "node_id": self.config.node_id,
            "address": "0x" + self.address.hex(),
            "chain_id": self.genesis.chain_id,
            "height": self.head.number,
            "head_hash": "0x" + self.head.hash.hex(),
            "finalized": self.finalized,
            "stream_seq": self.last_seq,
            "pending": len(self.pending.txs),
            "halted": self.halted,
            "peers": peers,
            "nats": nats_status,
        }


async def serve(config: NodeConfig) -> int:
    """Run a node and its JSON-RPC server until SIGTERM/SIGINT or a consensus halt."""
    import signal

    from aiohttp import web

    from carbonledger.chain.rpc import make_app

    node = Node(config)
    await node.start()
    runner = web.AppRunner(make_app(node), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, config.rpc_host, config.rpc_port, reuse_address=True)
    await site.start()
    log.info(
        "node %s serving JSON-RPC on http://%s:%d", config.node_id, config.rpc_host, config.rpc_port
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, node.stopped.set)
    await node.stopped.wait()
    await runner.cleanup()
    await node.stop()
    return 3 if node.halted else 0
