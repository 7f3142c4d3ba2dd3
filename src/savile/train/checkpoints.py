"""Which checkpoint an interrupted run resumes from: the latest complete one of the very same inputs.

    resume = prepare_checkpoints(ckpt_dir, run_key(cfg, prepared), cfg.train.resume)
    trainer.train(resume_from_checkpoint=str(resume) if resume else None)

The Trainer writes a checkpoint's files in order (weights, optimiser, scheduler, RNG states) and its
`trainer_state.json` last, so a checkpoint whose state file is missing, unreadable or names another
step was cut short by a kill; it is deleted rather than resumed from. Resuming restores the
optimiser, the scheduler, the RNG states and the position in the epoch's batch order, so a resumed
run ends with the same weights as one never interrupted (tests/test_reproducibility.py).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from savile import atomic

__all__ = ["prepare_checkpoints", "complete_checkpoints", "RUN_KEY_FILE"]

RUN_KEY_FILE = "run-key.txt"
_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def prepare_checkpoints(ckpt_dir: Path, run_key: str, resume: bool) -> Path | None:
    """The latest complete checkpoint of this very run, to resume from; checkpoints of other inputs,
    and incomplete ones, are cleared."""
    key_file = ckpt_dir / RUN_KEY_FILE
    same = key_file.exists() and key_file.read_text(encoding="utf-8") == run_key
    if resume and same:
        complete = complete_checkpoints(ckpt_dir)
        for folder in ckpt_dir.glob("checkpoint-*"):
            if folder.is_dir() and folder not in complete:
                shutil.rmtree(folder)  # cut short by a kill: never resumed from
        atomic.remove_strays(ckpt_dir)
        if complete:
            return complete[-1]
    shutil.rmtree(ckpt_dir, ignore_errors=True)
    ckpt_dir.mkdir(parents=True)
    atomic.write_text(key_file, run_key)
    return None


def complete_checkpoints(ckpt_dir: Path) -> list[Path]:
    """Checkpoint folders whose trainer state was written whole, by step."""
    found = []
    for folder in ckpt_dir.glob("checkpoint-*"):
        match = _CHECKPOINT.match(folder.name)
        if match and folder.is_dir() and _state_step(folder) == int(match.group(1)):
            found.append((int(match.group(1)), folder))
    return [folder for _, folder in sorted(found)]


def _state_step(folder: Path) -> int | None:
    try:
        return int(json.loads((folder / "trainer_state.json").read_text(encoding="utf-8"))["global_step"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
