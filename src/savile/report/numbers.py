"""How a measured number is written in reports, tables and the terminal.

num(0.12345)               # "0.123"
num(math.nan)              # "n/a": not measured
num(None, 2, none="")      # "": no value at all (compare's table leaves the cell empty)
"""

from __future__ import annotations

import math

__all__ = ["num"]


def num(x: float | None, digits: int = 3, none: str = "n/a") -> str:
    """`x` with `digits` decimals; "n/a" for a non-finite float, `none` for None."""
    if x is None:
        return none
    if isinstance(x, float) and not math.isfinite(x):
        return "n/a"
    return f"{x:.{digits}f}"
