"""Read a brand's source files into plain records: catalogue rows, brand guide, conversations.

Everything is normalised here, at the boundary (Unicode NFC, trimmed whitespace); later stages
never guess at formats. A missing file or column stops the run with one line naming the fix.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from savile.errors import DataError

__all__ = ["Policy", "BrandGuide", "read_catalogue", "read_brand_guide", "read_conversations"]


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

    def policies_for(self, message: str) -> list[Policy]:
        """The policies a customer message asks about, by keyword."""
        text = message.casefold()
        return [p for p in self.policies if any(k.casefold() in text for k in p.keywords)]


def _clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _require(path: Path, what: str) -> None:
    if not path.exists():
        raise DataError(f"{path}: {what} not found; check sources.* in the config.")


def read_catalogue(path: Path, required: list[str]) -> list[dict[str, str]]:
    """Rows of a catalogue CSV as dicts of cleaned strings; `required` columns must exist."""
    _require(path, "catalogue file")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames or []
        missing = [c for c in required if c not in columns]
        if missing:
            raise DataError(
                f"{path}: column(s) {', '.join(missing)} not found (columns: {', '.join(columns)}); "
                "rename them or change catalogue.* in the config."
            )
        return [{k: _clean(v or "") for k, v in row.items() if k is not None} for row in reader]


def read_brand_guide(path: Path) -> BrandGuide:
    _require(path, "brand guide")
    try:
        return BrandGuide.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}).") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise DataError(f"{path}: brand guide is invalid ({problems}).") from None


def read_conversations(path: Path) -> list[dict]:
    """Conversations as {"id", "messages"}; each line must be an OpenAI `messages` object."""
    _require(path, "conversations file")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                messages = [{"role": m["role"], "content": m["content"].strip()} for m in record["messages"]]
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise DataError(
                    f"{path}:{line_no}: not an OpenAI messages record ({type(exc).__name__}); "
                    'each line needs {"messages": [{"role": ..., "content": ...}, ...]}.'
                ) from None
            out.append({"id": str(record.get("id", f"line-{line_no}")), "messages": messages})
    return out
