# `make generate` regenerates everything from the shipped spec; `make test` checks it all.
# Both create .venv from pyproject.toml on first use (nothing needed beforehand but python3).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
GOLDEN := $(wildcard tests/golden/*/spec.yaml)
# The TypeScript toolchain (tsc, Node's types, the npm SDK as a test oracle), from package-lock.json.
NODE_STAMP := node_modules/.installed-stamp
TSC := node_modules/.bin/tsc
NODE_TESTS := $(wildcard tests/node/*.test.mjs)

.PHONY: generate check test golden bench clean ts-build

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Compile the generated TypeScript with strict flags to .tsbuild/, and the Node receiver example.
ts-build: $(NODE_STAMP)
	$(TSC) -p tsconfig.json
	$(TSC) -p examples/receiver-node/tsconfig.json

# The receiver example vendors the module exactly as a user would: a plain copy.
generate: $(STAMP)
	$(PY) -m generator generate
	cp generated/python/openai_webhooks.py examples/receiver/openai_webhooks.py
	cp generated/typescript/openai_webhooks.ts examples/receiver-node/openai_webhooks.ts

check: $(STAMP)
	$(PY) -m generator check

test: $(STAMP) $(NODE_STAMP)
	$(PY) -m generator check
	$(PY) -m mypy --strict generator
	$(MAKE) --no-print-directory ts-build
	$(PY) -m pytest
	node --test $(NODE_TESTS)

# Refresh the expected outputs of the fixture specs under tests/golden/ after a deliberate change.
golden: $(STAMP)
	@for spec in $(GOLDEN); do \
		echo "$$spec"; \
		$(PY) -m generator generate --spec $$spec --out $$(dirname $$spec)/expected || exit $$?; \
	done

bench: $(STAMP) $(NODE_STAMP)
	$(PY) bench/run.py
	$(MAKE) --no-print-directory ts-build
	$(PY) bench/payloads.py | node bench/node_bench.mjs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis node_modules .tsbuild examples/receiver-node/build
