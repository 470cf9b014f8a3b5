"""The CARBONLEDGER_TEST_CHAIN switch: unknown or unwired backends fail loudly, never skip."""

import pytest
from ledger_backends import start_backend


@pytest.mark.parametrize("name", ["node", "devnet"])
def test_unwired_bundled_backends_say_what_to_do(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("CARBONLEDGER_TEST_CHAIN", name)
    with pytest.raises(RuntimeError, match="not wired yet"):
        start_backend()


def test_unknown_backend_lists_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONLEDGER_TEST_CHAIN", "ganache")
    with pytest.raises(RuntimeError, match="anvil, node, devnet, rpc"):
        start_backend()


def test_rpc_backend_needs_url_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONLEDGER_TEST_CHAIN", "rpc")
    monkeypatch.delenv("CARBONLEDGER_TEST_RPC_URL", raising=False)
    with pytest.raises(RuntimeError, match="CARBONLEDGER_TEST_RPC_URL"):
        start_backend()
