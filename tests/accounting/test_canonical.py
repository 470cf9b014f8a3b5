"""The canonical JSON form and its digests are stable across runs, processes and machines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from carbonledger.accounting import canonical
from carbonledger.accounting.engine import calculate_dict

# Digests of the bundled cement example. They change only when the example, the packaged
# factors or the engine's canonical form change — which must then be a deliberate new
# version, because anchored reports are recomputed from them.
CEMENT_INPUT = "sha256:250352712966349de87a23f3d39b2c74bc18267e9bbabe18fd89e0101d0d15fb"
CEMENT_FACTORS = "sha256:80d7d7da72612c836195ac5b581e60bba35a3dea958d7f4159814692f8735663"


def test_canonical_encoding_rules() -> None:
    value = {"b": Decimal("1.500"), "a": [Decimal("0E-7"), 3, "漢字"], "c": Decimal("1E+3")}
    assert canonical.dumps(value) == '{"a":["0",3,"漢字"],"b":"1.5","c":"1000"}'.encode()


def test_floats_have_no_canonical_form() -> None:
    with pytest.raises(TypeError, match="float"):
        canonical.dumps({"x": 0.1})


def test_cement_digests_are_fixed(cement: dict[str, Any]) -> None:
    report = calculate_dict(cement)
    assert report.input_digest == CEMENT_INPUT
    assert report.table.digest == CEMENT_FACTORS
    again = calculate_dict(json.loads(json.dumps(cement)))
    assert again.to_json() == report.to_json()
    assert again.result_digest == report.result_digest


def test_digests_do_not_depend_on_key_order_or_number_spelling(cement: dict[str, Any]) -> None:
    reordered = dict(reversed(list(cement.items())))
    line = reordered["facilities"][0]["lines"][0]
    line["quantity"] = {"unit": "t", "value": "150000.000"}
    assert calculate_dict(reordered).result_digest == calculate_dict(cement).result_digest


def test_digests_change_when_an_input_changes(cement: dict[str, Any]) -> None:
    before = calculate_dict(cement)
    cement["facilities"][0]["lines"][0]["quantity"]["value"] = 150001
    after = calculate_dict(cement)
    assert after.input_digest != before.input_digest
    assert after.result_digest != before.result_digest
    assert after.table.digest == before.table.digest


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_digests_are_the_same_in_another_process(cement: dict[str, Any], seed: str) -> None:
    here = calculate_dict(cement).result_digest
    code = (
        "import json,sys;from carbonledger.accounting.engine import calculate_dict;"
        "print(calculate_dict(json.load(sys.stdin)).result_digest)"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": "C", "TZ": "Pacific/Auckland"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(cement),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout.strip() == here
