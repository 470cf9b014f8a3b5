"""The chain's commands: every one has --help; devnet up/status/down through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app

from .helpers import rpc

COMMANDS = [
    ["node"],
    ["devnet"],
    ["devnet", "up"],
    ["devnet", "status"],
    ["devnet", "down"],
    ["chain"],
    ["chain", "verify"],
    ["bench", "chain"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_chain_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_devnet_up_status_down(tmp_path: Path) -> None:
    directory = tmp_path / "net"
    runner = CliRunner()
    result = runner.invoke(app, ["devnet", "up", "--nodes", "1", "--dir", str(directory)])
    try:
        assert result.exit_code == 0, result.output
        manifest = json.loads((directory / "devnet.json").read_text())
        assert set(manifest) == {"chain_id", "nodes", "nats", "admin"}
        assert manifest["admin"]["private_key"].startswith("0x")
        node = manifest["nodes"][0]
        assert int(rpc(node["rpc_url"], "eth_chainId"), 16) == manifest["chain_id"]
        status = runner.invoke(app, ["devnet", "status", "--dir", str(directory)])
        assert status.exit_code == 0
        assert json.loads(status.stdout)["nodes"][0]["height"] == 0
        pids = [node["pid"], manifest["nats"][0]["pid"]]
        assert all(_running(pid) for pid in pids)
    finally:
        down = runner.invoke(app, ["devnet", "down", "--dir", str(directory)])
    assert down.exit_code == 0
    assert down.stdout.startswith("stopped: node1 (pid")
    assert not any(_running(pid) for pid in pids)

    # up again on the same directory restarts the stopped devnet with its data
    again = runner.invoke(app, ["devnet", "up", "--nodes", "1", "--dir", str(directory)])
    try:
        assert again.exit_code == 0, again.output
        manifest2 = json.loads((directory / "devnet.json").read_text())
        assert manifest2["admin"] == manifest["admin"]
        twice = runner.invoke(app, ["devnet", "up", "--nodes", "1", "--dir", str(directory)])
        assert twice.exit_code == 1
        assert "already runs a devnet (node1, nats1); run devnet down first" in twice.stderr
    finally:
        runner.invoke(app, ["devnet", "down", "--dir", str(directory)])
