"""The price table: GPU types (bf16 peak, memory, hourly price) and hosted API prices, dated.

The table ships as `savile/cost/prices.yaml`; edit it, or pass another file:

    prices = load_prices()                        # the shipped table
    prices = load_prices(Path("our-prices.yaml"))  # the brand's negotiated rates
    prices.gpu("H100 SXM").bf16_tflops            # 989.0

A file with a problem raises one `PricesError` listing every problem with its path, the value
found and the fix, like the project config does.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from savile.config import describe_problem
from savile.errors import SavileError

__all__ = ["GpuSpec", "ApiPrice", "EmbeddingPrice", "PriceTable", "PricesError", "load_prices", "DEFAULT_PRICES"]

DEFAULT_PRICES = Path(__file__).with_name("prices.yaml")


class PricesError(SavileError):
    """The price table is missing or invalid; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GpuSpec(_Schema):
    """One GPU type of the price table: bf16 peak, memory, price per hour, and how to recognise it in a run manifest."""

    bf16_tflops: float = Field(
        gt=0, description="Dense (no-sparsity) bf16 tensor-core peak, TFLOP/s, from the datasheet."
    )
    memory_gib: float = Field(
        gt=0, description="Memory of one GPU in GiB (2**30 bytes), as nvidia-smi reports its total."
    )
    usd_per_hour: float = Field(ge=0, description="On-demand price of one GPU for one hour, US dollars.")
    match: list[str] = Field(
        default_factory=list, description="Substrings of the CUDA device name that identify this GPU in a run manifest."
    )


class ApiPrice(_Schema):
    """A hosted API model's price per million input and output tokens."""

    usd_per_m_input: float = Field(ge=0, description="US dollars per million prompt (input) tokens.")
    usd_per_m_output: float = Field(ge=0, description="US dollars per million completion (output) tokens.")


class EmbeddingPrice(_Schema):
    """An embedding model's price per million tokens."""

    usd_per_m_tokens: float = Field(ge=0, description="US dollars per million embedded tokens.")


class PriceTable(_Schema):
    """A validated price table (`load_prices`): GPUs, API and embedding models by name, its date and source."""

    as_of: str = Field(description="Date the figures were taken, e.g. 2026-11; shown with every estimate.")
    note: str = Field("", description="Where the figures come from and how far to trust them.")
    gpus: dict[str, GpuSpec] = Field(min_length=1, description="GPU types by display name.")
    apis: dict[str, ApiPrice] = Field(min_length=1, description="Hosted API models by name.")
    embeddings: dict[str, EmbeddingPrice] = Field(min_length=1, description="Embedding models by name.")
    source: str = Field("", description="File the table was read from (set by load_prices).")

    def gpu(self, name: str) -> GpuSpec:
        """The GPU `name`; a `PricesError` listing the table's GPUs when it is not there."""
        return self._pick("GPU", name, self.gpus, "cost.training.gpu / --gpu")

    def api(self, name: str) -> ApiPrice:
        """The API model `name`; a `PricesError` listing the table's API models when it is not there."""
        return self._pick("API model", name, self.apis, "cost.usage.api_model / --api-model")

    def embedding(self, name: str) -> EmbeddingPrice:
        """The embedding model `name`; a `PricesError` listing the table's embedding models when it is not there."""
        return self._pick("embedding model", name, self.embeddings, "cost.retrieval.embedding_model")

    def _pick(self, kind: str, name: str, table: dict, option: str):
        if name not in table:
            raise PricesError(
                [
                    f"{kind} {name!r} is not in the price table {self.source or '(in memory)'}; "
                    f"set {option} to one of: {', '.join(table)}, or add it to the table (--prices FILE)."
                ]
            )
        return table[name]

    def gpu_for_device(self, device_name: str) -> str | None:
        """The table's GPU whose longest `match` substring occurs in a CUDA device name ("L40S" beats "L4")."""
        hits = [(len(m), name) for name, g in self.gpus.items() for m in g.match if m.lower() in device_name.lower()]
        return max(hits)[1] if hits else None


def load_prices(path: Path | None = None) -> PriceTable:
    """Read and validate a price table; the shipped `prices.yaml` when `path` is None."""
    path = path or DEFAULT_PRICES
    if not path.exists():
        raise PricesError(
            [f"{path}: price table not found; pass an existing file to --prices (start from {DEFAULT_PRICES})."]
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PricesError([f"{path}: not valid YAML ({str(exc).splitlines()[0]}); fix the syntax."]) from None
    if not isinstance(data, dict):
        raise PricesError(
            [f"{path}: top level must be a mapping with as_of, gpus, apis and embeddings, got {type(data).__name__}."]
        )
    data["source"] = str(path)
    try:
        return PriceTable.model_validate(data)
    except ValidationError as exc:
        raise PricesError(
            [f"{path}: {describe_problem(dict(err), f'{DEFAULT_PRICES.name} for the fields')}" for err in exc.errors()]
        ) from None
