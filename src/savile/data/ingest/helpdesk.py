"""Conversations from tables: helpdesk exports (one message per row) and customer/agent pairs.

A helpdesk export (Zendesk, Gorgias, Freshdesk, a CRM dump) has one row per message with a ticket
id, the author's role, a timestamp and the body. Rows are grouped by ticket, in order of first
appearance, and sorted by timestamp (rows with equal times keep file order). A row with an empty
ticket id, an unknown role, an unreadable timestamp or an empty body goes to the quarantine by
itself; the rest of its ticket is kept. Timestamps: ISO 8601 (with 'T' or a space, seconds and
zone optional, 'Z' allowed; zoned times are compared in UTC, unzoned ones read as UTC),
'YYYY/MM/DD HH:MM[:SS]', or Unix seconds or milliseconds.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from savile.data.ingest.cleaning import clean_text, clean_value
from savile.data.ingest.conversations import finish, role_of, unknown_role_reason
from savile.data.ingest.quarantine import Quarantine
from savile.data.ingest.tables import Table
from savile.errors import DataError

__all__ = ["HELPDESK_DEFAULTS", "helpdesk_names", "tickets", "pairs", "parse_time"]

HELPDESK_DEFAULTS = {"ticket": "ticket_id", "role": "author_role", "timestamp": "timestamp", "body": "body"}
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")


def helpdesk_names(path: Path, helpdesk_columns: dict[str, str] | None) -> dict[str, str]:
    """The file's column for each of ticket, role, timestamp, body."""
    unknown = set(helpdesk_columns or {}) - set(HELPDESK_DEFAULTS)
    if unknown:
        raise DataError(
            f"{path}: helpdesk_columns has unknown key(s) {', '.join(sorted(unknown))}; "
            f"the keys are {', '.join(HELPDESK_DEFAULTS)}."
        )
    return HELPDESK_DEFAULTS | (helpdesk_columns or {})


def _column(path: Path, table: Table, wanted: str, what: str, setting: str) -> str:
    if wanted in table.columns:
        return wanted
    matches = [c for c in table.columns if c.casefold() == wanted.casefold()]
    if len(matches) == 1:
        return matches[0]
    raise DataError(
        f"{path}: column {wanted!r} ({what}) not found; columns are: {', '.join(table.columns) or '(none)'}; "
        f"map it with {setting}."
    )


def parse_time(value: str) -> dt.datetime | None:
    """A timestamp as a naive UTC datetime, or None (formats in the module docstring)."""
    value = value.strip()
    if _EPOCH.fullmatch(value):
        seconds = float(value) / (1000 if float(value) > 1e11 else 1)
        return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)
    if re.match(r"\d{4}/\d{2}/\d{2}", value):
        value = value.replace("/", "-", 2)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def tickets(path: Path, table: Table, quarantine: Quarantine, helpdesk_columns: dict[str, str] | None) -> list[dict]:
    """One conversation per ticket of a one-message-per-row table."""
    names = helpdesk_names(path, helpdesk_columns)
    col = {key: _column(path, table, name, f"helpdesk {key}", "helpdesk_columns") for key, name in names.items()}
    grouped: dict[str, list[tuple[dt.datetime, int, str, str]]] = {}
    for order, (location, row) in enumerate(table.rows):
        ticket = clean_value(row[col["ticket"]])
        message = _message(row, col)
        if isinstance(message, str):
            quarantine.add(path, location, message, record_id=ticket)
        elif message is not None:
            grouped.setdefault(ticket, []).append((message[0], order, *message[1:]))
    out = []
    for ticket, rows in grouped.items():
        turns = [(role, body) for _, _, role, body in sorted(rows)]
        conversation = finish(path, f"ticket {ticket}", ticket, turns, quarantine)
        if conversation:
            out.append(conversation)
    return out


def _message(row: dict[str, str], col: dict[str, str]) -> tuple[dt.datetime, str, str] | str | None:
    """(time, role, body) of a row, None for a system row, or the reason the row is rejected."""
    if not clean_value(row[col["ticket"]]):
        return "empty required field 'ticket'"
    role = role_of(row[col["role"]])
    if role is None:
        return unknown_role_reason(row[col["role"]])
    if role == "system":
        return None
    raw_time = row[col["timestamp"]].strip()
    when = parse_time(raw_time)
    if when is None:
        shown = repr(raw_time[:40]) if raw_time else "(empty)"
        return f"wrong type: timestamp {shown} is not a date; use ISO 8601 or 'YYYY-MM-DD HH:MM[:SS]'"
    body = clean_text(row[col["body"]])
    return (when, role, body) if body else "empty content"


def pairs(path: Path, table: Table, quarantine: Quarantine, pair_columns: tuple[str, str]) -> list[dict]:
    """One two-turn conversation per row of a (customer message, agent reply) table; an 'id' column names it."""
    customer, agent = (
        _column(path, table, name, what, "pair_columns")
        for name, what in zip(pair_columns, ("customer message", "agent reply"), strict=False)
    )
    id_column = next((c for c in table.columns if c.casefold() in ("id", "conversation_id")), None)
    out = []
    for location, row in table.rows:
        conv_id = clean_value(row[id_column]) if id_column else ""
        turns = [(role, clean_text(row[c])) for role, c in (("user", customer), ("assistant", agent))]
        # An empty cell is a missing turn ("no agent turn"), not an empty message.
        conversation = finish(
            path, location, conv_id or location.replace(" ", "-"), [t for t in turns if t[1]], quarantine
        )
        if conversation:
            out.append(conversation)
    return out
