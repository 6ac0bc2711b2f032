# `make run` and `make test` are the two commands of the README; each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench clean chromium

$(BIN)/pipeline: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench,native]'
	touch $(BIN)/pipeline

run: $(BIN)/pipeline
	$(BIN)/pipeline run seeds -o archive -c config.yaml

test: $(BIN)/pipeline chromium
	$(BIN)/python -m pytest -q -rs

# The report's browser tests drive Debian's chromium; installed when missing and we may (root, as in CI).
# Without it those tests are skipped, and -rs prints why.
chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "chromium not installed (needs root and apt-get): the browser tests will be skipped"

clean:
	rm -rf $(VENV) archive/*.json archive/index.jsonl archive/run.jsonl archive/articles-*
