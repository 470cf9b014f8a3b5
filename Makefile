# carbonledger — the two commands a newcomer needs are `make run` and `make test`.
# Everything is installed from the project's own files (requirements.lock, web/package-lock.json)
# into .venv/ and web/node_modules, idempotently.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: help install run test test-chains lint typecheck imports pytest bench lock clean contracts

help:
	@echo "make run    install what is needed and start carbonledger"
	@echo "make test   install and run the full test suite (lint, types, imports, tests)"
	@echo "make bench  run the benchmarks"
	@echo "make test-chains  the ledger tests on the bundled chain (1 node, 3-node devnet)"
	@echo "make lock   re-resolve requirements.lock from pyproject.toml"
	@echo "make contracts  recompile the Vyper contracts into their committed artefacts"

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

$(STAMP): requirements.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/carbonledger run

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

imports: install
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest

test: lint typecheck imports pytest

# The ledger suite again on the bundled chain, one node and a 3-node devnet (make test runs
# it on anvil); about 5-6 minutes each on 2 cores.
test-chains: install
	CARBONLEDGER_TEST_CHAIN=node $(BIN)/pytest tests/ledger
	CARBONLEDGER_TEST_CHAIN=devnet $(BIN)/pytest tests/ledger

bench: install
	$(BIN)/carbonledger bench accounting
	$(BIN)/carbonledger bench contracts
	$(BIN)/carbonledger bench chain

contracts: install
	$(BIN)/python -c "from carbonledger.contracts.build import main; main()"

lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--quiet -o requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
