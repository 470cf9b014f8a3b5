"""The explorer's API contract: histories with chain proofs, public figures, ledger admin."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class Verification(BaseModel):
    receipt_found: bool
    status_ok: bool
    same_block: bool
    log_present: bool

    @property
    def ok(self) -> bool:
        return self.receipt_found and self.status_ok and self.same_block and self.log_present


class HistoryItem(BaseModel):
    block_number: int
    log_index: int
    tx_hash: str
    contract: str
    event: str
    args: dict[str, Any]
    #: chain accounts in `args` that belong to organisations of the platform
    parties: dict[str, int]
    #: with verify=true: the checks of this item against the chain
    verification: Verification | None = None
    verified: bool | None = None


class History(BaseModel):
    subject: str
    items: list[HistoryItem]
    total: int
    offset: int
    limit: int
    #: with verify=true: every listed transaction checked against the chain
    all_verified: bool | None = None


class VintageTotals(BaseModel):
    vintage: int
    allocated: int
    deducted: int
    surrendered: int
    escrowed: int


class OffsetTotals(BaseModel):
    vintage: int
    issued: int
    retired: int
    surrendered: int


class EmissionsGroup(BaseModel):
    year: int
    industry: str
    region: str
    enterprises: int
    confirmed_emissions_t: int


class EmissionsYear(BaseModel):
    year: int
    groups: list[EmissionsGroup]
    #: enterprises in groups too small to publish (their figures are in no total here)
    suppressed_enterprises: int


class ComplianceCounts(BaseModel):
    year: int
    enterprises: int
    compliant: int
    deficit: int
    pending: int


class PublicFigures(BaseModel):
    min_group_size: int
    allowances: list[VintageTotals]
    offsets: list[OffsetTotals]
    emissions: list[EmissionsYear]
    compliance: list[ComplianceCounts]
    indexed_block: int


class LedgerStatus(BaseModel):
    chain_id: int
    head_block: int
    indexed_block: int
    lag_blocks: int
    events: int
    contracts: dict[str, str]


class MismatchOut(BaseModel):
    what: str
    key: str
    sql: int
    chain: int


class Reconciliation(BaseModel):
    consistent: bool
    indexed_block: int
    mismatches: list[MismatchOut]


class TxSummary(BaseModel):
    tx_hash: str
    #: "contract.Event" of each log the platform decoded, in log order (no arguments)
    events: list[str]


class BlockSummary(BaseModel):
    block_number: int
    transactions: list[TxSummary]


class Blocks(BaseModel):
    head_block: int
    indexed_block: int
    #: the newest blocks that hold platform events, newest first
    blocks: list[BlockSummary]


class MapProperties(BaseModel):
    #: the platform's region code (ISO 3166-2:CN, e.g. CN-BJ); "" for a feature of the
    #: whole country (its outline, the South China Sea's dashed line)
    region: str
    #: GB/T 2260 code, e.g. 110000
    adcode: str
    name: str
    name_en: str


class MapFeature(BaseModel):
    type: Literal["Feature"]
    properties: MapProperties
    #: a GeoJSON Polygon or MultiPolygon
    geometry: dict[str, Any]


class ChinaMapOut(BaseModel):
    """The operator's reviewed map of China by province, as a GeoJSON FeatureCollection
    with one foreign member: the review number (审图号) and source to show under it."""

    type: Literal["FeatureCollection"]
    attribution: str
    features: list[MapFeature]
