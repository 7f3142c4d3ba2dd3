"""Read the brand's prose documents: the brand guide (YAML, or Markdown with YAML front matter) and policies.

    guide = load_guide(Path("brand-book.md"))   # {"brand": ..., "voice": ..., "notes": "<the Markdown body>"}
    policy = load_policy_text(Path("returns.txt"))
    policy_sections(policy)                     # [("Returns", "Unworn pieces may be returned ..."), ...]

Both accept UTF-8 (with or without BOM) or Windows-1252 files. The guide is returned as a plain
mapping; validating its fields is the caller's job (the brand guide schema).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from savile.data.ingest.cleaning import read_text
from savile.errors import DataError

__all__ = ["load_guide", "load_policy_text", "policy_sections"]

# Front matter: a first line '---', the YAML, then a line '---' or '...'.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)


def load_guide(path: Path) -> dict:
    """The brand guide as a mapping; a Markdown body after the front matter comes back under 'notes'.

    If the YAML already has 'notes', the body is appended to it after a blank line.
    """
    path = Path(path)
    text = unicodedata.normalize("NFC", read_text(path, "brand guide"))
    body = ""
    if path.suffix.lower() in (".md", ".markdown"):
        match = _FRONT_MATTER.match(text)
        if not match:
            raise DataError(
                f"{path}: no YAML front matter; start the file with a line '---', the guide's "
                "YAML keys, and a closing line '---' before the Markdown text."
            )
        text, body = match.group(1), text[match.end() :].strip()
        first_line = 2  # the YAML starts on the line after the opening '---'
    elif path.suffix.lower() in (".yaml", ".yml"):
        first_line = 1
    else:
        raise DataError(
            f"{path}: unknown brand guide format {path.suffix or '(no extension)'!r}; use .yaml, .yml or .md."
        )
    data = _parse_yaml(path, text, first_line)
    if body:
        data["notes"] = f"{data['notes']}\n\n{body}" if data.get("notes") else body
    return data


def _parse_yaml(path: Path, text: str, first_line: int) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + first_line}" if mark is not None else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError(f"{path}: {where}: not valid YAML ({problem}); fix the syntax there.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError(
            f"{path}: the brand guide must be a mapping of keys (brand: ..., voice: ...), got {type(data).__name__}."
        )
    return data


def load_policy_text(path: Path) -> str:
    """A policy document (Markdown or plain text) as NFC text with '\\n' line ends, trimmed."""
    path = Path(path)
    text = unicodedata.normalize("NFC", read_text(path, "policy document")).strip()
    if not text:
        raise DataError(f"{path}: policy document is empty; fill it in or remove sources.policies.")
    return text


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def policy_sections(text: str) -> list[tuple[str, str]]:
    """(heading, section text) for each policy of a Markdown document, one heading per policy.

    The policy level is the highest heading level used at least twice, so a document title above
    the policies ("# Client policies", then "## Returns", "## Repairs") is not taken for one.
    The text runs to the next heading of that level or above; deeper headings are kept as text,
    paragraphs joined by single spaces. Sections with no text are left out.
    """
    headings = [(len(m.group(1)), m) for m in _HEADING.finditer(text)]
    levels = [level for level, _ in headings]
    repeated = [level for level in sorted(set(levels)) if levels.count(level) >= 2]
    if not repeated:
        return [
            (m.group(2).strip(), _section_text(text[m.end() :]))
            for _, m in headings[:1]
            if _section_text(text[m.end() :])
        ]
    level = repeated[0]
    sections = []
    for i, (lvl, m) in enumerate(headings):
        if lvl != level:
            continue
        end = next((n.start() for lv, n in headings[i + 1 :] if lv <= level), len(text))
        body = _section_text(text[m.end() : end])
        if body:
            sections.append((m.group(2).strip(), body))
    return sections


def _section_text(body: str) -> str:
    body = _HEADING.sub(lambda m: m.group(2) + ".", body)
    return " ".join(body.split())
