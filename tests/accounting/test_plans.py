"""The cached calculation plans give exactly what the general path gives.

Fuel combustion (NDRC and IPCC) and MEE coal lines take plans cached per factor table: the
default terms, activity unit and rows of uncertain provenance resolved once per (source,
fuel, unit). With the plan builders switched off every line takes the general path; the
canonical JSON (every digit, every term, every warning) and the problems of invalid lines
must be the same either way.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import pytest

from carbonledger.accounting import factors
from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError
from carbonledger.accounting.methodologies.ghg_protocol import IpccCombustion
from carbonledger.accounting.methodologies.mee_power import MeeFuelCombustion
from carbonledger.accounting.sources import FuelCombustion
from carbonledger.bench.accounting import synthetic_submissions


def _variants(seed: int) -> list[dict[str, Any]]:
    """Synthetic submissions, and copies with other units, zero and negative quantities."""
    rng = random.Random(seed)
    docs = synthetic_submissions(35, seed)
    out = list(docs)
    for doc in docs:
        varied = copy.deepcopy(doc)
        for line in varied["facilities"][0]["lines"]:
            q = line.get("quantity")
            if not isinstance(q, dict):
                continue
            pick = rng.random()
            if pick < 0.2 and q["unit"] == "t":
                q["unit"], q["value"] = "kg", str(rng.randint(1, 10**9))
            elif pick < 0.3:
                q["value"] = "0"
            car = line.get("parameters", {}).get("carbon_content_ar")
            if car is not None and rng.random() < 0.5:
                line["parameters"]["carbon_content_ar"] = {"value": "0.563", "unit": "fraction"}
        out.append(varied)
    bad = copy.deepcopy(docs[0])
    bad["facilities"][0]["lines"][0]["quantity"]["value"] = "-5"
    out.append(bad)
    return out


def _outcome(doc: dict[str, Any]) -> bytes | list[str]:
    try:
        return calculate_dict(doc).to_json()
    except InputError as err:
        return [str(p) for p in err.problems]


@pytest.fixture
def fresh_tables() -> Iterator[None]:
    factors.factor_table.cache_clear()
    yield
    factors.factor_table.cache_clear()


@pytest.mark.parametrize("seed", [3, 2024])
def test_plans_agree_with_the_general_path(
    seed: int, fresh_tables: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _variants(seed)
    planned = [_outcome(d) for d in docs]
    assert any(isinstance(p, list) for p in planned)
    monkeypatch.setattr(FuelCombustion, "_plan", lambda *a: None)
    monkeypatch.setattr(IpccCombustion, "_ipcc_plan", lambda *a: None)
    monkeypatch.setattr(MeeFuelCombustion, "_coal_plan", lambda *a: None)
    factors.factor_table.cache_clear()
    general = [_outcome(d) for d in docs]
    assert planned == general
