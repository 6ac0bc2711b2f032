# `make run` and `make test` are the two commands of the README; each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench clean

$(BIN)/pipeline: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BIN)/pipeline

run: $(BIN)/pipeline
	$(BIN)/pipeline run seeds -o archive -c config.yaml

test: $(BIN)/pipeline
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) archive/*.json archive/index.jsonl archive/run.jsonl archive/articles-*
