"""Transactions signed by organisations that keep their own keys (client custody), and
the chain's status as the platform sees it."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from eth_account import Account
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from carbonledger.ledger.rpc import RpcClient, RpcError
from carbonledger.platform import audit
from carbonledger.platform.accounts.models import Organisation
from carbonledger.platform.deps import AdminOnly, Anyone, SignedIn, platform_of, work
from carbonledger.platform.errors import Problem
from carbonledger.platform.idempotency import Idempotency, idempotent

router = APIRouter(prefix="/api/v1/chain")


class RawTransaction(BaseModel):
    raw: Annotated[
        str,
        Field(
            pattern=r"^0x([0-9a-fA-F]{2})+$",
            max_length=2 + 2 * 131072,
            description="the signed transaction, hex (legacy EIP-155 or EIP-1559)",
            examples=[
                "0xf86c808504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a0..."
            ],
        ),
    ]


class TransactionOut(BaseModel):
    tx_hash: str
    status: int
    block_number: int
    gas_used: int


class ChainStatus(BaseModel):
    chain_id: int
    block: int
    indexed_block: int
    permissioned: bool
    contracts: dict[str, str]


@router.post(
    "/transactions",
    response_model=TransactionOut,
    tags=["chain"],
    summary="Relay a transaction your organisation signed itself (client custody)",
)
def relay(
    body: RawTransaction,
    request: Request,
    p: SignedIn,
    idem: Annotated[Idempotency, Depends(idempotent)],
) -> TransactionOut:
    platform = platform_of(request)
    gateway = platform.require_gateway()
    raw = bytes.fromhex(body.raw[2:])
    try:
        sender = str(Account.recover_transaction(raw)).lower()
    except Exception:
        raise Problem(
            422, "invalid-transaction", "not a signed Ethereum transaction", field="body:raw"
        ) from None
    with work(request) as s:
        org = s.get(Organisation, p.org_id)
        if org is None or org.address != sender:
            raise Problem(
                403,
                "not-your-account",
                f"the transaction is signed by {sender}, not by your organisation's account",
                field="body:raw",
            )
        try:
            tx_hash = gateway.chain.send_raw(raw)
        except RpcError as err:
            raise Problem(
                422, "transaction-rejected", f"the node refused it: {err}", field="body:raw"
            ) from None
        receipt = gateway.settle(gateway.chain.wait(tx_hash))
        audit.record(
            s,
            "chain.relay",
            principal=p,
            request=request,
            target=f"tx:{tx_hash}",
            detail={"status": receipt.status, "block": receipt.block_number},
        )
    out = TransactionOut(
        tx_hash=tx_hash,
        status=receipt.status,
        block_number=receipt.block_number,
        gas_used=receipt.gas_used,
    )
    return idem.finish(out)  # type: ignore[no-any-return]


class NodeStatus(BaseModel):
    url: str
    reachable: bool
    error: str | None = None
    client: str | None = None
    node_id: str | None = None
    address: str | None = None
    height: int | None = None
    finalized: int | None = None
    halted: bool | None = None
    peers: int | None = None
    ordering: dict[str, Any] | None = None


def _node_status(url: str) -> NodeStatus:
    client = RpcClient(url, timeout=3.0)
    try:
        out = NodeStatus(url=url, reachable=True)
        out.client = str(client.call("web3_clientVersion"))
        out.height = int(client.call("eth_blockNumber"), 16)
        try:
            out.peers = int(client.call("net_peerCount"), 16)
        except RpcError:
            out.peers = None  # not every client answers it (anvil does not)
        try:
            info = client.call("carbon_nodeInfo")
        except RpcError:
            return out  # another EVM client: the standard answers are all there is
        out.node_id = info.get("node_id")
        out.address = info.get("address")
        out.finalized = info.get("finalized")
        out.halted = info.get("halted")
        out.ordering = info.get("nats")
        return out
    except (RpcError, httpx.HTTPError, ValueError) as err:
        return NodeStatus(url=url, reachable=False, error=f"{type(err).__name__}: {err}")
    finally:
        client.close()


@router.get(
    "/nodes",
    response_model=list[NodeStatus],
    tags=["chain"],
    summary="Each chain node: reachable, height, finality, peers, ordering service",
)
def nodes(request: Request, _: AdminOnly) -> list[NodeStatus]:
    platform = platform_of(request)
    gateway = platform.require_gateway()
    urls = platform.settings.node_urls or (gateway.chain.url,)
    return [_node_status(u) for u in urls]


@router.get(
    "/status",
    response_model=ChainStatus,
    tags=["chain"],
    summary="The chain as the platform sees it",
)
def status(request: Request, _: Anyone) -> ChainStatus:
    gateway = platform_of(request).require_gateway()
    book = gateway.book
    return ChainStatus(
        chain_id=gateway.chain.chain_id,
        block=gateway.chain.block_number(),
        indexed_block=gateway.indexer.checkpoint(),
        permissioned=gateway.permissioned,
        contracts={
            name: getattr(book, name)
            for name in (
                "registry",
                "coin",
                "allowances",
                "offsets",
                "reports",
                "compliance",
                "settlement",
            )
        },
    )
