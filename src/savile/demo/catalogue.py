"""The Maison Lirelle product catalogue: product families in colourways, and catalogue.csv.

A family is one collection, category, size, material, hardware and origin at one price; it
comes in two to four colours from the collection's palette, one SKU each. About 85% of
products carry reference copy in `description`; the rest leave it empty, as a brand's own
catalogue would, so the copy task has products to write for.
"""

from __future__ import annotations

import csv
import random
from dataclasses import astuple, dataclass, fields, replace
from pathlib import Path

from savile.demo.copywriting import write_copy
from savile.demo.vocabulary import CATEGORIES, COLLECTIONS, Category, Collection

__all__ = ["Product", "COLUMNS", "build_catalogue", "write_catalogue"]

_CATEGORY = {category.name: category for category in CATEGORIES}
_DESCRIBED_SHARE = 0.85


@dataclass(frozen=True)
class Product:
    """One catalogue row; the field order is the column order of catalogue.csv."""

    sku: str
    name: str
    collection: str
    category: str
    material: str
    colour: str
    hardware: str  # "" for categories without hardware (scarves)
    origin: str
    dimensions: str
    care: str
    price_eur: str  # two decimals, as the CSV holds it
    description: str  # reference copy, or "" for about 15% of products


COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(Product))


def build_catalogue(rng: random.Random, n_products: int) -> list[Product]:
    """`n_products` products in families, each SKU unique, with copy for about 85% of them."""
    products: list[Product] = []
    seen: set[tuple[str, ...]] = set()
    while len(products) < n_products:
        collection = rng.choice(COLLECTIONS)
        category = _CATEGORY[rng.choice(collection.categories)]
        for product in _family(rng, collection, category):
            # The same family can be drawn twice; a repeated colourway would be a duplicate.
            key = astuple(product)[1:]
            if key in seen or len(products) == n_products:
                continue
            seen.add(key)
            products.append(replace(product, sku=_sku(category, 100 + len(products))))
    return [_describe(rng, product) for product in products]


def write_catalogue(path: Path, products: list[Product]) -> None:
    """Write catalogue.csv with the header `COLUMNS`, quoting only where a field needs it."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(astuple(product) for product in products)


def _family(rng: random.Random, collection: Collection, category: Category) -> list[Product]:
    suffix, dimensions = rng.choice(category.sizes)
    low, high = category.price_eur
    # Prices end in 0 or 50, as a house prices them.
    price = round(rng.randint(low, high) / 50) * 50
    hardware = rng.choice(collection.hardware) if category.has_hardware else ""
    template = Product(
        sku="",  # numbered when the product joins the catalogue
        name=f"{collection.name} {category.name.title()} {suffix}",
        collection=collection.name,
        category=category.name,
        material=rng.choice(category.materials),
        colour="",
        hardware=hardware,
        origin=rng.choice(category.origins),
        dimensions=dimensions,
        care=category.care,
        price_eur=f"{price:.2f}",
        description="",
    )
    colours = rng.sample(collection.palette, rng.randint(2, 4))
    return [replace(template, colour=colour) for colour in colours]


def _describe(rng: random.Random, product: Product) -> Product:
    if rng.random() >= _DESCRIBED_SHARE:
        return product
    return replace(product, description=write_copy(rng, product))


def _sku(category: Category, serial: int) -> str:
    return f"LR-{category.code}-{serial:06d}"
