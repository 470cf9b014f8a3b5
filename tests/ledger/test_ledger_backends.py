"""The CARBONLEDGER_TEST_CHAIN switch: unknown backends fail loudly, never skip."""

import pytest
from ledger_backends import start_backend
from ledger_testing import cast_key

from carbonledger.devtools.anvil import rpc
from carbonledger.ledger import Chain, Signer


@pytest.mark.parametrize("name", ["node", "devnet"])
def test_bundled_chain_backends_start_admit_the_test_accounts_and_stop(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("CARBONLEDGER_TEST_CHAIN", name)
    backend = start_backend()
    try:
        assert int(str(rpc(backend.url, "eth_blockNumber")), 16) == 0
        chain = Chain(backend.url)
        # a permitted test account can send: a zero-value transfer to itself is mined
        alice = Signer(cast_key(3))
        receipt = chain.send_value(alice, alice.address, 0)
        assert receipt.status == 1
        chain.close()
    finally:
        backend.close()
    with pytest.raises(OSError):
        rpc(backend.url, "eth_blockNumber", timeout=1.0)


def test_unknown_backend_lists_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONLEDGER_TEST_CHAIN", "ganache")
    with pytest.raises(RuntimeError, match="anvil, node, devnet, rpc"):
        start_backend()


def test_rpc_backend_needs_url_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONLEDGER_TEST_CHAIN", "rpc")
    monkeypatch.delenv("CARBONLEDGER_TEST_RPC_URL", raising=False)
    with pytest.raises(RuntimeError, match="CARBONLEDGER_TEST_RPC_URL"):
        start_backend()
