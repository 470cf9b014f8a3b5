"""``carbonledger bench api`` runs end to end (short rounds; the numbers are for the notes)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from carbonledger.cli import app


def test_bench_api_measures_every_scenario() -> None:
    out = CliRunner().invoke(
        app, ["bench", "api", "--chain", "anvil", "--seconds", "0.3", "--rounds", "1", "--json"]
    )
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout[out.stdout.index("{") :])
    rows = {r["scenario"]: r for r in result["rows"]}
    assert "GET /health (reference)" in rows
    for row in rows.values():
        assert row["requests"] > 0, row
        assert row["errors"] == 0, row
        assert row["p50_ms"] <= row["p99_ms"]
