"""Verbatim copying: how much of an answer repeats the training copy word for word.

The copy rate of an answer is the share of its word n-grams (runs of n consecutive words, 8 by
default) that occur anywhere in the training copy. Words are read after `match_text` (case,
accents, quotes, dashes and hyphens do not matter) with punctuation dropped, so "Sable lambskin,"
and "sable-lambskin" are the same two words. A rate near 1 means the answer is stitched from
training texts; a tuned model that sounds like the brand (high style similarity) with a low copy
rate has learned the voice rather than memorised the copy.

    index = CopyIndex(training_descriptions, n=8)
    index.copy_rate("A new answer ...")   # 0.0 .. 1.0, NaN when the answer has fewer than 8 words
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, Iterator

from savile.data.text import match_text

__all__ = ["CopyIndex", "words"]

_WORD = re.compile(r"\w+(?:'\w+)*")  # "l'atelier" is one word; punctuation is not a word


def words(text: str) -> list[str]:
    """The words of text as the copy index reads them.

    >>> words("Hand-stitched, in L’Atelier's SABLE lambskin.")
    ['hand', 'stitched', 'in', "l'atelier's", 'sable', 'lambskin']
    """
    return _WORD.findall(match_text(text))


class CopyIndex:
    """The word n-grams of a training copy, for `copy_rate` lookups.

    Only a 64-bit hash of each distinct n-gram is kept, in one sorted numpy array (8 bytes per
    distinct n-gram, about 60 MB for 100k texts of 80 words), never the texts. The hashes are
    Python's `hash`, which is salted per process: build and query the index in the same process
    and do not persist it. Two n-grams sharing a hash (about one chance in 10^12 per lookup at
    that size) would count as a copy.
    """

    def __init__(self, texts: Iterable[str], n: int = 8) -> None:
        import numpy as np

        if n < 1:
            raise ValueError(f"n-gram length n must be at least 1, got {n}; the report uses 8.")
        self.n = n
        hashes = array("q")  # grows in C, 8 bytes an item, instead of a list of Python ints
        for text in texts:
            hashes.extend(self._hashes(text))
        self._sorted = np.unique(np.frombuffer(hashes, dtype=np.int64))

    def __len__(self) -> int:
        """Number of distinct n-grams indexed."""
        return int(self._sorted.size)

    def _hashes(self, text: str) -> Iterator[int]:
        w = words(text)
        return (hash(tuple(w[i : i + self.n])) for i in range(len(w) - self.n + 1))

    def copy_rate(self, output: str) -> float:
        """Share of the output's word n-grams (each position counted) found in the index.

        NaN when the output has fewer than n words, so there is no n-gram to judge.
        """
        import numpy as np

        grams = np.fromiter(self._hashes(output), dtype=np.int64)
        if grams.size == 0:
            return math.nan
        if self._sorted.size == 0:
            return 0.0
        at = np.searchsorted(self._sorted, grams).clip(max=self._sorted.size - 1)
        return float(np.mean(self._sorted[at] == grams))
