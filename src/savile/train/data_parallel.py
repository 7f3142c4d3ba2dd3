"""What changes when `savile train` runs as several data-parallel processes.

    torchrun --nproc-per-node 2 -m savile train savile.yaml      # gloo on CPU, NCCL on GPUs
    accelerate launch --config_file examples/accelerate/ddp.yaml -m savile train savile.yaml

The transformers Trainer wraps the model in DDP itself when launched so. Its sequential sampler goes
through accelerate's `BatchSamplerShard`, which hands consecutive batches of the training order to
consecutive processes (process i reads batches i, i + n, i + 2n, ... of `train.batch_size` rows), so
one optimiser step reads `batch_size x grad_accum x processes` consecutive rows, and `train.order`
lays the order out in steps of that size. Each process divides its loss by the label tokens of the
whole step (`average_tokens_across_devices`), so the averaged gradient is the one a single process
takes on the same rows. Where the rows do not fill the last step on every process, accelerate fills
it from the start of the epoch (`even_batches`), so a few examples count twice in that step.

Only the first process writes the stage's files (checkpoints, artefact, `trained_ids.json`,
manifest); the others wait for it. Every process writes `ranks/rank-<i>.json`: the ids of the
examples its share of an epoch holds, in the order it reads them, and a digest of its trainable
weights after the last optimiser step, which under DDP is the same on every process when the
replicas stayed in step (tests/test_data_parallel.py); under FSDP each process holds a shard, so
the digests differ.

Tested: DDP on CPU with gloo, two processes (tests/test_data_parallel.py). The FSDP path (the
artefact's state gathered on every process before the first saves it) is written but not yet run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from savile import atomic
from savile.train.checkpoints import complete_checkpoints, prepare_checkpoints

__all__ = [
    "processes",
    "is_first_process",
    "first_process_value",
    "checkpoint_to_resume",
    "wait_for_everyone",
    "ShardRecord",
    "RANKS_DIR",
]

RANKS_DIR = "ranks"


def processes() -> int:
    """How many processes the launcher started (torchrun and accelerate launch set WORLD_SIZE)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def is_first_process() -> bool:
    """Whether this is the first process of the run (the only one, without a launcher); RANK is set likewise."""
    return os.environ.get("RANK", "0") == "0"


def first_process_value(value: Any) -> Any:
    """`value` as the first process has it, on every process.

    For decisions each process could take differently: on a CPU, `precision: auto` times a matmul,
    and processes timing at once on shared cores can disagree, while one run must not mix precisions.
    """
    if processes() == 1:
        return value
    import torch
    from accelerate import PartialState
    from accelerate.utils import broadcast_object_list

    PartialState(cpu=not torch.cuda.is_available())  # joins the process group the Trainer goes on to use
    return broadcast_object_list([value])[0]


def checkpoint_to_resume(args, ckpt_dir: Path, run_key: str, resume: bool) -> Path | None:
    """`prepare_checkpoints` run by the first process alone (it deletes); the others then find the
    checkpoint it kept. The stage's `ranks/` records of an earlier run go too."""
    if args.process_index == 0:
        kept = prepare_checkpoints(ckpt_dir, run_key, resume)
        shutil.rmtree(ckpt_dir.parent / RANKS_DIR, ignore_errors=True)
    wait_for_everyone(args)
    if args.process_index != 0:
        complete = complete_checkpoints(ckpt_dir)
        kept = complete[-1] if complete else None
    return kept


def wait_for_everyone(args) -> None:
    """A barrier across the run's processes; nothing on one process."""
    if args.world_size > 1:
        args.distributed_state.wait_for_everyone()


class ShardRecord(TrainerCallback):
    """Writes `ranks/rank-<i>.json` for each process: the example ids its data loader holds, and a
    digest of its trainable weights after the last optimiser step (before the best checkpoint is
    loaded back, which would make every process's weights alike whatever happened)."""

    def __init__(self, row_ids: list[str], folder: Path):
        self.row_ids, self.folder = row_ids, folder
        self.ids: list[str] = []
        self.digest: str | None = None  # stays None when a resumed run had no step left

    def on_train_begin(self, args, state, control, train_dataloader=None, **kwargs):
        """Note the row ids of this process's shard."""
        # The prepared loader's batch sampler is this process's shard of the sequential order.
        self.ids = [self.row_ids[i] for batch in train_dataloader.batch_sampler for i in batch]

    def on_step_end(self, args, state, control, model=None, **kwargs):
        """At the last step, take the digest of the trainable weights."""
        if state.global_step == state.max_steps:
            self.digest = weights_digest(model)

    def on_train_end(self, args, state, control, **kwargs):
        """Write this process's ids and digest under the stage's ranks folder."""
        record = {
            "process": args.process_index,
            "processes": args.world_size,
            "example_ids": self.ids,
            "trainable_weights_sha256": self.digest,
        }
        atomic.write_text(self.folder / f"rank-{args.process_index}.json", json.dumps(record, indent=1))


def weights_digest(model) -> str:
    """sha256 of the trainable parameters' names and fp32 values."""
    digest = hashlib.sha256()
    for name, param in sorted(model.named_parameters()):
        if param.requires_grad:
            digest.update(name.encode())
            digest.update(param.detach().float().cpu().numpy().tobytes())
    return digest.hexdigest()
