"""Imports every ORM model so the metadata is complete (migrations, tests)."""

from carbonledger.platform.accounts.models import Organisation, User
from carbonledger.platform.audit import AuditEntry, AuditHead
from carbonledger.platform.compliance.models import Deadline, Penalty, PendingDeduction
from carbonledger.platform.idempotency import IdempotencyRecord
from carbonledger.platform.market.models import (
    MarketAuction,
    MarketDeal,
    MarketInstrument,
    MarketJournal,
    MarketNotice,
    MarketOrder,
    MarketRelation,
    MarketSnapshot,
    MarketTrade,
)
from carbonledger.platform.mrv.models import EvidenceFile, EvidenceKey, Submission, Transition
from carbonledger.platform.registry.models import (
    Allocation,
    CoinDeposit,
    OffsetProject,
    Retirement,
    Withdrawal,
)

__all__ = [
    "Allocation",
    "AuditEntry",
    "AuditHead",
    "CoinDeposit",
    "Deadline",
    "EvidenceFile",
    "EvidenceKey",
    "IdempotencyRecord",
    "MarketAuction",
    "MarketDeal",
    "MarketInstrument",
    "MarketJournal",
    "MarketNotice",
    "MarketOrder",
    "MarketRelation",
    "MarketSnapshot",
    "MarketTrade",
    "OffsetProject",
    "Organisation",
    "Penalty",
    "PendingDeduction",
    "Retirement",
    "Submission",
    "Transition",
    "User",
    "Withdrawal",
]
