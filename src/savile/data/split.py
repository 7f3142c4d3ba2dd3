"""Split examples three ways, train / validation / test, by group, so nothing held out is trained on.

    validation, test = holdout_groups(collections, 0.15, 0.15, seed=0)
    mentions = ProductMentions.build(rows, id_column, held={"validation": validation, "test": test}, ...)
    mentions.split_of(conversation_text)    # "test", "validation" or None

Catalogue tasks hold out whole product families (`catalogue.group_by`); support holds out whole
conversations, and a conversation that names a held-out product (by id or name) goes to that
product's split, whatever its hash says: otherwise its words would teach the model about a
product it is then tested on.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from savile.data.text import match_text

__all__ = ["holdout_groups", "ProductMentions", "SPLITS", "HELD_OUT"]

SPLITS = ("train", "validation", "test")
HELD_OUT = ("validation", "test")


def holdout_groups(
    groups: list[str], validation_fraction: float, test_fraction: float, seed: int
) -> tuple[set[str], set[str]]:
    """(validation groups, test groups): taken in a seeded hash order until each holds its share of the items.

    Test is filled first, then validation. With three or more groups each split gets at least one
    and one group always stays in training; with two, validation gets none.
    """
    sizes = Counter(groups)
    order = sorted(sizes, key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest())
    available = order[: max(len(order) - 1, 1)]  # one group always trains
    test = _take(available, sizes, test_fraction * len(groups))
    rest = [g for g in available if g not in test]
    validation = _take(rest, sizes, validation_fraction * len(groups)) if rest else set()
    return validation, test


def _take(order: list[str], sizes: Counter[str], target: float) -> set[str]:
    chosen: set[str] = set()
    held = 0
    for group in order:
        if held >= target and chosen:
            break
        chosen.add(group)
        held += sizes[group]
    return chosen


_WORD = re.compile(r"\w+")
# A group value shorter than this is too likely to be an ordinary word to count as a mention.
_MIN_GROUP_CHARS = 4


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(match_text(text)))


@dataclass(frozen=True)
class ProductMentions:
    """Ids, names and family names of held-out products, found in free text as whole-word runs.

    Lookup is by word n-grams in a set, so it scales to a catalogue of 100,000 products.
    """

    keys: dict[tuple[str, ...], str]  # word run -> split ("test" wins over "validation")
    lengths: tuple[int, ...]  # the word counts of the keys

    @classmethod
    def build(
        cls,
        rows: list[dict],
        id_column: str,
        group_by: str,
        held: dict[str, set[str]],
        name_columns: tuple[str, ...] = ("name",),
    ) -> ProductMentions:
        """Index the ids and names (`name_columns`) of the products in `held`'s groups by split."""
        keys: dict[tuple[str, ...], str] = {}
        for split in ("validation", "test"):  # test last, so it wins a key both share
            for row in rows:
                group = str(row.get(group_by, ""))
                if group not in held.get(split, set()):
                    continue
                names = [str(row.get(id_column, ""))] + [str(row[c]) for c in name_columns if row.get(c)]
                if len(group) >= _MIN_GROUP_CHARS:
                    names.append(group)
                for name in names:
                    words = _words(name)
                    if words:
                        keys[words] = split
        return cls(keys, tuple(sorted({len(k) for k in keys})))

    def split_of(self, text: str) -> str | None:
        """The held-out split of a product the text names ("test" first), or None when it names none."""
        if not self.keys:
            return None
        words = _words(text)
        found = {
            self.keys[run]
            for n in self.lengths
            for i in range(len(words) - n + 1)
            if (run := words[i : i + n]) in self.keys
        }
        return "test" if "test" in found else "validation" if found else None
