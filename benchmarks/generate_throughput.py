"""Batched generation, with and without the prefix cache, against one prompt at a time; and `savile evaluate` timed.

    .venv/bin/python benchmarks/generate_throughput.py [--project demo-brand] [--repeats 3]
    .venv/bin/python benchmarks/generate_throughput.py --repeats 1 --prompts 4 --single 2 --max-new-tokens 8 --no-evaluate
    .venv/bin/python benchmarks/generate_throughput.py --prompts 48 --batch-sizes 16,48
    .venv/bin/python benchmarks/generate_throughput.py --prompts 48 --copies

`--copies` measures only this: the few-shot rung's 48 describe prompts (the demo's longest), in one
batch of 48, prefix-cached, answered by the base model three ways: as `savile evaluate` answered
before the generation copy, by the LoRA model with its adapter switched off under bf16 autocast
(the adapter a fresh r=16 one on every linear layer: switched off, its weights do not matter, its
cost does); by the plain fp32 model under autocast; and by the generation copy
(`evaluate.model.plain_copy`: adapter removed, weights cast to bf16 once). Tokens per second,
median of `--repeats`; bf16 is used only where this CPU runs it faster (`use_bf16("auto")`).

`--batch-sizes` measures only this: the same prompts, prefix-cached, answered in batches of each size
(the demo answers a rung's 48 items in one batch of 48), tokens per second, median of `--repeats`.

Part 1, on the embedded default model: the same held-out describe prompts of the demo brand
(each opens with the same long brand-guide system prompt) are answered by
`savile.evaluate.generate.generate` in batches of 32 (left-padded, KV cache) without the prefix
cache, the same with it (the shared prompt prefix encoded once and its KV cache reused by every
batch), and one at a time without it, as before the prefix cache; tokens per second are generated
tokens (each answer re-tokenised, plus its end-of-turn token) over wall time, the median of
`--repeats` runs. The issue's target: batched at least 4x one at a time. The prefix-cached answers
are checked to equal the uncached ones. Every way writes its KV cache into room reserved ahead
(evaluate/kv_cache.py); the prefix-cached batches are run once more with transformers' own cache,
which grows by concatenation, and their answers compared.

Part 2: `savile evaluate` on the demo project (every system of the ladder, then the governance
probes), timed once; `--no-evaluate` skips it. The project is built with `savile demo` when it is
not there yet (with `--no-evaluate`, when it has no prepared data). The second command line is a
smoke check, not a measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path


def _throughput(model, tokenizer, chats, decoding, batch_size: int, prefix_cache: bool) -> tuple[float, list[str]]:
    from savile.evaluate.generate import generate

    start = time.perf_counter()
    answers = generate(
        model,
        tokenizer,
        chats,
        decoding,
        batch_size,
        bf16=False,
        prefix_cache=prefix_cache,
        label=f"batch {batch_size}{', prefix cached' if prefix_cache else ''}",
    )
    seconds = time.perf_counter() - start
    tokens = sum(len(tokenizer(a, add_special_tokens=False)["input_ids"]) + 1 for a in answers)
    return tokens / seconds, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path("demo-brand"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--prompts", type=int, default=32, help="Prompts per batched run.")
    parser.add_argument("--single", type=int, default=8, help="Prompts per one-at-a-time run.")
    parser.add_argument("--max-new-tokens", type=int, default=None, help="Override the describe task's (smoke runs).")
    parser.add_argument("--no-evaluate", action="store_true", help="Skip part 2, the timed `savile evaluate`.")
    parser.add_argument("--batch-sizes", default=None, help="Comma-separated batch sizes to compare, and nothing else.")
    parser.add_argument("--copies", action="store_true", help="The generation copy against the PEFT model, only.")
    args = parser.parse_args()
    from savile.allocator import keep_freed_memory

    keep_freed_memory()  # as the `savile` command does at start, for every way alike

    config = args.project / "savile.yaml"
    needed = "prepare" if args.no_evaluate or args.batch_sizes or args.copies else "train"
    if not (args.project / "runs" / needed / "manifest.json").exists():
        subprocess.run([sys.executable, "-m", "savile", "demo", str(args.project)], check=False)

    from savile.config import load_config

    cfg = load_config(config)
    if args.batch_sizes:
        _batch_sizes(cfg, args, [int(x) for x in args.batch_sizes.split(",")])
        return
    if args.copies:
        _copies(cfg, args)
        return
    _generation(cfg, args)
    if not args.no_evaluate:
        _evaluate(cfg, config)


def _describe_prompts(cfg, count: int):
    """The embedded model in fp32, its tokenizer, and the base rung's first `count` held-out describe chats."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from savile.data.guide import brand_guide
    from savile.evaluate.systems import Ladder
    from savile.models import resolve_model
    from savile.records import PreparedData

    prepared = PreparedData.load(cfg.stage_dir("prepare"))
    items = [e for e in prepared.examples("test") if e["task"] == "describe"][:count]
    chats = Ladder(cfg, brand_guide(cfg), {}, None).chats("base", "describe", items)
    path = resolve_model(cfg.model.base, cfg.model.cache_dir)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    return model, AutoTokenizer.from_pretrained(path), chats


