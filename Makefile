# Every target creates .venv and installs the project when needed, so each works alone on a
# fresh clone (Python 3.11+ and make are all it takes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8001
STAMP  := $(VENV)/.installed

.PHONY: demo test test-all bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The demo needs the project alone, not the test tools (playwright, pywb, mypy ...): its own
# stamp, and pip's progress shown, so that a first `make demo` is short and says what it does.
DEMO_STAMP := $(VENV)/.installed-demo

$(DEMO_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing embassy-archive and what the demo needs into $(VENV) (the test tools are left out)"
	$(BIN)/python -m pip install --progress-bar on --disable-pip-version-check -e .
	touch $(DEMO_STAMP)

# The founding article shows the real page's text when the team's shared/ folder is beside us.
SEED   := $(wildcard ../shared/seed/expected.json)

demo: $(DEMO_STAMP)
	$(if $(SEED),EMBASSY_ARCHIVE_SEED=../shared/seed) $(BIN)/embassy-archive demo --port $(PORT) --db demo.db

# One worker per core (pytest-xdist); worksteal evens out the few long end-to-end modules.
# The tests marked slow run in CI (CI=true) and with test-all (tests/conftest.py).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist worksteal

test-all: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist worksteal --slow

# Scrapy is installed for the crawl benchmark only: it is the reference we measure against.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet scrapy
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

lint: $(STAMP)
	$(BIN)/ruff check scraper archive tests bench
	$(BIN)/mypy scraper archive

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm demo.db.lock .pytest_cache .mypy_cache
