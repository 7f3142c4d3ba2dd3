"""The brand guide: voice, lexicon, length limits and policies, read as brands write them and validated once.

    guide = read_brand_guide(Path("brand-book.md"), policies=Path("policies.md"), synonyms={"repair": ["mend"]})
    guide = brand_guide(cfg)   # the same, from a project config

A brand book holds more than Savile needs, in its own words. So `name` is read as `brand`; keys
Savile does not use are listed in `guide.ignored` (prepare prints them in one warning) rather than
refused, while a misspelt known key ("voise") is still an error naming the likely key; policies
come as a list, as a mapping of id to statement (or to a partial policy), or, when the guide has
none, one per heading of the policy document. A policy without `facts` or `keywords` gets them
derived from its title and statement (`savile.data.policy_facts`); `guide.derived` lists them
for the data card and `savile guide`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from savile.errors import DataError

if TYPE_CHECKING:
    from savile.config import Config

__all__ = ["Policy", "BrandGuide", "read_brand_guide", "brand_guide"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Policy(_Strict):
    """One policy of the brand guide: what an adviser says, the words that ask for it, the facts it states."""

    id: str = Field(description="Short name, e.g. 'returns'.")
    title: str
    statement: str = Field(description="The policy as a client adviser would state it.")
    keywords: list[str] = Field(min_length=1, description="Words a customer uses when asking about it.")
    facts: list[str] = Field(min_length=1, description="Strings a correct answer states verbatim (e.g. '30 days').")


class Length(_Strict):
    """The word range a product description must fall in."""

    min_words: int = Field(gt=0)
    max_words: int = Field(gt=0)


class BrandGuide(_Strict):
    """The brand guide, validated: voice, preferred and banned terms, length, policies."""

    brand: str
    voice: str
    preferred_terms: list[str] = []
    banned_terms: list[str] = []
    length: Length
    policies: list[Policy] = []
    notes: str = Field("", description="Free text: the Markdown body of a front-matter guide.")
    ignored: list[str] = Field([], description="Keys of the brand book Savile does not use (dotted paths).")
    derived: dict[str, dict[str, list[str]]] = Field({}, description="Policy id -> facts and keywords Savile derived.")
    policy_source: str = Field(
        "guide", description="Where the policies came from: 'guide' or the policy document's headings."
    )

    def as_yaml(self) -> str:
        """The guide as Savile reads it, in the brand guide's own YAML form, derived values marked in comments."""
        import yaml

        head = [f"# brand guide as Savile reads it; policies from {self.policy_source}"]
        head += [
            f"# derived {kind} of {pid} (check them): {', '.join(values)}"
            for pid, made in self.derived.items()
            for kind, values in made.items()
        ]
        head += [f"# not used by Savile: {', '.join(self.ignored)}"] if self.ignored else []
        body = self.model_dump(exclude={"ignored", "derived", "policy_source"})
        return "\n".join(head) + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)

    def policies_for(self, message: str) -> list[Policy]:
        """The policies a customer message asks about, by keyword."""
        text = message.casefold()
        return [p for p in self.policies if any(k.casefold() in text for k in p.keywords)]


_ALIASES = {"name": "brand"}
_READ_ONLY = ("ignored", "derived", "policy_source")  # set by reading, never by the brand book


def brand_guide(cfg: Config) -> BrandGuide:
    """The brand guide of a project: sources.brand_guide, sources.policies and guide.synonyms."""
    src = cfg.sources
    return read_brand_guide(
        cfg.path(src.brand_guide), cfg.path(src.policies) if src.policies else None, cfg.guide.synonyms
    )


def read_brand_guide(
    path: Path, policies: Path | None = None, synonyms: dict[str, list[str]] | None = None
) -> BrandGuide:
    """The brand guide from YAML or Markdown front matter, normalised (see the module docstring) and validated."""
    from savile.data.ingest import load_guide

    raw = load_guide(path)
    ignored: list[str] = []
    data = _known_keys(path, raw, BrandGuide, "", ignored)
    for alias, key in _ALIASES.items():
        if alias in raw:
            (ignored.append(alias) if key in raw else data.__setitem__(key, raw[alias]))
    items, source = _policy_items(path, raw.get("policies"), policies)
    data["policies"], derived = _complete_policies(path, items, ignored, synonyms or {}, from_guide=source == "guide")
    try:
        return BrandGuide.model_validate(data | {"ignored": ignored, "derived": derived, "policy_source": source})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise DataError(f"{path}: brand guide is invalid ({problems}); see the README's brand guide section.") from None


