"""The prompts of the three tasks.

Two system prompts per task:
- `task_prompt`: the short instruction the tuned model is trained and evaluated with;
- `guide_prompt`: prompt engineering for an untuned model, with the brand guide spelled out
  (voice, lexicon, length, policies, JSON schema). The differential report compares the two.
"""

from __future__ import annotations

from savile.data.guide import BrandGuide

__all__ = ["task_prompt", "guide_prompt", "describe_request", "extract_request"]


def task_prompt(task: str, guide: BrandGuide) -> str:
    """The one-line system prompt of `task` that training and the tuned model use."""
    return {
        "describe": f"You write product descriptions for {guide.brand}.",
        "support": f"You are a client adviser of {guide.brand}.",
        "extract": f"You extract product attributes for {guide.brand} as JSON.",
    }[task]


def guide_prompt(task: str, guide: BrandGuide, attributes: list[str]) -> str:
    """The system prompt of `task` with the brand guide spelt out: prompt engineering's rung."""
    if task == "describe":
        return (
            f"You write product descriptions for {guide.brand}. House voice: {guide.voice}\n"
            f"Prefer these words: {', '.join(guide.preferred_terms)}.\n"
            f"Never use these words: {', '.join(guide.banned_terms)}.\n"
            f"Write one paragraph of {guide.length.min_words} to {guide.length.max_words} words. "
            f"Name the {_listed(attributes)} exactly as given, and invent no other attribute."
        )
    if task == "support":
        rules = "\n".join(f"- {p.title}: {p.statement}" for p in guide.policies)
        return (
            f"You are a client adviser of {guide.brand}. House voice: {guide.voice}\n"
            f"Answer the customer courteously and state the relevant policy exactly:\n{rules}\n"
            "Never repeat or invent personal data."
        )
    if task == "extract":
        return (
            f"You extract product attributes for {guide.brand}. Answer with one JSON object only, no "
            f"other text, with these keys when the text states them: {', '.join(attributes)}. "
            "Copy each value exactly as written in the text; leave out keys the text does not state."
        )
    raise ValueError(task)


def _listed(attributes: list[str]) -> str:
    words = [a.replace("_", " ") for a in attributes]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def describe_request(row: dict[str, str | list[str]], fields: list[str]) -> str:
    """The user turn asking for a description of `row`, listing its non-empty `fields`."""

    def shown(value: str | list[str]) -> str:
        return ", ".join(value) if isinstance(value, list) else value

    lines = [f"{f.replace('_', ' ').capitalize()}: {shown(row[f])}" for f in fields if row.get(f)]
    return "Write the product description for this piece.\n" + "\n".join(lines)


def extract_request(text: str) -> str:
    """The user turn asking for `text`'s attributes as JSON."""
    return f"Extract the product attributes from this text as JSON.\n\nText: {text}"
