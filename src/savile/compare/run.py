"""`savile compare`: every model x technique of `compare:` on the same prepared data and held-out items.

    result = savile.compare.run(cfg, PreparedData.load(cfg.stage_dir("prepare")))

Each cell goes through the same stages as a single run: the trained techniques train with
`train.run` (lora+rag trains apart, with retrieved passages in its prompts: train/raft.py), then every cell answers the same items with the
same decoding, and `score_items` scores them. What did not change is reused: a trained artefact
whose run key (data, base model, technique, train settings) matches, and a cell's answers whose
prompts, decoding and model match; an interrupted training resumes from its last checkpoint.

The domain score of a cell is the mean over tasks of the task's main metric (attribute coverage,
key-fact recall, field F1, each in [0, 1]); every task gets the same number of items, so it is
also the mean over items, and the two-way ANOVA on the per-item scores decomposes its variance.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from savile import atomic
from savile.config import SYSTEMS, Config
from savile.data.guide import brand_guide
from savile.evaluate.run import select_items
from savile.evaluate.systems import Ladder
from savile.records import CompareResult, PreparedData, TrainedModel

__all__ = ["run", "SYSTEM_OF", "TRAINING_OF", "cell_label"]

console = Console(stderr=True)

# The ladder rung that answers for each technique, and the training it needs (None: none).
SYSTEM_OF = {
    "prompt": "base",
    "few-shot": "few_shot",
    "rag": "rag",
    "lora": "tuned",
    "qlora": "tuned",
    "dora": "tuned",
    "full": "tuned",
    "lora+rag": "tuned_rag",
}
TRAINING_OF = {
    "prompt": None,
    "few-shot": None,
    "rag": None,
    "lora": "lora",
    "qlora": "qlora",
    "dora": "dora",
    "full": "full",
    "lora+rag": "lora+rag",
}


def cell_label(model: str, technique: str) -> str:
    """The system name a cell's rows carry in scores.jsonl: "MODEL / TECHNIQUE"."""
    return f"{model} / {technique}"


def run(cfg: Config, prepared: PreparedData) -> CompareResult:
    """Train, answer and score every model x technique of `cfg.compare` on the same held-out items;
    writes runs/compare/ and returns its record (compare.summary.summarise)."""
    from savile.compare.summary import summarise
    from savile.evaluate.score import score_items

    start = time.perf_counter()
    models: list[str] = list(dict.fromkeys(cfg.compare.models))
    techniques: list[str] = list(dict.fromkeys(cfg.compare.techniques))
    guide = brand_guide(cfg)
    tasks: list[str] = list(cfg.prepare.tasks)
    items, per_task = balanced_items(prepared, tasks, cfg.evaluate.max_items_per_task, cfg.evaluate.seed)
    ladder = Ladder.build(
        cfg.model_copy(update={"evaluate": cfg.evaluate.model_copy(update={"systems": list(SYSTEMS)})}), prepared, guide
    )
    out = cfg.stage_dir("compare")
    out.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, dict[str, str]] = {}
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for model in models:
        console.rule(f"compare: {model}")
        cells |= _model_cells(cfg, prepared, ladder, items, model, techniques, out / _slug(model), outputs)
    cells = {(m, t): cells[(m, t)] for m in models for t in techniques}  # grid order, not training order
    rows = score_items(cfg, prepared, guide, items, outputs)
    scores_path = out / "scores.jsonl"
    with atomic.open_text(scores_path) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return summarise(
        cfg, models, techniques, tasks, per_task, cells, rows, scores_path, out, seconds=time.perf_counter() - start
    )


def balanced_items(prepared: PreparedData, tasks: list[str], per_task: int, seed: int) -> tuple[list[dict], int]:
    """The same number of held-out items per task (the fewest any task has, up to `per_task`), so the
    domain score is both the mean of task means and the mean over items."""
    items = select_items(prepared, tasks, per_task, seed)
    counts = [sum(e["task"] == t for e in items) for t in tasks]
    if min(counts) == 0:
        from savile.errors import DataError

        empty = [t for t, c in zip(tasks, counts, strict=False) if c == 0]
        raise DataError(
            f"no held-out items for task(s) {', '.join(empty)}; prepare more data or drop them from prepare.tasks."
        )
    n = min(counts)
    if n < per_task and max(counts) > n:
        console.print(f"[yellow]compare: {n} items per task (the fewest any task has), not {per_task}[/yellow]")
        items = select_items(prepared, tasks, n, seed)
    return items, n


def _model_cells(
    cfg: Config,
    prepared: PreparedData,
    ladder: Ladder,
    items: list[dict],
    model: str,
    techniques: list[str],
    folder: Path,
    outputs: dict,
) -> dict[tuple[str, str], dict]:
    """Train what this model's techniques need, then answer the items with every technique (cached)."""
    from savile.models import resolve_model

    base_path = resolve_model(model, cfg.model.cache_dir)
    params = _param_count(base_path)
    cells: dict[tuple[str, str], dict] = {}
    groups: dict[str | None, list[str]] = {}
    for technique in techniques:
        groups.setdefault(TRAINING_OF[technique], []).append(technique)
    for method, members in groups.items():
        trained = _trained(cfg, prepared, model, method, folder / method) if method else None
        loader = _Loader(base_path, trained, cfg.train.precision)
        for technique in members:
            cell_dir = folder / _slug(technique)
            cell = _answer_cell(cfg, ladder, items, technique, loader, cell_dir, base_path, trained)
            cell |= _latency(cfg, ladder, items, technique, loader, cell_dir, base_path, trained)
            outputs[cell_label(model, technique)] = cell.pop("answers")
            cells[(model, technique)] = cell | {"params": params, **_training_costs(trained)}
        loader.release()
    return cells


def _trained(cfg: Config, prepared: PreparedData, model: str, method: str, folder: Path) -> TrainedModel:
    """The trained artefact for (model, method): reused when its run key matches, else trained (resuming)."""
    from savile import train
    from savile.train.sft import run_key

    sub = cell_config(cfg, model, method, folder)
    stage = sub.stage_dir("train")
    if (stage / "manifest.json").exists():
        done = TrainedModel.load(stage)
        if done.config.get("run_key") == run_key(sub, prepared) and done.adapter_dir.exists():
            console.print(f"[dim]compare: {model} {method}: reusing {done.adapter_dir}[/dim]")
            return done
    console.print(f"compare: training {model} with {method}")
    return train.run(sub, prepared)


def cell_config(cfg: Config, model: str, method: str, folder: Path) -> Config:
    """The project config for one trained cell: its base model, its technique, its own output folder."""
    return cfg.model_copy(
        update={
            "model": cfg.model.model_copy(update={"base": model}),
            "technique": cfg.technique.model_copy(update={"method": method}),
            "output_dir": folder.resolve(),
        }
    )


class _Loader:
    """Loads the cell's model on first use only, so a fully cached model costs nothing."""

    def __init__(self, base_path: Path, trained: TrainedModel | None, precision: str):
        self.base_path, self.trained, self.precision = base_path, trained, precision
        self.model = self.tokenizer = None

    def get(self):
        if self.model is None:
            from transformers import AutoTokenizer

            from savile.evaluate.model import load_model, plain_copy
            from savile.train.hardware import use_bf16

            self.tokenizer = AutoTokenizer.from_pretrained(self.base_path)
            # As `savile evaluate` answers: the adapter merged, in bf16 where bf16 pays.
            self.model = plain_copy(load_model(self.base_path, self.trained), use_bf16(self.precision))
        return self.model, self.tokenizer

    def release(self) -> None:
        self.model = self.tokenizer = None
        import gc

        gc.collect()


