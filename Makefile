# The two set-up commands of the README. Both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test train

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The bot with TELEGRAM_BOT_TOKEN (environment or .env); without one, the terminal chat.
run: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/ieum-bot

# Lint and the whole test suite (the training and dev extras included).
test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[train,dev]"
	$(BIN)/ruff check .
	$(BIN)/pytest

# Retrain from the shared data (the training extras, then prepare → tokenizer → train → export → evaluate).
train: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[train,dev]"
	$(BIN)/ieum-train all
