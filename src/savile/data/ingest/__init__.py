"""Ingest: read a brand's files as they come, normalise them once, and quarantine what cannot be used.

Every reader takes a `Quarantine` and adds each record it rejects with its file, location and
reason; nothing is dropped silently. After ingest nothing guesses at formats: catalogue rows are
cleaned text under Savile's field names, conversations are chat `messages`.

    from savile.data.ingest import Quarantine, load_catalogue, load_conversations, load_guide

    q = Quarantine()
    products = load_catalogue(Path("catalogue.xlsx"), columns={"colour": "Farbe"}, id_column="sku",
                              required=["sku", "colour"], numeric=["price"], multi_valued=["material"],
                              separator=";", quarantine=q)
    conversations = load_conversations(Path("tickets.csv"), quarantine=q)
    q.write(out_dir / "quarantine.jsonl")
    q.check_share("catalogue.xlsx", total=len(products) + q.count("catalogue.xlsx"), max_share=0.05)

Modules: quarantine (Rejected, Quarantine), cleaning (decoding, clean_value, numbers), tables and
workbooks (read_table), catalogue, reference_copy (copy kept in its own file), conversations and
helpdesk, documents (guide, policies).
"""

from savile.data.ingest.catalogue import load_catalogue
from savile.data.ingest.cleaning import clean_text, clean_value, parse_number
from savile.data.ingest.conversations import AGENT_ROLES, SYSTEM_ROLES, USER_ROLES, load_conversations
from savile.data.ingest.documents import load_guide, load_policy_text, policy_sections
from savile.data.ingest.quarantine import REASON_CATEGORIES, Quarantine, Rejected
from savile.data.ingest.reference_copy import join_copy
from savile.data.ingest.tables import Table, open_table, read_table

__all__ = [
    "Rejected",
    "Quarantine",
    "REASON_CATEGORIES",
    "read_table",
    "open_table",
    "Table",
    "clean_value",
    "clean_text",
    "parse_number",
    "load_catalogue",
    "load_conversations",
    "USER_ROLES",
    "AGENT_ROLES",
    "SYSTEM_ROLES",
    "load_guide",
    "load_policy_text",
    "policy_sections",
    "join_copy",
]
