# Two commands for a new user: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: run test test-quick index eval bench fit lint clean prerequisites test-prerequisites

# Python 3.11 with venv; `make test` also needs Chromium. Installed with apt-get when run
# as root, otherwise one message says what to install before anything else runs.
prerequisites:
	@sh scripts/prerequisites.sh "$(PYTHON)"

test-prerequisites:
	@sh scripts/prerequisites.sh "$(PYTHON)" browser

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

index: prerequisites $(VENV)/.installed
	$(PY) -m ingest corpus/ --index index

run: prerequisites $(VENV)/.installed  # app.py builds index/ itself when missing or stale
	$(PY) app.py

test: test-prerequisites $(VENV)/.installed
	$(PY) -m pytest

test-quick: prerequisites $(VENV)/.installed
	$(PY) -m pytest -m "not slow and not browser"

eval: index
	$(PY) -m qa eval tests/data/example-eval.jsonl --index index

fit: $(VENV)/.installed  # recount qa/data/answer_absent_words.tsv, retune the encoder delta, refit qa/data/fitted.json (figures in bench/FIT.md), ask the reaction questions
	$(PY) -m bench.asking --write
	$(PY) -m bench.finetune --write
	$(PY) -m bench.fit --write
	$(PY) -m bench.reactions

bench: $(VENV)/.installed
	$(PY) -m bench

lint: $(VENV)/.installed
	$(PY) -m ruff check .

clean:
	rm -rf index .index.* eval-out bench/out .pytest_cache
