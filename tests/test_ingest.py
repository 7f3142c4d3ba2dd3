"""Ingest: every catalogue and conversation format reads the same; every rejection is quarantined with its place."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from savile.data.ingest import (
    Quarantine,
    clean_text,
    clean_value,
    load_catalogue,
    load_conversations,
    load_guide,
    load_policy_text,
    read_table,
)
from savile.errors import DataError

HEADER = ["sku", "name", "colour", "material", "price", "description"]
ROWS = [
    ["LR-HB-000001", "Sac Étoile", "Noir", "cuir;laiton", "1250", "Un sac prêt-à-porter à 1 250 €"],
    ["LR-HB-000002", "Pochette Lune", "Rouge Grenat", "soie", "890", "Pochette, élégante; légère"],
    ["LR-HB-000003", "Carré", "Bleu", "soie;cachemire", "420.5", "Un carré | imprimé"],
]
EXPECTED = [
    {
        "sku": "LR-HB-000001",
        "name": "Sac Étoile",
        "colour": "Noir",
        "material": ["cuir", "laiton"],
        "price": "1250",
        "description": "Un sac prêt-à-porter à 1 250 €",
    },
    {
        "sku": "LR-HB-000002",
        "name": "Pochette Lune",
        "colour": "Rouge Grenat",
        "material": ["soie"],
        "price": "890",
        "description": "Pochette, élégante; légère",
    },
    {
        "sku": "LR-HB-000003",
        "name": "Carré",
        "colour": "Bleu",
        "material": ["soie", "cachemire"],
        "price": "420.5",
        "description": "Un carré | imprimé",
    },
]
SETTINGS = dict(
    columns={}, id_column="sku", required=["sku", "colour"], numeric=["price"], multi_valued=["material"], separator=";"
)


def _csv_text(header, rows, delimiter=",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue()


def _write_csv(path: Path, header, rows, delimiter=",", encoding="utf-8") -> Path:
    path.write_bytes(_csv_text(header, rows, delimiter).encode(encoding))
    return path


def _write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def _typed(row: list[str]) -> list:
    price = float(row[4])
    return [*row[:4], int(price) if price.is_integer() else price, row[5]]


def _catalogue_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """Each format with the location of its first data row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = {}
    for name, delim in (("comma", ","), ("semicolon", ";"), ("tab", "\t"), ("pipe", "|")):
        files[name] = (_write_csv(tmp / f"{name}.csv", HEADER, ROWS, delim), "line 2")
    files["bom"] = (_write_csv(tmp / "bom.csv", HEADER, ROWS, ";", "utf-8-sig"), "line 2")
    files["cp1252"] = (_write_csv(tmp / "cp1252.tsv", HEADER, ROWS, "\t", "cp1252"), "line 2")
    jsonl = tmp / "cat.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps(
                dict(zip(HEADER, [*r[:3], r[3].split(";"), float(r[4]), r[5]], strict=False)), ensure_ascii=False
            )
            + "\n"
            for r in ROWS
        ),
        encoding="utf-8",
    )
    files["jsonl"] = (jsonl, "line 1")
    columns = list(zip(*[_typed(r) for r in ROWS], strict=False))
    pq.write_table(
        pa.table({h: [float(v) if h == "price" else v for v in col] for h, col in zip(HEADER, columns, strict=False)}),
        tmp / "cat.parquet",
    )
    files["parquet"] = (tmp / "cat.parquet", "row 1")
    files["xlsx"] = (_write_xlsx(tmp / "cat.xlsx", {"Products": [HEADER, *map(_typed, ROWS)]}), "sheet Products, row 2")
    return files


def test_every_catalogue_format_gives_the_same_rows(tmp_path):
    files = _catalogue_files(tmp_path)
    assert b"pr\xeat-\xe0-porter \xe0 1 250 \x80" in files["cp1252"][0].read_bytes()  # really cp1252
    assert files["bom"][0].read_bytes().startswith(b"\xef\xbb\xbf")
    for name, (path, first_location) in files.items():
        q = Quarantine()
        rows = load_catalogue(path, quarantine=q, **SETTINGS)
        assert [r["_location"] for r in rows][0] == first_location, name
        assert [{k: v for k, v in r.items() if k != "_location"} for r in rows] == EXPECTED, name
        assert len(q) == 0, name


def test_read_table_converts_values_to_text(tmp_path):
    path = _write_xlsx(tmp_path / "t.xlsx", {"S": [["a", "b", "c"], [1250.0, None, 12.5]]})
    assert read_table(path, Quarantine()) == [("sheet S, row 2", {"a": "1250", "b": "", "c": "12.5"})]


