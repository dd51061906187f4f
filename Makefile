# optimlab: build, test and serve the book. Two commands on a fresh machine:
#   make book   create .venv if missing, install, build the site into _build/html
#   make test   the same set-up, then every test
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HTML   := _build/html
PORT   ?= 8000
JB_FLAGS := -W -n --keep-going
# What a build may keep is decided by tools/stamp.py: a change to optimlab or to the pinned
# environment drops the execution cache (jupyter-cache keys a notebook on its code only);
# a change to the Sphinx extensions, the site's CSS/JS or the config drops only the
# rendered pages, and no chapter is executed again for it.
# The unit tests run a second time with numpy's dispatched SIMD kernels (AVX2/FMA and up)
# and OpenBLAS's CPU-specific kernels switched off: other code paths, as on another CPU.
OTHER_CPU := NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR" OPENBLAS_CORETYPE=Prescott
# Two test processes (the machines have two cores); a module or class stays on one process,
# so its fixtures (a browser, a JupyterLab server, a sweep) are made once. (Four processes
# were measured too: no faster, the live chapters in JupyterLab keep both cores busy.)
PYTEST_PARALLEL := -n 2 --dist loadscope
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help book slides test unit unit-other-cpu bench lighthouse serve lab clean venv assets chromium node

help:
	@echo "make book    build the site into $(HTML) (creates .venv, installs what it needs)"
	@echo "make slides  the book, then a reveal.js deck and an exercise sheet per chapter"
	@echo "make test    unit tests, notebook execution, strict build, browser tests"
	@echo "make bench   performance ratios measured in one run"
	@echo "make lighthouse  every page's Lighthouse mobile scores, held to their floors"
	@echo "make serve   serve the built site on http://127.0.0.1:$(PORT)"
	@echo "make lab     JupyterLab on the book (chapters open as notebooks)"
	@echo "make clean   remove the build and the virtual environment"

# The pinned packages go in with uv (itself pinned in requirements-test.txt), which
# installs exactly what pip would from the same pins, in seconds rather than a minute.
UV_PIN = $(shell grep '^uv==' requirements-test.txt)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q "$(UV_PIN)"
	touch $@

$(VENV)/.book-installed: requirements.txt | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.book-installed
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-test.txt
	touch $@

venv: $(VENV)/.book-installed

# What the book and its tests need (KaTeX, Vega, reveal.js, PurgeCSS, axe-core): 118
# packages, 8 s. Lighthouse, only for make bench and make lighthouse, is a development
# package of its own 150: installed on top, and only by those two targets (npm ci starts
# from an empty node_modules, so the first stamp is put back as it was, and the book is
# not rebuilt for it).
node_modules/.installed: package.json package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

node_modules/.dev-installed: node_modules/.installed
	when=$$(stat -c %Y node_modules/.installed); \
	  npm ci --no-audit --no-fund --loglevel=error && touch -d @$$when node_modules/.installed
	touch $@

# JavaScript the site serves itself (KaTeX's CSS and fonts, charts, MathJax for the decks):
# from npm, copied into assets/vendor, again only when the npm lock or the copier changes.
assets: assets/vendor/.installed

assets/vendor/.installed: node_modules/.installed tools/vendor_assets.py | $(VENV)/.book-installed
	$(BIN)/python tools/vendor_assets.py
	touch $@

chromium:
	command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The page engine (assets/engine) is tested in Node.js: tests/js, and against optimlab in
# tests/unit/test_engine_parity.py, which fails without node.
node:
	command -v node >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs; }

# Stale pages are executed first, in parallel, into the cache the build then reads. The
# build runs again only when one of its inputs is newer than the last complete build.
BOOK_INPUTS := $(wildcard book/*.md book/*.bib book/optimlab/*.py book/optimlab/recorded/*.json \
                 book/_ext/*.py assets/*.css \
                 assets/*.js assets/engine/*.js assets/panel/*.js assets/*.svg) _config.yml _toc.yml requirements.txt runtime.txt \
               tools/stamp.py tools/execute.py tools/purge_css.mjs

book: $(HTML)/.built
	@echo "The book is built: open $(CURDIR)/$(HTML)/index.html (or run: make serve)"

$(HTML)/.built: $(BOOK_INPUTS) assets/vendor/.installed | venv
	$(BIN)/python tools/stamp.py refresh
	$(BIN)/python tools/execute.py
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	touch $@

# Decks and exercise sheets (into $(HTML)/slides and $(HTML)/exercises) and RISE notebooks
# (book/_build/rise), cut from the chapter pages the book build has just rendered.
slides: book
	$(BIN)/python tools/slides.py

unit: $(VENV)/.test-installed node
	node --test tests/js/
	$(BIN)/python -m pytest tests/unit -q

unit-other-cpu: $(VENV)/.test-installed node
	$(OTHER_CPU) $(BIN)/python -m pytest tests/unit -q -p no:cacheprovider $(PYTEST_PARALLEL)

# The unit tests on other CPU code paths first (cheap), the page load times on a quiet
# machine, then every other test on the built book, on two processes.
test: $(VENV)/.test-installed chromium book slides unit-other-cpu
	node --test tests/js/
	$(BIN)/python -m pytest tests/browser -q -m quiet -p no:cacheprovider
	$(BIN)/python -m pytest tests -q --durations=10 $(PYTEST_PARALLEL) -m "not quiet and not lighthouse"

# Lighthouse's mobile scores of every page, held to their floors (tests/browser/
# test_lighthouse.py): one page at a time, on a quiet machine, about 25 s a page.
lighthouse: $(VENV)/.test-installed node_modules/.dev-installed chromium book
	$(BIN)/python -m pytest tests/browser -q -s -m lighthouse -p no:cacheprovider

bench: $(VENV)/.test-installed node_modules/.dev-installed chromium
	$(BIN)/python tools/bench.py

serve:
	@test -d $(HTML) || { echo "no site yet: run make book"; exit 1; }
	@echo "Serving http://127.0.0.1:$(PORT)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

# JupyterLab starts at once. The presenter notebooks are written again only when missing or
# older than a chapter, optimlab or the slide tools, in the background (without a built
# book that means running every chapter, about a minute and a half).
RISE_SOURCES := $(wildcard book/*.md book/optimlab/*.py) tools/slides.py tools/rise.css
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

lab: venv
	@if [ -n "$$(find $(RISE_SOURCES) -newer book/_build/rise/.written 2>/dev/null)" ] \
	    || [ ! -f book/_build/rise/.written ]; then \
	  mkdir -p book/_build/rise; \
	  echo "writing the presenter notebooks in the background (log: book/_build/rise.log)"; \
	  ( $(BIN)/python tools/slides.py rise > book/_build/rise.log 2>&1 & ) ; \
	fi
	JUPYTER_CONFIG_PATH=$(CURDIR)/.jupyter $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 \
	  --ServerApp.root_dir=$(CURDIR)/book $(ALLOW_ROOT)

clean:
	rm -rf _build book/_build $(VENV) node_modules assets/vendor .pytest_cache .hypothesis
