"""Adapt a base model to the brand's tasks: supervised fine-tuning with PEFT and the transformers Trainer.

    trained = savile.train.run(cfg, PreparedData.load(cfg.stage_dir("prepare")))

`technique.method` picks LoRA, QLoRA, DoRA, LoRA with retrieved passages (RAFT) or full
fine-tuning; the loss falls on the assistant's tokens only, early stopping watches the validation
loss, and the checkpoint with the lowest one is saved as the artefact with a `TrainedModel`
manifest (train/sft.py).
"""

from savile.train.sft import run

__all__ = ["run"]
