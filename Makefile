# The two set-up commands a new user needs: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
SUDO   := $(if $(filter 0,$(shell id -u)),,sudo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install dev lock demo test lint typecheck bench chromium postgresql java fonts clean

# Running hmc needs only its own dependencies; the tests and linters are installed for
# `make test` and the contributor targets.
# Every install takes its versions from constraints.txt, the lock: a release upstream
# cannot change what a fresh clone runs. `make lock` refreshes it on purpose.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $(STAMP)

$(DEV): $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(DEV)

# Resolve pyproject.toml's ranges afresh into constraints.txt; then run `make test`.
lock:
	python3 -m venv .venv-lock && .venv-lock/bin/pip install --quiet pip-tools==7.6.2
	.venv-lock/bin/pip-compile --quiet --upgrade --all-extras --strip-extras --no-header \
		--no-emit-index-url --no-emit-find-links --output-file .venv-lock/lock.txt pyproject.toml
	{ echo "# The lock: every package hmc and its tests install, at the version last tested."; \
	  echo "# Installs read it as constraints (pip install -c constraints.txt); make lock"; \
	  echo "# refreshes it from pyproject.toml, whose comments say why each pin is there."; \
	  sed '/^hmc-workspace @ /,+1d' .venv-lock/lock.txt; } > constraints.txt  # not hmc itself
	rm -rf .venv-lock

install: $(STAMP)
dev: $(DEV)

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# PostgreSQL tests start a throwaway server of their own from Debian's packaged binaries
# (/usr/lib/postgresql/VERSION/bin); nothing connects to the cluster the package sets up.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

# Spark (the indicator engine tests) runs on a Java 17 runtime: Debian's, when none is there.
java:
	@java -version >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

# The joint report sets Arabic in Noto Naskh Arabic and Latin text in Noto Sans, from Debian's
# fonts-noto-core (SIL Open Font License 1.1: /usr/share/doc/fonts-noto-core/copyright).
fonts:
	@fc-list 2>/dev/null | grep -q "Noto Naskh Arabic" || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-core >/dev/null; }

demo: install fonts
	$(VENV)/bin/hmc demo

# Two workers (pytest-xdist), each with its own PostgreSQL server, demo database and Spark;
# a test module runs on one worker (see tests/conftest.py), the authorization matrix on one per
# database.
test: dev chromium postgresql java fonts
	$(PY) -m pytest -q -n 2 --dist loadgroup

lint: dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: dev
	$(VENV)/bin/mypy

bench: dev postgresql java
	$(PY) benchmarks/startup.py && $(PY) benchmarks/run.py && $(PY) benchmarks/import_speed.py && $(PY) benchmarks/load.py && $(PY) benchmarks/evidence_page.py && $(PY) benchmarks/timeline_speed.py && $(PY) benchmarks/indicators_speed.py && $(PY) benchmarks/news_extraction.py

clean:
	rm -rf $(VENV) hmc.db .pytest_cache .mypy_cache .ruff_cache
