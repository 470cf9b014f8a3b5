from __future__ import annotations

from collections.abc import Iterator

import pytest
from ledger_backends import Backend, start_backend
from ledger_testing import World, build_world

from carbonledger.ledger import Chain


@pytest.fixture(scope="session")
def backend() -> Iterator[Backend]:
    b = start_backend()
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def chain(backend: Backend) -> Iterator[Chain]:
    c = Chain(backend.url)
    yield c
    c.close()


@pytest.fixture(scope="session")
def world(backend: Backend, chain: Chain) -> World:
    """The baseline world, shared. Only tests that change no state may use it directly."""
    return build_world(chain, backend.funded_key)


@pytest.fixture
def w(backend: Backend, chain: Chain, world: World) -> Iterator[World]:
    """The baseline world, restored after the test (snapshot/revert, else a redeploy)."""
    if backend.snapshot is None or backend.revert is None:
        # other clients (the CLI and bench tests) may have sent with the same keys
        chain.forget_nonces()
        yield build_world(chain, backend.funded_key)
        return
    snap = backend.snapshot()
    try:
        yield world
    finally:
        backend.revert(snap)
        chain.forget_nonces()
