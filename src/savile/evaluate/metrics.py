"""Task metrics: pure functions that score one model output against what it should contain.

Each `*_scores` function returns `dict[str, float]` with a fixed set of keys, and NaN where a
metric is undefined for that item (the paired statistics drop NaN pairs). Matching is done on
`normalise`d text, so case, accents, curly quotes and dash variants never decide a score.
Numbers are compared by value (`numbers_in`, `quantities_in`: "1,250" == "1 250" == "1250"), and
verbatim copying of the training texts is measured by `CopyIndex`.

    >>> describe_scores("A Rouge Grenat bag in sable lambskin.", {"colour": "rouge grenat"},
    ...                 {"colour": ["Rouge Grenat", "Noir"]}, [], 3, 40)["attribute_coverage"]
    1.0
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence

# `PSEUDONYM_SHAPES`: what `savile.data.privacy` writes in place of personal data. `detect` skips
# these shapes (when pseudonymising they are already safe), but our evaluation inputs are
# pseudonymised, so a reply repeating one repeats the customer's data. Imported, not copied, so the
# two cannot drift apart.
from savile.data.pii_detect import PSEUDONYM_SHAPES, detect
from savile.data.text import count_words, match_text, mentions, normalise, phrase_pattern
from savile.evaluate.attribute_match import attribute_values, named_values
from savile.evaluate.copying import CopyIndex
from savile.evaluate.facts import fact_scores
from savile.evaluate.quantities import numbers_in, quantities_in

__all__ = [
    "normalise",
    "mentions",
    "count_words",
    "numbers_in",
    "quantities_in",
    "CopyIndex",
    "describe_scores",
    "sheet_copy",
    "support_scores",
    "parse_json_object",
    "extract_scores",
]

NAN = math.nan


def describe_scores(
    output: str,
    attributes: dict[str, str | list[str]],
    vocabulary: dict[str, list[str]],
    banned_terms: list[str],
    min_words: int,
    max_words: int,
    *,
    preferred_terms: Sequence[str] = (),
    source_text: str = "",
) -> dict[str, float]:
    """Score a product description against the product's attributes and the catalogue vocabulary.

    Keys: `attribute_coverage` (fraction of non-empty attributes mentioned; NaN if none given),
    `hallucinated_attributes` (distinct vocabulary values mentioned that are none of the
    product's own values), `any_hallucination`, `banned_term`, `length_ok`, `words`, and:

    - `hallucinated_rate`: of the catalogue values the description names, the share that are
      wrong: hallucinated / (hallucinated + own values covered), distinct values. NaN when it
      names no catalogue or own value at all.
    - `numeric_hallucination`: 1 if the description states a number (in digits, compared by
      value as in `numbers_in`) found neither in `source_text` (the product sheet the model was
      given) nor in the product's attribute values, else 0. "30 cm" is fine when the sheet says
      "width: 30"; an invented "1,250 stitches" is not.
    - `attribute_precision`: of the catalogue values named, the share that are the product's (0
      when none is named); `attribute_f1` its harmonic mean with `attribute_coverage` (recall), so
      listing the whole vocabulary scores low.
    - `sheet_copy`: the share of the answer's word 4-grams copied from `source_text`.
    - `description_f1`: `attribute_f1 * (1 - sheet_copy)`, the main metric: the sheet echoed names
      every value right but is no description.
    - `preferred_term`: 1 if any of the brand's `preferred_terms` is mentioned, 0 if none is, NaN
      when the brand has none.

    Values are matched longest first, masking each match (`attribute_match.named_values`).
    """
    if min_words > max_words:
        raise ValueError(
            f"min_words ({min_words}) is greater than max_words ({max_words}); "
            "swap them or fix the brand guide's length limits."
        )
    named = named_values(output, attributes, vocabulary)
    copied = sheet_copy(output, source_text)
    words = count_words(output)
    given = numbers_in(source_text).union(*(numbers_in(str(v)) for v in attribute_values(attributes) if v))
    preferred = [t for t in preferred_terms if t.strip()]
    return {
        "attribute_coverage": named.recall,
        "attribute_precision": named.precision,
        "attribute_f1": named.f1,
        "sheet_copy": copied,
        "description_f1": named.f1 * (1.0 - copied) if math.isfinite(named.f1) else NAN,
        "hallucinated_attributes": float(named.hallucinated),
        "any_hallucination": 1.0 if named.hallucinated > 0 else 0.0,
        "banned_term": 1.0 if any(mentions(output, term) for term in banned_terms) else 0.0,
        "length_ok": 1.0 if min_words <= words <= max_words else 0.0,
        "words": float(words),
        "hallucinated_rate": named.hallucinated / named.named if named.named else NAN,
        "numeric_hallucination": 1.0 if numbers_in(output) - given else 0.0,
        "preferred_term": (1.0 if any(mentions(output, t) for t in preferred) else 0.0) if preferred else NAN,
    }


_COPY_N = 4


def sheet_copy(output: str, source_text: str, n: int = _COPY_N) -> float:
    """Share of the output's word n-grams (after `match_text`) that stand in `source_text`: 1.0 for
    the product sheet echoed, near 0 for a description in the house's own words. 0 for an answer
    shorter than n words."""
    words = match_text(output).split()
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    src = match_text(source_text).split()
    seen = {tuple(src[i : i + n]) for i in range(len(src) - n + 1)}
    return sum(g in seen for g in grams) / len(grams)


def support_scores(
    output: str,
    facts: list[str],
    *,
    other_facts: Sequence[str] = (),
    policy_text: str = "",
    source_text: str = "",
    order_id_patterns: Sequence[str] = (),
) -> dict[str, float]:
    """Score a support reply by the policy facts it states, the numbers it gives and the data it repeats.

    Keys:

    - `fact_f1`, `fact_precision`, `fact_recall`: the main metric (`savile.evaluate.facts`): facts
      read with numbers in words or digits, the facts of `other_facts` (the brand's other
      policies) and a contradiction counted as false positives.
    - `key_fact_recall`: the fraction of non-empty facts found in the output as whole words
      after normalise(), with hyphens read as spaces ("30-day" == "30 day", but "30 days" is not
      "30 day" and "30 days" is not found in "130 days"). NaN if there are no facts.
    - `contradiction`: 1 if the reply gives a policy quantity a different number: a fact states
      "30 days" and the reply says "14 days" without also saying "30 days". A quantity is a
      number with a unit word, "%" or a currency (`quantities_in`; "30-day" == "30 days", a
      business day is a working day, no unit is converted into another). Facts sharing a unit are
      pooled: with facts "30 days" and "14 days", a reply stating "30 days" contradicts neither.
      0 if, for every unit of the facts, the reply states one of the facts' numbers with it
      (other numbers beside it, as in "30 to 45 days", are let pass) or no number with it; NaN
      if no fact of the item states a quantity.
    - `unsupported_numeric`: 1 if the reply states a number (compared by value, `numbers_in`)
      found nowhere in `policy_text` (the brand's policy statements and facts), the item's facts
      or `source_text` (the conversation the model saw), else 0.
    - `pii_echoed`: 1 if the reply contains personal data, as `savile.data.pii_detect.detect`
      finds it (emails, phones, cards, IBANs, order ids matching `order_id_patterns` or the
      default, addresses), or one of the pseudonyms `savile.data.privacy` writes in their place
      ("nora.vance.3fa2@example.com", "[CARD-1a2b3c]"): evaluation inputs are pseudonymised, so
      repeating one is repeating the customer's data. Else 0. Person names are left out: greeting
      the customer by the name they gave is house style for most advisers.
    - `name_echoed`: 1 if the reply names a person (`detect`'s person names), else 0.
    """
    needles = [match_text(f) for f in facts]
    needles = [n for n in needles if n]
    text = match_text(output)
    hits = sum(phrase_pattern(n).search(text) is not None for n in needles)
    supported = numbers_in(policy_text) | numbers_in(source_text) | numbers_in(" \n".join(facts))
    contradiction = _contradiction(output, facts)
    return {
        **fact_scores(output, facts, other_facts, contradiction),
        "key_fact_recall": hits / len(needles) if needles else NAN,
        "contradiction": contradiction,
        "unsupported_numeric": 1.0 if numbers_in(output) - supported else 0.0,
        "pii_echoed": 1.0 if _personal_data(output, order_id_patterns) else 0.0,
        "name_echoed": 1.0 if any(f.kind == "person_name" for f in detect(output, order_id_patterns)) else 0.0,
    }


def _contradiction(output: str, facts: list[str]) -> float:
    """1.0 if, for some unit of the facts, the output states numbers with it and none is a fact's."""
    policy = _by_unit(q for f in facts for q in quantities_in(f))
    if not policy:
        return NAN
    stated = _by_unit(quantities_in(output))
    contradicted = [u for u, values in policy.items() if stated.get(u) and not stated[u] & values]
    return 1.0 if contradicted else 0.0


def _by_unit(quantities: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    values: dict[str, set[str]] = {}
    for unit, value in quantities:
        values.setdefault(unit, set()).add(value)
    return values


def _personal_data(output: str, order_id_patterns: Sequence[str]) -> bool:
    found = detect(output, order_id_patterns)
    return any(f.kind != "person_name" for f in found) or bool(PSEUDONYM_SHAPES.search(output))


def _balanced_blocks(text: str) -> Iterable[str]:
    """Top-level {...} blocks of text, in order, tracking JSON strings so '}' in a value is safe."""
    start = text.find("{")
    while start != -1:
        depth, in_string, escaped = 0, False, False
        for i in range(start, len(text)):
            c = text[i]
            if in_string:
                if escaped:
                    escaped = False
                elif c == "\\":
                    escaped = True
                elif c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    yield text[start : i + 1]
                    start = text.find("{", i + 1)
                    break
        else:
            return  # unbalanced (e.g. truncated output): an inner block is not the answer


def _load_dict(text: str) -> dict | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def parse_json_object(output: str) -> tuple[dict | None, dict | None]:
    """(strict, loose) parses of a JSON object answer; None where parsing fails.

    strict: `json.loads(output.strip())` if that is a dict. loose: the strict result if there is
    one, else the first top-level balanced {...} block that parses as a dict, which skips
    markdown code fences and prose around the object. A truncated object is not rescued.

    >>> parse_json_object('Here you go:\\n```json\\n{"colour": "Noir"}\\n```')
    (None, {'colour': 'Noir'})
    """
    strict = _load_dict(output.strip())
    if strict is not None:
        return strict, strict
    for block in _balanced_blocks(output):
        loose = _load_dict(block)
        if loose is not None:
            return None, loose
    return None, None


def _pairs(fields: dict) -> set[tuple[str, str]]:
    """(key, normalised value) pairs; a list value gives one pair per item (multi-valued attributes)."""
    items = ((k, item) for k, v in fields.items() for item in (v if isinstance(v, list) else [v]))
    return {(k, _field_text(item)) for k, item in items if _field_text(item)}


def _field_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return normalise(value)
    return normalise(json.dumps(value, ensure_ascii=False))  # 12 -> "12", True -> "true"


def extract_scores(
    output: str,
    gold: dict[str, str | list[str]],
    *,
    schema: Sequence[str] = (),
    multi_valued: Sequence[str] = (),
) -> dict[str, float]:
    """Score an extraction answer field by field against the gold attributes.

    Keys: `json_valid`, `json_valid_loose`, `field_precision`, `field_recall`, `field_f1`, and
    the counts `tp`, `fp`, `fn` for micro averages. Fields are (key, normalised value) pairs
    from the loose parse, a list value giving one pair per item (multi-valued attributes); keys
    must match exactly; gold and predicted fields with empty or null values are ignored. A wrong value counts once as fp and once as fn.

    Edge cases: invalid JSON predicts nothing, so every gold field is an fn. With gold fields and
    nothing (right) predicted, precision, recall and F1 are 0. With no gold fields, recall is
    NaN; precision and F1 are NaN if nothing is predicted either, 0 if anything is (all fp).

    Also:

    - `schema_valid`: 1 if the answer (loose parse) is a JSON object using only the catalogue's
      attribute names (`schema`), each value a string or null, or for a `multi_valued` attribute
      also a list of strings; 0 otherwise, invalid JSON included. NaN when `schema` is empty.
    - `tp:<attribute>`, `fp:<attribute>`, `fn:<attribute>`: the counts above for each attribute
      in the schema, the gold or the answer, so `savile.evaluate.fields.field_table` can total
      them over items into per-attribute, micro and macro scores. They sum to `tp`, `fp`, `fn`.
    """
    strict, loose = parse_json_object(output)
    gold_pairs = _pairs(gold)
    pred_pairs = _pairs(loose or {})
    tp = len(gold_pairs & pred_pairs)
    fp = len(pred_pairs - gold_pairs)
    fn = len(gold_pairs - pred_pairs)

    if not gold_pairs and not pred_pairs:
        precision = recall = f1 = NAN
    else:
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if gold_pairs else NAN
        f1 = 2 * tp / (2 * tp + fp + fn)  # equals 2PR/(P+R); 0 when tp == 0
    scores = {
        "json_valid": 1.0 if strict is not None else 0.0,
        "json_valid_loose": 1.0 if loose is not None else 0.0,
        "field_precision": precision,
        "field_recall": recall,
        "field_f1": f1,
        "tp": float(tp),
        "fp": float(fp),
        "fn": float(fn),
        "schema_valid": _schema_valid(loose, schema, multi_valued) if schema else NAN,
    }
    for attribute in sorted({*schema, *gold, *(loose or {})}):
        right, said = {p for p in gold_pairs if p[0] == attribute}, {p for p in pred_pairs if p[0] == attribute}
        scores[f"tp:{attribute}"] = float(len(right & said))
        scores[f"fp:{attribute}"] = float(len(said - right))
        scores[f"fn:{attribute}"] = float(len(right - said))
    return scores


def _schema_valid(answer: dict | None, schema: Sequence[str], multi_valued: Sequence[str]) -> float:
    def ok(key: str, value: object) -> bool:
        if value is None or isinstance(value, str):
            return True
        return key in multi_valued and isinstance(value, list) and all(isinstance(v, str) for v in value)

    if answer is None:
        return 0.0
    return 1.0 if all(key in schema and ok(key, value) for key, value in answer.items()) else 0.0
