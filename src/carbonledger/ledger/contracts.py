"""Typed wrappers, one class per contract, over :class:`carbonledger.ledger.client.Chain`.

Reads return Python values; writes take the signer bound with :meth:`Contract.by` and
return a :class:`TxResult` holding the receipt and the decoded events.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import IntEnum, IntFlag
from typing import Any, ClassVar, NamedTuple, Self

from eth_account.messages import encode_typed_data
from eth_utils.address import to_checksum_address
from sha3 import keccak_256

from carbonledger.contracts import CONTRACTS, load_artifact
from carbonledger.ledger.abi import ContractAbi, Event, EventType, checksum, hex_bytes
from carbonledger.ledger.client import Chain, LedgerError, Pending, Receipt, Signer


class Role(IntFlag):
    """Mirrors ``roles.vy`` (bit order matters)."""

    ADMIN = 1
    REGULATOR = 2
    VERIFIER = 4
    ENTERPRISE = 8
    FINANCE = 16
    MARKET_OPERATOR = 32


class AllocationKind(IntEnum):
    FREE = 0
    PRE = 1
    TRUE_UP = 2


class BlockState(IntEnum):
    NONE = 0  # no such record
    HELD = 1
    RETIRED = 2
    SURRENDERED = 3


class ReportState(IntEnum):
    NONE = 0  # no such record
    SUBMITTED = 1
    ASSIGNED = 2
    VERIFIED = 3
    REJECTED = 4
    CONFIRMED = 5
    SUPERSEDED = 6


class ComplianceStatus(IntEnum):
    PENDING = 0
    COMPLIANT = 1
    DEFICIT = 2


class Side(IntEnum):
    NONE = 0  # no such record
    BUY = 1
    SELL = 2


class DealState(IntEnum):
    NONE = 0  # no such record
    OPEN = 1
    SETTLED = 2
    CANCELLED = 3


class Organisation(NamedTuple):
    role: Role
    industry: str
    region: str
    active: bool


class OffsetBlock(NamedTuple):
    owner: str
    project: int
    vintage: int
    first: int
    last: int
    state: BlockState

    @property
    def size(self) -> int:
        return self.last - self.first + 1


class Report(NamedTuple):
    enterprise: str
    period: int
    version: int
    evidence_root: bytes
    calculation_digest: bytes
    methodology: bytes
    claimed_t: int
    verifier: str
    verified_t: int
    opinion: int
    document_hash: bytes
    reject_reason: int
    state: ReportState


class Order(NamedTuple):
    owner: str
    side: Side
    vintage: int
    remaining: int
    price: int
    open: bool


class Fill(NamedTuple):
    buy_order: int
    sell_order: int
    amount: int
    price: int


class DealTerms(NamedTuple):
    """Terms of a negotiated deal that both parties sign off chain (EIP-712)."""

    seller: str
    buyer: str
    vintage: int
    amount: int
    price: int  # cents per tonne
    nonce: int  # any number making the terms unique
    deadline: int  # unix seconds


DEAL_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "DealTerms": [
        {"name": "seller", "type": "address"},
        {"name": "buyer", "type": "address"},
        {"name": "vintage", "type": "uint256"},
        {"name": "amount", "type": "uint256"},
        {"name": "price", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


class OrderIntent(NamedTuple):
    """An order its owner signs off chain (EIP-712) for MARKET_OPERATOR to place in a
    batch (``Settlement.place_signed_orders``)."""

    owner: str
    side: int  # Side
    vintage: int
    amount: int
    price: int  # cents per tonne
    nonce: int  # any number making the intent unique
    deadline: int  # unix seconds


ORDER_TYPES = {
    "EIP712Domain": DEAL_TYPES["EIP712Domain"],
    "OrderIntent": [
        {"name": "owner", "type": "address"},
        {"name": "side", "type": "uint8"},
        {"name": "vintage", "type": "uint256"},
        {"name": "amount", "type": "uint256"},
        {"name": "price", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


def keccak(data: bytes) -> bytes:
    """Keccak-256 with the C implementation (eth-hash's pycryptodome backend costs
    several microseconds a call more; every order's digest takes two)."""
    digest: bytes = keccak_256(data).digest()
    return digest


_ORDER_TYPEHASH = keccak(
    b"OrderIntent(address owner,uint8 side,uint256 vintage,uint256 amount,uint256 price,"
    b"uint256 nonce,uint256 deadline)"
)
_DOMAIN_TYPEHASH = keccak(
    b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)


class Deal(NamedTuple):
    seller: str
    buyer: str
    vintage: int
    amount: int
    price: int
    proposer: str
    state: DealState


@functools.cache
def contract_abi(name: str) -> ContractAbi:
    return ContractAbi.from_json(load_artifact(name).abi)


@functools.cache
def _event_types() -> dict[bytes, EventType]:
    out: dict[bytes, EventType] = {}
    for name in CONTRACTS:
        out.update(contract_abi(name).events)
    return out


def decode_log(log: dict[str, Any]) -> Event | None:
    """Decode a raw JSON-RPC log emitted by any suite contract (None if unknown)."""
    topics = [hex_bytes(t) for t in log["topics"]]
    if not topics:
        return None
    ev = _event_types().get(topics[0])
    if ev is None:
        return None
    return Event(
        name=ev.name,
        args=ev.decode(topics, hex_bytes(log["data"])),
        address=checksum(log["address"]),
        block_number=int(log["blockNumber"], 16),
        tx_hash=log["transactionHash"],
        log_index=int(log["logIndex"], 16),
    )


@dataclass(frozen=True)
class TxResult:
    receipt: Receipt
    events: list[Event]

    def event(self, name: str) -> dict[str, Any]:
        """Arguments of the first event called `name` (KeyError when absent)."""
        for ev in self.events:
            if ev.name == name:
                return ev.args
        raise KeyError(f"no {name} event in {[e.name for e in self.events]}")

    def all(self, name: str) -> list[dict[str, Any]]:
        return [e.args for e in self.events if e.name == name]


class Contract:
    NAME: ClassVar[str]

    def __init__(self, chain: Chain, address: str, signer: Signer | None = None) -> None:
        self.chain = chain
        self.address = to_checksum_address(address)
        self.signer = signer
        self.abi = contract_abi(self.NAME)

    def by(self, signer: Signer) -> Self:
        """The same contract, sending transactions as `signer`."""
        return type(self)(self.chain, self.address, signer)

    def call(self, fn: str, *args: Any) -> Any:
        func = self.abi.functions[fn]
        sender = self.signer.address if self.signer else None
        return func.decode(self.chain.call(self.address, func.encode(args), sender))

    def send(self, fn: str, *args: Any) -> TxResult:
        return self.dispatch(fn, *args).result()

    def dispatch(self, fn: str, *args: Any) -> PendingResult:
        """Send without waiting (see :meth:`Chain.submit`)."""
        if self.signer is None:
            raise LedgerError(f"{self.NAME}.{fn}: no signer; use .by(signer)")
        return PendingResult(
            self.chain.submit(self.signer, self.address, self.abi.functions[fn].encode(args))
        )


@dataclass(frozen=True)
class PendingResult:
    pending: Pending

    def result(self) -> TxResult:
        """Wait for the receipt and decode its events (RevertError on a revert)."""
        receipt = self.pending.receipt()
        events = [ev for ev in map(decode_log, receipt.logs) if ev is not None]
        return TxResult(receipt, events)


def _b32(value: bytes) -> bytes:
    if len(value) > 32:
        raise ValueError("bytes32 value longer than 32 bytes")
    return value.ljust(32, b"\0")


class Registry(Contract):
    NAME = "access_registry"

    def register(self, account: str, role: Role, industry: str = "", region: str = "") -> TxResult:
        return self.send("register", account, int(role), industry, region)

    def set_status(self, account: str, active: bool) -> TxResult:
        return self.send("set_status", account, active)

    def organisation(self, account: str) -> Organisation:
        role, industry, region, active = self.call("organisations", account)
        return Organisation(Role(role), industry, region, active)

    def has_role(self, account: str, role: Role) -> bool:
        return bool(self.call("has_role", account, int(role)))

    def is_active(self, account: str) -> bool:
        return bool(self.call("is_active", account))

    def role_of(self, account: str) -> Role:
        return Role(self.call("role_of", account))


class CarbonCoin(Contract):
    NAME = "carbon_coin"

    def balance_of(self, account: str) -> int:
        return int(self.call("balanceOf", account))

    def total_supply(self) -> int:
        return int(self.call("totalSupply"))

    def allowance(self, owner: str, spender: str) -> int:
        return int(self.call("allowance", owner, spender))

    def paused(self) -> bool:
        return bool(self.call("paused"))

    def transfer(self, receiver: str, cents: int) -> TxResult:
        return self.send("transfer", receiver, cents)

    def transfer_from(self, sender: str, receiver: str, cents: int) -> TxResult:
        return self.send("transferFrom", sender, receiver, cents)

    def approve(self, spender: str, cents: int) -> TxResult:
        return self.send("approve", spender, cents)

    def mint(self, receiver: str, cents: int, reference: bytes = b"") -> TxResult:
        return self.send("mint", receiver, cents, _b32(reference))

    def burn(self, cents: int, reference: bytes = b"") -> TxResult:
        return self.send("burn", cents, _b32(reference))

    def set_paused(self, paused: bool) -> TxResult:
        return self.send("set_paused", paused)

    def set_market(self, market: str) -> TxResult:
        return self.send("set_market", market)


class Allowances(Contract):
    NAME = "allowances"

    def balance_of(self, account: str, vintage: int) -> int:
        return int(self.call("balanceOf", account, vintage))

    def balance_of_batch(self, accounts: list[str], vintages: list[int]) -> list[int]:
        return [int(v) for v in self.call("balanceOfBatch", accounts, vintages)]

    def escrowed(self, account: str, vintage: int) -> int:
        return int(self.call("escrowed", account, vintage))

    def totals(self, vintage: int) -> dict[str, int]:
        """allocated, deducted, surrendered and escrowed totals of a vintage."""
        names = ("allocated", "deducted", "surrendered", "total_escrowed")
        return {n: int(self.call(n, vintage)) for n in names}

    def is_eligible(self, year: int, vintage: int) -> bool:
        return bool(self.call("eligible", year, vintage))

    def allocate(
        self,
        vintage: int,
        receivers: list[str],
        amounts: list[int],
        kind: AllocationKind = AllocationKind.FREE,
    ) -> TxResult:
        return self.send("allocate", vintage, receivers, amounts, int(kind))

    def deduct(self, account: str, vintage: int, amount: int, reason: bytes = b"") -> TxResult:
        return self.send("deduct", account, vintage, amount, _b32(reason))

    def transfer(self, receiver: str, vintage: int, amount: int) -> TxResult:
        return self.send("transfer", receiver, vintage, amount)

    def set_eligible(self, year: int, vintage: int, eligible: bool = True) -> TxResult:
        return self.send("set_eligible", year, vintage, eligible)

    def set_market(self, market: str) -> TxResult:
        return self.send("set_market", market)

    def set_compliance(self, compliance: str) -> TxResult:
        return self.send("set_compliance", compliance)


class Offsets(Contract):
    NAME = "offsets"

    def balance_of(self, account: str, vintage: int) -> int:
        return int(self.call("balanceOf", account, vintage))

    def block(self, block_id: int) -> OffsetBlock:
        owner, project, vintage, first, last, state = self.call("blocks", block_id)
        return OffsetBlock(owner, project, vintage, first, last, BlockState(state))

    def block_count(self) -> int:
        return int(self.call("block_count"))

    def totals(self, vintage: int) -> dict[str, int]:
        """issued, retired and surrendered totals of a vintage."""
        return {n: int(self.call(n, vintage)) for n in ("issued", "retired", "surrendered")}

    def register_project(
        self, project: int, developer: str, methodology: bytes = b"", region: str = ""
    ) -> TxResult:
        return self.send("register_project", project, developer, _b32(methodology), region)

    def issue(self, project: int, vintage: int, receiver: str, amount: int) -> TxResult:
        return self.send("issue", project, vintage, receiver, amount)

    def transfer(self, receiver: str, block_id: int, amount: int) -> TxResult:
        return self.send("transfer", receiver, block_id, amount)

    def retire(self, block_id: int, amount: int, beneficiary: str, reason: str = "") -> TxResult:
        """Retire credits. Permanent: retired credits can never move again."""
        return self.send("retire", block_id, amount, beneficiary, reason)

    def set_compliance(self, compliance: str) -> TxResult:
        return self.send("set_compliance", compliance)


class EmissionReports(Contract):
    NAME = "emission_reports"

    def report(self, report_id: int) -> Report:
        values = list(self.call("reports", report_id))
        values[-1] = ReportState(values[-1])
        return Report(*values)

    def report_id_of(self, enterprise: str, period: int, version: int) -> int:
        return int(self.call("report_id_of", enterprise, period, version))

    def latest_version(self, enterprise: str, period: int) -> int:
        return int(self.call("latest_version", enterprise, period))

    def confirmed_emissions(self, enterprise: str, period: int) -> int:
        return int(self.call("confirmed_emissions", enterprise, period))

    def max_consecutive(self) -> int:
        return int(self.call("max_consecutive"))

    def submit(
        self,
        period: int,
        evidence_root: bytes,
        calculation_digest: bytes,
        methodology: bytes,
        claimed_t: int,
    ) -> TxResult:
        return self.send(
            "submit",
            period,
            _b32(evidence_root),
            _b32(calculation_digest),
            _b32(methodology),
            claimed_t,
        )

    def assign_verifier(self, report_id: int, verifier: str) -> TxResult:
        return self.send("assign_verifier", report_id, verifier)

    def attest(
        self, report_id: int, verified_t: int, opinion: int, document_hash: bytes
    ) -> TxResult:
        return self.send("attest", report_id, verified_t, opinion, _b32(document_hash))

    def reject(self, report_id: int, reason_code: int) -> TxResult:
        return self.send("reject", report_id, reason_code)

    def confirm(self, report_id: int) -> TxResult:
        return self.send("confirm", report_id)

    def set_max_consecutive(self, n: int) -> TxResult:
        return self.send("set_max_consecutive", n)


class Compliance(Contract):
    NAME = "compliance"

    def obligation(self, enterprise: str, year: int) -> int:
        return int(self.call("obligation", enterprise, year))

    def offset_cap(self, enterprise: str, year: int) -> int:
        return int(self.call("offset_cap", enterprise, year))

    def offset_cap_bps(self) -> int:
        return int(self.call("offset_cap_bps"))

    def status(self, enterprise: str, year: int) -> ComplianceStatus:
        return ComplianceStatus(self.call("status", enterprise, year))

    def surrendered(self, enterprise: str, year: int) -> tuple[int, int]:
        """(allowances, offsets) surrendered by `enterprise` for `year`."""
        return (
            int(self.call("surrendered_allowances", enterprise, year)),
            int(self.call("surrendered_offsets", enterprise, year)),
        )

    def penalties(self, enterprise: str, year: int) -> int:
        return int(self.call("penalties", enterprise, year))

    def surrender_allowances(self, year: int, vintage: int, amount: int) -> TxResult:
        return self.send("surrender_allowances", year, vintage, amount)

    def surrender_offsets(self, year: int, block_id: int, amount: int) -> TxResult:
        return self.send("surrender_offsets", year, block_id, amount)

    def set_offset_cap_bps(self, bps: int) -> TxResult:
        return self.send("set_offset_cap_bps", bps)

    def set_deadline(self, year: int, deadline: int) -> TxResult:
        return self.send("set_deadline", year, deadline)

    def record_penalty(
        self, enterprise: str, year: int, amount_cents: int, reason: bytes = b""
    ) -> TxResult:
        return self.send("record_penalty", enterprise, year, amount_cents, _b32(reason))


class Settlement(Contract):
    NAME = "settlement"

    def order(self, order_id: int) -> Order:
        owner, side, vintage, remaining, price, is_open = self.call("orders", order_id)
        return Order(owner, Side(side), vintage, remaining, price, is_open)

    def order_count(self) -> int:
        return int(self.call("order_count"))

    def deal(self, deal_id: int) -> Deal:
        seller, buyer, vintage, amount, price, proposer, state = self.call("deals", deal_id)
        return Deal(seller, buyer, vintage, amount, price, proposer, DealState(state))

    def place_order(self, side: Side, vintage: int, amount: int, price_cents: int) -> TxResult:
        return self.send("place_order", int(side), vintage, amount, price_cents)

    def cancel_order(self, order_id: int) -> TxResult:
        return self.send("cancel_order", order_id)

    def settle(self, fills: list[Fill]) -> TxResult:
        return self.submit_settle(fills).result()

    def submit_settle(self, fills: list[Fill]) -> PendingResult:
        return self.dispatch("settle", [tuple(f) for f in fills])

    def propose_deal(
        self, counterparty: str, as_seller: bool, vintage: int, amount: int, price_cents: int
    ) -> TxResult:
        return self.send("propose_deal", counterparty, as_seller, vintage, amount, price_cents)

    def accept_deal(self, deal_id: int, vintage: int, amount: int, price_cents: int) -> TxResult:
        return self.send("accept_deal", deal_id, vintage, amount, price_cents)

    def cancel_deal(self, deal_id: int) -> TxResult:
        return self.send("cancel_deal", deal_id)

    def deal_typed_data(self, terms: DealTerms) -> dict[str, Any]:
        """The EIP-712 message a party signs (wallets can display it)."""
        return {
            "types": DEAL_TYPES,
            "primaryType": "DealTerms",
            "domain": self._domain(),
            "message": terms._asdict(),
        }

    def sign_deal(self, signer: Signer, terms: DealTerms) -> bytes:
        """Sign `terms` as `signer` (65 bytes r, s, v)."""
        message = encode_typed_data(full_message=self.deal_typed_data(terms))
        return bytes(signer.account.sign_message(message).signature)

    def deal_digest(self, terms: DealTerms) -> bytes:
        return bytes(self.call("deal_digest", tuple(terms)))

    def settle_signed_deal(
        self, terms: DealTerms, seller_signature: bytes, buyer_signature: bytes
    ) -> TxResult:
        return self.send("settle_signed_deal", tuple(terms), seller_signature, buyer_signature)

    def revoke_signed_deal(self, terms: DealTerms) -> TxResult:
        return self.send("revoke_signed_deal", tuple(terms))

    # -- orders signed by their owners, placed in batches by the market operator ------------
    def order_typed_data(self, intent: OrderIntent) -> dict[str, Any]:
        """The EIP-712 message an order's owner signs (wallets can display it)."""
        return {
            "types": ORDER_TYPES,
            "primaryType": "OrderIntent",
            "domain": self._domain(),
            "message": intent._asdict(),
        }

    def _domain(self) -> dict[str, Any]:
        return {
            "name": "carbonledger Settlement",
            "version": "1",
            "chainId": self.chain.chain_id,
            "verifyingContract": self.address,
        }

    @functools.cached_property
    def _domain_separator(self) -> bytes:
        return keccak(
            _DOMAIN_TYPEHASH
            + keccak(b"carbonledger Settlement")
            + keccak(b"1")
            + self.chain.chain_id.to_bytes(32, "big")
            + bytes(12)
            + bytes.fromhex(self.address.removeprefix("0x"))
        )

    def order_digest_local(self, intent: OrderIntent) -> bytes:
        """The EIP-712 digest of `intent`, computed here (equal to :meth:`order_digest`,
        which asks the contract; a test holds them together). Static fields only, so the
        ABI encoding is 32-byte words in order."""
        owner, side, vintage, amount, price, nonce, deadline = intent
        body = (
            _ORDER_TYPEHASH
            + bytes(12)
            + bytes.fromhex(owner.removeprefix("0x"))
            + b"".join(
                v.to_bytes(32, "big") for v in (side, vintage, amount, price, nonce, deadline)
            )
        )
        return keccak(b"\x19\x01" + self._domain_separator + keccak(body))

    def order_digest(self, intent: OrderIntent) -> bytes:
        return bytes(self.call("order_digest", tuple(intent)))

    def sign_order(self, signer: Signer, intent: OrderIntent) -> bytes:
        """Sign `intent` as `signer` (65 bytes r, s, v), the digest computed locally: this
        runs for every order, where building the typed-data message would cost more than
        the signature."""
        return self.sign_digest(signer, self.order_digest_local(intent))

    @staticmethod
    def sign_digest(signer: Signer, digest: bytes) -> bytes:
        """Sign an order's EIP-712 digest (from :meth:`order_digest_local`) as `signer`."""
        signature = signer.secp256k1.sign_recoverable(digest, hasher=None)
        return signature[:64] + bytes([signature[64] + 27])

    def place_signed_orders(self, batch: list[tuple[OrderIntent, bytes]]) -> TxResult:
        """MARKET_OPERATOR: place owner-signed orders in one transaction (all or none)."""
        return self.submit_signed_orders(batch).result()

    def submit_signed_orders(self, batch: list[tuple[OrderIntent, bytes]]) -> PendingResult:
        return self.dispatch("place_signed_orders", [(tuple(intent), sig) for intent, sig in batch])

    def check_signed_orders(self, batch: list[tuple[OrderIntent, bytes]]) -> int:
        """Dry-run :meth:`place_signed_orders` as this contract's signer: the gas it would
        use, or :class:`RevertError` with the reason it would be refused."""
        if self.signer is None:
            raise LedgerError("settlement.check_signed_orders: no signer; use .by(signer)")
        data = self.abi.functions["place_signed_orders"].encode(
            ([(tuple(intent), sig) for intent, sig in batch],)
        )
        return self.chain.estimate_gas(self.signer, self.address, data)

    def revoke_order_intent(self, intent: OrderIntent) -> TxResult:
        return self.send("revoke_order_intent", tuple(intent))

    def supports_signed_orders(self) -> bool:
        """Whether the deployed Settlement has batch placement of signed orders (a chain
        deployed before it existed has not)."""
        selector = self.abi.functions["place_signed_orders"].selector
        code = self.chain.rpc.call("eth_getCode", [self.address, "latest"])
        return selector.hex() in code.removeprefix("0x").lower()
