"""carbonledger smart contracts: Vyper sources and their compiled artefacts.

The sources (``*.vy``) are compiled with the pinned Vyper version into ``artifacts/``
(one JSON per contract: ABI, deploy bytecode, source hash). The artefacts are committed
so that the ledger client needs no compiler at run time; a test fails when they drift from
the sources (``make contracts`` rebuilds them).
"""

from carbonledger.contracts.build import (
    CONTRACTS,
    VYPER_VERSION,
    Artifact,
    compile_contract,
    compile_suite,
    load_artifact,
    load_suite,
    source_hash,
    write_artifacts,
)

__all__ = [
    "CONTRACTS",
    "VYPER_VERSION",
    "Artifact",
    "compile_contract",
    "compile_suite",
    "load_artifact",
    "load_suite",
    "source_hash",
    "write_artifacts",
]
