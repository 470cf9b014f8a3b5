from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from carbonledger.platform.security import Kind

USERNAME = r"^[A-Za-z0-9_.\-]{3,64}$"
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

Username = Annotated[str, Field(pattern=USERNAME, examples=["zhang.wei"])]
Password = Annotated[str, Field(min_length=1, max_length=200, examples=["correct-horse-42"])]


class RegisterOrganisation(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation": "华东示范电厂 East China Demo Power",
                    "kind": "enterprise",
                    "username": "ecpower.admin",
                    "password": "correct-horse-42",
                    "email": "carbon@ecpower.example",
                    "credit_code": "91320000MA1EXAMPLE",
                }
            ]
        }
    )

    organisation: Annotated[str, Field(min_length=2, max_length=200)]
    kind: Kind
    username: Username
    password: Password
    email: Annotated[str, Field(max_length=200)] = ""
    display_name: Annotated[str, Field(max_length=200)] = ""
    credit_code: Annotated[str | None, Field(max_length=18)] = None
    custody: Annotated[str, Field(pattern="^(platform|client)$")] = "platform"
    #: with custody=client: the organisation's own chain address
    address: Annotated[str | None, Field(pattern="^0x[0-9a-fA-F]{40}$")] = None

    @field_validator("kind")
    @classmethod
    def _no_admin(cls, v: Kind) -> Kind:
        if v is Kind.ADMIN:
            raise ValueError("admin accounts cannot be registered; an admin creates them")
        return v

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        v = v.strip().upper()
        if not CREDIT_CODE.match(v):
            raise ValueError(
                "a unified social credit code has 18 characters: digits and capital letters "
                "except I, O, S, V, Z (GB 32100-2015)"
            )
        return v


class Login(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"username": "ecpower.admin", "password": "correct-horse-42"}]
        }
    )
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Password


class Refresh(BaseModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=4096)]


class ChangePassword(BaseModel):
    current_password: Password
    new_password: Password


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class NewUser(BaseModel):
    username: Username
    password: Password
    email: Annotated[str, Field(max_length=200)] = ""
    display_name: Annotated[str, Field(max_length=200)] = ""


class Decision(BaseModel):
    note: Annotated[str, Field(max_length=500)] = ""


class Certification(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"industry": "power", "region": "CN-JS", "credit_code": "91320000MA1EXAMPLE"}
            ]
        }
    )
    #: the industry code: a methodology sector (power, cement, steel...) or a GB/T 4754 code
    industry: Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_\-.]+$")]
    #: ISO 3166-2 region, e.g. CN-JS
    region: Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    credit_code: Annotated[str, Field(max_length=18)]

    _cc = field_validator("credit_code")(RegisterOrganisation._credit_code.__func__)  # type: ignore[attr-defined]


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    email: str
    active: bool
    org_admin: bool
    created_at: datetime
    last_login_at: datetime | None


class OrganisationOut(BaseModel):
    id: int
    name: str
    kind: Kind
    status: str
    credit_code: str | None
    industry: str
    region: str
    certified: bool
    certified_at: datetime | None
    custody: str
    address: str | None
    on_chain: bool
    created_at: datetime
    decided_at: datetime | None
    decision_note: str


class Me(BaseModel):
    user: UserOut
    organisation: OrganisationOut


class Registered(BaseModel):
    organisation: OrganisationOut
    user: UserOut
    message: str
