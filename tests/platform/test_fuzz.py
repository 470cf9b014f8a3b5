"""API fuzzing with schemathesis against the OpenAPI schema: no input gives a 5xx.

Every operation is called with generated requests (valid and invalid per the schema) as
an anonymous client, an enterprise and a regulator. ``CARBONLEDGER_FUZZ_EXAMPLES`` sets
the examples per operation (default 12 keeps ``make test`` short; raise it for a deeper
run).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from platform_testing import ChainEnv, running_platform
from schemathesis.python.asgi import shutdown_lifespans

EXAMPLES = int(os.environ.get("CARBONLEDGER_FUZZ_EXAMPLES", "12"))


def test_no_input_gives_a_server_error(chain_env: ChainEnv, tmp_path: Path) -> None:
    assert chain_env.snapshot is not None and chain_env.revert is not None
    snap = chain_env.snapshot()
    try:
        with running_platform(chain_env, tmp_path) as api:
            identities = {
                "anonymous": {},
                "enterprise": api.organisation("enterprise", "Fuzz Enterprise").headers,
                "regulator": api.regulator.headers,
            }
            schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
            failures: list[str] = []
            operations = 0
            try:
                for result in schema.get_all_operations():
                    operation = result.ok()
                    operations += 1

                    @settings(
                        max_examples=EXAMPLES,
                        deadline=None,
                        database=None,
                        derandomize=True,
                        suppress_health_check=list(HealthCheck),
                    )
                    @given(case=operation.as_strategy())
                    def call(case: schemathesis.Case) -> None:
                        for who, headers in identities.items():
                            response = case.call(headers=headers)
                            if response.status_code >= 500:
                                failures.append(
                                    f"{case.method} {case.formatted_path} as {who}: "
                                    f"{response.status_code} {response.text[:200]}\n"
                                    f"  {case.as_curl_command()}"
                                )

                    call()
            finally:
                # schemathesis opens the app's lifespan once and keeps it open for the
                # rest of the process: closed here, or this platform would run on into
                # the later tests (and their databases)
                shutdown_lifespans()
            assert operations >= 10
            assert not failures, "\n".join(failures[:20])
    finally:
        chain_env.revert(snap)


@pytest.mark.parametrize("path", ["/openapi.json"])
def test_openapi_schema_is_valid_and_documented(
    chain_env: ChainEnv, tmp_path: Path, path: str
) -> None:
    assert chain_env.snapshot is not None and chain_env.revert is not None
    snap = chain_env.snapshot()
    try:
        with running_platform(chain_env, tmp_path) as api:
            doc = api.client.get(path).json()
            assert doc["openapi"].startswith("3.")
            for route, methods in doc["paths"].items():
                for method, op in methods.items():
                    assert op.get("summary"), f"{method.upper()} {route} has no summary"
                    assert op.get("tags"), f"{method.upper()} {route} has no tag"
    finally:
        chain_env.revert(snap)
