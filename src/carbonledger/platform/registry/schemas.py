"""The registry's API contract. Allowances and offsets in whole tonnes, coin in cents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from carbonledger.platform.registry.models import AllocationKindName

#: ids are 64-bit in every database
MAX_ID = 2**63 - 1
Tonnes = Annotated[int, Field(gt=0, le=10**15, description="whole tonnes CO2e")]
Cents = Annotated[int, Field(gt=0, le=10**15, description="carbon coin in cents (1 coin = 1 CNY)")]
Vintage = Annotated[int, Field(ge=2000, le=2100, examples=[2024])]
OrgId = Annotated[int, Field(gt=0, le=MAX_ID, description="an organisation id")]
BlockId = Annotated[int, Field(gt=0, le=MAX_ID, description="an offset block id")]


class TxRef(BaseModel):
    tx_hash: str
    block_number: int


# -- allocation ---------------------------------------------------------------------------


class AllocationPreviewIn(BaseModel):
    """One or more allocation requests in the accounting engine's format
    (schema ``carbonledger/allocation-request@1``; see the allocation guide,
    src/carbonledger/accounting/guides/allocation.md)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "requests": [
                        {
                            "schema": "carbonledger/allocation-request@1",
                            "enterprise": {"name": "Example Chemicals Co."},
                            "year": 2024,
                            "method": "grandfathering",
                            "units": [
                                {
                                    "id": "site",
                                    "history": [
                                        {
                                            "year": 2022,
                                            "emissions": {"value": "160000", "unit": "tCO2e"},
                                        },
                                        {
                                            "year": 2023,
                                            "emissions": {"value": "155500", "unit": "tCO2e"},
                                        },
                                    ],
                                    "reduction_factor": "0.97",
                                }
                            ],
                        }
                    ]
                }
            ]
        }
    )
    requests: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=500)]


class AllocationPreview(BaseModel):
    enterprise: str
    year: int
    method: str
    allowances: int
    pre_allocation: int | None
    true_up: int | None
    input_digest: str
    result_digest: str
    warnings: list[dict[str, Any]]
    #: the engine's full result (decimals as strings), with provenance and digests
    result: dict[str, Any]


class AllocationItem(BaseModel):
    org_id: OrgId
    #: an explicit amount, or
    amount: Tonnes | None = None
    #: an allocation request for the engine (its total for the batch's kind is allocated)
    request: dict[str, Any] | None = None


class AllocationBatchIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"vintage": 2024, "kind": "free", "items": [{"org_id": 7, "amount": 120000}]}
            ]
        }
    )
    vintage: Vintage
    kind: AllocationKindName = AllocationKindName.FREE
    items: Annotated[list[AllocationItem], Field(min_length=1, max_length=5000)]


class AllocationOut(BaseModel):
    id: int
    batch: str
    org_id: int
    vintage: int
    amount: int
    kind: str
    method: str
    digest: str
    input_digest: str
    tx_hash: str
    block_number: int
    created_at: datetime


class DeductionApplied(BaseModel):
    org_id: int
    vintage: int
    amount: int
    tx_hash: str


class AllocationBatchOut(BaseModel):
    batch: str
    vintage: int
    kind: str
    total: int
    transactions: list[TxRef]
    allocations: list[AllocationOut]
    #: penalty deductions that were pending and applied after this allocation
    deductions: list[DeductionApplied]


# -- balances -----------------------------------------------------------------------------


class VintageBalance(BaseModel):
    vintage: int
    balance: int = Field(description="free allowances [t]")
    escrowed: int = Field(description="allowances locked by open sell orders [t]")


class OffsetBlockOut(BaseModel):
    block_id: int
    owner_org_id: int | None
    project: int
    vintage: int
    first_serial: int
    last_serial: int
    amount: int
    state: str
    beneficiary: str | None = None


