"""Score every (item, system) output with the task's metrics; one row per pair, saved as JSONL.

    rows = score_items(cfg, prepared, guide, items, outputs)   # outputs: system -> item id -> text

Style similarity is the cosine of MiniLM embeddings between the answer and the item's reference
copy in the house voice; verbatim copying is the share of the answer's word n-grams found in the
training copy (high style similarity with a low copy rate is the voice learned, not memorised).
"""

from __future__ import annotations

import math

from savile.config import Config
from savile.data.guide import BrandGuide
from savile.evaluate.metrics import CopyIndex, describe_scores, extract_scores, support_scores
from savile.records import PreparedData

__all__ = ["METRICS", "score_items", "policy_text"]

# task -> (metric, higher_is_better, binary), in report order.
METRICS: dict[str, list[tuple[str, bool, bool]]] = {
    "describe": [
        ("description_f1", True, False),
        ("attribute_f1", True, False),
        ("attribute_coverage", True, False),
        ("attribute_precision", True, False),
        ("sheet_copy", False, False),
        ("hallucinated_rate", False, False),
        ("any_hallucination", False, True),
        ("numeric_hallucination", False, True),
        ("banned_term", False, True),
        ("preferred_term", True, True),
        ("length_ok", True, True),
        ("style_similarity", True, False),
        ("verbatim_copy", False, False),
    ],
    "support": [
        ("fact_f1", True, False),
        ("fact_precision", True, False),
        ("fact_recall", True, False),
        ("key_fact_recall", True, False),
        ("contradiction", False, True),
        ("unsupported_numeric", False, True),
        ("pii_echoed", False, True),
        ("name_echoed", False, True),
    ],
    "extract": [
        ("json_valid", True, True),
        ("json_valid_loose", True, True),
        ("schema_valid", True, True),
        ("field_precision", True, False),
        ("field_recall", True, False),
        ("field_f1", True, False),
    ],
}


def policy_text(guide: BrandGuide) -> str:
    """Every statement and fact of the brand's policies: what a support answer may quote."""
    return "\n".join(f"{p.statement} {' '.join(p.facts)}" for p in guide.policies)


def score_items(
    cfg: Config, prepared: PreparedData, guide: BrandGuide, items: list[dict], outputs: dict[str, dict[str, str]]
) -> list[dict]:
    """One row per (item, system) of `outputs` (system -> item id -> answer): the item, the answer and
    every metric of its task under "scores"."""
    copies = [e["messages"][-1]["content"] for e in prepared.examples("train") if e["task"] == "describe"]
    copy_index = CopyIndex(copies, n=cfg.evaluate.copy_ngram)
    similarity = _style_similarity(items, outputs)
    policies = policy_text(guide)
    rows = []
    for e in items:
        source = "\n".join(m["content"] for m in e["messages"][1:-1])
        for system, answers in outputs.items():
            text = answers[e["id"]]
            if e["task"] == "describe":
                vocab = {k: v for k, v in prepared.vocabulary.items() if k in e["meta"]["attributes"]}
                scores = describe_scores(
                    text,
                    e["meta"]["attributes"],
                    vocab,
                    guide.banned_terms,
                    guide.length.min_words,
                    guide.length.max_words,
                    preferred_terms=guide.preferred_terms,
                    source_text=source,
                )
                scores["style_similarity"] = similarity.get((system, e["id"]), math.nan)
                scores["verbatim_copy"] = copy_index.copy_rate(text)
            elif e["task"] == "support":
                asked = set(e["meta"]["policies"])
                others = [f for p in guide.policies if p.id not in asked for f in p.facts]
                scores = support_scores(
                    text,
                    e["meta"]["facts"],
                    other_facts=others,
                    policy_text=policies,
                    source_text=source,
                    order_id_patterns=cfg.privacy.order_id_patterns,
                )
            else:
                scores = extract_scores(
                    text, e["meta"]["gold"], schema=cfg.catalogue.attributes, multi_valued=cfg.catalogue.multi_valued
                )
            rows.append(
                {
                    "task": e["task"],
                    "id": e["id"],
                    "system": system,
                    "output": text,
                    "reference": e["messages"][-1]["content"],
                    "prompt": e["messages"][-2]["content"],
                    "attributes": e["meta"].get("attributes", {}),
                    "scores": scores,
                }
            )
    return rows


def _style_similarity(items: list[dict], outputs: dict[str, dict[str, str]]) -> dict[tuple[str, str], float]:
    """Cosine similarity of each describe answer to the item's reference copy (MiniLM)."""
    from savile.retrieve import Embedder

    describe = [e for e in items if e["task"] == "describe"]
    if not describe:
        return {}
    embedder = Embedder()
    refs = embedder.encode([e["messages"][-1]["content"] for e in describe])
    out = {}
    for system, answers in outputs.items():
        vecs = embedder.encode([answers[e["id"]] or " " for e in describe])
        for e, a, r in zip(describe, vecs, refs, strict=False):
            out[(system, e["id"])] = float(a @ r) if answers[e["id"]].strip() else 0.0
    return out
