# Quick start: `make demo` and `make test`. Each creates (or refreshes) .venv itself;
# a fresh machine needs only Python >= 3.10 and make.
PYTHON ?= python3
PIP_FLAGS ?= --quiet

VENV := .venv
BIN := $(VENV)/bin

# Optional, slow: peers for the benchmarks and for the Keras-reference tests.
BENCH_VENV := .venv-bench
COMPARE_VENV := .venv-compare
# A CPU build of PyTorch; elsewhere, pick a CPU-only index with TORCH_PIP_ARGS="--index-url ...".
TORCH_SPEC ?= torch==2.13.0
TORCH_PIP_ARGS ?=
BENCH_ARGS ?=
# The benchmark scripts, in the order `make bench` runs them (see benchmarks/README.md).
BENCH_SCRIPTS ?= bench_mnist bench_batch bench_predict bench_housing bench_import bench_scaling bench_memory bench_phases bench_optimizers bench_gridsearch
# An interpreter of your own for the scripts (and every framework's worker, unless
# BENCH_ARGS names others with --python FRAMEWORK=PATH); then nothing is installed.
BENCH_PYTHON ?=
BENCH_RUN := $(or $(BENCH_PYTHON),$(BENCH_VENV)/bin/python)
BENCH_DEPS := $(if $(BENCH_PYTHON),,$(BENCH_VENV)/.installed)

.PHONY: help demo test bench compare clean check-python

help:
	@echo "make demo     train the course's three networks on real data into ./axone-demo/"
	@echo "make test     run the test suite"
	@echo "make bench    optional, slow: axone vs Keras/TensorFlow, PyTorch, scikit-learn, its"
	@echo "              BLAS floor; speed, memory, import time, scaling, a profile"
	@echo "              (installs the peers into $(BENCH_VENV); see benchmarks/README.md)"
	@echo "make compare  optional: the tests that compare with Keras, on its torch backend"
	@echo "make clean    remove the virtual environments and build files"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "axone needs Python >= 3.10; found " + sys.version.split()[0] + " (set PYTHON=...)")'

# A virtual environment is (re)made when pyproject.toml changes.
$(VENV)/.base: pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) --upgrade pip
	$(BIN)/python -m pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(BIN)/python -m pip install $(PIP_FLAGS) -e ".[test]"
	touch $@

# The demo draws PNGs (matplotlib) and saves .keras files (h5py). Like .ci/run, it
# reads MNIST from ../shared/datasets when that folder exists and AXONE_DATASETS is unset.
$(VENV)/.demo: $(VENV)/.base
	$(BIN)/python -m pip install $(PIP_FLAGS) -e ".[plot,h5]"
	touch $@

demo: $(VENV)/.demo
	@if [ -z "$${AXONE_DATASETS:-}" ] && [ -d ../shared/datasets ]; then \
		export AXONE_DATASETS="$$(cd ../shared/datasets && pwd)"; fi; \
	$(BIN)/axone demo

test: $(VENV)/.test
	$(BIN)/python -m pytest -q

$(BENCH_VENV)/.installed: pyproject.toml | check-python
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install $(PIP_FLAGS) --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install $(PIP_FLAGS) -e ".[sklearn,fast]" tensorflow keras scikit-learn scikeras pyinstrument
	$(BENCH_VENV)/bin/python -m pip install $(PIP_FLAGS) $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	touch $@

# Each run is a fresh process; every one first waits (up to a minute) for the
# CPUs to be idle. Set AXONE_DATASETS for the real data. A script that fails does
# not stop the others; make fails at the end.
bench: $(BENCH_DEPS)
	@status=0; for script in $(BENCH_SCRIPTS); do \
		echo "==== benchmarks/$$script.py"; \
		$(BENCH_RUN) benchmarks/$$script.py --wait-idle 60 --wait-steady 60 $(BENCH_ARGS) || status=1; \
		echo; \
	done; exit $$status

$(COMPARE_VENV)/.installed: pyproject.toml | check-python
	$(PYTHON) -m venv $(COMPARE_VENV)
	$(COMPARE_VENV)/bin/python -m pip install $(PIP_FLAGS) --upgrade pip
	$(COMPARE_VENV)/bin/python -m pip install $(PIP_FLAGS) -e ".[test]" keras
	$(COMPARE_VENV)/bin/python -m pip install $(PIP_FLAGS) $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	touch $@

# The tests that check axone against Keras itself import it with
# pytest.importorskip("keras"): they skip under `make test` and run here.
compare: $(COMPARE_VENV)/.installed
	@files="$$(grep -rlE 'importorskip\(.keras.\)' tests)"; \
	if [ -z "$$files" ]; then echo "no test imports keras: nothing to compare"; exit 1; fi; \
	echo KERAS_BACKEND=torch pytest $$files; \
	KERAS_BACKEND=torch $(COMPARE_VENV)/bin/python -m pytest -q -rs $$files

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(COMPARE_VENV) build *.egg-info src/*.egg-info
