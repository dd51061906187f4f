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
# Execution is cached by jupyter-cache, which keys on a notebook's code only, and Sphinx
# rebuilds only pages whose source changed: whenever optimlab, the Sphinx extensions or
# the site's own CSS/JS change, the cache and the built pages are dropped, so no stale
# output survives.
LIB_HASH = $(shell cat book/optimlab/*.py book/_ext/*.py assets/*.js assets/*.css _config.yml | sha256sum | cut -c1-16)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help book slides test unit notebooks browser bench serve lab clean venv assets chromium

help:
	@echo "make book    build the site into $(HTML) (creates .venv, installs what it needs)"
	@echo "make slides  the book, then a reveal.js deck and an exercise sheet per chapter"
	@echo "make test    unit tests, notebook execution, strict build, browser tests"
	@echo "make bench   performance ratios measured in one run"
	@echo "make serve   serve the built site on http://127.0.0.1:$(PORT)"
	@echo "make lab     JupyterLab on the book (chapters open as notebooks)"
	@echo "make clean   remove the build and the virtual environment"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.book-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.book-installed
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-test.txt
	touch $@

venv: $(VENV)/.book-installed

node_modules/.installed: package.json package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# JavaScript the site serves itself (MathJax, charts, axe-core): from npm, copied into assets/vendor.
assets: node_modules/.installed $(VENV)/.book-installed
	$(BIN)/python tools/vendor_assets.py

chromium:
	command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

book: venv assets
	@stamp=_build/.optimlab-hash; \
	if [ "$$(cat $$stamp 2>/dev/null)" != "$(LIB_HASH)" ]; then \
	  rm -rf _build/.jupyter_cache _build/.doctrees _build/html _build/jupyter_execute; fi; \
	mkdir -p _build; echo "$(LIB_HASH)" > $$stamp
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo
	@echo "The book is built: open $(CURDIR)/$(HTML)/index.html (or run: make serve)"

# Decks and exercise sheets (into $(HTML)/slides and $(HTML)/exercises) and RISE notebooks
# (book/_build/rise), cut from the chapter pages the book build has just rendered.
slides: book
	$(BIN)/python tools/slides.py

unit: $(VENV)/.test-installed
	$(BIN)/python -m pytest tests/unit -q

test: $(VENV)/.test-installed chromium book slides
	$(BIN)/python -m pytest tests -q

bench: $(VENV)/.test-installed
	$(BIN)/python tools/bench.py

serve:
	@test -d $(HTML) || { echo "no site yet: run make book"; exit 1; }
	@echo "Serving http://127.0.0.1:$(PORT)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

lab: venv
	-$(BIN)/python tools/slides.py rise  # presenter notebooks for RISE
	JUPYTER_CONFIG_PATH=$(CURDIR)/.jupyter $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR)/book

clean:
	rm -rf _build book/_build $(VENV) node_modules assets/vendor .pytest_cache .hypothesis
