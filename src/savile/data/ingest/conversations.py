"""Load customer-service conversations from any common export into one chat form.

    q = Quarantine()
    convs = load_conversations(Path("zendesk.csv"), quarantine=q)       # format found from the file
    convs[0]  # {"id": "T-88", "messages": [{"role": "user", "content": ...}, {"role": "assistant", ...}]}

Formats (`fmt`): "openai" (JSONL of {"messages": [...]}), "sharegpt" (JSON array or JSONL of
{"conversations": [{"from", "value"}]}), "pairs_csv" (a table, one customer message and agent
reply per row) and "helpdesk" (a table, one message per row; see `helpdesk`). "auto" decides once,
here, from the extension and the first record's keys or the table's columns.

Roles are mapped with one table for every format: USER_ROLES become "user", AGENT_ROLES become
"assistant", SYSTEM_ROLES (instructions and automatic notices, not part of the exchange) are
dropped; any other role sends the conversation (or, in a helpdesk table, the row) to the
quarantine. Content is cleaned like catalogue values but keeps its line breaks, and consecutive
turns of one role are merged with a blank line, so turns always alternate. Quarantined: broken
JSON lines, records without messages, empty content, unknown roles, conversations without a
customer turn or an agent turn. Reasons never quote message text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from savile.data.ingest.cleaning import clean_text
from savile.data.ingest.quarantine import Quarantine
from savile.data.ingest.tables import JSON_LINES, TABLE_SUFFIXES, Table, open_table, read_json_records, records_table
from savile.errors import DataError

__all__ = ["load_conversations", "FORMATS", "USER_ROLES", "AGENT_ROLES", "SYSTEM_ROLES", "role_of", "finish"]

FORMATS = ("auto", "openai", "sharegpt", "pairs_csv", "helpdesk")
USER_ROLES = frozenset(
    {
        "user",
        "human",
        "customer",
        "client",
        "end-user",
        "enduser",
        "requester",
        "buyer",
        "shopper",
        "guest",
        "visitor",
        "contact",
    }
)
AGENT_ROLES = frozenset(
    {
        "assistant",
        "gpt",
        "model",
        "agent",
        "staff",
        "support",
        "advisor",
        "adviser",
        "client-advisor",
        "client-adviser",
        "sales-associate",
        "associate",
        "operator",
        "representative",
        "rep",
        "concierge",
        "csr",
    }
)
SYSTEM_ROLES = frozenset({"system", "developer"})
_PLAIN_ROLE = re.compile(r"[A-Za-z][A-Za-z _-]{0,29}")


def load_conversations(
    path: Path,
    *,
    fmt: str = "auto",
    quarantine: Quarantine,
    pair_columns: tuple[str, str] = ("customer", "agent"),
    helpdesk_columns: dict[str, str] | None = None,
) -> list[dict]:
    """Conversations as [{"id", "messages": [{"role": "user"|"assistant", "content"}, ...]}]."""
    from savile.data.ingest import helpdesk

    path = Path(path)
    if fmt not in FORMATS:
        raise DataError(f"{path}: unknown conversation format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if not path.is_file():
        raise DataError(f"{path}: conversations file not found; check the path under sources.* in the config.")
    suffix = path.suffix.lower()
    records = table = None
    if suffix in JSON_LINES or suffix == ".json":
        records = read_json_records(path, quarantine)
        if fmt == "auto":
            fmt = _format_of_records(records)
        if fmt in ("auto", "pairs_csv", "helpdesk"):
            table = records_table(path, records, quarantine)
    elif fmt in ("openai", "sharegpt"):
        raise DataError(f"{path}: format {fmt!r} needs a .jsonl or .json file, got {suffix or 'no extension'!r}.")
    else:
        table = open_table(path, quarantine)
    if fmt in ("openai", "sharegpt"):
        assert records is not None  # only a .jsonl or .json file gets here: any other raised above
        return _json_conversations(path, records, quarantine, "messages" if fmt == "openai" else "conversations")
    assert table is not None  # read above for every table file, and for a JSON file of no chat format
    if fmt == "auto":
        fmt = _format_of_table(path, table, pair_columns, helpdesk_columns)
    if fmt == "pairs_csv":
        return helpdesk.pairs(path, table, quarantine, pair_columns)
    return helpdesk.tickets(path, table, quarantine, helpdesk_columns)


def _format_of_records(records: list[tuple[str, Any]]) -> str:
    first = next((r for _, r in records if isinstance(r, dict)), {})
    if "messages" in first:
        return "openai"
    if "conversations" in first:
        return "sharegpt"
    return "auto"  # flat records: a table, decided from its columns


def _format_of_table(
    path: Path, table: Table, pair_columns: tuple[str, str], helpdesk_columns: dict[str, str] | None
) -> str:
    from savile.data.ingest.helpdesk import helpdesk_names

    folded = {c.casefold() for c in table.columns}
    if all(name.casefold() in folded for name in helpdesk_names(path, helpdesk_columns).values()):
        return "helpdesk"
    if all(name.casefold() in folded for name in pair_columns):
        return "pairs_csv"
    raise DataError(
        f"{path}: cannot tell the conversation format; columns are: {', '.join(table.columns) or '(none)'}. "
        f"A helpdesk export needs {', '.join(helpdesk_names(path, helpdesk_columns).values())} (map them with "
        f"helpdesk_columns), a pairs table needs {', '.join(pair_columns)}; or set the format explicitly "
        f"(one of {', '.join(FORMATS[1:])}; extensions read: {', '.join(TABLE_SUFFIXES)})."
    )


def _json_conversations(path: Path, records: list[tuple[str, Any]], quarantine: Quarantine, key: str) -> list[dict]:
    out = []
    for location, record in records:
        turns = record.get(key) if isinstance(record, dict) else None
        if not isinstance(turns, list) or not turns or not all(isinstance(t, dict) for t in turns):
            quarantine.add(path, location, f"no messages: expected a non-empty {key!r} list of objects")
            continue
        conv_id = str(record.get("id") or location.replace(" ", "-"))
        if key == "messages":
            pairs = [(t.get("role"), t.get("content")) for t in turns]
        else:
            pairs = [(t.get("from", t.get("role")), t.get("value", t.get("content"))) for t in turns]
        conversation = finish(path, location, conv_id, [(r, _content(c)) for r, c in pairs], quarantine)
        if conversation:
            out.append(conversation)
    return out


def _content(value: Any) -> str:
    # OpenAI content may be a list of parts; only the text parts are conversation.
    if isinstance(value, list):
        value = "\n".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in value)
    return clean_text(value) if value is not None else ""


def role_of(raw: Any) -> str | None:
    """'user', 'assistant', 'system', or None for an unknown role."""
    name = re.sub(r"[\s_-]+", "-", str(raw or "").strip().casefold())
    if name in USER_ROLES:
        return "user"
    if name in AGENT_ROLES:
        return "assistant"
    return "system" if name in SYSTEM_ROLES else None


def unknown_role_reason(raw: Any) -> str:
    """The quarantine reason for an unknown role, quoting it only when it cannot be message text."""
    text = str(raw or "").strip()
    return f"unknown role {text!r}" if _PLAIN_ROLE.fullmatch(text) else "unknown role (value not shown)"


def finish(
    path: Path, location: str, conv_id: str, turns: list[tuple[Any, str]], quarantine: Quarantine
) -> dict | None:
    """Map roles, check and merge turns of one conversation; a problem sends it to the quarantine."""
    messages: list[dict[str, str]] = []
    for raw_role, content in turns:
        role = role_of(raw_role)
        if role == "system":
            continue
        if role is None or not content:
            problem = unknown_role_reason(raw_role) if role is None else "empty content"
            quarantine.add(path, location, problem, record_id=conv_id)
            return None
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"] += "\n\n" + content
        else:
            messages.append({"role": role, "content": content})
    roles = {m["role"] for m in messages}
    problem = (
        "no messages"
        if not messages
        else "no agent turn"
        if "assistant" not in roles
        else "no customer turn"
        if "user" not in roles
        else ""
    )
    if problem:
        quarantine.add(path, location, problem, record_id=conv_id)
        return None
    return {"id": conv_id, "messages": messages}
