from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

EXAMPLES = resources.files("carbonledger.accounting") / "data" / "examples"


def load_example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def cement() -> dict[str, Any]:
    return copy.deepcopy(load_example("cement.json"))
