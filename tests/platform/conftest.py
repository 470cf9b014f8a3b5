from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from platform_testing import (
    Api,
    ChainEnv,
    anvil_chain,
    join_platform_threads,
    platform_threads,
    running_platform,
)


@pytest.fixture(autouse=True)
def no_platform_left_running() -> Iterator[None]:
    """A test stops every platform it starts: a forgotten one keeps settling and
    indexing into the next tests (and into databases already dropped)."""
    before = {t.ident for t in platform_threads() if t.ident is not None}
    yield
    left = join_platform_threads(before, timeout=30)
    assert not left, f"platform threads still running after the test: {left}"


@pytest.fixture(scope="session")
def chain_env() -> Iterator[ChainEnv]:
    env = anvil_chain()
    try:
        yield env
    finally:
        env.close()


@pytest.fixture
def api(chain_env: ChainEnv, tmp_path: Path) -> Iterator[Api]:
    """A running platform on a fresh database, on the shared anvil chain restored after
    the test."""
    assert chain_env.snapshot is not None and chain_env.revert is not None
    snap = chain_env.snapshot()
    try:
        with running_platform(chain_env, tmp_path) as api:
            yield api
    finally:
        chain_env.revert(snap)
