# `make generate` regenerates everything from the shipped spec; `make test` checks it all.
# Both create .venv from pyproject.toml on first use (nothing needed beforehand but python3, node, npm).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
GOLDEN := $(wildcard tests/golden/*/spec.yaml)
# The TypeScript toolchain (tsc, Node's types, the npm SDK as a test oracle), from package-lock.json.
NODE_STAMP := node_modules/.installed-stamp
TSC := node_modules/.bin/tsc
NODE_TESTS := $(wildcard tests/node/*.test.mjs)

.PHONY: generate check test golden fuzz bench docs docs-serve ts-build clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,docs]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Compile the generated TypeScript with strict flags to .tsbuild/, and the Node receiver example.
ts-build: $(NODE_STAMP)
	$(TSC) -p tsconfig.json
	$(TSC) -p examples/receiver-node/tsconfig.json

# The receiver examples vendor the modules exactly as a user would: plain copies (named by the spec).
MODULE = $(shell $(PY) -c 'from generator import spec; print(spec.load(spec.DEFAULT).module)')

generate: $(STAMP)
	$(PY) -m generator generate
	cp generated/python/$(MODULE).py examples/receiver/$(MODULE).py
	cp generated/typescript/$(MODULE).ts examples/receiver-node/$(MODULE).ts

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

# 100,000 generated and mutated payloads through parse_event and unwrap (make test runs 3,000).
FUZZ_CASES ?= 100000
FUZZ_SEED ?= 0
fuzz: $(STAMP)
	$(PY) tests/fuzz_payloads.py --cases $(FUZZ_CASES) --seed $(FUZZ_SEED)

bench: $(STAMP) $(NODE_STAMP)
	$(PY) bench/run.py
	$(MAKE) --no-print-directory ts-build
	$(PY) bench/payloads.py | node bench/node_bench.mjs

# The docs site (MkDocs, Material theme) from the generated pages: built into site/, or served.
DOCS := NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs
docs: $(STAMP)
	$(DOCS) build --strict --config-file docs-site/mkdocs.yml

docs-serve: $(STAMP)
	$(DOCS) serve --strict --config-file docs-site/mkdocs.yml --dev-addr 127.0.0.1:8000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis site test-artifacts node_modules .tsbuild examples/receiver-node/build
