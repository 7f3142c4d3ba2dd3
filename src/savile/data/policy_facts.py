"""Facts and keywords of a policy, derived from its title and statement when the brand guide gives none.

A brand book states its policies in prose ("Returns are accepted within 14 days, free of
charge."); the support task needs the strings a correct answer must state (facts) and the words a
customer uses when asking (keywords). Both are derived by rules, and the data card and
`savile guide` list every derived value so the brand can check them or write its own.

    >>> derive_facts("Repairs take 5 to 9 working days and cost 250 GBP; lifetime care is free of charge.")
    ['5 to 9 working days', '250 GBP', 'lifetime', 'free of charge']
    >>> derive_keywords("Returns and exchanges", "Send it back within 14 days.", {})
    ['return', 'exchange', 'refund', 'send back', 'money back', 'swap']

Facts: quantities with their units (durations, ranges such as "5 to 9 working days", amounts
such as "250 GBP", "£250" or "20%"), and fixed phrases (FACT_PHRASES). Keywords: the title's
content words, singular, plus the synonyms of every topic word (SYNONYMS, extended by
`guide.synonyms` in the config) found in the title or the statement.
"""

from __future__ import annotations

import re

__all__ = ["FACT_PHRASES", "SYNONYMS", "derive_facts", "derive_keywords"]

_NUMBER = (
    r"(?:\d+(?:[.,]\d+)*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|"
    r"twenty|thirty|forty|forty-five|sixty|ninety)"
)
_TIME_UNIT = r"(?:(?:working|business|calendar|banking)[ ])?(?:days?|weeks?|months?|years?|hours?|minutes?)"
_CURRENCY = r"(?:EUR|GBP|USD|CHF|JPY|CNY|HKD|SGD|AUD|CAD|SEK|DKK|NOK|AED|euros?|pounds?|dollars?|francs?)"
_QUANTITY = re.compile(
    rf"(?<![\w£€$¥])(?:"
    rf"{_NUMBER}(?:[ ]?(?:-|–|to|and)[ ]?{_NUMBER})?[ ]{_TIME_UNIT}"  # 14 days, 5 to 9 working days
    rf"|{_NUMBER}[ ]?{_CURRENCY}|{_CURRENCY}[ ]?\d+(?:[.,]\d+)*"  # 250 GBP, EUR 1,200
    rf"|[£€$¥]\d+(?:[.,]\d+)*"  # £250
    rf"|\d+(?:[.,]\d+)?[ ]?%"  # 20%
    rf")(?![\w])",
    re.I,
)
# Phrases that state a condition a correct answer must repeat.
FACT_PHRASES = (
    "free of charge",
    "at no cost",
    "no charge",
    "complimentary",
    "lifetime",
    "full refund",
    "store credit",
    "final sale",
    "non-refundable",
    "prepaid label",
    "original packaging",
    "proof of purchase",
    "signature on delivery",
    "certificate of authenticity",
)
# Topic word -> words a customer uses for it. Matched as case-insensitive substrings of a message.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "return": ("refund", "send back", "money back"),
    "exchange": ("swap",),
    "repair": ("fix", "broken", "damaged"),
    "delivery": ("deliver", "shipping", "parcel", "arrive"),
    "shipping": ("deliver", "delivery", "parcel", "arrive"),
    "warranty": ("guarantee", "defect", "faulty"),
    "authenticity": ("genuine", "fake", "counterfeit", "authentic"),
    "care": ("clean", "stain", "look after"),
    "personalisation": ("monogram", "engrave", "initials"),
    "alteration": ("alter", "adjust", "resize"),
    "payment": ("pay", "instalment", "card"),
    "availability": ("in stock", "available", "sold out"),
}
_STOP = frozenset(
    """a an and or of the to for in on at by with our your policy policies service services client
clients customer customers terms conditions about how what our we you""".split()
)


def derive_facts(statement: str) -> list[str]:
    """Quantities with their units and fact phrases in `statement`, in order of appearance, each once."""
    found = [(m.start(), m.group()) for m in _QUANTITY.finditer(statement)]
    lowered = statement.casefold()
    for phrase in FACT_PHRASES:
        at = lowered.find(phrase)
        if at >= 0 and not any(s <= at < s + len(t) for s, t in found):
            found.append((at, statement[at : at + len(phrase)]))
    return list(dict.fromkeys(text for _, text in sorted(found)))


def derive_keywords(
    title: str, statement: str, synonyms: dict[str, list[str]], others: tuple[str, ...] = ()
) -> list[str]:
    """The title's content words (singular), and the synonyms of topic words in the title or statement.

    `others` are the other policies' titles: a topic one of them is about ("delivery" in "returned
    within 14 days of delivery") is left to that policy, so a question matches the policy it asks about.
    """
    table = {**SYNONYMS, **{k.casefold(): (*SYNONYMS.get(k.casefold(), ()), *v) for k, v in synonyms.items()}}
    words = _title_words(title)
    taken = {w for other in others for w in _title_words(other)}
    taken |= {s.casefold() for w in taken for s in table.get(w, ())}
    text = f"{title} {statement}".casefold()
    topics = [*words, *(t for t in table if t not in taken and re.search(rf"\b{re.escape(t)}", text))]
    found = [*words, *(s.casefold() for t in topics for s in table.get(t, ()))]
    return list(dict.fromkeys(w for w in found if w in words or w not in taken))


def _title_words(title: str) -> list[str]:
    return [_singular(w) for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", title.casefold()) if w not in _STOP]


def _singular(word: str) -> str:
    """'returns' -> 'return', 'exchanges' -> 'exchange'; short words and '-ss' kept ('class')."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word
