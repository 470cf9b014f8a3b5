"""Settings for the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from carbonledger.platform import security


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """argon2 with its smallest cost in the test process.

    The platform's default parameters (argon2-cffi's: 64 MiB, 3 passes, 4 lanes) cost about
    0.13 s a hash or check on purpose; the suite signs hundreds of users up and in, and
    tests what is done with passwords, not argon2's cost. Hashes stay real argon2id hashes.
    Servers the tests start as separate processes keep the default.
    """
    saved = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    security._hasher = saved


@pytest.fixture(autouse=True, scope="session")
def _strict_problem_codes() -> Iterator[None]:
    """A problem whose code or params are not registered (platform/problem_codes.py) fails
    the test that raises it; a server only logs it."""
    from carbonledger.platform import errors

    saved = errors.STRICT_CODES
    errors.STRICT_CODES = True
    yield
    errors.STRICT_CODES = saved
