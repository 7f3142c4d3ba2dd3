"""Adapt a base model to the brand's tasks: supervised fine-tuning through TRL and PEFT."""

from savile.train.sft import run

__all__ = ["run"]
