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
from carbonledger.accounting.errors import Collector, InputError
from carbonledger.accounting.methodology import get_methodology, table_for
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


class _NoPlans(dict[tuple[object, ...], Any]):
    """A table's plan cache that has no plan for any line and keeps none (every plan looked
    up is None, which sends the line down the general path); the plan builders cannot be
    patched out instead, since their classes may be compiled (mypyc)."""

    def __missing__(self, key: tuple[object, ...]) -> None:
        return None

    def get(self, key: tuple[object, ...], default: Any = None) -> Any:
        return None

    def __setitem__(self, key: tuple[object, ...], value: Any) -> None:
        pass


def _table(doc: dict[str, Any]) -> factors.FactorTable:
    """The (cached) factor table a document is calculated with."""
    methodology = get_methodology(doc["methodology"])
    return table_for(methodology.factor_refs(doc.get("options", {}), Collector()))


@pytest.fixture
def fresh_tables() -> Iterator[None]:
    factors.factor_table.cache_clear()
    yield
    factors.factor_table.cache_clear()


@pytest.mark.parametrize("seed", [3, 2024])
def test_plans_agree_with_the_general_path(seed: int, fresh_tables: None) -> None:
    docs = _variants(seed)
    planned = [_outcome(d) for d in docs]
    assert any(isinstance(p, list) for p in planned)
    assert any(_table(d).plans for d in docs)
    factors.factor_table.cache_clear()
    for doc in docs:
        _table(doc).plans = _NoPlans()
    general = [_outcome(d) for d in docs]
    assert not any(_table(d).plans for d in docs)
    assert planned == general
