"""``carbonledger run`` (what ``make run`` starts): chain up, contracts deployed, all stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app
from carbonledger.devtools.anvil import rpc


def test_run_starts_the_system_and_a_second_run_finds_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as make run does: the default directory, relative to where it is started
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, ["run", "--check", "--port", "0"])
    tmp_path = tmp_path / "var" / "run"
    assert first.exit_code == 0, first.output
    assert "cn-2013-cement@1" in first.output
    assert "REST API:  http://127.0.0.1:" in first.output
    for login in ("admin", "regulator", "verifier1", "verifier2", "bank", "power", "cement"):
        assert f"    {login} " in first.output
    assert (tmp_path / "platform" / "platform.db").exists()
    assert "JSON-RPC node3: http://127.0.0.1:" in first.output
    book = json.loads((tmp_path / "addresses.json").read_text())
    manifest = json.loads((tmp_path / "devnet" / "devnet.json").read_text())
    url = manifest["nodes"][0]["rpc_url"]
    assert "stopped: node1" in first.output
    assert all(entry["pid"] is None for entry in manifest["nodes"] + manifest["nats"])

    second = runner.invoke(app, ["run", "--dir", "var/run", "--check", "--port", "0"])
    assert second.exit_code == 0, second.output
    # the same chain restarted with its data: same contracts, not a second deployment
    assert json.loads((tmp_path / "addresses.json").read_text()) == book
    assert book["registry"] in second.output
    try:
        rpc(url, "eth_blockNumber", timeout=1.0)
        raise AssertionError("the chain should be stopped after --check")
    except OSError:
        pass
