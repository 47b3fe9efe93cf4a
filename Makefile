# Two entry points: `make demo` (set up, crawl the bundled demo portals on 127.0.0.1, load, check) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: demo test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@echo "installing gkreports and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@$(PY) -m pip install --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(PY) -m pip install -e '.[test,ocr,dask]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/gkreports run --demo

test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .prefect data/warehouse.duckdb data/warehouse.duckdb.wal data/warehouse.readonly.duckdb data/raw
