"""The monthly cost of each way to serve the same requests, and when fine-tuning pays for itself.

Three paths, each a one-off cost in month 1 and a monthly cost after:

- prompt engineering: a hosted API with the brand guide and k few-shot examples in every prompt.
  monthly = requests x (prompt tokens x input price + completion tokens x output price) / 1e6,
  prompt tokens = brand guide + k x tokens per example + user tokens.
- retrieval: the same API, with retrieved catalogue passages in place of the few-shot examples.
  one-off = catalogue items x tokens per item x embedding price / 1e6 (embed the catalogue once);
  monthly = as above with prompt = brand guide + passages x tokens per item + user tokens, plus
  each query embedded (user tokens x embedding price) and the vector store's monthly fee.
- fine-tuned, self-hosted: one-off = training dollars + people + data preparation; monthly =
  serving GPU hours x its hourly price (730 h always-on, or requests x completion tokens / measured
  tokens per second), plus a retraining every N months when asked. The tuned model needs no
  guide or examples in its prompt, so its cost does not grow with prompt length.

Break-even against a path: the first month at whose end the fine-tuned path's cumulative cost is
below that path's; None when it never is within the horizon.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from savile.config import HOURS_PER_MONTH, CostSettings
from savile.cost.hardware import PriceTable

__all__ = ["CostPath", "prompt_path", "retrieval_path", "finetune_path", "break_even_month", "serving_hours"]


@dataclass(frozen=True)
class CostPath:
    """One way to serve the requests: what it costs once, every month, and cumulatively by month's end."""

    name: str
    one_off_usd: float
    monthly_usd: float
    cumulative_usd: list[float]  # index m-1 holds the total spent by the end of month m
    detail: dict

    def to_dict(self) -> dict:
        """The path as plain JSON-ready data."""
        return asdict(self)


def _cumulative(one_off: float, monthly: float, months: int, extra: dict[int, float] | None = None) -> list[float]:
    total, out = one_off, []
    for m in range(1, months + 1):
        total += monthly + (extra or {}).get(m, 0.0)
        out.append(total)
    return out


def _api_monthly(requests: int, prompt_tokens: int, completion_tokens: int, in_price: float, out_price: float) -> float:
    return requests * (prompt_tokens * in_price + completion_tokens * out_price) / 1e6


def prompt_path(inputs: CostSettings, prices: PriceTable) -> CostPath:
    """The hosted API prompted with the brand guide and few-shot examples: no one-off cost, API tokens every month."""
    u = inputs.usage
    api = prices.api(u.api_model)
    prompt = u.brand_guide_tokens + u.few_shot_examples * u.tokens_per_example + u.user_tokens
    monthly = _api_monthly(u.requests_per_month, prompt, u.completion_tokens, api.usd_per_m_input, api.usd_per_m_output)
    detail = {
        "api_model": u.api_model,
        "prompt_tokens": prompt,
        "completion_tokens": u.completion_tokens,
        "usd_per_request": monthly / u.requests_per_month if u.requests_per_month else 0.0,
    }
    return CostPath(
        f"prompt engineering ({u.api_model})", 0.0, monthly, _cumulative(0.0, monthly, inputs.project.months), detail
    )


def retrieval_path(inputs: CostSettings, prices: PriceTable) -> CostPath:
    """The hosted API with retrieved catalogue passages: the catalogue embedded once, then API and query tokens
    and the vector store every month.
    """
    u, r = inputs.usage, inputs.retrieval
    api, emb = prices.api(u.api_model), prices.embedding(r.embedding_model)
    one_off = r.catalogue_items * r.tokens_per_item * emb.usd_per_m_tokens / 1e6
    prompt = u.brand_guide_tokens + r.passages_per_query * r.tokens_per_item + u.user_tokens
    generation = _api_monthly(
        u.requests_per_month, prompt, u.completion_tokens, api.usd_per_m_input, api.usd_per_m_output
    )
    queries = u.requests_per_month * u.user_tokens * emb.usd_per_m_tokens / 1e6
    monthly = generation + queries + r.vector_store_per_month
    detail = {
        "api_model": u.api_model,
        "embedding_model": r.embedding_model,
        "prompt_tokens": prompt,
        "catalogue_embedding_usd": one_off,
        "query_embedding_usd_per_month": queries,
        "vector_store_usd_per_month": r.vector_store_per_month,
    }
    return CostPath(
        f"retrieval ({u.api_model})", one_off, monthly, _cumulative(one_off, monthly, inputs.project.months), detail
    )


def serving_hours(inputs: CostSettings) -> tuple[float, str]:
    """Billed serving GPU hours a month, and how they were set."""
    h, u = inputs.hosting, inputs.usage
    if h.hours_per_month is not None:
        return h.hours_per_month, "hosting.hours_per_month"
    if h.tokens_per_second is not None:
        hours = u.requests_per_month * u.completion_tokens / h.tokens_per_second / 3600
        return min(hours, HOURS_PER_MONTH), f"requests x completion tokens / {h.tokens_per_second:g} tokens/s"
    return float(HOURS_PER_MONTH), f"always on ({HOURS_PER_MONTH} h)"


def finetune_path(
    inputs: CostSettings, prices: PriceTable, training_usd: float, technique: str, train_gpu: str, serve_gpu: str
) -> CostPath:
    """A model fine-tuned (with `technique` on `train_gpu`) and self-hosted on `serve_gpu`: training, people and data
    preparation once, retraining when configured, GPU hours every month.
    """
    p = inputs.project
    hours, how = serving_hours(inputs)
    monthly = hours * prices.gpu(serve_gpu).usd_per_hour
    one_off = training_usd + p.people_cost + p.data_prep_cost
    retrains = (
        {m: training_usd for m in range(1 + p.retrain_every_months, p.months + 1, p.retrain_every_months)}
        if p.retrain_every_months
        else {}
    )
    detail = {
        "technique": technique,
        "train_gpu": train_gpu,
        "training_usd": training_usd,
        "people_usd": p.people_cost,
        "data_prep_usd": p.data_prep_cost,
        "serve_gpu": serve_gpu,
        "serve_hours_per_month": hours,
        "serve_hours_how": how,
        "retrain_every_months": p.retrain_every_months,
    }
    return CostPath(
        f"fine-tuned {technique}, self-hosted ({serve_gpu})",
        one_off,
        monthly,
        _cumulative(one_off, monthly, p.months, retrains),
        detail,
    )


def break_even_month(finetune: CostPath, other: CostPath) -> int | None:
    """First month whose cumulative fine-tune cost is below `other`'s; None within the horizon."""
    for month, (ours, theirs) in enumerate(zip(finetune.cumulative_usd, other.cumulative_usd, strict=False), start=1):
        if ours < theirs:
            return month
    return None
