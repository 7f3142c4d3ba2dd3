"""The brand guide: voice, lexicon, length limits and policies, validated once on reading."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from savile.errors import DataError

__all__ = ["Policy", "BrandGuide", "read_brand_guide"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Policy(_Strict):
    id: str = Field(description="Short name, e.g. 'returns'.")
    title: str
    statement: str = Field(description="The policy as a client adviser would state it.")
    keywords: list[str] = Field(min_length=1, description="Words a customer uses when asking about it.")
    facts: list[str] = Field(min_length=1, description="Strings a correct answer states verbatim (e.g. '30 days').")


class Length(_Strict):
    min_words: int = Field(gt=0)
    max_words: int = Field(gt=0)


class BrandGuide(_Strict):
    brand: str
    voice: str
    preferred_terms: list[str] = []
    banned_terms: list[str] = []
    length: Length
    policies: list[Policy] = []
    notes: str = Field("", description="Free text: the Markdown body of a front-matter guide.")

    def policies_for(self, message: str) -> list[Policy]:
        """The policies a customer message asks about, by keyword."""
        text = message.casefold()
        return [p for p in self.policies if any(k.casefold() in text for k in p.keywords)]


def read_brand_guide(path: Path) -> BrandGuide:
    """The brand guide from YAML or Markdown front matter, validated."""
    from savile.data.ingest import load_guide

    try:
        return BrandGuide.model_validate(load_guide(path))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise DataError(f"{path}: brand guide is invalid ({problems}); see the README's brand guide section.") from None
