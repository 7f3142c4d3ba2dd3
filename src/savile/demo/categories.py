"""The demo house's product categories: what each is made of, where, at what price, in which sizes."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Category", "CATEGORIES"]


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
