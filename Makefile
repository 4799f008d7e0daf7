# `make generate` regenerates everything from the shipped spec; `make test` checks it all.
# Both create .venv from pyproject.toml on first use (nothing needed beforehand but python3).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
GOLDEN := $(wildcard tests/golden/*/spec.yaml)

.PHONY: generate check test golden fuzz bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The receiver example vendors the module exactly as a user would: a plain copy.
generate: $(STAMP)
	$(PY) -m generator generate
	cp generated/python/openai_webhooks.py examples/receiver/openai_webhooks.py

check: $(STAMP)
	$(PY) -m generator check

test: $(STAMP)
	$(PY) -m generator check
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

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis
