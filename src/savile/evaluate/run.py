"""`savile evaluate`: base (prompt-engineered) vs tuned on the same held-out items, paired.

    result = savile.evaluate.run(cfg, prepared, trained)

Both systems see the same items, the same user turns and the same greedy decoding settings; the
base gets the brand guide in its system prompt, the tuned model the short prompt it was trained
with. Scores go to per-example JSONL; per metric a paired bootstrap CI of the mean delta.
"""

from __future__ import annotations

import json
import random
import time
from contextlib import nullcontext
from pathlib import Path

from savile.config import Config
from savile.data.prompts import guide_prompt, task_prompt
from savile.data.guide import read_brand_guide
from savile.evaluate.generate import generate
from savile.evaluate.metrics import describe_scores, extract_scores, support_scores
from savile.evaluate.stats import mcnemar_exact, paired_bootstrap
from savile.records import EvalResult, PreparedData, TrainedModel

__all__ = ["run", "METRICS", "SYSTEMS"]

SYSTEMS = {
    "base": "base model, brand guide in the system prompt (prompt engineering)",
    "tuned": "base model + LoRA adapter, short task prompt",
}
# task -> (metric, higher_is_better, binary)
METRICS: dict[str, list[tuple[str, bool, bool]]] = {
    "describe": [("attribute_coverage", True, False), ("any_hallucination", False, True),
                 ("hallucinated_attributes", False, False), ("banned_term", False, True), ("length_ok", True, True)],
    "support": [("key_fact_recall", True, False)],
    "extract": [("json_valid", True, True), ("json_valid_loose", True, True), ("field_f1", True, False)],
}


def select_items(prepared: PreparedData, tasks: list[str], per_task: int, seed: int) -> list[dict]:
    """A seeded sample of held-out items per task; support items need policy facts to score."""
    from savile.train.data import read_examples

    rng = random.Random(seed)
    held_out = read_examples(prepared.eval_path)
    items = []
    for task in tasks:
        pool = [e for e in held_out if e["task"] == task]
        if task == "support":
            pool = [e for e in pool if e["meta"]["facts"]]
        items += pool if len(pool) <= per_task else rng.sample(pool, per_task)
    return items


def run(cfg: Config, prepared: PreparedData, trained: TrainedModel) -> EvalResult:
    from savile.evaluate.model import load_tuned
    from savile.train.sft import use_bf16

    guide = read_brand_guide(cfg.path(cfg.sources.brand_guide))
    tasks = list(cfg.prepare.tasks)
    items = select_items(prepared, tasks, cfg.evaluate.max_items_per_task, cfg.evaluate.seed)
    prompts = {
        "base": {t: guide_prompt(t, guide, cfg.catalogue.attributes) for t in tasks},
        "tuned": {t: task_prompt(t, guide) for t in tasks},
    }
    model, tokenizer = load_tuned(Path(trained.base_path), trained.adapter_dir)
    bf16 = use_bf16(cfg.train.precision)
    start = time.perf_counter()
    outputs: dict[str, dict[str, str]] = {s: {} for s in SYSTEMS}
    for task in tasks:
        task_items = [e for e in items if e["task"] == task]
        decoding = getattr(cfg.evaluate, task)
        for system in SYSTEMS:
            chats = [[{"role": "system", "content": prompts[system][task]}, *e["messages"][1:-1]] for e in task_items]
            with (model.disable_adapter() if system == "base" else nullcontext()):
                answers = generate(model, tokenizer, chats, decoding, cfg.evaluate.batch_size, bf16,
                                   label=f"{task}: {system}")
            outputs[system].update({e["id"]: a for e, a in zip(task_items, answers)})
    seconds = time.perf_counter() - start

    out = cfg.stage_dir("evaluate")
    out.mkdir(parents=True, exist_ok=True)
    rows = _score(items, outputs, prepared, guide)
    examples_path = out / "examples.jsonl"
    with examples_path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    record = EvalResult(
        examples_path=examples_path, systems=SYSTEMS, metrics=_statistics(rows, tasks, cfg),
        decoding={t: getattr(cfg.evaluate, t).model_dump() for t in tasks}, prompts=prompts,
        seconds=round(seconds, 1), config=cfg.resolved(),
    )
    record.save(out)
    return record


def _score(items: list[dict], outputs: dict[str, dict[str, str]], prepared: PreparedData, guide) -> list[dict]:
    rows = []
    for e in items:
        for system in SYSTEMS:
            text = outputs[system][e["id"]]
            if e["task"] == "describe":
                vocab = {k: v for k, v in prepared.vocabulary.items() if k in e["meta"]["attributes"]}
                scores = describe_scores(text, e["meta"]["attributes"], vocab, guide.banned_terms,
                                         guide.length.min_words, guide.length.max_words)
            elif e["task"] == "support":
                scores = support_scores(text, e["meta"]["facts"])
            else:
                scores = extract_scores(text, e["meta"]["gold"])
            rows.append({"task": e["task"], "id": e["id"], "system": system, "output": text,
                         "reference": e["messages"][-1]["content"], "prompt": e["messages"][-2]["content"],
                         "scores": scores})
    return rows


def _statistics(rows: list[dict], tasks: list[str], cfg: Config) -> dict[str, list[dict]]:
    ev = cfg.evaluate
    table: dict[str, list[dict]] = {}
    for task in tasks:
        by_system = {s: [r for r in rows if r["task"] == task and r["system"] == s] for s in SYSTEMS}
        table[task] = []
        for metric, higher, binary in METRICS[task]:
            base = [r["scores"][metric] for r in by_system["base"]]
            tuned = [r["scores"][metric] for r in by_system["tuned"]]
            delta = paired_bootstrap(metric, base, tuned, higher_is_better=higher, n_resamples=ev.bootstrap_resamples,
                                     confidence=ev.confidence, seed=ev.seed)
            entry = delta.to_dict() | {"improved": delta.improved()}
            if binary:
                entry["mcnemar_p"] = mcnemar_exact(metric, base, tuned).p_value
            table[task].append(entry)
    return table
