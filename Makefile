# newsprint: `make render` sets everything up and renders the default story;
# `make test` runs the tests. Every target installs what it needs first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STORY ?= source/000_47b12d432780679e.txt
ARCHIVE_STORIES ?= 100000  # the archive benchmark's size; 100 000 takes about 20 min
APT_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils \
	fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai libgs-common chromium \
	redis-server
APT_STAMP := .setup/apt.stamp
VENV_STAMP := .setup/venv.stamp
FONTS_STAMP := .setup/fonts.stamp
BENCH_STAMP := .setup/bench.stamp

.DEFAULT_GOAL := help
.PHONY: help setup render test fuzz lint bench fonts clean golden watch serve preflight

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(APT_STAMP): Makefile
	@mkdir -p .setup
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi
	@touch $@

$(VENV_STAMP): pyproject.toml $(APT_STAMP)
	@mkdir -p .setup
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	@touch $@

$(FONTS_STAMP): fonts/fonts.toml $(VENV_STAMP)
	$(PY) render.py fonts
	@touch $@

$(BENCH_STAMP): pyproject.toml $(VENV_STAMP)
	$(VENV)/bin/pip install -q -e '.[dev,bench]'
	@touch $@

setup: $(FONTS_STAMP) ## Install Debian packages, the .venv and the fonts
	@# bytecode for the package: where PYTHONDONTWRITEBYTECODE is set, Python compiles
	@# ~100 modules on every run (0.08 s of a cold render) unless they are written here
	@$(PY) -m compileall -q newsprint >/dev/null
fonts: $(FONTS_STAMP) ## Check and extract the font faces into fonts/cache

render: setup ## Render the default story (STORY=…) into out/
	$(PY) render.py $(STORY)

test: setup ## Run the tests
	$(PY) -m pytest -q

fuzz: setup ## Property-based tests (tests/test_fuzz.py) with 2000 examples each, not 50
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py

lint: setup ## ruff over the code, and the import contracts of the stages (pyproject.toml)
	$(VENV)/bin/ruff check newsprint tests render.py
	$(VENV)/bin/ruff format --check newsprint tests render.py
	$(VENV)/bin/lint-imports --no-cache

bench: setup $(BENCH_STAMP) ## Time the seed's render (cold, warm) beside peers, bytes, memory, typography, the browser loop; editions; archive scale
	$(PY) -m newsprint.bench $(STORY)
	$(PY) -m newsprint.bench.edition
	$(PY) -m newsprint.bench.archive --stories $(ARCHIVE_STORIES)

watch: setup ## Re-render whenever source/, styles/, layout/, fonts/ or newsprint.toml change
	$(PY) render.py watch $(STORY)

serve: setup ## Live proof in the browser on 127.0.0.1, reloading after each render
	$(PY) render.py serve $(STORY)

preflight: setup ## Check the rendered PDFs in out/ (PDF/X, PDF/A, fonts, colour, pictures)
	$(PY) render.py preflight out/*/*.pdf

golden: setup ## Re-make the golden proofs in tests/golden/ after a wanted change
	$(PY) -m pytest -q tests/test_golden.py --update-golden

clean: ## Remove out/ and caches (keeps .venv and fonts)
	rm -rf out .pytest_cache .cache
