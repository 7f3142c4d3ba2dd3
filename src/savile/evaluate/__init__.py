"""Evaluation: batched generation, task metrics and paired statistics, base vs tuned."""

from savile.evaluate.run import run

__all__ = ["run"]
