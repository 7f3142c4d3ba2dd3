"""The brand guide and client policies of Maison Lirelle, and the two files that carry them.

`brand_guide.yaml` is what the evaluator reads: the voice, preferred and banned terms, copy
length, and per policy the keywords a customer uses to ask about it and the facts a correct
answer states verbatim. `policies.md` is the same policies as a brand would write them for
people. Keywords are matched as case-insensitive substrings of a customer message, so no
keyword of one policy may occur inside a keyword of another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = [
    "BRAND",
    "VOICE",
    "PREFERRED_TERMS",
    "BANNED_TERMS",
    "MIN_WORDS",
    "MAX_WORDS",
    "POLICIES",
    "Policy",
    "policies_mentioned",
    "write_brand_guide",
    "write_policies",
]

BRAND = "Maison Lirelle"

VOICE = (
    "Maison Lirelle speaks quietly and precisely. Copy names the material, the colour and the "
    "hand that made the piece before it says anything about the person who will carry it; "
    "adjectives are few and earned, superlatives never. Sentences are short and concrete: the "
    "grain of a calfskin, the weight of a clasp, the weeks a piece spends in the atelier. "
    "Address the reader as 'you' sparingly and never sell: say what the piece is, where it was "
    "made and how it will age, and let the client decide. House names for colours and "
    "materials are written exactly as in the catalogue, accents included."
)

PREFERRED_TERMS: tuple[str, ...] = (
    "atelier",
    "savoir-faire",
    "hand-finished",
    "hand-stitched",
    "saddle stitch",
    "patina",
    "artisan",
    "painted edges",
    "heirloom",
    "understated",
)

# The words a generic small model reaches for in product copy; the house never uses them.
BANNED_TERMS: tuple[str, ...] = (
    "luxury",
    "luxurious",
    "cheap",
    "affordable",
    "stunning",
    "perfect",
    "must-have",
    "trendy",
    "stylish",
    "elegant",
    "high-quality",
    "premium",
    "gorgeous",
    "amazing",
    "deal",
    "bargain",
    "sexy",
    "iconic",
    "exquisite",
    "timeless",
)

MIN_WORDS, MAX_WORDS = 40, 90


@dataclass(frozen=True)
class Policy:
    """One client policy: what the house promises, and how to recognise a question about it."""

    id: str
    title: str
    statement: str
    keywords: tuple[str, ...]  # case-insensitive substrings of a customer's message
    facts: tuple[str, ...]  # strings a correct answer states verbatim
    detail: str  # a second paragraph for policies.md


POLICIES: tuple[Policy, ...] = (
    Policy(
        "returns",
        "Returns and exchanges",
        "Unworn pieces in their original packaging may be returned within 30 days of delivery "
        "for a full refund to the original means of payment, or exchanged for another size or "
        "colour. Made-to-order and personalised pieces are final sale.",
        ("return", "refund", "exchange", "send it back", "money back"),
        ("30 days", "full refund"),
        "Request a prepaid label from your client advisor or any boutique. The full refund is "
        "issued within five business days of the piece reaching the atelier and passing "
        "inspection.",
    ),
    Policy(
        "repairs",
        "Repairs and warranty",
        "Every piece is covered for 2 years against defects in materials and workmanship, "
        "repaired free of charge. Beyond that, or for wear and accidents, the atelier repair "
        "service restores pieces for a fee quoted after inspection.",
        ("repair", "warranty", "broken", "came loose", "damaged"),
        ("2 years", "repair service"),
        "Bring the piece to a boutique or ask your advisor for a prepaid label. Most repairs "
        "take three to six weeks; a quote is always agreed before work begins.",
    ),
    Policy(
        "made_to_order",
        "Made to order",
        "Made-to-order pieces, in the colour, material and hardware of your choice, take 8 to "
        "10 weeks from confirmation. A deposit of 30% is taken when the order is confirmed and "
        "the balance on completion.",
        ("made to order", "made-to-order", "bespoke", "commission", "personalise", "personalize"),
        ("8 to 10 weeks", "30%"),
        "Choices are made with an advisor in a boutique or by video appointment, from the "
        "house colours, materials and hardware. Initials may be hot-stamped at no charge.",
    ),
    Policy(
        "shipping",
        "Shipping and delivery",
        "Shipping is complimentary on every order. Within Europe, delivery takes 2 to 4 "
        "business days by insured courier; elsewhere, allow up to a week.",
        ("shipping", "delivery", "courier", "dispatch", "parcel", "tracking"),
        ("complimentary", "2 to 4 business days"),
        "Every parcel is insured and needs a signature on arrival. A tracking link is sent by "
        "email on the day of dispatch.",
    ),
    Policy(
        "care",
        "Caring for your pieces",
        "Keep leather away from heat, damp and direct light; nourish it twice a year with a "
        "leather balm, and store every piece stuffed with tissue in its dust bag. Silk and "
        "cashmere are dry-cleaned only.",
        ("clean", "look after", "take care of", "a stain", "water mark", "maintain"),
        ("leather balm", "dust bag"),
        "Each boutique offers a complimentary care appointment once a year, and the house "
        "leather balm is given with every leather piece.",
    ),
    Policy(
        "authenticity",
        "Authenticity",
        "Every piece leaves the atelier with a certificate of authenticity and a serial number "
        "stamped inside. Any boutique can check either against the house register.",
        ("authentic", "genuine", "counterfeit", "fake"),
        ("certificate of authenticity", "serial number"),
        "Maison Lirelle sells only through its own boutiques and website; pieces bought "
        "elsewhere can be checked at a boutique free of charge.",
    ),
    Policy(
        "availability",
        "Availability and waiting list",
        "When a piece is sold out, you may join the waiting list for it. When it comes back, "
        "clients on the list are contacted in turn and the piece is held for 48 hours.",
        ("in stock", "sold out", "waiting list", "restock", "available", "availability"),
        ("waiting list", "48 hours"),
        "Boutiques can also check whether another boutique holds the piece and have it sent over.",
    ),
)


def policies_mentioned(text: str) -> list[str]:
    """Ids of the policies whose keywords occur in `text`, as the evaluator matches them."""
    lowered = text.lower()
    return [p.id for p in POLICIES if any(keyword in lowered for keyword in p.keywords)]


class _FoldedStr(str):
    """A string PyYAML writes as a folded block (`>-`), as a person would write the voice."""


class _GuideDumper(yaml.SafeDumper):
    pass


def _represent_folded(dumper: yaml.SafeDumper, text: _FoldedStr) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=">")


_GuideDumper.add_representer(_FoldedStr, _represent_folded)


def _guide_document() -> dict:
    return {
        "brand": BRAND,
        "voice": _FoldedStr(VOICE),
        "preferred_terms": list(PREFERRED_TERMS),
        "banned_terms": list(BANNED_TERMS),
        "length": {"min_words": MIN_WORDS, "max_words": MAX_WORDS},
        "policies": [
            {
                "id": policy.id,
                "title": policy.title,
                "statement": policy.statement,
                "keywords": list(policy.keywords),
                "facts": list(policy.facts),
            }
            for policy in POLICIES
        ],
    }


def write_brand_guide(path: Path) -> None:
    """Write brand_guide.yaml: flow-style lists, as in the schema the evaluator documents."""
    text = yaml.dump(
        _guide_document(),
        Dumper=_GuideDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=96,
    )
    path.write_text(text, encoding="utf-8")


def write_policies(path: Path) -> None:
    """Write policies.md: one heading per policy, the statement and a paragraph of detail."""
    parts = [
        f"# {BRAND}: client policies\n",
        "These policies apply to every piece bought from a Maison Lirelle boutique or from "
        "the house website. Client advisors answer any question about them by email, by "
        "telephone or in the boutique.\n",
    ]
    for policy in POLICIES:
        parts.append(f"## {policy.title}\n\n{policy.statement}\n\n{policy.detail}\n")
    path.write_text("\n".join(parts), encoding="utf-8")
