"""A second brand's files exactly as its teams export them, built in the test (Atelier Corvo, fictional).

- `erp_export.csv`: the ERP's catalogue, cp1252, semicolon-separated, French column names, one
  line in twelve broken (a stray semicolon or a missing field);
- `pim_copy.jsonl`: the PIM's reference copy in its own file, one record per product, plus one
  record for an id the catalogue lacks and a second record for an id already given copy;
- `brand_book.md`: front matter that says `name:`, keeps keys Savile does not use, and lists its
  policies as a mapping of id to statement (or none, with `policies_in_book=False`);
- `policies.md`: the policy document, one heading per policy;
- `helpdesk.csv`: a helpdesk export, one message per row, with personal data in it (an IBAN with a
  wrong check digit among it) and one ticket without an agent reply.
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

COLOURS = ["Ébène", "Cognac", "Ivoire", "Vert sapin", "Bordeaux", "Gris perle"]
MATERIALS = ["cuir de veau", "cuir grainé", "toile enduite", "daim"]
CATEGORIES = ["sac", "portefeuille", "ceinture", "pochette"]
LINES = ["Corvo Uno", "Lanterna", "Riva", "Arsenale", "Fondaco", "Zattere"]
ORIGINS = ["Italie", "France"]
POLICY_TEXT = {
    "retours": ("Returns", "Unworn pieces may be returned within 14 days of delivery for a full refund."),
    "reparations": (
        "Repairs",
        "Repairs take 5 to 9 working days and cost 250 GBP; stitching is repaired free of charge for a lifetime.",
    ),
    "livraison": ("Delivery", "Orders ship in 2 working days; delivery is complimentary above EUR 500."),
}


def write_second_brand(
    folder: Path, *, n_products: int = 48, n_tickets: int = 40, policies_in_book: bool = True, seed: int = 0
) -> dict[str, Path]:
    """Write the five files under `folder`; returns their paths by role."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    skus = [f"AC{1000 + i}" for i in range(n_products)]
    rows = _products(skus, rng)
    paths = {
        "catalogue": _catalogue(folder / "erp_export.csv", rows),
        "copy": _copy(folder / "pim_copy.jsonl", rows, rng),
        "brand_guide": _brand_book(folder / "brand_book.md", policies_in_book),
        "policies": _policy_document(folder / "policies.md"),
        "conversations": _helpdesk(folder / "helpdesk.csv", n_tickets, rng),
    }
    return paths


def _products(skus: list[str], rng: random.Random) -> list[list[str]]:
    """Référence, Désignation, Famille, Matière, Coloris, Ligne, Origine, Prix TTC per product."""
    rows = []
    for i, sku in enumerate(skus):
        category = rng.choice(CATEGORIES)
        rows.append(
            [
                sku,
                f"{category.capitalize()} {LINES[i % len(LINES)]}",
                category,
                rng.choice(MATERIALS),
                rng.choice(COLOURS),
                LINES[i % len(LINES)],
                rng.choice(ORIGINS),
                f"{rng.randint(3, 40) * 50},00 €",
            ]
        )
    return rows


def _catalogue(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Référence", "Désignation", "Famille", "Matière", "Coloris", "Ligne", "Origine", "Prix TTC"])
    for i, row in enumerate(rows):
        if i % 12 == 5:
            row = row[:4]  # a broken export line: fields missing
        writer.writerow(row)
    path.write_bytes(out.getvalue().encode("cp1252"))
    return path


def _copy(path: Path, rows: list[list[str]], rng: random.Random) -> Path:
    records = [
        {
            "product_id": sku,
            "long_text": f"Façonné à la main, le modèle {sku} en {material}, coloris {colour}, "
            f"se patine avec le temps. {rng.choice(['Doublure en lin.', 'Fermoir en laiton.', 'Coutures sellier.'])}",
        }
        for sku, _, _, material, colour, *_ in rows
    ]
    records.append({"product_id": "AC9999", "long_text": "Copy for a product the ERP does not list."})
    records.append({"product_id": rows[0][0], "long_text": "A second copy for the first product."})
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def _brand_book(path: Path, policies_in_book: bool) -> Path:
    front = [
        "---",
        "name: Atelier Corvo",
        "owner: Brand team, Venice",
        "last_review: 2026-09-01",
        "voice: Calm and exact; name the leather, the colour and the hand that made it.",
        "preferred_terms: [atelier, hand-stitched]",
        "banned_terms: [luxury, cheap]",
        "length: {min_words: 30, max_words: 80}",
        "tone_words: [calm, exact]",
    ]
    if policies_in_book:
        front += ["policies:"] + [f"  {pid}: {statement}" for pid, (_, statement) in POLICY_TEXT.items()]
    body = ["---", "", "# Atelier Corvo brand book", "", "Our story begins in a Venetian workshop."]
    path.write_text("\n".join(front + body) + "\n", encoding="utf-8")
    return path


def _policy_document(path: Path) -> Path:
    lines = ["# Client policies", "", "Effective 1 October 2026.", ""]
    for title, statement in POLICY_TEXT.values():
        lines += [f"## {title}", "", statement, ""]
    lines += ["## Contact", "", "Write to the atelier; an adviser answers.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _helpdesk(path: Path, n_tickets: int, rng: random.Random) -> Path:
    questions = [
        (
            "Hello, I would like to return my bag, order CMD-{order}. Refund to GB12 WEST 1234 5698 7654 32 please.",
            "Dear customer, unworn pieces may be returned within 14 days of delivery for a full refund.",
        ),
        (
            "My wallet needs a repair, the stitching came loose. Order CMD-{order}.",
            "Repairs take 5 to 9 working days; stitching is repaired free of charge for a lifetime.",
        ),
        (
            "When will my delivery arrive? Call me on +39 347 123 4567.",
            "Orders ship in 2 working days; delivery is complimentary above EUR 500.",
        ),
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["Ticket", "Auteur", "Date", "Message"])
    for t in range(n_tickets):
        question, answer = questions[t % len(questions)]
        ticket = f"T-{500 + t}"
        writer.writerow(
            [ticket, "customer", f"2026-10-{1 + t % 28:02d} 09:00", question.format(order=rng.randint(100000, 999999))]
        )
        if t != 3:  # one ticket never got an agent reply
            writer.writerow([ticket, "agent", f"2026-10-{1 + t % 28:02d} 10:30", answer])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def second_brand_config(paths: dict[str, Path], out: Path) -> dict:
    """The savile.yaml content a user of this brand writes by hand (what `savile init` should arrive at)."""
    return {
        "project": "atelier-corvo",
        "output_dir": str(out / "runs"),
        "sources": {k: str(v) for k, v in paths.items()},
        "catalogue": {
            "id_column": "sku",
            "columns": {
                "sku": "Référence",
                "name": "Désignation",
                "category": "Famille",
                "material": "Matière",
                "colour": "Coloris",
                "collection": "Ligne",
                "origin": "Origine",
                "price": "Prix TTC",
            },
            "attributes": ["collection", "category", "material", "colour", "origin"],
            "context_columns": ["name"],
            "numeric": ["price"],
        },
        "copy": {"id_column": "product_id", "text_column": "long_text"},
        "conversations": {
            "format": "helpdesk",
            "helpdesk_columns": {"ticket": "Ticket", "role": "Auteur", "timestamp": "Date", "body": "Message"},
        },
        "privacy": {"key_file": str(out / "pii.key"), "order_id_patterns": [r"\bCMD-\d{6}\b"]},
        "prepare": {"max_reject_share": 0.1},
    }
