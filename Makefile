# `make generate` regenerates everything from the shipped spec; `make test` checks it all.
# Both create .venv from pyproject.toml on first use (nothing needed beforehand but python3).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
GOLDEN := $(wildcard tests/golden/*/spec.yaml)

.PHONY: generate check test golden fuzz bench docs docs-serve clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,docs]'
	touch $(STAMP)

# The receiver example vendors the module exactly as a user would: a plain copy (named by the spec).
MODULE = $(shell $(PY) -c 'from generator import spec; print(spec.load(spec.DEFAULT).module)')

generate: $(STAMP)
	$(PY) -m generator generate
	cp generated/python/$(MODULE).py examples/receiver/$(MODULE).py

check: $(STAMP)
	$(PY) -m generator check

test: $(STAMP)
	$(PY) -m generator check
	$(PY) -m mypy --strict generator
	$(PY) -m pytest

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

bench: $(STAMP)
	$(PY) bench/run.py

# The docs site (MkDocs, Material theme) from the generated pages: built into site/, or served.
DOCS := NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs
docs: $(STAMP)
	$(DOCS) build --strict --config-file docs-site/mkdocs.yml

docs-serve: $(STAMP)
	$(DOCS) serve --strict --config-file docs-site/mkdocs.yml --dev-addr 127.0.0.1:8000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis site test-artifacts
