"""Reference product copy in the Maison Lirelle voice, assembled from the phrase banks.

A description is an opening, a shuffled middle (material and colour, hardware, craft and
origin, sometimes usage and dimensions) and usually a closing line. Slots are sometimes merged
(colour with material, hardware with craft) and the opening sometimes trades places with the
first middle sentence, so descriptions differ in structure as well as wording. A draft that
breaks the brand guide (length, preferred or banned terms, a missing catalogue value) is
redrawn; `copy_problems` is the one check, shared with the tests.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

from savile.demo import copy_phrases as phrases
from savile.demo.guide import BANNED_TERMS, MAX_WORDS, MIN_WORDS, PREFERRED_TERMS
from savile.demo.vocabulary import CATEGORIES

if TYPE_CHECKING:
    from savile.demo.catalogue import Product

__all__ = ["write_copy", "copy_problems", "term_pattern"]

_FAMILY = {category.name: category.family for category in CATEGORIES}
_MAX_DRAFTS = 500
# A word as `savile.data.text.count_words` reads one: hyphens and apostrophes join, not split.
_WORD = re.compile(r"\w+(?:['-]\w+)*")


def term_pattern(terms: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """A case-insensitive, word-bounded pattern matching any of `terms`."""
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


_BANNED = term_pattern(BANNED_TERMS)
_PREFERRED = term_pattern(PREFERRED_TERMS)


def write_copy(rng: random.Random, product: Product) -> str:
    """Draw descriptions for `product` until one meets the brand guide, and return it."""
    for _ in range(_MAX_DRAFTS):
        text = _draft(rng, product)
        if not copy_problems(text, product):
            return text
    # Unreachable with the shipped phrase banks; a bank edited into a corner lands here.
    raise RuntimeError(f"no acceptable copy for {product.sku} after {_MAX_DRAFTS} drafts")


def copy_problems(text: str, product: Product) -> list[str]:
    """What in `text` breaks the brand guide for `product`; empty when the copy is acceptable."""
    problems = []
    # Whitespace words and the evaluator's words ("17.5" is two) must both be within limits.
    for words in {len(text.split()), len(_WORD.findall(text))}:
        if not MIN_WORDS <= words <= MAX_WORDS:
            problems.append(f"{words} words, outside {MIN_WORDS}-{MAX_WORDS}")
    preferred = {match.lower() for match in _PREFERRED.findall(text)}
    if not 1 <= len(preferred) <= 3:
        problems.append(f"{len(preferred)} distinct preferred terms, not 1-3")
    if banned := _BANNED.findall(text):
        problems.append(f"banned terms {banned}")
    lowered = text.lower()
    for column in ("colour", "material", "hardware", "origin", "category", "collection"):
        value = getattr(product, column)
        if value and value.lower() not in lowered:
            problems.append(f"{column} {value!r} missing")
    return problems


def _draft(rng: random.Random, product: Product) -> str:
    values = {
        "colour": product.colour,
        "material": product.material,
        "hardware": product.hardware,
        "origin": product.origin,
        "category": product.category,
        "collection": product.collection,
        "dimensions": product.dimensions,
        "cg": rng.choice(phrases.COLOUR_GLOSSES[product.colour]),
        "mg": rng.choice(phrases.MATERIAL_GLOSSES[product.material]),
    }
    opening = rng.choice(phrases.OPENINGS)
    middle = _middle_templates(rng, product, opening)
    rng.shuffle(middle)
    sentences = [opening, *middle]
    if middle and middle[0].startswith(("{colour}", "{material}")) and rng.random() < 0.5:
        # Lead with the material or colour now and then, so the opening is not always first;
        # only a sentence that names its subject can stand first.
        sentences[0], sentences[1] = sentences[1], sentences[0]
    if rng.random() < 0.75:
        sentences.append(rng.choice(phrases.CLOSINGS))
    return " ".join(_capitalise(template.format(**values)) for template in sentences)


def _middle_templates(rng: random.Random, product: Product, opening: str) -> list[str]:
    family = _FAMILY[product.category]
    middle = _colour_and_material(rng, opening)
    craft = phrases.CRAFT_LINES + (phrases.CRAFT_SCARF_LINES if family == "scarf" else phrases.LEATHER_CRAFT_LINES)
    if product.hardware and rng.random() < 0.3:
        middle.append(rng.choice(phrases.CRAFT_HARDWARE_LINES))
    elif product.hardware:
        middle += [rng.choice(phrases.HARDWARE_LINES), rng.choice(craft)]
    else:
        middle.append(rng.choice(craft))
    if rng.random() < 0.7:
        middle.append(rng.choice(phrases.USAGE_LINES[family]))
    if rng.random() < 0.2:
        middle.append(rng.choice(phrases.DIMENSION_LINES))
    return middle


def _colour_and_material(rng: random.Random, opening: str) -> list[str]:
    # What the opening already names is not named again, except now and then in passing.
    has_colour, has_material = "{colour}" in opening, "{material}" in opening
    if has_colour and has_material:
        return [rng.choice(phrases.MATERIAL_LINES)] if rng.random() < 0.4 else []
    if has_colour:
        return [rng.choice(phrases.MATERIAL_LINES)]
    if has_material:
        return [rng.choice(phrases.COLOUR_LINES)]
    if rng.random() < 0.35:
        return [rng.choice(phrases.COLOUR_MATERIAL_LINES)]
    return [rng.choice(phrases.MATERIAL_LINES), rng.choice(phrases.COLOUR_LINES)]


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
