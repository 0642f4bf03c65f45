# The two commands of the README:  `make run`  and  `make test`.
# Both set everything up on a fresh Debian machine (system packages, venv, pinned packages, data).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Debian packages the product needs: chromium (headless browser tests, server-side PNG export),
# fonts with every Vietnamese glyph, poppler (PDF checks), nginx + openssl (the reverse-proxy example of
# SECURITY.md, started by tests/browser/test_proxy.py on loopback with its own config; never as a service),
# LibreOffice without GUI (tests open the XLSX template, the PPTX pack and the DOCX report as users do),
# libatomic1 (Playwright's driver needs it; a minimal Debian lacks it).
DEB_PACKAGES := chromium fonts-noto-core fonts-dejavu-core poppler-utils nginx openssl \
  libreoffice-calc-nogui libreoffice-writer-nogui libreoffice-impress-nogui libatomic1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BIN := $(VENV)/bin
# The edit loop's tier: unit tests and AppTest, without headless Chromium/nginx, load/soak or other slow
# tests (markers registered in pyproject.toml, assigned by folder in tests/conftest.py).
FAST := not browser and not load and not slow

.PHONY: run test test-fast lint fmt typecheck setup venv system data clean-data

run: setup data
	$(BIN)/streamlit run serve.py --server.port $(PORT) --server.headless true

# What CI runs (.ci/run): lint, types, every test tier, then the dependency audit.
test: setup data lint typecheck
	$(PY) -m pytest
	$(PY) tools/audit.py

# The edit loop: a couple of minutes.
test-fast: setup data
	$(PY) -m pytest -m "$(FAST)"

# Lint, format check and the layer contracts of .importlinter; `make fmt` fixes what can be fixed.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Autofixes first (import order…), then the formatter, then the fixes the formatting made possible
# (noqa comments left unused); what remains needs a hand fix and is printed.
fmt: venv
	$(BIN)/ruff check --fix --exit-zero --quiet .
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix --exit-zero .

typecheck: venv
	$(BIN)/mypy

setup: system venv

venv: $(VENV)/.stamp-package

system:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(VENV)/.stamp-requirements: requirements.txt requirements-test.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

# The package itself, editable: `import vlboard` works from anywhere (tools/, the tool runners).
$(VENV)/.stamp-package: pyproject.toml $(VENV)/.stamp-requirements
	$(PY) -m pip install -q -e . --no-deps
	touch $@

data: setup
	$(PY) -m vlboard build --if-missing

# Everything `make data` and the writers made (versions, tables, kept status rows, history, the write
# lock); data/source, data/geo and data/documents are the repository's and stay. Imports go with it.
clean-data:
	rm -rf data/snapshots data/CURRENT data/.CURRENT.* data/tables data/.status data/.verified \
	  data/history.jsonl data/.write.lock
