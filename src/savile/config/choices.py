"""The closed vocabularies of the config (tasks, systems, methods) and the defaults several sections share."""

from __future__ import annotations

from typing import Literal

Task = Literal["describe", "support", "extract"]
TASKS: tuple[Task, ...] = ("describe", "support", "extract")
# The baseline ladder of the differential report, cheapest first.
System = Literal["base", "few_shot", "rag", "tuned", "tuned_rag"]
SYSTEMS: tuple[System, ...] = ("base", "few_shot", "rag", "tuned", "tuned_rag")
# Adaptation techniques (`technique.method`): three that only prompt the base model, five that train.
Method = Literal["prompt", "few-shot", "rag", "lora", "qlora", "dora", "full", "lora+rag"]
METHODS: tuple[Method, ...] = ("prompt", "few-shot", "rag", "lora", "qlora", "dora", "full", "lora+rag")
PROMPTING_METHODS: tuple[Method, ...] = ("prompt", "few-shot", "rag")
TRAINED_METHODS: tuple[Method, ...] = ("lora", "qlora", "dora", "full", "lora+rag")
# Trained methods that answer with retrieved passages in the prompt (the tuned_rag rung), and so
# train with them there too (train/raft.py).
RETRIEVAL_METHODS: tuple[Method, ...] = ("lora+rag",)
# Peak learning rate per method when train.learning_rate is null. Low-rank updates scaled by
# alpha / rank = 2 take the usual 2e-4 (Hu et al. 2021; Dettmers et al. 2023 for QLoRA; DoRA's
# authors keep LoRA's rate); updating every weight needs a rate ten times smaller.
DEFAULT_LEARNING_RATES = {"lora": 2e-4, "qlora": 2e-4, "dora": 2e-4, "lora+rag": 2e-4, "full": 2e-5}
# Defaults two sections share: unless told otherwise, the run `savile cost` prices is the one `savile train` makes.
DEFAULT_LORA_RANK = 16  # technique.lora.rank, cost.training.lora_rank
DEFAULT_MAX_TOKENS = 512  # prepare.max_tokens, cost.training.seq_len
MAX_GPUS = 64  # cost.training.gpus at most; past this many of one card, the cost model says it does not fit
HOURS_PER_MONTH = 730  # 24 x 365 / 12: an always-on GPU's billed hours a month
