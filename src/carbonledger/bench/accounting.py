"""``carbonledger bench accounting``: calculations per second on one core.

Workload: N synthetic enterprise-year submissions across industries (steel, cement,
chemicals, aluminium, glass, MEE power, GHG Protocol), about 30 activity lines each, built
deterministically from a seed. Each is parsed from a Python dict (as the platform hands it
over after JSON decoding) and calculated; a second pass also produces the canonical JSON
and the three digests that get anchored on chain. As a same-run reference the benchmark
times ``json.loads`` of the same documents, so figures from noisy machines can be compared
as ratios. The engine's modules may run compiled (mypyc) or as pure Python: the result
says which (``compiled``, :data:`carbonledger.accounting.compiled`).
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from carbonledger.accounting.engine import calculate
from carbonledger.accounting.submission import parse_json_text, parse_submission_dict

COAL = ["anthracite", "bituminous_coal", "lignite", "cleaned_coal", "coke"]
LIQUID = ["diesel", "fuel_oil", "gasoline", "lpg", "crude_oil"]
GAS = ["natural_gas", "coke_oven_gas", "blast_furnace_gas", "converter_gas"]
REGIONS = ["华北", "东北", "华东", "华中", "西北", "南方"]


def _q(rng: random.Random, lo: int, hi: int, unit: str) -> dict[str, object]:
    return {"value": str(Decimal(rng.randint(lo * 100, hi * 100)) / 100), "unit": unit}


def _fuel(rng: random.Random, i: int, measured: bool = False) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.4:
        fuel, unit, lo, hi = rng.choice(COAL), "t", 100, 200000
    elif kind < 0.7:
        fuel, unit, lo, hi = rng.choice(LIQUID), "t", 1, 5000
    else:
        fuel, unit, lo, hi = rng.choice(GAS), "10^4Nm3", 10, 50000
    line: dict[str, Any] = {
        "id": f"f{i}",
        "source": "fuel_combustion",
        "fuel": fuel,
        "quantity": _q(rng, lo, hi, unit),
    }
    if measured and unit == "t":
        line["parameters"] = {"ncv": {"value": str(rng.randint(180, 260) / 10), "unit": "GJ/t"}}
    return line


def _energy(rng: random.Random, i: int) -> list[dict[str, Any]]:
    return [
        {"id": f"e{i}", "source": "purchased_electricity", "quantity": _q(rng, 100, 90000, "MWh")},
        {"id": f"h{i}", "source": "purchased_heat", "quantity": _q(rng, 100, 50000, "GJ")},
        {"id": f"x{i}", "source": "exported_electricity", "quantity": _q(rng, 0, 500, "MWh")},
    ]


def _steel(rng: random.Random) -> list[dict[str, Any]]:
    lines = [_fuel(rng, i, measured=i % 3 == 0) for i in range(18)]
    for i, m in enumerate(["limestone_flux", "dolomite_flux", "electrode", "pig_iron", "dri"]):
        lines.append(
            {
                "id": f"p{i}",
                "source": "process_material",
                "material": m,
                "quantity": _q(rng, 10, 100000, "t"),
            }
        )
    lines.append(
        {
            "id": "s0",
            "source": "carbon_sequestration",
            "material": "crude_steel",
            "quantity": _q(rng, 1000, 900000, "t"),
        }
    )
    for k in range(2):
        lines += _energy(rng, k)
    return lines


def _cement(rng: random.Random) -> list[dict[str, Any]]:
    lines = [_fuel(rng, i, measured=True) for i in range(20)]
    for k in range(3):
        lines.append(
            {
                "id": f"c{k}",
                "source": "clinker",
                "quantity": _q(rng, 10000, 1000000, "t"),
                "parameters": {
                    "cao": {"value": "65", "unit": "%"},
                    "cao_noncarbonate": {"value": "0.5", "unit": "%"},
                    "mgo": {"value": "2", "unit": "%"},
                    "mgo_noncarbonate": {"value": "0.1", "unit": "%"},
                },
            }
        )
        lines.append(
            {
                "id": f"o{k}",
                "source": "raw_meal_organic_carbon",
                "quantity": _q(rng, 10000, 1500000, "t"),
                "parameters": {"organic_carbon": {"value": "0.1", "unit": "%"}},
            }
        )
    for k in range(1):
        lines += _energy(rng, k)
    return lines


def _chemicals(rng: random.Random) -> list[dict[str, Any]]:
    lines = [_fuel(rng, i) for i in range(14)]
    for i, m in enumerate(["methane", "ethane", "propylene", "methanol"]):
        lines.append(
            {
                "id": f"ci{i}",
                "source": "carbon_input",
                "material": m,
                "quantity": _q(rng, 1000, 50000, "t"),
            }
        )
    for i, m in enumerate(["ethylene", "ethylene_glycol", "urea"]):
        lines.append(
            {
                "id": f"co{i}",
                "source": "carbon_output",
                "material": m,
                "quantity": _q(rng, 100, 20000, "t"),
            }
        )
    for i, t in enumerate(["high_pressure", "dual_pressure"]):
        lines.append(
            {
                "id": f"n{i}",
                "source": "nitric_acid_n2o",
                "technology": t,
                "quantity": _q(rng, 1000, 100000, "t"),
            }
        )
    lines.append(
        {
            "id": "cb",
            "source": "carbonate_use",
            "material": "Na2CO3",
            "quantity": _q(rng, 10, 5000, "t"),
            "parameters": {"purity": {"value": "98", "unit": "%"}},
        }
    )
    lines.append({"id": "r", "source": "co2_recovered", "quantity": _q(rng, 10, 2000, "tCO2")})
    for k in range(2):
        lines += _energy(rng, k)
    return lines


def _aluminium(rng: random.Random) -> list[dict[str, Any]]:
    lines = [_fuel(rng, i) for i in range(20)]
    for k in range(2):
        lines.append(
            {"id": f"a{k}", "source": "anode_consumption", "quantity": _q(rng, 10000, 500000, "t")}
        )
        lines.append(
            {"id": f"pfc{k}", "source": "anode_effect_pfc", "quantity": _q(rng, 10000, 500000, "t")}
        )
    lines.append(
        {"id": "ls", "source": "limestone_calcination", "quantity": _q(rng, 10, 9000, "t")}
    )
    for k in range(2):
        lines += _energy(rng, k)
    return lines


def _glass(rng: random.Random) -> list[dict[str, Any]]:
    lines = [_fuel(rng, i) for i in range(18)]
    for i, m in enumerate(["CaCO3", "CaMg(CO3)2", "Na2CO3", "MgCO3"]):
        lines.append(
            {
                "id": f"g{i}",
                "source": "raw_material_decomposition",
                "material": m,
                "quantity": _q(rng, 100, 90000, "t"),
            }
        )
    lines.append(
        {
            "id": "cp",
            "source": "carbon_powder",
            "quantity": _q(rng, 1, 500, "t"),
            "parameters": {"carbon_content": {"value": "0.9", "unit": "fraction"}},
        }
    )
    for k in range(2):
        lines += _energy(rng, k)
    return lines


def _mee_power(rng: random.Random) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for i in range(24):
        lines.append(
            {
                "id": f"coal{i}",
                "source": "fuel_combustion",
                "fuel": "bituminous_coal",
                "quantity": _q(rng, 1000, 90000, "t"),
                "parameters": {
                    "ncv": {"value": "21.8", "unit": "GJ/t"},
                    "carbon_content_ar": {"value": "56.3", "unit": "%"},
                },
            }
        )
    lines += [
        {
            "id": "oil",
            "source": "fuel_combustion",
            "fuel": "diesel",
            "quantity": _q(rng, 1, 300, "t"),
        },
        {"id": "el", "source": "purchased_electricity", "quantity": _q(rng, 100, 20000, "MWh")},
        {
            "id": "sup",
            "source": "production",
            "product": "power_supplied",
            "quantity": _q(rng, 1000000, 9000000, "MWh"),
        },
    ]
    return lines


def _ghg(rng: random.Random) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for i in range(20):
        fuel = rng.choice(["natural_gas", "gas_diesel_oil", "lpg", "other_bituminous_coal"])
        lines.append(
            {
                "id": f"sc{i}",
                "source": "stationary_combustion",
                "fuel": fuel,
                "quantity": _q(rng, 1, 20000, "t"),
            }
        )
    for i, gas in enumerate(["HFC134a", "SF6", "CH4"]):
        lines.append(
            {
                "id": f"fg{i}",
                "source": "fugitive_emissions",
                "gas": gas,
                "quantity": _q(rng, 1, 500, f"kg{gas}"),
            }
        )
    for i in range(4):
        line: dict[str, Any] = {
            "id": f"el{i}",
            "source": "purchased_electricity",
            "quantity": _q(rng, 100, 90000, "MWh"),
        }
        if i == 0:
            line["parameters"] = {"contractual_factor": {"value": "0", "unit": "tCO2/MWh"}}
        lines.append(line)
    return lines


INDUSTRIES: dict[str, tuple[str, Callable[[random.Random], list[dict[str, Any]]]]] = {
    "steel": ("cn-2013-steel@1", _steel),
    "cement": ("cn-2013-cement@1", _cement),
    "chemicals": ("cn-2013-chemicals@1", _chemicals),
    "aluminium": ("cn-2013-aluminium@1", _aluminium),
    "glass": ("cn-2013-glass@1", _glass),
    "power": ("cn-mee-power@1", _mee_power),
    "ghg": ("ghg-protocol-corporate@1", _ghg),
}


def synthetic_submissions(n: int, seed: int = 2024) -> list[dict[str, Any]]:
    """``n`` valid submissions, deterministic for a seed, as JSON-decoded dicts."""
    rng = random.Random(seed)
    names = sorted(INDUSTRIES)
    docs = []
    for i in range(n):
        industry = names[i % len(names)]
        methodology, build = INDUSTRIES[industry]
        region = rng.choice(REGIONS)
        options: dict[str, object] = {"grid_region": region}
        if industry == "power":
            options = {}
        if industry == "ghg":
            options = {"grid_region": region, "electricity_factor_year": 2023, "gwp": "AR6"}
        docs.append(
            {
                "schema": "carbonledger/activity-data@1",
                "enterprise": {"name": f"企业{i:05d}", "region": region},
                "period": {"year": 2023},
                "methodology": methodology,
                "options": options,
                "facilities": [{"id": "site", "lines": build(rng)}],
            }
        )
    text = json.dumps(docs, ensure_ascii=False)
    decoded: list[dict[str, Any]] = parse_json_text(text)
    return decoded


@dataclass
class Round:
    seconds: float
    count: int

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def run(
    n: int = 10_000, rounds: int = 3, seed: int = 2024, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    import carbonledger.accounting
    from carbonledger.accounting import engine

    compiled = carbonledger.accounting.compiled
    progress(
        f"accounting engine: {'compiled (mypyc)' if compiled else 'pure Python'} "
        f"({Path(engine.__file__ or '').name})"
    )
    progress(f"generating {n} synthetic submissions (seed {seed})...")
    docs = synthetic_submissions(n, seed)
    lines = sum(len(d["facilities"][0]["lines"]) for d in docs)
    texts = [json.dumps(d, ensure_ascii=False, default=str) for d in docs]
    # warm caches (methodology registry, factor tables, unit conversions)
    for d in docs[: len(INDUSTRIES)]:
        calculate(parse_submission_dict(d)).to_json()

    def timed(work: Callable[[], int]) -> Round:
        start = time.perf_counter()
        count = work()
        return Round(time.perf_counter() - start, count)

    def calc_only() -> int:
        total = Decimal(0)
        for d in docs:
            total += calculate(parse_submission_dict(d)).total
        return len(docs)

    def calc_and_digest() -> int:
        digests = []
        for d in docs:
            digests.append(calculate(parse_submission_dict(d)).result_digest)
        return len(docs)

    def reference() -> int:
        for t in texts:
            json.loads(t)
        return len(texts)

    results: dict[str, list[Round]] = {"calculate": [], "calculate+digests": [], "json.loads": []}
    for r in range(rounds):
        results["calculate"].append(timed(calc_only))
        results["calculate+digests"].append(timed(calc_and_digest))
        results["json.loads"].append(timed(reference))
        progress(
            f"round {r + 1}/{rounds}: "
            + ", ".join(f"{k} {v[-1].rate:,.0f}/s" for k, v in results.items())
        )
    medians = {k: statistics.median(x.rate for x in v) for k, v in results.items()}
    return {
        "compiled": compiled,
        "submissions": n,
        "activity_lines": lines,
        "lines_per_submission": lines / n,
        "rounds": rounds,
        "median_per_second": medians,
        "ratio_to_json_loads": {
            k: medians[k] / medians["json.loads"] for k in ("calculate", "calculate+digests")
        },
    }
