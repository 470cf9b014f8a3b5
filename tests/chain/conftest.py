from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from carbonledger.chain.devnet import Devnet

ERC20_SOURCE = Path(__file__).parents[2] / "src" / "carbonledger" / "bench" / "erc20.vy"


@pytest.fixture(scope="session")
def erc20() -> dict[str, Any]:
    import vyper

    out = vyper.compile_code(ERC20_SOURCE.read_text(), output_formats=["bytecode", "abi"])
    return {"abi": out["abi"], "bytecode": out["bytecode"]}


def start_devnet(directory: Path, nodes: int, **genesis: Any) -> Devnet:
    devnet = Devnet(directory)
    devnet.up(nodes, genesis_overrides=genesis or None)
    return devnet


@pytest.fixture(scope="session")
def devnet3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Devnet]:
    """One 3-node devnet shared by the tests that do not disturb it."""
    devnet = Devnet(tmp_path_factory.mktemp("devnet3"))
    try:
        devnet.up(3)
        yield devnet
    finally:
        if devnet.manifest_path.exists():
            devnet.down()
