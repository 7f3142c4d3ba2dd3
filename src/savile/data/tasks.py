"""Build supervised chat examples for the three tasks from normalised sources.

Each example is `{"id", "task", "group", "messages", "meta"}`; `messages` ends with the
assistant turn the model learns, and `meta` carries what evaluation needs (the product's
attributes, the policy facts a reply must state, the gold JSON).
"""

from __future__ import annotations

import json

from savile.data.guide import BrandGuide
from savile.data.prompts import describe_request, extract_request, task_prompt
from savile.data.text import mentions

__all__ = ["describe_examples", "extract_examples", "support_examples"]


def _chat(system: str, *turns: dict[str, str]) -> list[dict[str, str]]:
    return [{"role": "system", "content": system}, *turns]


def describe_examples(
    rows: list[dict],
    guide: BrandGuide,
    id_col: str,
    attributes: list[str],
    context: list[str],
    text_col: str,
    group_by: str,
    name_col: str = "name",
) -> list[dict]:
    """One describe example per row with reference copy: the product sheet in, the copy out."""
    out = []
    for row in rows:
        if not row.get(text_col):
            continue
        request = describe_request(
            row, [c for c in context if c == name_col] + attributes + [c for c in context if c != name_col]
        )
        out.append(
            {
                "id": f"describe:{row[id_col]}",
                "task": "describe",
                "group": row[group_by],
                "messages": _chat(
                    task_prompt("describe", guide),
                    {"role": "user", "content": request},
                    {"role": "assistant", "content": row[text_col]},
                ),
                "meta": {
                    "sku": row[id_col],
                    "location": row.get("_location", ""),
                    "attributes": {a: row[a] for a in attributes if row.get(a)},
                    "reference": row[text_col],
                },
            }
        )
    return out


def extract_examples(
    rows: list[dict], guide: BrandGuide, id_col: str, attributes: list[str], text_col: str, group_by: str
) -> list[dict]:
    """The brand's copy as the text to read; gold is every attribute whose value the text states."""
    out = []
    for row in rows:
        text = row.get(text_col)
        if not text:
            continue
        gold = {a: _stated(text, row[a]) for a in attributes if row.get(a)}
        gold = {a: v for a, v in gold.items() if v}
        if not gold:
            continue
        out.append(
            {
                "id": f"extract:{row[id_col]}",
                "task": "extract",
                "group": row[group_by],
                "messages": _chat(
                    task_prompt("extract", guide),
                    {"role": "user", "content": extract_request(text)},
                    {"role": "assistant", "content": json.dumps(gold, ensure_ascii=False)},
                ),
                "meta": {"sku": row[id_col], "location": row.get("_location", ""), "gold": gold},
            }
        )
    return out


def _stated(text: str, value: str | list[str]) -> str | list[str]:
    """The part of an attribute the text states: the value, or for a multi-valued one the items it names."""
    if isinstance(value, list):
        return [v for v in value if mentions(text, v)]
    return value if mentions(text, value) else ""


def support_examples(conversations: list[dict], guide: BrandGuide) -> list[dict]:
    """One example per adviser turn, with the conversation so far as context."""
    out = []
    for conv in conversations:
        msgs = [m for m in conv["messages"] if m["role"] in ("user", "assistant")]
        for i, msg in enumerate(msgs):
            if msg["role"] != "assistant" or i == 0 or msgs[i - 1]["role"] != "user":
                continue
            policies = guide.policies_for(msgs[i - 1]["content"])
            out.append(
                {
                    "id": f"support:{conv['id']}:{i}",
                    "task": "support",
                    "group": conv["id"],
                    "messages": _chat(task_prompt("support", guide), *msgs[: i + 1]),
                    "meta": {
                        "conversation": conv["id"],
                        "policies": [p.id for p in policies],
                        "facts": [f for p in policies for f in p.facts],
                    },
                }
            )
    return out