class Balances(BaseModel):
    """What an organisation holds, from the chain's SQL projection at ``indexed_block``.
    Free and locked amounts are apart: ``allowances[].balance`` and ``coin_cents`` can
    move now; ``allowances[].escrowed`` (open sell orders and auction offers) and
    ``coin_locked_cents`` (open buy orders and auction bids) are held by the Settlement
    contract until the order trades or ends. Holdings = free + locked."""

    org_id: int
    address: str
    allowances: list[VintageBalance]
    offsets: list[OffsetBlockOut]
    coin_cents: int = Field(description="free carbon coin [cents]")
    coin_locked_cents: int = Field(description="coin locked by open buy orders and bids [cents]")
    indexed_block: int


# -- transfers ----------------------------------------------------------------------------


class AllowanceTransferIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"to_org_id": 12, "vintage": 2024, "amount": 500}]}
    )
    to_org_id: OrgId
    vintage: Vintage
    amount: Tonnes


class OffsetTransferIn(BaseModel):
    to_org_id: OrgId
    block_id: BlockId
    amount: Tonnes


class CoinTransferIn(BaseModel):
    to_org_id: OrgId
    amount_cents: Cents


class TransferOut(BaseModel):
    what: str
    from_org_id: int
    to_org_id: int
    amount: int
    vintage: int | None = None
    #: for offsets: the block that moved (a new block when part of a block moved)
    block_id: int | None = None
    tx_hash: str
    block_number: int


# -- coin ---------------------------------------------------------------------------------

Reference = Annotated[
    str, Field(min_length=1, max_length=32, description="the fiat payment's reference")
]


class DepositIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"org_id": 7, "amount_cents": 1000000, "reference": "CNAPS-20240501-01"}]
        }
    )
    org_id: OrgId
    amount_cents: Cents
    reference: Reference


class DepositOut(BaseModel):
    id: int
    bank_org_id: int
    org_id: int
    amount_cents: int
    reference: str
    tx_hash: str
    block_number: int
    created_at: datetime


class BurnIn(BaseModel):
    amount_cents: Cents
    reference: Reference


class WithdrawalIn(BaseModel):
    bank_org_id: OrgId
    amount_cents: Cents


class WithdrawalDecision(BaseModel):
    note: Annotated[str, Field(max_length=200)] = ""


class WithdrawalOut(BaseModel):
    id: int
    org_id: int
    bank_org_id: int
    amount_cents: int
    status: str
    request_tx: str
    settle_tx: str | None
    note: str
    created_at: datetime
    decided_at: datetime | None


# -- offsets ------------------------------------------------------------------------------


class ProjectIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "project_id": 1001,
                    "developer_org_id": 9,
                    "methodology": "CCER-14-001-V01",
                    "region": "CN-YN",
                    "name": "云南造林碳汇项目 Yunnan afforestation",
                }
            ]
        }
    )
    project_id: Annotated[int, Field(gt=0, le=2**63 - 1)]
    developer_org_id: OrgId
    methodology: Annotated[str, Field(min_length=1, max_length=32)]
    region: Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    name: Annotated[str, Field(min_length=2, max_length=200)]


class ProjectOut(BaseModel):
    id: int
    developer_org_id: int
    methodology: str
    region: str
    name: str
    tx_hash: str
    block_number: int
    created_at: datetime


class IssuanceIn(BaseModel):
    project_id: Annotated[int, Field(gt=0, le=MAX_ID)]
    vintage: Vintage
    amount: Tonnes


class IssuanceOut(BaseModel):
    block_id: int
    project_id: int
    vintage: int
    to_org_id: int
    first_serial: int
    last_serial: int
    amount: int
    tx_hash: str
    block_number: int


class RetireIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "block_id": 3,
                    "amount": 100,
                    "beneficiary": "示例水泥 Example Cement",
                    "reason": "2024 年度碳中和 carbon neutral 2024",
                }
            ]
        }
    )
    block_id: BlockId
    amount: Tonnes
    beneficiary: Annotated[str, Field(min_length=1, max_length=64)]
    reason: Annotated[str, Field(max_length=128)] = ""


class Certificate(BaseModel):
    certificate_id: str
    block_id: int
    holder_org_id: int
    holder: str
    project_id: int
    project_name: str
    methodology: str
    project_region: str
    vintage: int
    first_serial: int
    last_serial: int
    amount: int
    beneficiary: str
    reason: str
    tx_hash: str
    block_number: int
    retired_at: datetime
