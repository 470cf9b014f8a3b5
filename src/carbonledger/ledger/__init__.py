"""Typed client for the carbonledger contracts over any EVM JSON-RPC endpoint.

It speaks plain Ethereum JSON-RPC (httpx), encodes with eth-abi and signs locally with
eth-account, so it works the same against the bundled node, anvil or Besu.
"""

from carbonledger.ledger.client import Chain, LedgerError, Receipt, RevertError, Signer
from carbonledger.ledger.contracts import (
    AllocationKind,
    BlockState,
    ComplianceStatus,
    DealState,
    DealTerms,
    Fill,
    OrderIntent,
    ReportState,
    Role,
    Side,
    TxResult,
)
from carbonledger.ledger.deploy import AddressBook, Suite, deploy_suite

__all__ = [
    "AddressBook",
    "AllocationKind",
    "BlockState",
    "Chain",
    "ComplianceStatus",
    "DealState",
    "DealTerms",
    "Fill",
    "LedgerError",
    "OrderIntent",
    "Receipt",
    "ReportState",
    "RevertError",
    "Role",
    "Side",
    "Signer",
    "Suite",
    "TxResult",
    "deploy_suite",
]