def _batch_sizes(cfg, args, sizes: list[int]) -> None:
    """The same prompts, prefix-cached, answered in batches of each size: tokens per second."""
    model, tokenizer, chats = _describe_prompts(cfg, args.prompts)
    decoding = cfg.evaluate.describe
    if args.max_new_tokens:
        decoding = decoding.model_copy(update={"max_new_tokens": args.max_new_tokens})
    print(f"\n{len(chats)} describe prompts on {cfg.model.base}, fp32, prefix cached, median of {args.repeats}:")
    for size in sizes:
        runs = [_throughput(model, tokenizer, chats, decoding, size, True)[0] for _ in range(args.repeats)]
        median = statistics.median(runs)
        print(f"  batches of {size:3}: {median:.1f} tokens/s   runs {', '.join(f'{x:.1f}' for x in runs)}")


def _copies(cfg, args) -> None:
    """The few-shot prompts answered by the PEFT model (adapter off) under autocast, the plain model
    under autocast, and the generation copy: tokens per second, and how many answers agree."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from savile.data.guide import brand_guide
    from savile.evaluate.generate import generate
    from savile.evaluate.model import plain_copy
    from savile.evaluate.run import select_items
    from savile.evaluate.systems import Ladder
    from savile.models import resolve_model
    from savile.records import PreparedData
    from savile.train.hardware import use_bf16

    prepared = PreparedData.load(cfg.stage_dir("prepare"))
    items = select_items(prepared, ["describe"], args.prompts, cfg.evaluate.seed)
    chats = Ladder.build(cfg, prepared, brand_guide(cfg)).chats("few_shot", "describe", items)
    path = resolve_model(cfg.model.base, cfg.model.cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(path)
    decoding = cfg.evaluate.describe
    if args.max_new_tokens:
        decoding = decoding.model_copy(update={"max_new_tokens": args.max_new_tokens})
    bf16 = use_bf16("auto")
    plain = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    peft = get_peft_model(
        AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32),
        LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM"),
    ).eval()
    copy = plain_copy(peft, bf16, adapter=False)
    precision = "bf16" if bf16 else "fp32"
    print(f"\n{len(chats)} few-shot describe prompts on {cfg.model.base}, one batch, prefix cached, {precision}:")
    first = None
    for name, model in (
        (f"LoRA model, adapter off, {precision} autocast (before)", peft),
        (f"plain model, {precision} autocast", plain),
        (f"generation copy, {precision} weights (now)", copy),
    ):
        runs, answers = [], []
        for _ in range(args.repeats):
            with peft.disable_adapter() if model is peft else nullcontext():
                start = time.perf_counter()
                answers = generate(model, tokenizer, chats, decoding, len(chats), bf16, label=name)
                seconds = time.perf_counter() - start
            runs.append(sum(len(tokenizer(a, add_special_tokens=False)["input_ids"]) + 1 for a in answers) / seconds)
        first = first or (statistics.median(runs), answers)
        same = sum(a == b for a, b in zip(first[1], answers, strict=True))
        print(
            f"  {name + ':':52} {statistics.median(runs):6.1f} tokens/s  {statistics.median(runs) / first[0]:.2f}x   "
            f"runs {', '.join(f'{x:.1f}' for x in runs)}; answers equal to the first way's: {same} of {len(chats)}"
        )


def _generation(cfg, args) -> None:
    """Part 1: batched without and with the prefix cache (and with the concatenating cache), and one at a
    time, on the describe prompts."""
    model, tokenizer, chats = _describe_prompts(cfg, args.prompts)
    decoding = cfg.evaluate.describe
    if args.max_new_tokens:
        decoding = decoding.model_copy(update={"max_new_tokens": args.max_new_tokens})

    batched, plain = zip(
        *[_throughput(model, tokenizer, chats, decoding, 32, False) for _ in range(args.repeats)], strict=False
    )
    cached, hits = zip(
        *[_throughput(model, tokenizer, chats, decoding, 32, True) for _ in range(args.repeats)], strict=False
    )
    with _concatenating_cache():
        concatenated, joined = zip(
            *[_throughput(model, tokenizer, chats, decoding, 32, True) for _ in range(args.repeats)], strict=False
        )
    single_chats = chats[: args.single]
    single = [_throughput(model, tokenizer, single_chats, decoding, 1, False)[0] for _ in range(args.repeats)]
    b, c, s = statistics.median(batched), statistics.median(cached), statistics.median(single)
    j = statistics.median(concatenated)
    same = sum(x == y for x, y in zip(plain[0], hits[0], strict=False))
    same_joined = sum(x == y for x, y in zip(joined[0], hits[0], strict=False))
    print(
        f"\ngeneration on {cfg.model.base}, {len(chats)} describe prompts, max_new_tokens {decoding.max_new_tokens}, "
        f"median of {args.repeats}:"
    )
    for name, median, runs in (
        ("batched (32 at a time)", b, batched),
        ("batched, shared prefix cached", c, cached),
        ("the same, concatenating cache", j, concatenated),
        (f"one at a time ({len(single_chats)} prompts)", s, single),
    ):
        print(f"  {name + ':':32} {median:.1f} tokens/s   runs {', '.join(f'{x:.1f}' for x in runs)}")
    print(
        f"  speed-up over one at a time: batched {b / s:.1f}x, prefix-cached {c / s:.1f}x (target at least 4x); "
        f"prefix cache over batched {c / b:.2f}x"
    )
    print(f"  prefix-cached answers equal to the uncached ones: {same} of {len(chats)}")
    print(
        f"  preallocated KV cache over transformers' concatenating one (both prefix-cached): {c / j:.2f}x; "
        f"answers equal: {same_joined} of {len(chats)}"
    )


@contextlib.contextmanager
def _concatenating_cache():
    """Generation with transformers' own DynamicCache, grown by concatenation, as before evaluate/kv_cache.py."""
    import savile.evaluate.kv_cache as kv_cache

    own = kv_cache.preallocated_cache
    kv_cache.preallocated_cache = lambda model: None
    try:
        yield
    finally:
        kv_cache.preallocated_cache = own


def _evaluate(cfg, config: Path) -> None:
    """Part 2: `savile evaluate` on the demo project, timed once."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "savile", "evaluate", str(config)])
    wall = time.perf_counter() - start
    manifest = json.loads((cfg.stage_dir("evaluate") / "manifest.json").read_text())
    n = {t: e["n_items"] for t, e in manifest["metrics"].items()}
    print(
        f"\nsavile evaluate on the demo's eval set ({', '.join(f'{t} {k}' for t, k in n.items())} items, "
        f"{len(manifest['systems'])} systems, governance probes): {wall / 60:.1f} min wall "
        f"(generation for the ladder {manifest['generate_seconds']:.0f} s; governance "
        f"{', '.join(f'{k} {v:.0f} s' for k, v in manifest['governance'].get('seconds', {}).items())}); exit code {done.returncode}"
    )


if __name__ == "__main__":
    main()
