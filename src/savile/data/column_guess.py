"""Match a table's columns to Savile's fields by name and by values, each match with its evidence.

    guesses = catalogue_columns(table)   # [Guess("colour", "Coloris", "name 'coloris' is a colour column name"), ...]

By name: a column whose folded name is one of the field's names in English, French, Italian,
German or Spanish. By values: a column most of whose sampled values name a colour, a material or
a country of origin (small built-in lexicons), or whose values are unique product codes. A column
is given to one field at most; name matches go first.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

__all__ = ["Guess", "catalogue_columns", "helpdesk_columns", "fold"]

NAMES: dict[str, tuple[str, ...]] = {
    "sku": (
        "sku",
        "reference",
        "ref",
        "article",
        "article number",
        "artikel",
        "artikelnummer",
        "item code",
        "item",
        "product id",
        "product code",
        "code",
        "codice",
        "id",
    ),
    "name": ("name", "product name", "nom", "designation", "libelle", "title", "nome", "bezeichnung", "nombre"),
    "collection": ("collection", "line", "ligne", "linea", "range", "series", "kollektion", "coleccion"),
    "category": ("category", "categorie", "famille", "family", "type", "product type", "kategorie", "categoria"),
    "material": ("material", "matiere", "materials", "materiale", "werkstoff", "leather"),
    "colour": ("colour", "color", "coloris", "couleur", "farbe", "colore", "colourway"),
    "hardware": ("hardware", "finition", "finish", "metal", "quincaillerie", "beschlag", "minuteria"),
    "origin": ("origin", "origine", "made in", "country of origin", "herkunft", "provenance", "origen"),
    "dimensions": ("dimensions", "size", "taille", "masse", "dimensioni", "measurements"),
    "price": ("price", "prix", "prix ttc", "price eur", "preis", "prezzo", "precio", "retail price"),
    "description": ("description", "copy", "long text", "long description", "texte", "beschreibung", "descrizione"),
}
_COLOURS = set(
    """black noir nero schwarz negro white blanc bianco weiss blanco ivory ivoire avorio red rouge rosso rot
rojo bordeaux burgundy blue bleu blu blau azul navy marine green vert verde grun brown marron brun cognac tan caramel
chocolat chocolate grey gray gris grigio grau perle pearl beige camel taupe sand sable gold silver argent pink rose rosa
ebony ebene ebano yellow jaune giallo orange purple violet viola noisette fauve sapin olive khaki cream creme ecru
nude blush anthracite charcoal indigo emerald cobalt ruby""".split()
)
_MATERIALS = set(
    """leather cuir pelle leder calfskin calf veau vachette agneau lambskin suede daim canvas toile cotton
coton silk soie seta wool laine cashmere cachemire brass laiton nylon python crocodile ostrich linen lin denim
grained graine grainé enduite coated nappa saffiano""".split()
)
_COUNTRIES = set(
    """italy italie italia france frankreich francia spain espagne spagna spanien portugal germany
allemagne germania deutschland switzerland suisse svizzera schweiz japan japon giappone china chine cina uk england
usa india inde morocco maroc romania tunisia""".split()
)
_LEXICONS = {
    "colour": ("colours", _COLOURS),
    "material": ("materials", _MATERIALS),
    "origin": ("countries", _COUNTRIES),
}


@dataclass(frozen=True)
class Guess:
    """One guess of `savile init`: a setting, the value guessed and why."""

    key: str
    value: str
    evidence: str


def fold(name: str) -> str:
    """Lower case, accents and punctuation dropped: 'Prix TTC' -> 'prix ttc', 'Matière' -> 'matiere'."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.casefold()).split())


def catalogue_columns(columns: list[str], rows: list[dict[str, str]]) -> list[Guess]:
    """Savile field -> column guesses for a catalogue table (name matches first, then values)."""
    guesses: dict[str, Guess] = {}
    used: set[str] = set()
    for field, names in NAMES.items():
        for column in columns:
            if column not in used and fold(column) in names:
                guesses[field] = Guess(field, column, f"column name {column!r} is a {field} column name")
                used.add(column)
                break
    sample = rows[:200]
    for field, (what, lexicon) in _LEXICONS.items():
        if field in guesses:
            continue
        best = max(((_share_in(lexicon, [r[c] for r in sample]), c) for c in columns if c not in used), default=(0, ""))
        if best[0] >= 0.6:
            guesses[field] = Guess(field, best[1], f"{best[0]:.0%} of sampled values of {best[1]!r} name {what}")
            used.add(best[1])
    if "sku" not in guesses:
        unique = [c for c in columns if c not in used and _looks_like_ids([r[c] for r in rows])]
        if unique:
            guesses["sku"] = Guess("sku", unique[0], f"values of {unique[0]!r} are unique codes of letters and digits")
    return list(guesses.values())


def _share_in(lexicon: set[str], values: list[str]) -> float:
    filled = [v for v in values if v.strip()]
    if not filled:
        return 0.0
    return sum(any(w in lexicon for w in fold(v).split()) for v in filled) / len(filled)


def _looks_like_ids(values: list[str]) -> bool:
    filled = [v for v in values if v.strip()]
    return (
        len(filled) >= 2
        and len(set(filled)) == len(filled)
        and all(re.fullmatch(r"[A-Za-z0-9][\w./-]{2,30}", v) and re.search(r"\d", v) for v in filled)
    )


HELPDESK_NAMES = {
    "ticket": ("ticket", "ticket id", "ticket number", "conversation", "conversation id", "case", "case id", "thread"),
    "role": ("role", "author role", "author", "auteur", "from", "sender", "sender type", "autore", "absender"),
    "timestamp": ("timestamp", "date", "created", "created at", "time", "sent at", "datum", "data", "fecha"),
    "body": ("body", "message", "text", "content", "comment", "nachricht", "messaggio", "mensaje"),
}


def helpdesk_columns(columns: list[str], rows: list[dict[str, str]], known_roles: set[str]) -> list[Guess]:
    """Helpdesk column guesses (ticket, role, timestamp, body): by name, else the role column by its values."""
    guesses: dict[str, Guess] = {}
    for key, names in HELPDESK_NAMES.items():
        match = next((c for c in columns if fold(c) in names and c not in {g.value for g in guesses.values()}), None)
        if match:
            guesses[key] = Guess(key, match, f"column name {match!r} is a helpdesk {key} column name")
    if "role" not in guesses:
        for column in columns:
            values = Counter(fold(r[column]) for r in rows[:500] if r[column].strip())
            if (
                values
                and len(values) <= 6
                and sum(n for v, n in values.items() if v in known_roles) / sum(values.values()) >= 0.8
            ):
                guesses["role"] = Guess(
                    "role", column, f"values of {column!r} are author roles ({', '.join(sorted(values))})"
                )
                break
    return list(guesses.values())
