"""The MRV API contract. Numbers inside documents and calculation results are decimal
strings (exact); tonnes on chain are whole numbers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    VERIFIED = "verified"
    REJECTED = "rejected"
    CONFIRMED = "confirmed"
    SUPERSEDED = "superseded"


class Opinion(enum.StrEnum):
    """A verifier's opinion; the chain stores 1 and 2."""

    UNQUALIFIED = "unqualified"
    QUALIFIED = "qualified"


class RejectReason(enum.IntEnum):
    """Why a verifier rejects a report (the code goes on chain)."""

    DATA_INCONSISTENT = 1  # activity data contradicts the evidence
    EVIDENCE_INSUFFICIENT = 2  # evidence missing or does not cover the data
    METHODOLOGY_MISAPPLIED = 3  # wrong methodology, source or factor choice
    CALCULATION_DIFFERS = 4  # the recomputation differs from the stored result
    EVIDENCE_TAMPERED = 5  # stored evidence does not match the on-chain root
    OTHER = 99  # explained in the text


_EXAMPLE_DOC: dict[str, Any] = {
    "schema": "carbonledger/activity-data@1",
    "enterprise": {"name": "湖北江汉电网有限公司", "region": "华中", "province": "湖北"},
    "period": {"year": 2024},
    "methodology": "cn-2013-grid@1",
    "facilities": [
        {
            "id": "grid",
            "lines": [
                {
                    "id": "breakers",
                    "source": "sf6_equipment",
                    "quantity": {"value": "1850", "unit": "kgSF6"},
                    "parameters": {"recovered": {"value": "1720", "unit": "kgSF6"}},
                }
            ],
        }
    ],
}


class SubmissionCreate(BaseModel):
    """Activity data as the accounting engine's JSON document (``carbonledger/activity-data@1``;
    templates at ``/api/v1/mrv/methodologies/{id}/template.json``)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"document": _EXAMPLE_DOC}]})
    document: dict[str, Any]


class SubmissionUpdate(BaseModel):
    """The whole document again (the form saves the draft with PUT)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"document": _EXAMPLE_DOC}]})
    document: dict[str, Any]


class CorrectionCreate(BaseModel):
    """A new version of a rejected or confirmed report; without a document the previous
    version's document is copied into the new draft."""

    document: dict[str, Any] | None = None


class Assign(BaseModel):
    verifier_id: int = Field(description="the verifier organisation's id", examples=[7])


class Attest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verified_t": 885178,
                    "opinion": "unqualified",
                    "statement": "We verified the 2024 report of ... and found it fairly stated.",
                }
            ]
        }
    )
    verified_t: int = Field(ge=0, le=10**15, description="verified emissions [tCO2e]")
    opinion: Opinion
    statement: str = Field(
        min_length=1,
        max_length=100_000,
        description="the verification statement; its SHA-256 (UTF-8) goes on chain",
    )


class Reject(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason_code": 2, "reason": "no fuel invoices for Q3 were provided"}]
        }
    )
    reason_code: RejectReason
    reason: str = Field(min_length=1, max_length=10_000)


class Finding(BaseModel):
    code: str
    severity: Literal["error", "warning", "info"]
    path: str
    message: dict[str, str]
    original: Any = None
    cleaned: Any = None
    related: list[str] | None = None


class Quality(BaseModel):
    blocking: bool
    errors: int
    warnings: int
    findings: list[Finding]


class Calculation(BaseModel):
    total_co2e: str = Field(description="total emissions [tCO2e], exact")
    claimed_t: int = Field(description="whole tonnes claimed on chain (half up)")
    input_digest: str
    factors_digest: str
    result_digest: str
    report: dict[str, Any] = Field(
        description="the engine's report: totals, every line's formula and terms, factors"
    )


class EvidenceOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class TransitionOut(BaseModel):
    from_status: str | None
    to_status: str
    action: str
    by_org: int | None
    tx_hash: str | None
    block: int | None
    at: datetime


class ChainRecord(BaseModel):
    report_id: int
    version: int
    evidence_root: str
    calculation_digest: str
    tx_hash: str
    block: int


class SubmissionSummary(BaseModel):
    id: int
    enterprise_id: int
    year: int
    methodology: str
    version: int
    supersedes_id: int | None
    status: Status
    origin: str
    total_co2e: str
    claimed_t: int
    quality_errors: int
    quality_warnings: int
    report_id: int | None
    verifier_id: int | None
    verified_t: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class SubmissionOut(SubmissionSummary):
    document: dict[str, Any]
    quality: Quality
    calculation: Calculation
    evidence: list[EvidenceOut]
    chain: ChainRecord | None
    opinion: Opinion | None
    statement: str | None
    document_hash: str | None
    reject_code: int | None
    reject_reason: str | None
    history: list[TransitionOut]


class Difference(BaseModel):
    path: str
    stored: Any
    recomputed: Any


class FileCheck(BaseModel):
    id: int
    filename: str
    sha256: str
    status: Literal["intact", "tampered", "missing", "hash-mismatch"]
    actual_sha256: str | None
    detail: str | None = None


class Integrity(BaseModel):
    """Stored evidence re-hashed after decryption, compared with the root on chain."""

    submission_id: int
    on_chain_root: str | None = Field(description="null before the report is on chain")
    stored_root: str | None
    recomputed_root: str | None
    evidence_intact: bool
    files: list[FileCheck]


class Recomputation(BaseModel):
    submission_id: int
    methodology: str
    stored: Calculation
    recomputed_total_co2e: str
    recomputed_result_digest: str
    on_chain_calculation_digest: str | None
    matches: bool = Field(description="the recomputed report equals the stored one")
    calculation_digest_matches_chain: bool | None
    differences: list[Difference]
    evidence_intact: bool
    evidence: Integrity


class MethodologyOut(BaseModel):
    id: str
    industry: str
    name_zh: str
    name_en: str
    document: str
    sectors: list[str]
    valid_from: str
    valid_to: str | None
    sources: list[str]


class GuideParameter(BaseModel):
    name: str
    symbol: str
    unit: str
    label_zh: str
    label_en: str
    default: str | None = Field(description="a factor key, a constant, or none (measure it)")
    required: bool = Field(description="the reporter must give a measured value")


class GuideDefault(BaseModel):
    parameter: str
    material: str | None
    key: str
    value: str
    unit: str
    label_zh: str
    label_en: str
    document: str
    table: str
    status: str
    note: str


class GuideSource(BaseModel):
    source: str
    category: str
    label_zh: str
    label_en: str
    formula: str
    material_key: str | None
    quantity_unit: str | None
    quantity_label_zh: str
    quantity_label_en: str
    parameters: list[GuideParameter]
    defaults: list[GuideDefault] = Field(description="the default factors, with provenance")


class GuideOption(BaseModel):
    name: str
    description: str


class MethodologyGuideOut(BaseModel):
    id: str
    industry: str
    name_zh: str
    name_en: str
    document: str
    valid_from: str
    valid_to: str | None
    factor_sets: list[str]
    alternative_factor_sets: list[str]
    gwp: str
    gwp_choice: bool
    options: list[GuideOption]
    sources: list[GuideSource]
    html_zh: str = Field(description="the guidance page in Chinese, as HTML (empty if none)")
    html_en: str = Field(description="the guidance page in English, as HTML (empty if none)")
