"""The fictional demo brand, Maison Lirelle: a Parisian leather-goods house with its own words.

`write_sources` writes the four files a brand would hand over (catalogue, brand guide,
customer conversations, policies), deterministic from a seed and fast enough to run in tests:

    from savile.demo import write_sources
    sources = write_sources(Path("demo"), seed=7)
    print(sources.catalogue)    # demo/sources/catalogue.csv
"""

from savile.demo.write import DemoSources, write_sources

__all__ = ["DemoSources", "write_sources"]
