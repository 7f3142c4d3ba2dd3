"""What an estimate needs besides the model and its settings: the training token count.

    tokens = training_tokens(prepared=Path("runs/prepare"))          # the train split of its PreparedData record
    tokens = training_tokens(examples=100_000, mean_tokens=300)      # or a count by hand

The settings are the `cost:` section of the project config (`savile.config.CostSettings`):
`load_cost_settings(["usage.requests_per_month=250000"])` without a project, or `load_config(path).cost`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from savile.config import Config, ModelSettings
from savile.errors import SavileError
from savile.records import PreparedData

__all__ = ["TrainingTokens", "training_tokens", "default_model"]


@dataclass(frozen=True)
class TrainingTokens:
    """Tokens in one epoch of training data, and where the count came from."""

    per_epoch: int
    examples: int
    source: str

    @property
    def mean_tokens(self) -> float:
        """Tokens per example (0 when the example count is unknown)."""
        return self.per_epoch / self.examples if self.examples else 0.0

    def to_dict(self) -> dict:
        """The count as plain JSON-ready data, with the mean per example."""
        return asdict(self) | {"mean_tokens": self.mean_tokens}


def training_tokens(
    prepared: Path | None = None, examples: int | None = None, mean_tokens: float | None = None
) -> TrainingTokens:
    """Tokens of the train split of a prepared dataset, or examples x mean tokens."""
    if prepared is not None and (examples is not None or mean_tokens is not None):
        raise SavileError("give either --prepared DIR or --examples N --mean-tokens M, not both.")
    if prepared is not None:
        data = PreparedData.load(prepared)
        per_epoch = sum(splits.get("train", 0) for splits in data.tokens.values())
        count = sum(splits.get("train", 0) for splits in data.counts.values())
        if per_epoch <= 0:
            raise SavileError(
                f"{prepared}: the prepared train split holds {per_epoch} tokens; run `savile prepare` on data with training examples."
            )
        return TrainingTokens(per_epoch, count, f"train split of {prepared}")
    if examples is None or mean_tokens is None:
        raise SavileError(
            f"training tokens unknown (examples={examples}, mean tokens={mean_tokens}): "
            "pass --prepared DIR, or both --examples N and --mean-tokens M."
        )
    if examples <= 0 or mean_tokens <= 0:
        raise SavileError(f"--examples {examples} --mean-tokens {mean_tokens}: both must be > 0.")
    return TrainingTokens(round(examples * mean_tokens), examples, f"{examples:,} examples x {mean_tokens:g} tokens")


def default_model(prepared: Path | None = None, config: Config | None = None) -> str:
    """The base model a prepared dataset was made for (its config's model.base), else the project's, else Savile's default."""
    default = (config.model if config is not None else ModelSettings()).base
    if prepared is None:
        return default
    return PreparedData.load(prepared).config.get("model", {}).get("base", default)