def _answer_cell(
    cfg: Config,
    ladder: Ladder,
    items: list[dict],
    technique: str,
    loader: _Loader,
    folder: Path,
    base_path: Path,
    trained: TrainedModel | None,
) -> dict:
    """The cell's answers per item, and its generation seconds per task; from cache where inputs match."""
    from savile.evaluate.answer import answer_items
    from savile.train.hardware import use_bf16

    bf16 = use_bf16(cfg.train.precision)
    system = SYSTEM_OF[technique]
    answers: dict[str, str] = {}
    seconds: dict[str, float] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for task in dict.fromkeys(e["task"] for e in items):
        task_items = [e for e in items if e["task"] == task]
        chats = ladder.chats(system, task, task_items)
        decoding = getattr(cfg.evaluate, task)
        key = _answers_key(chats, decoding.model_dump(), str(base_path), trained, bf16, cfg.evaluate.batch_size)
        cache = folder / f"answers-{task}.json"
        cached = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
        if cached.get("key") == key:
            got, secs = cached["answers"], cached["seconds"]
        else:
            model, tokenizer = loader.get()
            got, secs = answer_items(
                model,
                tokenizer,
                task_items,
                chats,
                decoding,
                cfg.evaluate.batch_size,
                bf16,
                label=f"{technique}: {task}",
            )
            secs = round(secs, 2)
            atomic.write_text(cache, json.dumps({"key": key, "answers": got, "seconds": secs}, ensure_ascii=False))
        answers |= got
        seconds[task] = secs
    return {
        "answers": answers,
        "generate_seconds": seconds,
        "seconds_per_answer": sum(seconds.values()) / max(1, len(items)),
        "system": system,
    }


def _latency(
    cfg: Config,
    ladder: Ladder,
    items: list[dict],
    technique: str,
    loader: _Loader,
    folder: Path,
    base_path: Path,
    trained: TrainedModel | None,
) -> dict:
    """Median wall seconds of one request answered alone (batch 1, greedy, the task's decoding), after
    a warm-up request: what a user of a deployed cell waits, unlike the batched seconds per answer."""
    import statistics

    from savile.evaluate.generate import generate
    from savile.train.hardware import use_bf16

    n = cfg.compare.latency_items
    if not n:
        return {"latency_seconds": math.nan, "latency_tokens": math.nan}
    bf16 = use_bf16(cfg.train.precision)
    task = items[0]["task"]
    chats = ladder.chats(SYSTEM_OF[technique], task, [e for e in items if e["task"] == task][:n])
    decoding = getattr(cfg.evaluate, task)
    key = _answers_key(chats, decoding.model_dump(), str(base_path), trained, bf16, 1)
    cache = folder / "latency.json"
    cached = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
    if cached.get("key") != key:
        model, tokenizer = loader.get()
        generate(
            model, tokenizer, chats[:1], decoding.model_copy(update={"max_new_tokens": 4}), 1, bf16, label="warm-up"
        )
        seconds, tokens = [], []
        for i, chat in enumerate(chats):
            t0 = time.perf_counter()
            answer = generate(
                model, tokenizer, [chat], decoding, 1, bf16, label=f"{technique}: latency {i + 1}/{len(chats)}"
            )[0]
            seconds.append(time.perf_counter() - t0)
            tokens.append(len(tokenizer(answer, add_special_tokens=False)["input_ids"]))
        cached = {"key": key, "seconds": seconds, "tokens": tokens}
        atomic.write_text(cache, json.dumps(cached))
    return {
        "latency_seconds": statistics.median(cached["seconds"]),
        "latency_tokens": statistics.median(cached["tokens"]),
        "latency_task": task,
    }


def _answers_key(chats, decoding: dict, base_path: str, trained: TrainedModel | None, bf16: bool, batch: int) -> str:
    payload = {
        "chats": chats,
        "decoding": decoding,
        "model": base_path,
        "bf16": bf16,
        "weights": "plain copy",  # answers of the PEFT model under autocast, cached before, are not these
        "batch_size": batch,
        "artefact": trained.config.get("run_key") if trained else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _training_costs(trained: TrainedModel | None) -> dict[str, Any]:
    from savile.train.methods import artefact_bytes

    if trained is None:
        return {"train_seconds": 0.0, "train_tokens": 0, "artefact_bytes": 0}
    return {
        "train_seconds": trained.train_seconds,
        "train_tokens": trained.train_tokens,
        "artefact_bytes": artefact_bytes(trained.adapter_dir),
    }


def _param_count(base_path: Path) -> int:
    """Parameters of the base model, counted on the meta device (no weights loaded)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(base_path))
    return sum(p.numel() for p in model.parameters())


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "model"
