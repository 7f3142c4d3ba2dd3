"""The quarantine: every record a reader rejects, with its file, location and reason.

Nothing is dropped silently. A reader that cannot use a record calls `Quarantine.add`; prepare
writes the lot as JSONL beside its outputs and stops when a source loses too many records:

    q = Quarantine()
    q.add("catalogue.csv", "line 12", "empty required field 'colour'", record_id="LR-HB-000123")
    q.write(out_dir / "quarantine.jsonl")
    q.check_share("catalogue.csv", total=200, max_share=0.05)

A rejected record is described, never copied: the reason names the field and the problem, and
`record_id` holds a non-personal id (a SKU, a ticket number) or nothing. Ids that could be
personal (an e-mail address, free text) are blanked by `add` itself, as a second line of defence.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from savile import atomic
from savile.errors import DataError

__all__ = ["Rejected", "Quarantine", "REASON_CATEGORIES", "reason_category"]

# Each reason the readers write starts with one of these; `by_reason` counts by them.
REASON_CATEGORIES = (
    "broken CSV row",
    "broken row",
    "broken JSON",
    "empty required field",
    "wrong type",
    "duplicate",
    "no messages",
    "no customer turn",
    "no agent turn",
    "empty content",
    "unknown role",
    "unknown id",
)
# An id is kept only if it looks like one: no spaces, no '@', short. A ticket number or SKU passes;
# an e-mail address or a sentence pasted into the id column does not.
_SAFE_ID = re.compile(r"[\w.:#/+-]{1,64}")


@dataclass(frozen=True)
class Rejected:
    """One record a reader could not use."""

    source: str  # the file path as given
    location: str  # "line 12" | "row 7" | "sheet Products, row 7" | "ticket T-88"
    reason: str  # short, e.g. "duplicate sku 'LR-HB-000123' (first at line 4)"
    record_id: str = ""  # a non-personal id when known; never message text or personal data


def reason_category(reason: str) -> str:
    """The category of a reason: a known prefix, else the text before the first ':'.

    >>> reason_category("duplicate sku 'LR-1' (first at line 4)"), reason_category("odd: thing")
    ('duplicate', 'odd')
    """
    for category in REASON_CATEGORIES:
        if reason.startswith(category):
            return category
    return reason.split(":", 1)[0].strip()


def safe_record_id(value: str) -> str:
    """`value` if it looks like an opaque id, else '' (see _SAFE_ID)."""
    value = str(value).strip()
    return value if _SAFE_ID.fullmatch(value) and "@" not in value else ""


def _raised(share: float) -> str:
    """A limit just above `share`, rounded up to the next percent, as a config value."""
    return f"{min(1.0, (int(share * 100) + 1) / 100):g}"


class Quarantine:
    """Collects `Rejected` records from every reader of one prepare run."""

    def __init__(self, path: Path | None = None):
        self.path = path  # where it will be written; named in check_share's message
        self.records: list[Rejected] = []

    def add(self, source: str | Path, location: str, reason: str, record_id: str = "") -> None:
        """Record one rejected record: its source, location in it, reason and (masked) id."""
        self.records.append(Rejected(str(source), location, reason, safe_record_id(record_id)))

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self):
        return iter(self.records)

    def count(self, source: str | Path | None = None) -> int:
        """Records rejected from `source` (all sources when None)."""
        if source is None:
            return len(self.records)
        return sum(r.source == str(source) for r in self.records)

    def by_reason(self) -> dict[str, int]:
        """Rejections per reason category, most frequent first."""
        return dict(Counter(reason_category(r.reason) for r in self.records).most_common())

    def write(self, path: Path | None = None) -> Path:
        """Write one JSON object per rejected record (an empty file when none) and return the path."""
        path = Path(path or self.path or "quarantine.jsonl")
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic.open_text(path) as fh:
            for record in self.records:
                fh.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
        self.path = path
        return path

    def check_share(self, source: str | Path, total: int, max_share: float, not_counted: tuple[str, ...] = ()) -> None:
        """Raise DataError when more than `max_share` of the `total` records of `source` were rejected.

        Rejections whose category is in `not_counted` stay in the quarantine but leave the share
        (and the total): e.g. copy for a product whose catalogue row was itself rejected.
        """
        reasons = Counter(reason_category(r.reason) for r in self.records if r.source == str(source))
        total -= sum(reasons.pop(category, 0) for category in not_counted)
        rejected = sum(reasons.values())
        if total <= 0 or rejected / total <= max_share:
            return
        name = self.path.name if self.path else "quarantine.jsonl"
        top = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common(3))
        raise DataError(
            f"{source}: {rejected} of {total} records ({rejected / total:.1%}) rejected, more than the "
            f"allowed {max_share * 100:g}%; top reasons: {top}; see {name} for each record. Fix the source, or "
            f"raise the limit with prepare.max_reject_share (e.g. `prepare.max_reject_share={_raised(rejected / total)}`)."
        )
