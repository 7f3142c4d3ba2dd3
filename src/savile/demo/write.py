"""Write the Maison Lirelle source files, as the house would hand them to a fine-tuning team.

    from savile.demo import write_sources
    sources = write_sources(Path("demo"))   # demo/sources/{catalogue.csv, brand_guide.yaml, ...}

Everything is drawn from `random.Random` streams seeded from `seed`, one per file, so the same
seed writes byte-identical files and the catalogue does not change when only the number of
conversations does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from savile.demo.catalogue import build_catalogue, write_catalogue
from savile.demo.conversations import build_conversations, write_conversations
from savile.demo.guide import write_brand_guide, write_policies

__all__ = ["DemoSources", "write_sources"]


@dataclass(frozen=True)
class DemoSources:
    """The four source files of the demo brand, written by `write_sources`."""

    catalogue: Path  # sources/catalogue.csv
    brand_guide: Path  # sources/brand_guide.yaml
    conversations: Path  # sources/conversations.jsonl
    policies: Path  # sources/policies.md


def write_sources(folder: Path, seed: int = 7, n_products: int = 1600, n_conversations: int = 700) -> DemoSources:
    """Write the fictional house 'Maison Lirelle' source files under folder/'sources', as a brand would hand them over."""
    if n_products < 1 or n_conversations < 1:
        raise ValueError(f"n_products={n_products} and n_conversations={n_conversations}: both must be at least 1.")
    sources = Path(folder) / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    paths = DemoSources(
        catalogue=sources / "catalogue.csv",
        brand_guide=sources / "brand_guide.yaml",
        conversations=sources / "conversations.jsonl",
        policies=sources / "policies.md",
    )
    products = build_catalogue(random.Random(f"lirelle-catalogue-{seed}"), n_products)
    write_catalogue(paths.catalogue, products)
    write_brand_guide(paths.brand_guide)
    write_policies(paths.policies)
    conversations = build_conversations(random.Random(f"lirelle-conversations-{seed}"), n_conversations, products)
    write_conversations(paths.conversations, conversations)
    return paths
