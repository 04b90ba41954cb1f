# flatlab: make demo · make test · make deps · make build · make bench
SHELL := /bin/bash
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
# Debian packages flatlab needs: GSL (headers + pkg-config file), librsvg and Cairo (PDF and PNG
# figures, opened when first drawn), the DejaVu fonts figures name, rsvg-convert and poppler (tests), pkg-config.
DEB_PACKAGES := libgsl-dev libsleef-dev librsvg2-bin librsvg2-dev fonts-dejavu-core poppler-utils pkg-config chromium

.PHONY: deps build release test demo bench clean

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Test classes run in parallel processes (both cores); a failure fails the target. Then every
# lesson in notebooks-md/ is re-run and compared with what it stores, two at a time.
NOTEBOOKS := $(filter-out notebooks-md/README.md,$(wildcard notebooks-md/*.md))
test: deps
	$(SWIFT) test --parallel --xunit-output .build/xunit.xml
	@python3 -c "import xml.etree.ElementTree as E; c = E.parse('.build/xunit.xml').getroot().iter('testcase'); c = list(c); f = [t for t in c if t.find('failure') is not None]; print(f'{len(c) - len(f)} tests passed, {len(f)} failed')"
	@printf '%s\n' $(NOTEBOOKS) | xargs -P 2 -n 1 .build/debug/lab notebook check
	@echo "$(words $(NOTEBOOKS)) lessons checked"

# The main job: GAM on the two-valley landscape (JSON and CSV go to out/).
demo: release
	.build/release/lab run two-valley --opt gam

# Benchmarks (bench/main.swift): ratios measured side by side in one run, release build;
# whole-process timings of lab itself, with and without figures; lab basins beside JAX, which is
# installed with pip into a private virtual environment (.build/bench-venv) when it can be; when
# it cannot, that half is skipped and the rest runs. The same for PyTorch (lab compare on a small
# network beside torch_mlp.py), and matplotlib (the compare figure as PDF beside mpl_compare.py).
# Last, CTape's math kernels beside SLEEF's deterministic ones (bench/sleef_kernels.c), when
# Debian's libsleef-dev is installed.
bench: deps
	$(SWIFT) build -c release
	@if ! .build/bench-venv/bin/python -c "import jax" >/dev/null 2>&1; then \
	  echo "installing JAX into .build/bench-venv for the basin-map comparison"; \
	  (python3 -m venv .build/bench-venv && .build/bench-venv/bin/pip install -q jax) >/dev/null 2>&1 \
	    || echo "JAX could not be installed: the JAX half of the basin benchmark is skipped"; \
	fi
	@if ! .build/bench-venv/bin/python -c "import torch" >/dev/null 2>&1; then \
	  echo "installing PyTorch into .build/bench-venv for the network comparison (large: CUDA wheels)"; \
	  ([ -x .build/bench-venv/bin/python ] || python3 -m venv .build/bench-venv) >/dev/null 2>&1; \
	  .build/bench-venv/bin/pip install -q torch >/dev/null 2>&1 \
	    || echo "PyTorch could not be installed: the PyTorch half of the network benchmark is skipped"; \
	fi
	@if ! .build/bench-venv/bin/python -c "import matplotlib" >/dev/null 2>&1; then \
	  echo "installing matplotlib into .build/bench-venv for the figure comparison"; \
	  ([ -x .build/bench-venv/bin/python ] || python3 -m venv .build/bench-venv) >/dev/null 2>&1; \
	  .build/bench-venv/bin/pip install -q matplotlib >/dev/null 2>&1 \
	    || echo "matplotlib could not be installed: the matplotlib half of the figure benchmark is skipped"; \
	fi
	.build/release/bench
	@if pkg-config --exists sleef; then \
	  cc -O2 -mavx2 -ffp-contract=off -ISources/CTape/include bench/sleef_kernels.c Sources/CTape/ctape.c \
	    -o .build/sleef-kernels $$(pkg-config --cflags --libs sleef) -lm && .build/sleef-kernels; \
	else \
	  echo "SLEEF is not installed (Debian's libsleef-dev): the kernel comparison is skipped"; \
	fi

clean:
	rm -rf .build out
