# The two commands of the README:  `make run`  and  `make test`.
# Both set everything up on a fresh Debian machine (system packages, venv, pinned packages, data).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Debian packages the product needs: chromium (headless browser tests, server-side PNG export),
# fonts with every Vietnamese glyph, poppler (PDF checks), nginx + openssl (the reverse-proxy example of
# SECURITY.md, started by tests/browser/test_proxy.py on loopback with its own config; never as a service).
DEB_PACKAGES := chromium fonts-noto-core fonts-dejavu-core poppler-utils nginx openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup system data clean-data

run: setup data
	$(VENV)/bin/streamlit run serve.py --server.port $(PORT) --server.headless true

test: setup data
	$(PY) -m pytest
	$(PY) tools/audit.py

setup: system $(VENV)/.stamp-requirements

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

data: setup
	$(PY) -m vlboard build --if-missing

clean-data:
	rm -rf data/snapshots data/CURRENT
