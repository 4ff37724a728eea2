# Two commands for a newcomer (see README.md):
#   make book   build the book into _build/html
#   make test   run every check CI runs; fails loudly if any fails (it builds the PDF too)
# Both create .venv from requirements.txt when it is missing or out of date.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
JB_FLAGS := --warningiserror --nitpick --keep-going

.DEFAULT_GOAL := help
.PHONY: help venv mathjax book pdf execute test lib lint unit nbval pages browser serve clean pyodide-cells

help:
	@echo "make book   build the HTML book into _build/html"
	@echo "make test   build the book and run every check (unit tests, doctests, nbval, pages, workflows)"
	@echo "make lib    test the mvcalc library alone: no Node.js, no build"
	@echo "make pdf    also print the whole book to _build/html/multivariate-calculus-ml.pdf"
	@echo "make serve  preview the built book on http://127.0.0.1:8000"
	@echo "make clean  remove the build and the execution cache"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python >= 3.10 is needed, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

# MathJax for Node.js: the build typesets every formula once (tools/prerender_math.py).
NODE_STAMP := tools/mathjax/node_modules/.package-lock.json
$(NODE_STAMP): tools/mathjax/package.json tools/mathjax/package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "make: Node.js 18 or later and npm are needed to build the book (they typeset its formulas)."; \
	  echo "      Install them (Debian/Ubuntu: sudo apt install nodejs npm; or https://nodejs.org), then run make again."; \
	  exit 1; }
	npm ci --prefix tools/mathjax --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

mathjax: $(NODE_STAMP)

# Execute the chapters in parallel into the cache, then build from the cache.
execute: $(STAMP)
	$(BIN)/python tools/execute.py

# The HTML book; the build also writes the Colab notebooks to _build/notebooks.
book: execute mathjax
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo
	@echo "The book is built. Open file://$(CURDIR)/_build/html/index.html or run 'make serve'."

# The whole book as one PDF, printed by Chromium from a single-page build (tools/book_pdf.py).
pdf: book browser
	$(BIN)/python tools/book_pdf.py

# The library alone: its unit, property and doctests, without Node.js or a build of the book.
# (Tests of the in-page JavaScript that mirrors the library skip themselves without node.)
LIB_TESTS := $(addprefix tests/test_,$(addsuffix .py,validation vocabulary derivatives multivariate \
  optimise fitting nn taylor sandpit sandpit_rule checks fitcheck checker_core datasets display \
  plotting quiz widget_sandpit widget_taylor edges lazy_imports))
lib: $(STAMP)
	$(PYTEST) -n 2 -m "not book" $(LIB_TESTS) lib/mvcalc --doctest-modules

# The linter and the formatter, as configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Unit tests, property tests, doctests and the checks of the pipeline itself.
unit: $(STAMP) mathjax lint
	$(PYTEST) -n 2 -m "not book" tests lib/mvcalc --doctest-modules

# Strict nbval: re-execute every executed notebook the book published and compare outputs.
nbval: book
	$(BIN)/python tools/run_nbval.py

# Checks of the built site: every page in a real browser (axe-core, both colour schemes), links,
# launch links and notebooks, downloads and PDF. One test file per worker, on both cores.
pages: pdf
	$(PYTEST) -n 2 --dist loadfile -m book tests

# Run every code cell under the site's Pyodide in Node.js, compare with the executed notebooks, and
# rewrite book/_pyodide.json (the test tests/test_pyodide_cells.py fails while that file is stale).
pyodide-cells: book
	$(BIN)/python tools/pyodide_cells.py --write

browser: $(STAMP)
	@$(BIN)/python tools/find_browser.py --install

test: unit book pdf nbval pages
	@echo
	@echo "make test: every check passed."

serve: $(STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build
