"""Training throughput: Savile's train step against TRL's SFTTrainer and the plain padded Trainer.

    .venv/bin/python benchmarks/train_throughput.py [--project DIR] [--steps 12] [--repeats 3]

LoRA r=16 on every linear layer of the embedded default model (SmolLM2-135M-Instruct), on the demo
brand's prepared training examples (the project is written and prepared first when DIR has none),
the same examples in the same order for the same optimiser steps (8 examples a step, learning rate
4e-4), three ways, each in a fresh process so peak memory is its own:

- `trl`: TRL's SFTTrainer at its defaults (messages in, its own chat templating, loss on every
  token, its chunked LM-head loss), bf16 where this CPU runs bf16 faster, as Savile decides;
- `padded`: the transformers Trainer with batches padded to the longest, the model's own loss on
  the reply tokens (Savile's path before packing);
- `savile-padded`: the train stage's step with `train.packing: false` (train/batches.py): batches
  padded on the right without an attention mask, logits computed only where the reply is, the same
  precision choice, and under bf16 the frozen base held in bf16 (train/methods.py);
- `savile`: the same with `train.packing: true`: each step's examples packed into one row without
  padding or attention mask (a block-diagonal mask built from the position ids).

The two `savile` ways run with the allocator setting the `savile` command makes at start (freed
memory kept in the heap, savile/allocator.py); `trl` and `padded` with glibc's defaults, as a user
running those would.

Printed per way, the median of `--repeats` runs: wall seconds of the training loop (model loaded,
first step excluded as warm-up), tokens per second (every token read) and reply tokens per second
(the tokens Savile's loss falls on; TRL's defaults train on every token, so its loss is not
comparable), peak resident memory, the mean training loss of the last 4 steps, the speed ratio to
TRL and to `padded`, and MFU: the LoRA FLOPs of the tokens read (4·N·T + 6·N_adapter·T, the cost
model's formula) over seconds times the matmul peak measured here in the same precision (the
highest any of the run's processes measured).
The CPU is named in the output: bf16 is 4x faster than fp32 on some of these machines, 2x slower on others.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from demo_folder import demo_project

WAYS = ("trl", "padded", "savile-padded", "savile")
LR = 4e-4
BATCH = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path("demo-brand"))
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", choices=WAYS, help=argparse.SUPPRESS)  # internal: run one way in this process
    args = parser.parse_args()
    config = args.project / "savile.yaml"
    if args.one:
        print(json.dumps(_run_one(args.one, config, args.steps)))
        return
    demo_project(args.project)
    results: dict[str, list[dict]] = {w: [] for w in WAYS}
    for rep in range(args.repeats):
        for way in WAYS:  # interleaved, so a slow spell of the machine falls on every way alike
            out = subprocess.run(
                [sys.executable, __file__, "--project", str(args.project), "--steps", str(args.steps), "--one", way],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[way].append(json.loads(out.strip().splitlines()[-1]))
            print(f"repeat {rep + 1} {way}: {results[way][-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    _print(results, args.steps)


def _print(results: dict[str, list[dict]], steps: int) -> None:
    med = {
        w: {k: statistics.median(r[k] for r in rs) for k in rs[0] if isinstance(rs[0][k], (int, float))}
        for w, rs in results.items()
    }
    first = results["savile"][0]
    # One peak for every way: the best this machine showed in any of the run's processes, since a
    # process measured during a slow spell would flatter its own MFU.
    peak = max(r["peak_flops"] for rs in results.values() for r in rs)
    print(
        f"CPU: {_cpu_name()}; precision {first['precision']}; {steps} steps of {BATCH} examples "
        f"({first['tokens']:,} tokens, {first['reply_tokens']:,} in replies); median of {len(results['savile'])}"
    )
    print(f"matmul peak ({first['precision']}, the best of the run's processes): {peak / 1e9:,.0f} GFLOP/s")
    print("| way | seconds | tokens/s | reply tokens/s | peak RSS | final loss | vs TRL | vs padded | MFU |")
    print("|---|---|---|---|---|---|---|---|---|")
    for way, m in med.items():
        print(
            f"| {way} | {m['seconds']:.1f} | {m['tokens'] / m['seconds']:,.0f} | {m['reply_tokens'] / m['seconds']:,.0f} "
            f"| {m['peak_rss_mb']:,.0f} MB | {m['final_loss']:.4f} | {med['trl']['seconds'] / m['seconds']:.2f}x "
            f"| {med['padded']['seconds'] / m['seconds']:.2f}x | {m['flops'] / m['seconds'] / peak:.1%} |"
        )
    for way in ("savile-padded", "savile"):
        drift = abs(med[way]["final_loss"] - med["padded"]["final_loss"]) / med["padded"]["final_loss"]
        print(f"final loss, {way} against padded (both on reply tokens only): {drift:.2%} apart")


def _run_one(way: str, config: Path, steps: int) -> dict:
    import torch
    from transformers import AutoTokenizer, DataCollatorForSeq2Seq, Trainer, TrainingArguments

    from savile.config import load_config
    from savile.cost.flops import training_flops
    from savile.models import resolve_model
    from savile.records import PreparedData
    from savile.train.batches import AnswerLossTrainer, PackedCollator, PaddedCollator
    from savile.train.data import encode_all
    from savile.train.hardware import cpu_peak_flops, use_bf16
    from savile.train.methods import trainable_model
    from savile.train.order import training_order

    if way.startswith("savile"):
        from savile.allocator import keep_freed_memory

        keep_freed_memory()  # as the `savile` command does at start
    cfg = load_config(config, ["technique.method=lora", "technique.lora.rank=16"])
    prepared = PreparedData.load(cfg.stage_dir("prepare"))
    base = resolve_model(cfg.model.base, cfg.model.cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(base)
    rows, kept, _ = encode_all(prepared.examples("train"), tokenizer, cfg.prepare.max_tokens)
    by_id = {e["id"]: e for e in kept}
    order = training_order(rows, [], BATCH, seed=0)[: (steps + 1) * BATCH]  # +1: the warm-up step
    bf16 = use_bf16("auto")
    timer = _StepTimer()
    common = dict(
        output_dir="/tmp/savile-throughput",
        max_steps=steps + 1,
        learning_rate=LR,
        per_device_train_batch_size=BATCH,
        lr_scheduler_type="constant",
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        bf16=bf16,
        use_cpu=True,
        seed=0,
        dataloader_num_workers=0,
    )
    torch.manual_seed(0)
    # The train stage holds the frozen base in bf16 under bf16 autocast; the other ways load it in fp32.
    model = trainable_model(base, cfg.technique, bf16=bf16 and way.startswith("savile"))
    if way == "trl":
        import datasets
        from trl import SFTConfig, SFTTrainer

        data = datasets.Dataset.from_list([{"messages": by_id[r["id"]]["messages"]} for r in order])
        trainer = SFTTrainer(
            model=model,
            args=SFTConfig(**common, shuffle_dataset=False, train_sampling_strategy="sequential"),
            train_dataset=data,
            processing_class=tokenizer,
            callbacks=[timer],
        )
    else:
        import datasets

        data = datasets.Dataset.from_list([{k: r[k] for k in ("input_ids", "attention_mask", "labels")} for r in order])
        args = TrainingArguments(**common, train_sampling_strategy="sequential")
        padded = DataCollatorForSeq2Seq(tokenizer, padding=True)
        if way == "padded":
            trainer = Trainer(model=model, args=args, train_dataset=data, callbacks=[timer], data_collator=padded)
        else:
            trainer = AnswerLossTrainer(
                model=model,
                args=args,
                train_dataset=data,
                callbacks=[timer],
                data_collator=PackedCollator() if way == "savile" else PaddedCollator(tokenizer.pad_token_id),
            )
    trainer.train()
    timed = order[BATCH:]
    tokens = sum(len(r["input_ids"]) for r in timed)
    n_params = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    adapter = sum(p.numel() for p in model.parameters() if p.requires_grad)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {
        "seconds": timer.seconds,
        "tokens": tokens,
        "reply_tokens": sum(sum(1 for x in r["labels"] if x != -100) for r in timed),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "final_loss": statistics.fmean(losses[-4:]),
        "flops": training_flops("lora", n_params, tokens, adapter),
        "peak_flops": cpu_peak_flops("bf16" if bf16 else "fp32"),
        "precision": "bf16" if bf16 else "fp32",
    }


class _StepTimer:
    """Seconds from the end of the first (warm-up) step to the end of the last."""

    def __new__(cls):
        from transformers import TrainerCallback

        class Timer(TrainerCallback):
            seconds = 0.0
            _start = None

            def on_step_end(self, args, state, control, **kwargs):
                if state.global_step == 1:
                    self._start = time.perf_counter()
                elif self._start is not None:
                    self.seconds = time.perf_counter() - self._start

        return Timer()


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
