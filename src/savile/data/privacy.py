"""Keyed pseudonymisation of personal data in customer-service conversations.

Every value `detect` finds is replaced by a pseudonym derived from
HMAC-SHA256(key, kind + "\\x00" + normalised value): one person keeps one token across the whole
dataset, a different key gives different tokens, and without the key the mapping cannot be
rebuilt. A reversible mapping is kept only when asked for (`record_mapping=True`) and is only ever
written encrypted, to a file the caller keeps apart from the data (`write_mapping`, `read_mapping`).

    key = load_key("SAVILE_PII_KEY", Path(".savile/pii.key"))
    pseudo = Pseudonymiser(key)
    text, counts = pseudo.pseudonymise("Hello Claire Martin, your order LR-4839201 has shipped.")
    # text like "Hello Nora Vance, your order LR-0571936 has shipped." (the names depend on the key)
    # counts == Counter({'person_name': 1, 'order_id': 1})

    pseudo = Pseudonymiser(key, record_mapping=True)
    ...
    pseudo.write_mapping(Path("secrets/pii-mapping.json"), key)   # encrypted; never beside the data
    read_mapping(Path("secrets/pii-mapping.json"), key)           # {"Nora Vance": "Claire Martin", ...}

Pseudonym formats: names -> a fictitious name with as many parts as the original (the first name
keyed on its own, so "Claire Martin" -> "Nora Vance" and a later "Claire" -> "Nora"); email ->
"nora.vance.3fa2@example.com"; phone -> "+00 " and keyed digits in the original's grouping;
card -> "[CARD-1a2b3c]"; IBAN -> "[IBAN-1a2b3c]"; order id -> the original with its digits
replaced; address -> "<n> Example Street, <City>".

A pseudonym never equals a real value of the data: call `reserve(messages)` for every
conversation first, and order ids and name parts are redrawn away from every real one seen.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
from itertools import cycle
from pathlib import Path

from savile.data.pii_detect import (
    DEFAULT_ORDER_ID_PATTERNS,
    KINDS,
    Finding,
    detect,
    follows_title,
    name_parts,
    resolve_overlaps,
)
from savile.data.pii_key import load_key
from savile.data.pii_mapping import read_mapping, write_mapping
from savile.data.pseudonym_words import CITIES, FIRST_NAMES, LAST_NAMES
from savile.errors import DataError

__all__ = ["KINDS", "Finding", "detect", "load_key", "Pseudonymiser", "read_mapping"]


def _plain(value: str) -> str:
    """Casefolded, accents stripped, apostrophes unified, whitespace collapsed: the value that is keyed."""
    decomposed = unicodedata.normalize("NFKD", value.replace("’", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


class _NameMemory:
    """Names found in one conversation, so later bare mentions ("Claire", "Martin") are replaced too."""

    def __init__(self) -> None:
        self.roles: dict[str, str] = {}  # plain part -> "first" | "last"
        self.surfaces: set[str] = set()  # spellings to look for: full names, first and last parts

    def add(self, text: str, finding: Finding) -> None:
        parts = name_parts(finding.text)
        if len(parts) == 1:
            self.roles.setdefault(_plain(parts[0]), "last" if follows_title(text, finding.start) else "first")
        else:
            self.roles.setdefault(_plain(parts[0]), "first")
            self.roles.setdefault(_plain(parts[-1]), "last")
            self.surfaces.add(parts[-1])
        self.surfaces.update((finding.text, parts[0]))

    def mentions(self, text: str) -> list[Finding]:
        found = []
        for surface in self.surfaces:
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, surface.split())) + r"(?!\w)"
            found += [Finding("person_name", m.start(), m.end(), m.group()) for m in re.finditer(pattern, text)]
        return found

    def roles_of(self, text: str, finding: Finding) -> list[str]:
        parts = name_parts(finding.text)
        if len(parts) == 1:
            if follows_title(text, finding.start):
                return ["last"]
            return [self.roles.get(_plain(parts[0]), "first")]
        return ["first"] * (len(parts) - 1) + ["last"]


class Pseudonymiser:
    """Replaces personal data with deterministic keyed pseudonyms.

    `order_id_patterns` are the brand's order/loyalty id regexes; `not_names` are capitalised
    phrases never taken for a person (the brand, its collections: "Maison Lirelle").
    With `record_mapping`, every replacement is remembered (pseudonym -> original) for
    `write_mapping`; it is off by default because the mapping re-identifies everyone.

    Texts this instance has written are recognised (a 16-byte digest each is kept) and returned
    unchanged, so running it again over its own output replaces nothing. A fresh instance re-keys
    names and order ids, whose pseudonyms look like real ones; the other formats are never
    detected again.
    """

    def __init__(
        self,
        key: bytes,
        order_id_patterns: Sequence[str] = DEFAULT_ORDER_ID_PATTERNS,
        *,
        not_names: Collection[str] = (),
        record_mapping: bool = False,
    ):
        if not isinstance(key, bytes) or not key:
            found = "empty bytes" if isinstance(key, bytes) else type(key).__name__
            raise DataError(
                f"the pseudonymisation key must be non-empty bytes, got {found}. Pass the result of load_key()."
            )
        self._key = key
        self._patterns = tuple(order_id_patterns)
        self._not_names = tuple(not_names)
        detect("", self._patterns)  # a bad pattern fails here, not midway through a dataset
        self._written: set[bytes] = set()
        # Real values seen by `reserve`, which no pseudonym may equal: order ids, and name parts (plain).
        self._reserved: dict[str, set[str]] = {"order_id": set(), "person_name": set()}
        self._detected: dict[str, list[Finding]] = {}  # text -> findings, so `reserve` detects once
        self._mapping: dict[str, set[str]] | None = {} if record_mapping else None

    def write_mapping(self, path: Path, key: bytes) -> Path:
        """Write the recorded pseudonym -> original mapping to `path`, encrypted, with mode 0o600.

        Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from `key` by HKDF-SHA256 with a
        random salt stored in the file, so the secret itself is never used as a cipher key. A
        pseudonym that several originals share (names are drawn from 50 first and 50 last names)
        maps to them all, sorted and joined by " | ". Keep the file apart from the data: with the
        key it re-identifies everyone.
        """
        if self._mapping is None:
            raise DataError(
                "this Pseudonymiser kept no mapping: it was created without record_mapping=True. "
                "Create it with Pseudonymiser(key, ..., record_mapping=True) before pseudonymising."
            )
        mapping = {pseudonym: " | ".join(sorted(originals)) for pseudonym, originals in sorted(self._mapping.items())}
        return write_mapping(Path(path), mapping, key)

    def __repr__(self) -> str:
        return f"Pseudonymiser(key=<{len(self._key)} bytes>, order_id_patterns={list(self._patterns)!r})"

    def pseudonymise(self, text: str) -> tuple[str, Counter[str]]:
        """Replace every finding in `text`; return the new text and the count per kind."""
        texts, counts = self._pseudonymise_texts([text])
        return texts[0], counts

    def pseudonymise_messages(self, messages: list[dict]) -> tuple[list[dict], Counter[str]]:
        """The same over each message's 'content' (other keys kept); names are remembered across the messages."""
        for i, message in enumerate(messages):
            content = message.get("content")
            if content is not None and not isinstance(content, str):
                raise DataError(
                    f"message {i} has content of type {type(content).__name__}; Savile pseudonymises "
                    "text only. Normalise messages to {'role': ..., 'content': str} at ingestion."
                )
        texts = [m.get("content") or "" for m in messages]
        new_texts, counts = self._pseudonymise_texts(texts)
        out = [
            ({**m, "content": new} if m.get("content") else dict(m))
            for m, new in zip(messages, new_texts, strict=False)
        ]
        return out, counts

    def reserve(self, messages: list[dict]) -> None:
        """Note the real order ids and names in `messages`, so no pseudonym drawn later equals one of them.

        Format-preserving pseudonyms (order ids, names from a fixed list) could otherwise equal
        another customer's real value. Call it for every conversation before pseudonymising any;
        the findings are kept, so each text is searched once. Other kinds never collide: their
        pseudonyms use shapes real data does not have ("+00 ...", "@example.com", "[IBAN-...]").
        """
        for message in messages:
            text = message.get("content")
            if not isinstance(text, str) or not text or text in self._detected:
                continue
            found = self._detected[text] = detect(text, self._patterns, not_names=self._not_names)
            for f in found:
                if f.kind == "order_id":
                    self._reserved["order_id"].add(f.text)
                elif f.kind == "person_name":
                    self._reserved["person_name"].update(_plain(part) for part in name_parts(f.text))

    # -- internals -------------------------------------------------------------------------------

    def _pseudonymise_texts(self, texts: list[str]) -> tuple[list[str], Counter[str]]:
        fresh = [not self._is_own(t) for t in texts]
        primary = [
            (self._detected[t] if t in self._detected else detect(t, self._patterns, not_names=self._not_names))
            if f
            else []
            for t, f in zip(texts, fresh, strict=False)
        ]
        memory = _NameMemory()
        for t, found in zip(texts, primary, strict=False):
            for f in found:
                if f.kind == "person_name":
                    memory.add(t, f)
        counts: Counter[str] = Counter()
        out = []
        for t, is_fresh, found in zip(texts, fresh, primary, strict=False):
            if not is_fresh:
                out.append(t)
                continue
            findings = resolve_overlaps([*found, *memory.mentions(t)])
            new = self._replace(t, findings, memory)
            counts.update(f.kind for f in findings)
            if new != t:
                self._written.add(hashlib.blake2b(new.encode("utf-8"), digest_size=16).digest())
            out.append(new)
        return out, counts

    def _is_own(self, text: str) -> bool:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest() in self._written

    def _replace(self, text: str, findings: list[Finding], memory: _NameMemory) -> str:
        pieces, pos = [], 0
        for f in findings:
            pseudonym = self._pseudonym(text, f, memory)
            if self._mapping is not None:
                self._mapping.setdefault(pseudonym, set()).add(f.text)
            pieces += [text[pos : f.start], pseudonym]
            pos = f.end
        return "".join([*pieces, text[pos:]])

    def _digest(self, kind: str, value: str) -> bytes:
        return hmac.new(self._key, f"{kind}\x00{value}".encode(), hashlib.sha256).digest()

    def _pseudonym(self, text: str, f: Finding, memory: _NameMemory) -> str:
        if f.kind == "person_name":
            roles = memory.roles_of(text, f)
            return " ".join(self._name_part(part, role) for part, role in zip(name_parts(f.text), roles, strict=False))
        if f.kind == "email":
            h = self._digest("email", f.text.casefold())
            first, last = _pick(FIRST_NAMES, h[:8]), _pick(LAST_NAMES, h[8:16])
            return f"{first.lower()}.{last.lower()}.{h[16:18].hex()}@example.com"
        if f.kind == "phone":
            h = self._digest("phone", re.sub(r"\D", "", f.text))
            return "+00 " + _fill_digits(f.text.lstrip("+"), h)
        if f.kind in ("card", "iban"):
            h = self._digest(f.kind, re.sub(r"[^0-9A-Za-z]", "", f.text).upper())
            return f"[{f.kind.upper()}-{h[:3].hex()}]"
        if f.kind == "order_id":
            return self._order_id(f.text)
        if f.kind == "address":
            h = self._digest("address", re.sub(r"[\W_]+", " ", _plain(f.text)).strip())
            return f"{1 + int.from_bytes(h[:4], 'big') % 199} Example Street, {_pick(CITIES, h[4:12])}"
        raise AssertionError(f"unknown kind {f.kind!r}")

    def _name_part(self, part: str, role: str) -> str:
        names = FIRST_NAMES if role == "first" else LAST_NAMES
        start = int.from_bytes(self._digest("person_name", f"{role}\x00{_plain(part)}")[:8], "big") % len(names)
        # Never the original, nor (while the list allows) any real name part `reserve` saw.
        taken = self._reserved["person_name"] | {_plain(part)}
        for step in range(len(names)):
            if _plain(names[(start + step) % len(names)]) not in taken:
                return names[(start + step) % len(names)]
        return names[(start + 1) % len(names) if _plain(names[start]) == _plain(part) else start]

    def _order_id(self, value: str) -> str:
        """Digits replaced, letters and separators kept ("LR-4839201" -> "LR-0571936"); an id without digits
        keeps its prefix up to the last separator and has the rest replaced ("ORD-QWERTY" -> "ORD-HZKQAE")."""
        has_digits = any(c.isdigit() for c in value)
        for attempt in range(100):
            h = self._digest("order_id", f"{value}\x00{attempt}" if attempt else value)
            new = _fill_digits(value, h) if has_digits else _fill_alnum(value, h)
            if new != value and new not in self._reserved["order_id"]:  # never a real order id seen in the data
                return new
        raise DataError(
            f"no pseudonym found for an order id of shape {re.sub(r'[0-9]', '9', value)!r} in 100 keyed "
            "draws that is not a real id of the data: the id space is nearly full. Widen the pattern in "
            "privacy.order_id_patterns to the ids' full length."
        )


def _pick(options: Sequence[str], h: bytes) -> str:
    return options[int.from_bytes(h, "big") % len(options)]


def _digit_stream(h: bytes) -> str:
    # The low 60 decimal digits of the 256-bit digest: uniform enough, and longer than any id.
    return f"{int.from_bytes(h, 'big'):078d}"[-60:]


def _fill_digits(shape: str, h: bytes) -> str:
    digits = cycle(_digit_stream(h))
    return "".join(next(digits) if c.isdigit() else c for c in shape)


def _fill_alnum(shape: str, h: bytes) -> str:
    """Keep everything up to the last separator ("ORD-"), replace the letters and digits after it."""
    cut = max((i + 1 for i, c in enumerate(shape) if not c.isalnum()), default=0)
    if cut == len(shape):
        cut = 0
    stream = cycle(h)

    def swap(c: str) -> str:
        b = next(stream)
        if c.isdigit():
            return str(b % 10)
        letter = chr(ord("A") + b % 26)
        return letter if c.isupper() else letter.lower() if c.isalpha() else c

    return shape[:cut] + "".join(swap(c) for c in shape[cut:])
