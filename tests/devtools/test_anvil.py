from carbonledger.devtools.anvil import Anvil, rpc


def test_anvil_starts_answers_and_stops() -> None:
    with Anvil(chain_id=4242) as node:
        assert rpc(node.url, "eth_chainId") == hex(4242)
        assert len(node.private_keys) == 10
        proc = node.process
        assert proc is not None
    assert proc.poll() is not None
