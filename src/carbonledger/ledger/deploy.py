"""Deploy the whole contract suite and keep its addresses in an address book."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eth_abi.abi import encode
from eth_utils.address import to_checksum_address

from carbonledger.contracts import Artifact, compile_suite, load_suite
from carbonledger.ledger.abi import ContractAbi
from carbonledger.ledger.client import Chain, LedgerError, Receipt, Signer
from carbonledger.ledger.contracts import (
    Allowances,
    CarbonCoin,
    Compliance,
    EmissionReports,
    Offsets,
    Registry,
    Settlement,
)

DEFAULT_MAX_CONSECUTIVE = 3


@dataclass(frozen=True)
class AddressBook:
    chain_id: int
    registry: str
    coin: str
    allowances: str
    offsets: str
    reports: str
    compliance: str
    settlement: str
    deployed_at_block: int

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> AddressBook:
        return cls(**json.loads(text))

    def write(self, path: Path) -> None:
        path.write_text(self.to_json())

    @classmethod
    def read(cls, path: Path) -> AddressBook:
        return cls.from_json(path.read_text())

    def contract_addresses(self) -> list[str]:
        return [
            self.registry,
            self.coin,
            self.allowances,
            self.offsets,
            self.reports,
            self.compliance,
            self.settlement,
        ]


class Suite:
    """Typed wrappers for every contract of one deployment."""

    def __init__(self, chain: Chain, book: AddressBook) -> None:
        self.chain = chain
        self.book = book
        self.registry = Registry(chain, book.registry)
        self.coin = CarbonCoin(chain, book.coin)
        self.allowances = Allowances(chain, book.allowances)
        self.offsets = Offsets(chain, book.offsets)
        self.reports = EmissionReports(chain, book.reports)
        self.compliance = Compliance(chain, book.compliance)
        self.settlement = Settlement(chain, book.settlement)


def deploy_receipt(chain: Chain, signer: Signer, artifact: Artifact, *args: Any) -> Receipt:
    """Deploy one contract with constructor `args`; the receipt holds its address."""
    types = ContractAbi.from_json(artifact.abi).constructor_inputs
    data = artifact.bytecode + (encode(list(types), list(args)) if types else b"")
    receipt = chain.transact(signer, None, data)
    if not receipt.contract_address:
        raise LedgerError(f"deploying {artifact.name}: receipt has no contract address")
    return receipt


def deploy_contract(chain: Chain, signer: Signer, artifact: Artifact, *args: Any) -> str:
    receipt = deploy_receipt(chain, signer, artifact, *args)
    return to_checksum_address(str(receipt.contract_address))


def deploy_suite(
    chain: Chain,
    admin: Signer,
    max_consecutive: int = DEFAULT_MAX_CONSECUTIVE,
    from_sources: bool = False,
) -> Suite:
    """Deploy and wire all contracts; `admin` becomes the registry's first ADMIN.

    `from_sources` compiles the Vyper sources (cached by source hash) instead of using
    the packaged artefacts.
    """
    arts = compile_suite() if from_sources else load_suite()
    start = chain.block_number()
    registry = deploy_contract(chain, admin, arts["access_registry"])
    coin = deploy_contract(chain, admin, arts["carbon_coin"], registry)
    allowances = deploy_contract(chain, admin, arts["allowances"], registry)
    offsets = deploy_contract(chain, admin, arts["offsets"], registry)
    reports = deploy_contract(chain, admin, arts["emission_reports"], registry, max_consecutive)
    compliance = deploy_contract(
        chain, admin, arts["compliance"], registry, reports, allowances, offsets
    )
    settlement = deploy_contract(chain, admin, arts["settlement"], registry, allowances, coin)
    book = AddressBook(
        chain_id=chain.chain_id,
        registry=registry,
        coin=coin,
        allowances=allowances,
        offsets=offsets,
        reports=reports,
        compliance=compliance,
        settlement=settlement,
        deployed_at_block=start + 1,
    )
    suite = Suite(chain, book)
    suite.coin.by(admin).set_market(settlement)
    suite.allowances.by(admin).set_market(settlement)
    suite.allowances.by(admin).set_compliance(compliance)
    suite.offsets.by(admin).set_compliance(compliance)
    return suite
