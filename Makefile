# carbonledger — the two commands a newcomer needs are `make run` and `make test`.
# Everything is installed from the project's own files (requirements.lock, web/package-lock.json)
# into .venv/ and web/node_modules, idempotently.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
# Playwright drives Debian's chromium; it never downloads a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
WEB_STAMP := web/node_modules/.installed
WEB_DIST := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/vite.config.ts web/tsconfig.json
NPX := cd web && npx --no-install

.PHONY: help install run test test-chains lint typecheck imports pytest pytest-databases test-web test-python test-databases bench lock clean contracts \
	web-install web-build web-client web-client-check web-browser web-lint web-typecheck web-unit web-e2e web-test

help:
	@echo "make run    install what is needed and start carbonledger"
	@echo "make test   install and run the full test suite (lint, types, imports, tests)"
	@echo "make bench  run the benchmarks"
	@echo "make test-chains  the ledger tests on the bundled chain (1 node, 3-node devnet)"
	@echo "make lock   re-resolve requirements.lock from pyproject.toml"
	@echo "make contracts  recompile the Vyper contracts into their committed artefacts"
	@echo "make web-build  build the web UI (make run does it when web/src changed)"
	@echo "make web-client regenerate the UI's API client from the platform's OpenAPI"
	@echo "make web-test   the UI's lint, types, unit tests and browser end-to-end tests"

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

$(STAMP): requirements.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# The accounting engine's calculation modules compiled with mypyc (the pinned mypy's), in
# src/carbonledger/accounting/_native/ (not in git); rebuilt when one of them changes, about
# 1-2 minutes on one core. Without a C compiler, or if mypyc fails, the MANIFEST says why
# and the engine runs as pure Python (as it does with CARBONLEDGER_PURE_PYTHON=1).
NATIVE_STAMP := src/carbonledger/accounting/_native/MANIFEST
$(NATIVE_STAMP): $(STAMP) tools/compile_accounting.py \
		$(wildcard src/carbonledger/accounting/*.py src/carbonledger/accounting/methodologies/*.py)
	$(BIN)/python tools/compile_accounting.py

install: $(STAMP) $(NATIVE_STAMP)

run: install $(WEB_DIST)
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

# The platform's suite again on the local PostgreSQL and MariaDB servers (SQLite above),
# one after the other; fewer fuzzing examples than on SQLite (the fuzz test is about the
# API's input handling, which these runs repeat only for the database underneath).
pytest-databases: install
	@rc=0; for db in postgresql mariadb; do \
		echo "== tests/platform on $$db"; \
		CARBONLEDGER_TEST_DATABASE=$$db CARBONLEDGER_FUZZ_EXAMPLES=4 $(BIN)/pytest -q \
			-p no:cacheprovider tests/platform -k "not bench_api" || rc=1; \
	done; exit $$rc

# make test: three lanes at once, each one's output printed when it ends. The browser
# stories are the longest part (about 9 of 13 idle minutes), so their lane starts them as
# soon as the UI is built; the UI's lint, types and component tests run in the database
# lane after the PostgreSQL and MariaDB suites (about 4 minutes). Each lane keeps at most
# about one core busy (they wait for blocks, the browser, the database servers): three of
# them fill two cores.
test: install web-install web-browser
	$(MAKE) --no-print-directory -j3 --output-sync=target test-web test-python test-databases

test-web: $(WEB_DIST)
	$(MAKE) --no-print-directory web-e2e

test-python: lint typecheck imports web-client-check
	$(MAKE) --no-print-directory pytest

test-databases: pytest-databases
	$(MAKE) --no-print-directory web-lint web-typecheck web-unit

# The ledger suite again on the bundled chain, one node and a 3-node devnet (make test runs
# it on anvil); about 5-6 minutes each on 2 cores.
test-chains: install
	CARBONLEDGER_TEST_CHAIN=node $(BIN)/pytest tests/ledger
	CARBONLEDGER_TEST_CHAIN=devnet $(BIN)/pytest tests/ledger

bench: install
	$(BIN)/carbonledger bench accounting
	$(BIN)/carbonledger bench contracts
	$(BIN)/carbonledger bench chain
	$(BIN)/carbonledger bench api
	$(BIN)/carbonledger bench market --matching

# -- the web UI (web/): Node 20 + npm, installed from web/package-lock.json ---------------

# npm >= 11 refuses `ci` when the registry mirror lacks other platforms' optional packages
# named by their packages (rollup, esbuild); `install --no-save` then installs exactly the
# locked versions, integrity-checked, without touching package-lock.json.
$(WEB_STAMP): web/package-lock.json web/package.json
	cd web && (npm ci --no-audit --no-fund --loglevel=silent \
		|| npm install --no-save --no-audit --no-fund --loglevel=error)
	@touch $(WEB_STAMP)

web-install: $(WEB_STAMP)

# rebuilt only when missing or older than its sources
$(WEB_DIST): $(WEB_STAMP) $(WEB_SOURCES)
	$(NPX) vite build --logLevel warn
	@touch $(WEB_DIST)

web-build: $(WEB_DIST)

# The UI's client: the API's OpenAPI document (dumped without a server) and its types.
web-client: install $(WEB_STAMP)
	$(BIN)/python -m carbonledger.platform.openapi web/src/api/openapi.json
	$(NPX) openapi-typescript src/api/openapi.json -o src/api/schema.d.ts --silent

# Fails when the committed client no longer matches the API (run make web-client).
web-client-check: install $(WEB_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	$(BIN)/python -m carbonledger.platform.openapi $$tmp/openapi.json && \
	(cd web && npx --no-install openapi-typescript $$tmp/openapi.json -o $$tmp/schema.d.ts --silent) && \
	diff -q $$tmp/openapi.json web/src/api/openapi.json >/dev/null && \
	diff -q $$tmp/schema.d.ts web/src/api/schema.d.ts >/dev/null || \
	{ echo "web/src/api/ differs from the API: run make web-client and commit the result"; exit 1; }

# Debian's chromium and a CJK font for the browser tests (we run as root); skipped when present.
web-browser:
	@command -v chromium >/dev/null 2>&1 || apt-get install -y --no-install-recommends chromium \
		|| (apt-get update && apt-get install -y --no-install-recommends chromium)
	@fc-list :lang=zh family | grep -q . || apt-get install -y --no-install-recommends fonts-noto-cjk \
		|| (apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk)

web-lint: $(WEB_STAMP)
	$(NPX) eslint --max-warnings=0 .

web-typecheck: $(WEB_STAMP)
	$(NPX) tsc --noEmit

web-unit: $(WEB_STAMP)
	$(NPX) vitest run

# In headless chromium against a real back end (anvil, contracts, API, demo data);
# saves the screenshots under docs/screenshots/.
web-e2e: install web-browser $(WEB_DIST)
	$(NPX) playwright test

web-test: web-lint web-typecheck web-unit web-e2e

contracts: install
	$(BIN)/python -c "from carbonledger.contracts.build import main; main()"

lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--quiet -o requirements.lock

clean:
	rm -rf src/carbonledger/accounting/_native
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache web/node_modules web/dist web/test-results
