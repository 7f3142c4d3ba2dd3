"""What `savile train` is about to do, and how long it should take, printed before it starts.

    plan = TrainingPlan.measure(model, collator, rows, cfg, bf16, probe_rows=24)
    plan.show()    # examples, tokens, steps, epochs, loss measurements, and the estimated minutes

The minutes come from this machine, now: one optimiser step on real rows of median length is
timed (after one untimed warm-up step, gradients thrown away, every random generator restored so
the run itself is unchanged), scaled to the mean tokens per step, times the steps of every epoch,
plus the loss measurements at each checkpoint (a forward pass, about a third of a step per row).
With early stopping (`train.patience`) the figure is the most the run can take. The Trainer's own
progress bar then shows the steps done and its ETA.
"""

from __future__ import annotations

import math
import statistics
import time
from contextlib import nullcontext
from dataclasses import dataclass

from rich.console import Console

from savile.config import Config

__all__ = ["TrainingPlan"]


@dataclass(frozen=True)
class TrainingPlan:
    """What a training run will do and about how long it will take, printed before it starts."""

    examples: int
    tokens: int  # per epoch, every token the model reads
    reply_tokens: int  # per epoch, the tokens the loss falls on
    steps_per_epoch: int
    epochs: float
    measurements: int
    seconds_per_step: float
    seconds: float
    patience: int | None

    @classmethod
    def measure(
        cls, model, collator, rows: list[dict], cfg: Config, bf16: bool, probe_rows: int, processes: int = 1
    ) -> TrainingPlan:
        """The plan for `rows` under `cfg`, with one training step timed on `model` now."""
        t = cfg.train
        per_step = t.batch_size * t.grad_accum * processes
        steps_per_epoch = max(1, math.ceil(len(rows) / per_step))
        steps = math.ceil(steps_per_epoch * t.epochs)
        tokens = sum(len(r["input_ids"]) for r in rows)
        measurements = steps // t.save_steps + 1
        step_seconds = _timed_step(model, collator, rows, t.batch_size, bf16) * t.grad_accum
        # A measurement is a forward pass over `probe_rows` rows: about a third of a training step's work per row.
        measure_seconds = step_seconds / (t.batch_size * t.grad_accum) * probe_rows / 3
        return cls(
            examples=len(rows),
            tokens=tokens,
            reply_tokens=sum(sum(1 for x in r["labels"] if x != -100) for r in rows),
            steps_per_epoch=steps_per_epoch,
            epochs=t.epochs,
            measurements=measurements,
            seconds_per_step=step_seconds,
            seconds=steps * step_seconds + measurements * measure_seconds,
            patience=t.patience,
        )

    def show(self, console: Console | None = None) -> None:
        """Print the plan in two lines (to stderr by default)."""
        console = console or Console(stderr=True)
        stop = (
            f", early stopping after {self.patience} measurements without a lower validation loss"
            if self.patience
            else ""
        )
        console.print(
            f"plan: {self.examples:,} examples, {self.tokens:,} tokens per epoch ({self.reply_tokens:,} in replies, "
            f"where the loss falls), {self.steps_per_epoch:,} steps per epoch x {self.epochs:g} epochs{stop}; "
            f"validation loss measured {self.measurements} times.\n"
            f"      a step measured now takes {self.seconds_per_step:.2f} s: about {_minutes(self.seconds)} "
            f"{'at most' if self.patience else 'in all'}."
        )


def _timed_step(model, collator, rows: list[dict], batch_size: int, bf16: bool) -> float:
    """Seconds of one forward and backward pass on `batch_size` rows of median length, scaled to the mean.

    Gradients are discarded and every random generator restored: the run trains exactly as unmeasured.
    """
    import torch

    from savile.train.batches import answer_loss

    by_length = sorted(rows, key=lambda r: len(r["input_ids"]))
    middle = max(0, len(by_length) // 2 - batch_size // 2)
    batch = by_length[middle : middle + batch_size]
    probe_tokens = sum(len(r["input_ids"]) for r in batch)
    mean_tokens = statistics.fmean(len(r["input_ids"]) for r in rows) * min(batch_size, len(rows))
    device = next(model.parameters()).device
    autocast = torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else nullcontext()
    fields = ("input_ids", "attention_mask", "labels")  # as the Trainer hands them: the "id" column dropped
    inputs = {k: v.to(device) for k, v in collator([{k: r[k] for k in fields if k in r} for r in batch]).items()}
    was_training = model.training
    model.train()
    timings = []
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        for _ in range(2):  # the first warms the thread pool and the kernels
            start = time.perf_counter()
            with autocast:
                loss, _ = answer_loss(model, inputs)
            loss.backward()
            timings.append(time.perf_counter() - start)
    model.zero_grad(set_to_none=True)
    model.train(was_training)
    return timings[-1] * mean_tokens / max(1, probe_tokens)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"
