# The README's two commands. Both set up .venv from the pinned requirements on first use.
#   make preview STACK=prod   offline plan of a stack (STACK=all for every stack)
#   make test                 the whole test suite
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STACK  ?= prod
ARGS   ?=

.PHONY: preview test bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt policies/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

preview: $(VENV)/.installed
	$(PY) -m preview $(if $(filter all,$(STACK)),--all,--stack $(STACK)) $(ARGS)

test: $(VENV)/.installed
	$(PY) -m pytest -q $(ARGS)

bench: $(VENV)/.installed
	$(PY) -m benchmarks $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