def test_read_table_errors_name_the_file_and_the_fix(tmp_path):
    with pytest.raises(DataError, match=r"missing\.csv: file not found"):
        read_table(tmp_path / "missing.csv", Quarantine())
    (tmp_path / "cat.docx").write_text("x")
    with pytest.raises(DataError, match=r"cat\.docx: unknown table format '\.docx'; use one of"):
        read_table(tmp_path / "cat.docx", Quarantine())
    (tmp_path / "bad.csv").write_bytes(b"sku,colour\nA1,\x81\x8d\n")
    with pytest.raises(DataError, match=r"bad\.csv: not UTF-8 or Windows-1252 text .*re-save it as UTF-8"):
        read_table(tmp_path / "bad.csv", Quarantine())


def test_clean_value_strips_html_unescapes_and_composes():
    assert clean_value("<b>x</b>") == "x"
    assert clean_value("  Cr&egrave;me&nbsp;&amp;  <span class='c'>or</span>\n") == "Crème & or"
    assert clean_value("Cafe\u0301 prêt-à-porter") == "Café prêt-à-porter"  # NFD in, NFC out
    assert clean_value("&eacute;") == "é" and clean_value("a < b") == "a < b"
    assert (
        clean_text("Bonjour,<br>merci   beaucoup\r\n\r\n\r\n\r\nÀ bientôt") == "Bonjour,\nmerci beaucoup\n\nÀ bientôt"
    )


def test_catalogue_values_are_cleaned_and_numbers_read(tmp_path):
    rows = [
        ["A1", "<p>Sac &eacute;toile</p>", "Noir", "cuir; laiton ;", "1 250,00", ""],
        ["A2", "x", "Noir", "soie", "1,250.00", ""],
        ["A3", "x", "Noir", "soie", "€1250", ""],
        ["A4", "x", "Noir", "soie", "1250", ""],
    ]
    out = load_catalogue(_write_csv(tmp_path / "c.csv", HEADER, rows), quarantine=Quarantine(), **SETTINGS)
    assert out[0]["name"] == "Sac étoile" and out[0]["material"] == ["cuir", "laiton"]
    assert [r["price"] for r in out] == ["1250"] * 4


def test_column_mapping_and_missing_column_error(tmp_path):
    path = _write_csv(tmp_path / "produkte.csv", ["Artikelnummer", "Farbe", "Preis"], [["A1", "Schwarz", "12"]])
    mapped = dict(SETTINGS, columns={"sku": "Artikelnummer", "colour": "Farbe", "price": "Preis"}, multi_valued=[])
    assert load_catalogue(path, quarantine=Quarantine(), **mapped) == [
        {"sku": "A1", "colour": "Schwarz", "price": "12", "_location": "line 2"}
    ]
    wrong = dict(mapped, columns={"sku": "Artikelnummer", "colour": "Farbton", "price": "Preis"})
    with pytest.raises(
        DataError,
        match=r"produkte\.csv: column 'Farbton' \(mapped from colour in catalogue\.columns\) "
        r"not found; columns are: Artikelnummer, Farbe, Preis; fix the mapping",
    ):
        load_catalogue(path, quarantine=Quarantine(), **wrong)


def test_catalogue_rejections_are_quarantined_with_their_line(tmp_path):
    text = (
        "sku,colour,price\n"
        "A1,Noir,100\n"  # line 2: kept
        "A2,,100\n"  # line 3: empty colour
        "A3,Noir,abc\n"  # line 4: not a number
        "A1,Bleu,100\n"  # line 5: duplicate of line 2
        "A4,Noir,Bleu,100\n"  # line 6: a stray delimiter
        'A5,"Noir\nmat",100\n'  # lines 7-8: one quoted record over two lines, kept
        "A6,Bleu,7\n"
    )  # line 9: kept
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    q = Quarantine()
    rows = load_catalogue(
        tmp_path / "c.csv",
        columns={},
        id_column="sku",
        required=["sku", "colour"],
        numeric=["price"],
        multi_valued=[],
        separator=";",
        quarantine=q,
    )
    assert [(r["sku"], r["_location"]) for r in rows] == [("A1", "line 2"), ("A5", "line 7"), ("A6", "line 9")]
    assert rows[1]["colour"] == "Noir mat"
    # Broken rows are found while reading, the rest per row afterwards: compare in line order.
    assert sorted(((r.location, r.reason, r.record_id) for r in q), key=lambda r: int(r[0].split()[1])) == [
        ("line 3", "empty required field 'colour'", "A2"),
        ("line 4", "wrong type: price 'abc' is not a number", "A3"),
        ("line 5", "duplicate sku 'A1' (first at line 2)", "A1"),
        ("line 6", "broken CSV row: 4 fields, header has 3; check quoting and commas inside values", ""),
    ]
    assert q.by_reason() == {"empty required field": 1, "wrong type": 1, "duplicate": 1, "broken CSV row": 1}
    assert q.count(tmp_path / "c.csv") == 4 and q.count("other.csv") == 0


