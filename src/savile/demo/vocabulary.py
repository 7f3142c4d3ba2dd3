"""The house vocabulary of Maison Lirelle, the fictional brand the demo generates.

Colours, materials, hardware finishes, workshop origins, categories and collections are the
house's own names: a generic language model cannot guess them, which is what makes the demo a
fair test of fine-tuning. Every value is written exactly as it appears in the catalogue, and no
value is a substring of another (case-insensitive), so a checker can count any value found in a
product's copy that is not the product's own as a hallucination.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COLOURS",
    "MATERIALS",
    "HARDWARE",
    "ORIGINS",
    "CATEGORIES",
    "COLLECTIONS",
    "Category",
    "Collection",
    "all_values",
]

COLOURS: tuple[str, ...] = (
    "Noir Minuit",
    "Rouge Grenat",
    "Bleu Orage",
    "Vert Lichen",
    "Ivoire Nacré",
    "Gris Perle",
    "Tabac Doré",
    "Rose Poudre",
    "Ocre Sienne",
    "Blanc Craie",
    "Bordeaux Velouté",
    "Bleu Faïence",
    "Vert Amande",
    "Camel Brûlé",
    "Prune Fumée",
    "Jaune Safran",
)

MATERIALS: tuple[str, ...] = (
    "Velours calfskin",
    "Grainé Lirelle leather",
    "Toile Lirelle canvas",
    "Plume lambskin",
    "Nuage silk twill",
    "Voile cashmere-silk",
    "Taurillon Rivage leather",
    "Box Lirelle calfskin",
    "Chèvre Cotelée goatskin",
    "Veau Ciré calfskin",
    "Daim Crêpe suede",
    "Cuir Tressé leather",
)

HARDWARE: tuple[str, ...] = (
    "palladium",
    "aged gold",
    "ruthenium",
    "brushed brass",
    "matte black",
    "rose gold",
)

ORIGINS: tuple[str, ...] = ("France", "Italy", "Spain", "Portugal", "Switzerland")


@dataclass(frozen=True)
class Category:
    """One product category: the noun copy uses verbatim, and what products of it look like."""

    name: str  # catalogue value and the noun the copy uses
    code: str  # two letters in the SKU, e.g. LR-HB-000123
    family: str  # groups categories that share usage phrasing
    materials: tuple[str, ...]
    origins: tuple[str, ...]
    has_hardware: bool  # scarves have none: empty hardware, none in copy
    price_eur: tuple[int, int]  # inclusive range a family's price is drawn from
    sizes: tuple[tuple[str, str], ...]  # (suffix of the product name, dimensions)
    care: str


_BAG_CARE = (
    "Wipe with a soft, dry cloth. Keep away from heat, damp and direct light; store stuffed "
    "with tissue in the dust bag provided."
)
_SMALL_CARE = "Wipe with a soft, dry cloth. Keep away from keys, heat and damp."
_SHOE_CARE = "Brush after wear and keep on cedar shoe trees. Let them rest a day between wears; resole at the boutique."

CATEGORIES: tuple[Category, ...] = (
    Category(
        "handbag",
        "HB",
        "bag",
        (
            "Velours calfskin",
            "Grainé Lirelle leather",
            "Box Lirelle calfskin",
            "Plume lambskin",
            "Taurillon Rivage leather",
            "Chèvre Cotelée goatskin",
        ),
        ("France", "Italy", "Spain"),
        True,
        (2400, 6800),
        (("22", "22 x 16 x 9 cm"), ("28", "28 x 20 x 11 cm"), ("32", "32 x 23 x 13 cm")),
        _BAG_CARE,
    ),
    Category(
        "tote",
        "TT",
        "bag",
        ("Toile Lirelle canvas", "Grainé Lirelle leather", "Taurillon Rivage leather", "Veau Ciré calfskin"),
        ("France", "Italy", "Spain"),
        True,
        (1600, 4200),
        (("34", "34 x 28 x 14 cm"), ("40", "40 x 31 x 16 cm")),
        _BAG_CARE,
    ),
    Category(
        "clutch",
        "CL",
        "evening",
        ("Plume lambskin", "Box Lirelle calfskin", "Daim Crêpe suede", "Velours calfskin", "Chèvre Cotelée goatskin"),
        ("France", "Italy"),
        True,
        (900, 2600),
        (("24", "24 x 14 x 4 cm"), ("27", "27 x 16 x 5 cm")),
        _BAG_CARE,
    ),
    Category(
        "travel bag",
        "TB",
        "travel",
        ("Toile Lirelle canvas", "Taurillon Rivage leather", "Grainé Lirelle leather", "Veau Ciré calfskin"),
        ("France", "Italy", "Spain"),
        True,
        (3200, 7800),
        (("45", "45 x 28 x 22 cm"), ("50", "50 x 30 x 24 cm")),
        _BAG_CARE,
    ),
    Category(
        "wallet",
        "WL",
        "small",
        (
            "Grainé Lirelle leather",
            "Chèvre Cotelée goatskin",
            "Box Lirelle calfskin",
            "Toile Lirelle canvas",
            "Velours calfskin",
        ),
        ("France", "Italy", "Spain"),
        True,
        (450, 1100),
        (("Long", "19 x 10 x 2 cm"), ("Compact", "11 x 9 x 3 cm")),
        _SMALL_CARE,
    ),
    Category(
        "card holder",
        "CH",
        "small",
        (
            "Grainé Lirelle leather",
            "Chèvre Cotelée goatskin",
            "Box Lirelle calfskin",
            "Veau Ciré calfskin",
            "Velours calfskin",
        ),
        ("France", "Italy", "Spain"),
        True,
        (220, 480),
        (("Slim", "10 x 7 cm"), ("Duo", "11 x 8 cm")),
        _SMALL_CARE,
    ),
    Category(
        "belt",
        "BT",
        "belt",
        ("Box Lirelle calfskin", "Veau Ciré calfskin", "Cuir Tressé leather", "Taurillon Rivage leather"),
        ("France", "Italy", "Spain"),
        True,
        (380, 890),
        (("25", "length 85 cm"), ("30", "length 95 cm"), ("38", "length 105 cm")),
        "Hang or roll loosely, never fold. Wipe with a dry cloth; keep the buckle dry.",
    ),
    Category(
        "scarf",
        "SC",
        "scarf",
        ("Nuage silk twill", "Voile cashmere-silk"),
        ("France", "Italy"),
        False,
        (380, 950),
        (("70", "70 x 70 cm"), ("90", "90 x 90 cm"), ("140", "140 x 140 cm")),
        "Dry-clean only. Iron on the reverse at low heat; store flat or loosely rolled.",
    ),
    Category(
        "loafer",
        "LF",
        "loafer",
        ("Veau Ciré calfskin", "Daim Crêpe suede", "Velours calfskin", "Box Lirelle calfskin"),
        ("Italy", "Spain", "Portugal"),
        True,
        (690, 1150),
        (("Femme", "EU 35-42"), ("Homme", "EU 39-46")),
        _SHOE_CARE,
    ),
    Category(
        "sneaker",
        "SN",
        "sneaker",
        ("Velours calfskin", "Daim Crêpe suede", "Toile Lirelle canvas", "Plume lambskin"),
        ("Italy", "Spain", "Portugal"),
        True,
        (590, 950),
        (("Femme", "EU 35-42"), ("Homme", "EU 39-46")),
        _SHOE_CARE,
    ),
    Category(
        "bracelet",
        "BR",
        "bracelet",
        ("Cuir Tressé leather", "Box Lirelle calfskin", "Chèvre Cotelée goatskin"),
        ("France", "Italy"),
        True,
        (350, 900),
        (("S", "inner circumference 16 cm"), ("M", "inner circumference 17.5 cm"), ("L", "inner circumference 19 cm")),
        "Keep away from water and perfume. Wipe the metal with a dry cloth.",
    ),
    Category(
        "watch strap",
        "WS",
        "strap",
        ("Box Lirelle calfskin", "Chèvre Cotelée goatskin", "Velours calfskin", "Cuir Tressé leather"),
        ("Switzerland", "France"),
        True,
        (180, 420),
        (("18", "lug width 18 mm"), ("20", "lug width 20 mm"), ("22", "lug width 22 mm")),
        "Keep away from water and perfume. Rest the strap flat overnight.",
    ),
)


@dataclass(frozen=True)
class Collection:
    """A collection: the categories it makes, its palette and its signature hardware."""

    name: str
    categories: tuple[str, ...]
    palette: tuple[str, ...]
    hardware: tuple[str, ...]


def _collection(name: str, categories: str, palette: str, hardware: str) -> Collection:
    # The table below is easier to read as comma-separated strings than as nested tuples.
    def split(text: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text.split(","))

    return Collection(name, split(categories), split(palette), split(hardware))


COLLECTIONS: tuple[Collection, ...] = (
    _collection(
        "Les Rives",
        "handbag, tote, wallet, card holder, scarf",
        "Bleu Orage, Gris Perle, Vert Lichen, Ivoire Nacré, Noir Minuit",
        "palladium, brushed brass",
    ),
    _collection(
        "Heure Bleue",
        "clutch, handbag, scarf, bracelet",
        "Bleu Orage, Bleu Faïence, Noir Minuit, Gris Perle, Prune Fumée",
        "ruthenium, palladium",
    ),
    _collection(
        "Quai Voltaire",
        "handbag, wallet, card holder, belt, watch strap",
        "Tabac Doré, Camel Brûlé, Noir Minuit, Bordeaux Velouté, Ivoire Nacré",
        "aged gold, brushed brass",
    ),
    _collection(
        "Passage Vivienne",
        "tote, handbag, card holder, scarf, loafer",
        "Rouge Grenat, Noir Minuit, Ocre Sienne, Blanc Craie, Tabac Doré",
        "aged gold, palladium",
    ),
    _collection(
        "Jardin d'Hiver",
        "scarf, tote, sneaker, bracelet",
        "Vert Lichen, Vert Amande, Blanc Craie, Gris Perle, Rose Poudre",
        "palladium, rose gold",
    ),
    _collection(
        "Cour Carrée",
        "handbag, belt, wallet, watch strap",
        "Noir Minuit, Camel Brûlé, Gris Perle, Bordeaux Velouté, Ocre Sienne",
        "palladium, matte black",
    ),
    _collection(
        "Belle Saison",
        "tote, scarf, sneaker, clutch",
        "Jaune Safran, Rose Poudre, Vert Amande, Blanc Craie, Bleu Faïence",
        "rose gold, brushed brass",
    ),
    _collection(
        "Ligne Claire",
        "card holder, wallet, belt, sneaker, watch strap",
        "Blanc Craie, Noir Minuit, Gris Perle, Bleu Orage, Ivoire Nacré",
        "matte black, palladium",
    ),
    _collection(
        "Nuit de Juin",
        "clutch, scarf, bracelet, handbag",
        "Noir Minuit, Prune Fumée, Rouge Grenat, Bordeaux Velouté, Bleu Orage",
        "ruthenium, aged gold",
    ),
    _collection(
        "Île Saint-Louis",
        "handbag, loafer, scarf, card holder",
        "Ivoire Nacré, Gris Perle, Tabac Doré, Bleu Faïence, Rose Poudre",
        "aged gold, rose gold",
    ),
    _collection(
        "Rue du Bac",
        "wallet, card holder, belt, loafer, bracelet",
        "Camel Brûlé, Tabac Doré, Noir Minuit, Ocre Sienne, Vert Lichen",
        "brushed brass, aged gold",
    ),
    _collection(
        "Galerie Haute",
        "handbag, clutch, bracelet, scarf",
        "Rouge Grenat, Noir Minuit, Ivoire Nacré, Jaune Safran, Bleu Orage",
        "palladium, aged gold",
    ),
    _collection(
        "Marée Basse",
        "tote, travel bag, sneaker, scarf",
        "Bleu Faïence, Gris Perle, Blanc Craie, Ocre Sienne, Vert Lichen",
        "brushed brass, palladium",
    ),
    _collection(
        "Envol",
        "travel bag, tote, card holder, watch strap",
        "Tabac Doré, Noir Minuit, Camel Brûlé, Bleu Orage, Vert Lichen",
        "ruthenium, brushed brass",
    ),
    _collection(
        "Carnet de Route",
        "travel bag, wallet, card holder, belt",
        "Camel Brûlé, Tabac Doré, Vert Lichen, Ocre Sienne, Noir Minuit",
        "brushed brass, aged gold",
    ),
    _collection(
        "Palais Royal",
        "handbag, clutch, wallet, scarf, loafer",
        "Rouge Grenat, Noir Minuit, Ivoire Nacré, Bordeaux Velouté, Prune Fumée",
        "aged gold, palladium",
    ),
    _collection(
        "Sillage",
        "scarf, bracelet, watch strap, clutch",
        "Gris Perle, Rose Poudre, Prune Fumée, Bleu Faïence, Blanc Craie",
        "rose gold, palladium",
    ),
    _collection(
        "Estampe",
        "scarf, tote, card holder",
        "Ocre Sienne, Jaune Safran, Bleu Faïence, Rouge Grenat, Ivoire Nacré",
        "brushed brass, aged gold",
    ),
    _collection(
        "Grand Tour",
        "travel bag, handbag, wallet, loafer",
        "Tabac Doré, Camel Brûlé, Noir Minuit, Bordeaux Velouté, Gris Perle",
        "aged gold, ruthenium",
    ),
    _collection(
        "Voyage Immobile",
        "tote, sneaker, scarf, card holder",
        "Vert Amande, Blanc Craie, Bleu Orage, Jaune Safran, Gris Perle",
        "matte black, palladium",
    ),
    _collection(
        "Contre-Jour",
        "handbag, belt, sneaker, bracelet",
        "Noir Minuit, Blanc Craie, Gris Perle, Rouge Grenat, Camel Brûlé",
        "matte black, ruthenium",
    ),
    _collection(
        "Demi-Lune",
        "handbag, clutch, card holder, bracelet",
        "Ivoire Nacré, Rose Poudre, Prune Fumée, Noir Minuit, Tabac Doré",
        "rose gold, aged gold",
    ),
    _collection(
        "Boussole",
        "travel bag, belt, watch strap, wallet",
        "Noir Minuit, Bleu Orage, Camel Brûlé, Vert Lichen, Tabac Doré",
        "ruthenium, matte black",
    ),
    _collection(
        "Pas de Deux",
        "loafer, clutch, scarf, bracelet",
        "Rose Poudre, Bordeaux Velouté, Ivoire Nacré, Noir Minuit, Rouge Grenat",
        "rose gold, palladium",
    ),
    _collection(
        "Ruban Noué",
        "scarf, belt, wallet, sneaker",
        "Jaune Safran, Vert Amande, Bleu Faïence, Ocre Sienne, Blanc Craie",
        "brushed brass, rose gold",
    ),
)


def all_values() -> dict[str, tuple[str, ...]]:
    """Every vocabulary value by catalogue column, for checks that look for them in text."""
    return {
        "colour": COLOURS,
        "material": MATERIALS,
        "hardware": HARDWARE,
        "origin": ORIGINS,
        "category": tuple(category.name for category in CATEGORIES),
        "collection": tuple(collection.name for collection in COLLECTIONS),
    }
