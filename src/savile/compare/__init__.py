"""`savile compare`: a grid of base models x adaptation techniques on the same data and items."""

from savile.compare.run import run

__all__ = ["run"]
