"""Every packaged factor row loads, carries provenance and cites known sources."""

from __future__ import annotations

import pytest

from carbonledger.accounting.errors import FactorError
from carbonledger.accounting.factors import (
    COLUMNS,
    FactorTable,
    packaged_sets,
    packaged_sources,
    parse_factor_set,
)
from carbonledger.accounting.units import parse_unit

HEADER = ",".join(COLUMNS)


def test_all_packaged_sets_load_with_provenance() -> None:
    sets = packaged_sets()
    assert len(sets) >= 12
    sources = packaged_sources()
    for ref, fs in sets.items():
        assert fs.rows, ref
        assert fs.digest.startswith("sha256:")
        for row in fs.rows.values():
            assert row.document, row.ref
            assert row.source_ids, row.ref
            for sid in row.source_ids:
                assert sid in sources, f"{row.ref} cites unknown source {sid}"
            parse_unit(row.unit)
            assert row.value >= 0 or row.key.startswith("delta"), row.ref


def test_uncertain_rows_say_why() -> None:
    for fs in packaged_sets().values():
        for row in fs.rows.values():
            if row.status in ("uncertain", "corrected", "derived", "secondary"):
                assert row.note, f"{row.ref} is {row.status} without a note"


def test_disagreeing_sources_are_kept_as_separate_sets() -> None:
    ndrc = FactorTable(["cn-ndrc-2013@1"])
    gbt = FactorTable(["cn-gbt32151-2024@1"])
    # coke oven gas: 2013 common table 173.54 vs GB/T 32151.22-2024 179.81 GJ/10^4 Nm3
    assert str(ndrc["fuel.coke_oven_gas.ncv"].value) == "173.54"
    assert str(gbt["fuel.coke_oven_gas.ncv"].value) == "179.81"
    # the power guideline's crude oil carbon content differs from the common table
    power = FactorTable(["cn-ndrc-2013-power@1"])
    assert str(power["fuel.crude_oil.carbon_content"].value) == "20.08"
    assert str(ndrc["fuel.crude_oil.carbon_content"].value) == "20.1"
    assert power["fuel.diesel.ncv"].set_ref == "cn-ndrc-2013@1"


def test_c2f6_transcription_is_corrected_and_flagged() -> None:
    row = FactorTable(["cn-ndrc-2013@1"])["aluminium.ef_c2f6"]
    assert str(row.value) == "0.0034"
    assert row.status == "corrected"
    assert "0.034" in row.note


def test_table_digest_changes_with_any_row() -> None:
    text = HEADER + "\nfuel.x.ncv,1.0,GJ/t,,,doc,t,S01,official,\n"
    a = parse_factor_set(text, id="t", edition=1)
    b = parse_factor_set(text.replace("1.0", "1.1"), id="t", edition=1)
    assert a.digest != b.digest


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("fuel.x.ncv,abc,GJ/t,,,doc,t,S01,official,", "value of fuel.x.ncv"),
        ("fuel.x.ncv,1,furlong,,,doc,t,S01,official,", "unit of fuel.x.ncv"),
        ("fuel.x.ncv,1,GJ/t,,,,t,,official,", "no provenance"),
        ("fuel.x.ncv,1,GJ/t,,,doc,t,S01,guessed,", "status 'guessed'"),
        (
            "fuel.x.ncv,1,GJ/t,,,doc,t,S01,official,\nfuel.x.ncv,2,GJ/t,,,doc,t,S01,official,",
            "duplicate key",
        ),
    ],
)
def test_malformed_factor_rows_are_refused(body: str, message: str) -> None:
    with pytest.raises(FactorError, match=message):
        parse_factor_set(HEADER + "\n" + body + "\n", id="t", edition=1, origin="t@1.csv")


def test_bad_header_is_refused() -> None:
    with pytest.raises(FactorError, match="header"):
        parse_factor_set("key,value\nx,1\n", id="t", edition=1)
