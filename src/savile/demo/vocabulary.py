"""The house vocabulary of Maison Lirelle, the fictional brand the demo generates.

Colours, materials, hardware finishes, workshop origins, categories and collections are the
house's own names: a generic language model cannot guess them, which is what makes the demo a
fair test of fine-tuning. Every value is written exactly as it appears in the catalogue, and no
value is a substring of another (case-insensitive), so a checker can count any value found in a
product's copy that is not the product's own as a hallucination.
"""

from __future__ import annotations

from savile.demo.categories import CATEGORIES, Category
from savile.demo.house_collections import COLLECTIONS, Collection

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