def test_unclosed_quote_loses_only_its_own_line(tmp_path):
    # Lenient CSV parsing would read every line after line 2 into one field and lose A2 and A3 silently.
    (tmp_path / "c.csv").write_text('sku;colour\nA1;"Noir\nA2;Bleu\r\nA3;Rouge\n', encoding="utf-8")
    q = Quarantine()
    assert read_table(tmp_path / "c.csv", q) == [
        ("line 3", {"sku": "A2", "colour": "Bleu"}),
        ("line 4", {"sku": "A3", "colour": "Rouge"}),
    ]
    assert [(r.location, r.reason) for r in q] == [
        ("line 2", "broken CSV row: unexpected end of data; check the quotes on this line")
    ]


def test_quarantine_locations_in_sheets_parquet_and_jsonl(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    q = Quarantine()
    book = _write_xlsx(
        tmp_path / "c.xlsx", {"Notes": [["x"]], "Produkte": [["sku", "colour"], ["A1", "Noir"], ["A2", None]]}
    )
    assert (
        len(
            load_catalogue(
                book,
                sheet="Produkte",
                columns={},
                id_column="sku",
                required=["colour"],
                numeric=[],
                multi_valued=[],
                separator=";",
                quarantine=q,
            )
        )
        == 1
    )
    pq.write_table(pa.table({"sku": ["A1", "A2"], "price": ["10", "dix"]}), tmp_path / "c.parquet")
    load_catalogue(
        tmp_path / "c.parquet",
        columns={},
        id_column="sku",
        required=[],
        numeric=["price"],
        multi_valued=[],
        separator=";",
        quarantine=q,
    )
    (tmp_path / "c.jsonl").write_text('{"sku": "A1"}\n{"sku": "A2",\n', encoding="utf-8")
    read_table(tmp_path / "c.jsonl", q)
    assert [(r.location, r.reason.split(":")[0]) for r in q] == [
        ("sheet Produkte, row 3", "empty required field 'colour'"),
        ("row 2", "wrong type"),
        ("line 2", "broken JSON"),
    ]
    with pytest.raises(DataError, match=r"no sheet 'Products'; sheets are: Notes, Produkte"):
        read_table(book, q, sheet="Products")


def test_check_share_raises_only_above_the_limit(tmp_path):
    q = Quarantine(tmp_path / "quarantine.jsonl")
    for i in range(5):
        q.add("cat.csv", f"line {i + 2}", "wrong type: price")
    q.check_share("cat.csv", total=100, max_share=0.05)  # exactly 5%: allowed
    q.check_share("cat.csv", total=200, max_share=0.05)
    q.add("cat.csv", "line 9", "duplicate sku 'A' (first at line 3)")
    q.add("cat.csv", "line 10", "broken CSV row: 3 fields, header has 5")
    q.add("cat.csv", "line 11", "broken CSV row: 4 fields, header has 5")
    q.add("other.csv", "line 2", "empty required field 'colour'")
    with pytest.raises(
        DataError,
        match=r"^cat\.csv: 8 of 100 records \(8\.0%\) rejected, more than the allowed 5%; "
        r"top reasons: wrong type 5, broken CSV row 2, duplicate 1; see quarantine\.jsonl "
        r"for each record\. Fix the source, or raise the limit with "
        r"prepare\.max_reject_share \(e\.g\. `prepare\.max_reject_share=0\.09`\)\.$",
    ):
        q.check_share("cat.csv", total=100, max_share=0.05)
    q.check_share("third.csv", total=1, max_share=0.0)  # no rejection from that source


def _expected_conversations() -> list[dict]:
    return [
        {
            "id": "c1",
            "messages": [
                {"role": "user", "content": "Bonjour, je voudrais retourner mon sac."},
                {"role": "assistant", "content": "Bien sûr.\nVous avez 30 jours."},
            ],
        },
        {
            "id": "c2",
            "messages": [
                {"role": "user", "content": "Le fermoir est cassé."},
                {"role": "assistant", "content": "Notre atelier le répare."},
            ],
        },
    ]


def _conversation_files(tmp: Path) -> dict[str, Path]:
    convs = _expected_conversations()
    turns = [(c["id"], c["messages"][0]["content"], c["messages"][1]["content"]) for c in convs]
    openai = tmp / "openai.jsonl"
    openai.write_text(
        "".join(
            json.dumps(
                {
                    "id": i,
                    "messages": [
                        {"role": "system", "content": "Tu es conseiller."},
                        {"role": "user", "content": u},
                        {"role": "assistant", "content": a},
                    ],
                },
                ensure_ascii=False,
            )
            + "\n"
            for i, u, a in turns
        ),
        encoding="utf-8",
    )
    sharegpt = tmp / "sharegpt.json"
    sharegpt.write_text(
        json.dumps(
            [
                {
                    "id": i,
                    "conversations": [
                        {"from": "human", "value": u.replace("é", "&eacute;")},
                        {"from": "gpt", "value": a.replace("\n", "<br>")},
                    ],
                }
                for i, u, a in turns
            ]
        ),
        encoding="utf-8",
    )
    pairs = _write_csv(tmp / "pairs.csv", ["id", "customer", "agent"], [list(t) for t in turns], ";", "cp1252")
    helpdesk = _write_xlsx(
        tmp / "helpdesk.xlsx",
        {
            "Tickets": [["ticket_id", "author_role", "timestamp", "body"]]
            + [
                row
                for i, u, a in turns
                for row in ([i, "agent", "2024-03-01 10:05", a], [i, "customer", "2024-03-01T10:00:00Z", u])
            ]
        },
    )
    return {"openai": openai, "sharegpt": sharegpt, "pairs_csv": pairs, "helpdesk": helpdesk}


def test_every_conversation_format_gives_the_same_conversations(tmp_path):
    for fmt, path in _conversation_files(tmp_path).items():
        for given in ("auto", fmt):
            q = Quarantine()
            assert load_conversations(path, fmt=given, quarantine=q) == _expected_conversations(), (fmt, given)
            assert len(q) == 0


def test_helpdesk_groups_tickets_orders_by_time_and_merges_turns(tmp_path):
    rows = [
        ["T-2", "Staff", "2024-03-02 09:00:00", "Bonjour Madame."],
        ["T-1", "agent", "2024-03-01 10:30", "Nous le réparons."],
        ["T-1", "End-User", "2024-03-01T10:05:00+01:00", "Le fermoir est cassé."],  # 09:05 UTC
        ["T-2", "requester", "2024-03-02 08:00", "Où est ma commande ?"],
        ["T-1", "customer", "2024-03-01 09:30", "Il a un an."],
        ["T-1", "system", "2024-03-01 11:00", "Ticket fermé."],
    ]
    path = _write_csv(tmp_path / "tickets.csv", ["Ticket", "Who", "At", "Text"], rows)
    convs = load_conversations(
        path,
        fmt="helpdesk",
        quarantine=Quarantine(),
        helpdesk_columns={"ticket": "Ticket", "role": "Who", "timestamp": "At", "body": "Text"},
    )
    assert convs == [
        {
            "id": "T-2",
            "messages": [
                {"role": "user", "content": "Où est ma commande ?"},
                {"role": "assistant", "content": "Bonjour Madame."},
            ],
        },
        {
            "id": "T-1",
            "messages": [
                {"role": "user", "content": "Le fermoir est cassé.\n\nIl a un an."},
                {"role": "assistant", "content": "Nous le réparons."},
            ],
        },
    ]


def test_conversation_rejections_are_quarantined(tmp_path):
    q = Quarantine()
    path = tmp_path / "c.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(
                    {"id": "ok", "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
                ),
                '{"id": "broken", "messages": [',
                json.dumps({"id": "c3", "messages": [{"role": "user", "content": "Allô ?"}]}),
                json.dumps({"id": "c4"}),
                json.dumps(
                    {
                        "id": "c5",
                        "messages": [{"role": "user", "content": " <p></p> "}, {"role": "assistant", "content": "b"}],
                    }
                ),
                json.dumps(
                    {"id": "c6", "messages": [{"role": "tool", "content": "x"}, {"role": "assistant", "content": "b"}]}
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert [c["id"] for c in load_conversations(path, quarantine=q)] == ["ok"]
    assert [(r.location, r.reason.split(":")[0], r.record_id) for r in q] == [
        ("line 2", "broken JSON", ""),
        ("line 3", "no agent turn", "c3"),
        ("line 4", "no messages", ""),
        ("line 5", "empty content", "c5"),
        ("line 6", "unknown role 'tool'", "c6"),
    ]
    helpdesk = _write_csv(
        tmp_path / "h.csv",
        ["ticket_id", "author_role", "timestamp", "body"],
        [
            ["T-8", "agent", "2024-03-01 10:00", "Bonjour"],
            ["T-8", "bot", "2024-03-01 10:01", "Auto"],
            ["T-9", "customer", "2024-03-01 10:00", "Allô ?"],
            ["T-8", "customer", "hier", "Merci"],
        ],
    )
    q = Quarantine()
    assert load_conversations(helpdesk, quarantine=q) == []
    assert [(r.location, r.reason.split(";")[0], r.record_id) for r in q] == [
        ("line 3", "unknown role 'bot'", "T-8"),
        ("line 5", "wrong type: timestamp 'hier' is not a date", "T-8"),
        ("ticket T-8", "no customer turn", "T-8"),
        ("ticket T-9", "no agent turn", "T-9"),
    ]


def test_quarantine_file_never_holds_message_text(tmp_path):
    email = "jane.doe@example.com"
    q = Quarantine()
    path = tmp_path / "c.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "c1", "messages": [{"role": "user", "content": f"Écrivez-moi à {email}"}]},
                {"id": email, "messages": [{"role": "user", "content": "x"}]},
                {
                    "id": "c3",
                    "messages": [{"role": f"client {email}", "content": email}, {"role": "assistant", "content": "b"}],
                },
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert load_conversations(path, quarantine=q) == []
    pairs = _write_csv(tmp_path / "p.csv", ["customer", "agent"], [[f"Mon e-mail : {email}", ""]])
    assert load_conversations(pairs, quarantine=q) == []
    written = q.write(tmp_path / "out" / "quarantine.jsonl").read_text(encoding="utf-8")
    assert len(written.splitlines()) == 4 and email not in written and "Écrivez" not in written
    assert [json.loads(line)["reason"] for line in written.splitlines()] == [
        "no agent turn",
        "no agent turn",
        "unknown role (value not shown)",
        "no agent turn",
    ]


GUIDE_YAML = "brand: Maison Lumière\nvoice: calme, précis\nbanned_terms:\n  - cheap\n"


def test_guide_from_yaml_and_markdown_front_matter(tmp_path):
    (tmp_path / "guide.yaml").write_text(GUIDE_YAML, encoding="utf-8")
    (tmp_path / "guide.md").write_text(f"---\n{GUIDE_YAML}---\n\n# Ton\n\nNous vouvoyons toujours.\n", encoding="utf-8")
    expected = {"brand": "Maison Lumière", "voice": "calme, précis", "banned_terms": ["cheap"]}
    assert load_guide(tmp_path / "guide.yaml") == expected
    assert load_guide(tmp_path / "guide.md") == expected | {"notes": "# Ton\n\nNous vouvoyons toujours."}
    (tmp_path / "bare.md").write_text(f"---\n{GUIDE_YAML}---\n", encoding="utf-8")
    assert "notes" not in load_guide(tmp_path / "bare.md")


def test_bad_guide_yaml_names_the_file_and_line(tmp_path):
    (tmp_path / "g.yaml").write_text("brand: X\nvoice: [calme\nlength: 3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"g\.yaml: line 3: not valid YAML"):
        load_guide(tmp_path / "g.yaml")
    (tmp_path / "g.md").write_text("---\nbrand: X\nvoice: : :\n---\nbody\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"g\.md: line 3: not valid YAML"):
        load_guide(tmp_path / "g.md")
    (tmp_path / "plain.md").write_text("# Guide\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"plain\.md: no YAML front matter"):
        load_guide(tmp_path / "plain.md")


def test_policy_text_in_utf8_or_cp1252(tmp_path):
    text = "# Retours\r\n\r\nRetour sous 30 jours, prêt-à-porter compris : 0 €.\r\n"
    (tmp_path / "p.md").write_bytes(text.encode("cp1252"))
    (tmp_path / "p.txt").write_bytes(text.encode("utf-8-sig"))
    expected = "# Retours\n\nRetour sous 30 jours, prêt-à-porter compris : 0 €."
    assert load_policy_text(tmp_path / "p.md") == load_policy_text(tmp_path / "p.txt") == expected
    with pytest.raises(DataError, match=r"nope\.md: policy document not found"):
        load_policy_text(tmp_path / "nope.md")