def _known_keys(path: Path, raw: dict, model: type[BaseModel], prefix: str, ignored: list[str]) -> dict:
    """The keys of `raw` that `model` reads; others go to `ignored`, unless one looks like a misspelt known key."""
    known = [k for k in model.model_fields if k not in _READ_ONLY and k != "policies"]
    spellings = [*known, *(_ALIASES if model is BrandGuide else ())]
    data = {}
    for key, value in raw.items():
        key = str(key)
        if key in known:
            data[key] = (
                _known_keys(path, value, Length, f"{prefix}{key}.", ignored)
                if key == "length" and isinstance(value, dict)
                else value
            )
        elif key not in ("policies", *_ALIASES) or model is not BrandGuide:
            close = difflib.get_close_matches(
                key, [*spellings, "policies"] if model is BrandGuide else spellings, n=1, cutoff=0.8
            )
            if close:
                raise DataError(
                    f"{path}: key {prefix}{key!r} is not a brand guide key; did you mean {prefix}{close[0]!r}? "
                    "Fix its spelling (unknown keys are only ignored when they resemble none)."
                )
            ignored.append(f"{prefix}{key}")
    return data


def _policy_items(path: Path, raw: Any, document: Path | None) -> tuple[list[dict], str]:
    """Policies as partial dicts: from a list, from a mapping id -> statement or dict, or from the document's headings."""
    if isinstance(raw, list) and raw:
        return [p if isinstance(p, dict) else {"statement": p} for p in raw], "guide"
    if isinstance(raw, dict) and raw:
        return [{"id": str(k), **(v if isinstance(v, dict) else {"statement": v})} for k, v in raw.items()], "guide"
    if raw not in (None, [], {}):
        raise DataError(
            f"{path}: policies must be a list of policies or a mapping of id to statement, got "
            f"{type(raw).__name__}; see the README's brand guide section."
        )
    if document is None:
        return [], "guide"
    from savile.data.ingest import load_policy_text, policy_sections

    sections = policy_sections(load_policy_text(document))
    return [
        {"title": title, "statement": text} for title, text in sections
    ], f"{document.name} (one policy per heading)"


def _complete_policies(
    path: Path, items: list[dict], ignored: list[str], synonyms: dict[str, list[str]], from_guide: bool
) -> tuple[list[dict], dict]:
    """Each policy with id, title, facts and keywords filled in; what was derived, per policy id.

    A policy-document section with no fact to check ("Contact us") is left out and listed in
    `ignored`; a policy the guide itself states must yield facts, or the guide is an error.
    """
    from savile.data.policy_facts import derive_facts, derive_keywords

    policies, derived = [], {}
    titles = [str(item.get("title") or item.get("id") or "") for item in items if isinstance(item, dict)]
    for i, item in enumerate(items):
        where = f"policies.{item.get('id', i)}."
        policy = _known_keys(path, item, Policy, where, ignored)
        statement = str(policy.get("statement") or "")
        title = str(policy.get("title") or str(policy.get("id") or f"policy {i + 1}").replace("_", " ").capitalize())
        pid = str(policy.get("id") or _slug(title))
        made: dict[str, list[str]] = {}
        if not policy.get("facts"):
            made["facts"] = policy["facts"] = derive_facts(statement)
            if not made["facts"] and not from_guide:
                ignored.append(f"policy section {title!r} (no fact found to check)")
                continue
            if not made["facts"]:
                raise DataError(
                    f"{path}: policy {pid!r} has no facts and none could be derived from its statement "
                    f"({statement[:60]!r}); add `facts:` (strings a correct answer states, e.g. '30 days')."
                )
        if not policy.get("keywords"):
            others = tuple(t for t in titles if t.replace("_", " ").casefold() != title.casefold())
            made["keywords"] = policy["keywords"] = derive_keywords(title, statement, synonyms, others)
        policies.append(policy | {"id": pid, "title": title})
        if made:
            derived[pid] = made
    return policies, derived


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_") or "policy"
