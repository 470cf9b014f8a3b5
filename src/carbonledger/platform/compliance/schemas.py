"""The compliance API contract (tonnes; fines in cents)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from carbonledger.platform.registry.schemas import BlockId, OrgId

Year = Annotated[int, Field(ge=2000, le=2100, examples=[2024])]
Tonnes = Annotated[int, Field(gt=0, le=10**15)]


class StatusOut(BaseModel):
    org_id: int
    year: int
    obligation: int
    surrendered_allowances: int
    surrendered_offsets: int
    offset_cap: int
    offset_cap_bps: int
    gap: int
    #: pending, compliant or deficit (the contract's rule)
    status: str
    deadline: datetime | None
    penalties_cents: int


class OverviewRow(BaseModel):
    org_id: int
    name: str
    industry: str
    region: str
    year: int
    obligation: int
    surrendered_allowances: int
    surrendered_offsets: int
    gap: int
    status: str
    deadline: datetime | None
    penalties_cents: int


class SurrenderAllowancesIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"year": 2024, "vintage": 2024, "amount": 95000}]}
    )
    year: Year
    vintage: Year
    amount: Tonnes


class SurrenderOffsetsIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"year": 2024, "block_id": 3, "amount": 5000}]}
    )
    year: Year
    block_id: BlockId
    amount: Tonnes


class SurrenderOut(BaseModel):
    year: int
    what: str
    amount: int
    vintage: int | None = None
    block_id: int | None = None
    tx_hash: str
    block_number: int
    status: StatusOut


class DeadlineIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"year": 2024, "deadline": "2025-12-31T23:59:59+08:00"}]}
    )
    year: Year
    #: with a time zone
    deadline: datetime

    @field_validator("deadline")
    @classmethod
    def _reasonable(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("give the deadline with a time zone, e.g. 2025-12-31T23:59:59+08:00")
        if not 2000 <= v.astimezone(UTC).year <= 2100:
            raise ValueError("a deadline lies between the years 2000 and 2100")
        return v


class DeadlineOut(BaseModel):
    year: int
    deadline: datetime
    tx_hash: str
    block_number: int


class EligibilityIn(BaseModel):
    """The banking rule: may allowances of `vintage` be surrendered for `year`?"""

    year: Year
    vintage: Year
    eligible: bool = True


class VintageRule(BaseModel):
    vintage: int
    eligible: bool = Field(description="allowances of this vintage may be surrendered for the year")


class RulesOut(BaseModel):
    """A compliance year's rules as the chain holds them."""

    year: int
    deadline: datetime | None
    offset_cap_bps: int = Field(description="offsets may cover this share of the obligation")
    vintages: list[VintageRule] = Field(description="the banking rule for nearby vintages")


class OffsetCapIn(BaseModel):
    #: basis points of the obligation (500 = 5 %, the national ETS rule)
    bps: Annotated[int, Field(ge=0, le=10000)]


class ChainChange(BaseModel):
    tx_hash: str
    block_number: int


class PenaltyIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"org_id": 7, "year": 2024, "fine_cents": 3000000, "reason": "未按期足额清缴"}
            ]
        }
    )
    org_id: OrgId
    year: Year
    fine_cents: Annotated[int, Field(gt=0, le=10**15)]
    reason: Annotated[str, Field(max_length=200)] = ""


class PenaltyOut(BaseModel):
    id: int
    org_id: int
    year: int
    fine_cents: int
    reason: str
    shortfall: int
    deduct_vintage: int
    deducted_now: int
    pending: int
    fine_tx: str
    deduct_tx: str | None
    block_number: int
    created_at: datetime


class StandingGroup(BaseModel):
    """The overview's rows of one industry or region, counted by standing."""

    group: str
    enterprises: int
    compliant: int
    pending: int
    deficit: int


class ProvinceFigures(BaseModel):
    """The overview's rows of one province (enterprises × years; one year: enterprises)."""

    #: the province's ISO 3166-2:CN code (CN-BJ; a stored pre-2017 CN-11 is counted as
    #: CN-BJ), or the region as stored when it is not a province of China
    region: str
    #: whether `region` is one of China's 34 provincial-level divisions (drawn on a map)
    province: bool
    enterprises: int
    compliant: int
    pending: int
    deficit: int
    #: tonnes owed (verified emissions) and still missing, summed
    obligation: int
    gap: int
