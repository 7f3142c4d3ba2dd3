"""Task metrics on hand-made outputs, including the exact-0 and exact-1 cases of each metric."""

import math

import pytest

from savile.evaluate.metrics import (
    CopyIndex,
    count_words,
    describe_scores,
    extract_scores,
    mentions,
    normalise,
    numbers_in,
    parse_json_object,
    quantities_in,
    support_scores,
)

ATTRS = {
    "colour": "Rouge Grenat",
    "material": "Sable lambskin",
    "hardware": "aged gold",
    "origin": "Italy",
    "collection": "Les Rives",
}
VOCAB = {
    "colour": ["Rouge Grenat", "Noir", "Noir Minuit", "Bleu Nuit", "Crème"],
    "material": ["Sable lambskin", "calfskin", "canvas"],
    "hardware": ["aged gold", "palladium", "gold"],
    "origin": ["Italy", "France", "Spain"],
    "collection": ["Les Rives", "Atelier Nord"],
}
BANNED = ["cheap", "premium", "must-have"]


def describe(output, attrs=ATTRS, banned=BANNED, min_words=3, max_words=60, **keywords):
    return describe_scores(output, attrs, VOCAB, banned, min_words, max_words, **keywords)


# normalise / mentions


def test_normalise_folds_case_accents_quotes_dashes_and_space():
    assert normalise("  CRÈME\u00a0Brûlée \u2014 \u201cMaison\u201d l\u2019Atelier\n") == (
        'creme brulee - "maison" l\'atelier'
    )


def test_mentions_matches_whole_words_only():
    assert mentions("A RED bag.", "red")
    assert not mentions("Burnished redwood trim", "red")
    assert mentions("in rouge\n grenat, lined", "Rouge Grenat")
    assert not mentions("rouge grenatine", "Rouge Grenat")
    assert mentions("a must\u2011have", "must have")  # non-breaking hyphen reads as a space
    assert not mentions("anything", "")


# describe


def test_describe_all_attributes_with_other_case_and_accents_scores_perfectly():
    output = "Les Rives tote in ROUGE GRÉNAT sable LAMBSKIN, aged-gold hardware, made in ITALY."
    scores = describe(output)
    assert scores["attribute_coverage"] == 1.0
    assert scores["hallucinated_attributes"] == 0.0
    assert scores["any_hallucination"] == 0.0
    assert scores["banned_term"] == 0.0
    assert scores["length_ok"] == 1.0


def test_describe_no_attribute_mentioned_scores_zero_coverage():
    scores = describe("An elegant bag for every occasion.")
    assert scores["attribute_coverage"] == 0.0
    assert scores["hallucinated_attributes"] == 0.0


def test_describe_counts_another_colour_and_origin_as_hallucinations():
    scores = describe("In Rouge Grenat and Bleu Nuit, made in France; bleu nuit again.")
    assert scores["hallucinated_attributes"] == 2.0  # distinct values: bleu nuit, france
    assert scores["any_hallucination"] == 1.0
    assert scores["attribute_coverage"] == pytest.approx(1 / 5)


def test_describe_shorter_value_inside_own_value_is_not_a_hallucination():
    attrs = dict(ATTRS, colour="Noir Minuit")
    scores = describe("A Noir Minuit bag with aged gold hardware.", attrs=attrs)
    # "noir" sits inside own "noir minuit", "gold" inside own "aged gold".
    assert scores["hallucinated_attributes"] == 0.0
    assert scores["attribute_coverage"] == pytest.approx(2 / 5)


def test_describe_shorter_value_inside_longer_hallucinated_value_counts_once():
    attrs = dict(ATTRS, colour="Noir")
    scores = describe("A Noir Minuit bag.", attrs=attrs)
    assert scores["hallucinated_attributes"] == 1.0  # "noir minuit", not also "noir"
    assert scores["attribute_coverage"] == 0.0  # own "noir" was not stated on its own


def test_describe_separate_mention_of_shorter_value_still_counts():
    attrs = dict(ATTRS, colour="Noir Minuit")
    scores = describe("Noir Minuit outside, noir inside.", attrs=attrs)
    assert scores["hallucinated_attributes"] == 1.0


def test_describe_value_shared_by_two_fields_is_own_if_own_anywhere():
    vocab = dict(VOCAB, colour=VOCAB["colour"] + ["gold"])
    attrs = dict(ATTRS, hardware="gold")
    scores = describe_scores("Gold hardware.", attrs, vocab, [], 1, 10)
    assert scores["hallucinated_attributes"] == 0.0


def test_describe_ignores_empty_attributes_and_gives_nan_with_none():
    attrs = dict(ATTRS, collection="", origin="")
    scores = describe("Rouge Grenat, sable lambskin, aged gold.", attrs=attrs)
    assert scores["attribute_coverage"] == 1.0
    assert math.isnan(describe("Anything at all here.", attrs={})["attribute_coverage"])


def test_banned_term_matches_whole_words_so_premiumness_is_not_premium():
    assert describe("A PREMIUM bag in leather.")["banned_term"] == 1.0
    assert describe("A must\u2011have for the season.")["banned_term"] == 1.0  # non-breaking hyphen
    assert describe("Its premiumness is quiet.")["banned_term"] == 0.0
    assert describe("A bag.", banned=[])["banned_term"] == 0.0


def test_length_ok_is_inclusive_at_both_limits():
    assert count_words("Hand-stitched l'atelier bag, 30 cm.") == 5
    at_min, at_max = "one two three", "one two three four five"
    assert describe(at_min, min_words=3, max_words=5)["length_ok"] == 1.0
    assert describe(at_max, min_words=3, max_words=5)["length_ok"] == 1.0
    assert describe("one two", min_words=3, max_words=5)["length_ok"] == 0.0
    assert describe(at_max + " six", min_words=3, max_words=5)["length_ok"] == 0.0
    assert describe(at_max, min_words=3, max_words=5)["words"] == 5.0


def test_describe_rejects_inverted_length_limits():
    with pytest.raises(ValueError, match="min_words"):
        describe("text", min_words=10, max_words=5)


# support


def test_support_recall_all_none_and_hyphen_tolerance():
    facts = ["30 days", "original packaging", "free repair"]
    reply = "Returns within 30 DAYS in the original packaging; free-repair."
    assert support_scores(reply, facts)["key_fact_recall"] == 1.0
    assert support_scores("Please contact the boutique.", facts)["key_fact_recall"] == 0.0
    assert support_scores("A 30-day window.", ["30 day"])["key_fact_recall"] == 1.0


def test_support_recall_is_whole_word_and_nan_without_facts():
    assert support_scores("Returns within 130 days.", ["30 days"])["key_fact_recall"] == 0.0
    assert math.isnan(support_scores("Hello.", [])["key_fact_recall"])


# JSON parsing and extraction

GOLD = {"colour": "Rouge Grenat", "material": "calfskin", "origin": "Italy"}


def test_parse_json_strict_and_loose():
    assert parse_json_object(' {"a": 1}\n') == ({"a": 1}, {"a": 1})
    assert parse_json_object('```json\n{"a": 1}\n```') == (None, {"a": 1})
    assert parse_json_object('Sure! {"a": "x}"} Hope this helps {b}') == (None, {"a": "x}"})
    assert parse_json_object('Here {it} is: {"a": {"b": 1}}') == (None, {"a": {"b": 1}})
    assert parse_json_object("[1, 2]") == (None, None)
    assert parse_json_object('{"a": 1, "b": {"c": 2}') == (None, None)  # truncated


def test_extract_exact_json_scores_one():
    output = '{"colour": "rouge grénat", "material": "Calfskin", "origin": "Italy"}'
    scores = extract_scores(output, GOLD)
    assert {k: v for k, v in scores.items() if ":" not in k and k != "schema_valid"} == {
        "json_valid": 1.0,
        "json_valid_loose": 1.0,
        "field_precision": 1.0,
        "field_recall": 1.0,
        "field_f1": 1.0,
        "tp": 3.0,
        "fp": 0.0,
        "fn": 0.0,
    }


def test_extract_fenced_json_is_loose_valid_not_strict_valid():
    output = 'Here is the JSON:\n```json\n{"colour": "Rouge Grenat", "material": "calfskin", "origin": "Italy"}\n```'
    scores = extract_scores(output, GOLD)
    assert (scores["json_valid"], scores["json_valid_loose"], scores["field_f1"]) == (0.0, 1.0, 1.0)


def test_extract_invalid_json_misses_every_gold_field():
    scores = extract_scores('{"colour": "Rouge Grenat", material: calfskin}', GOLD)
    assert scores["json_valid"] == scores["json_valid_loose"] == 0.0
    prf = (scores["field_precision"], scores["field_recall"], scores["field_f1"])
    assert prf == (0.0, 0.0, 0.0)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (0.0, 0.0, float(len(GOLD)))


def test_extract_extra_key_is_fp_wrong_value_is_fp_and_fn_nulls_ignored():
    output = (
        '{"colour": "Rouge Grenat", "material": "canvas", "origin": "Italy", "size": "PM", "hardware": null, "x": ""}'
    )
    scores = extract_scores(output, dict(GOLD, hardware=""))
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2.0, 2.0, 1.0)
    assert scores["field_precision"] == 0.5
    assert scores["field_recall"] == pytest.approx(2 / 3)
    assert scores["field_f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_extract_empty_gold_edge_cases():
    nothing = extract_scores("{}", {})
    assert all(math.isnan(nothing[k]) for k in ("field_precision", "field_recall", "field_f1"))
    spurious = extract_scores('{"colour": "Noir"}', {})
    assert (spurious["field_precision"], spurious["field_f1"], spurious["fp"]) == (0.0, 0.0, 1.0)
    assert math.isnan(spurious["field_recall"])


def test_extract_numbers_and_booleans_compare_as_json_text():
    gold = {"width_cm": "30", "limited": "True"}
    scores = extract_scores('{"width_cm": 30, "limited": true}', gold)
    assert scores["field_f1"] == 1.0


def test_multi_valued_attributes_count_item_by_item():
    from savile.evaluate.metrics import describe_scores, extract_scores

    attrs = {"material": ["Velours calfskin", "Nuage silk twill"], "colour": "Gris Perle"}
    vocab = {"material": ["Velours calfskin", "Nuage silk twill", "Plume lambskin"], "colour": ["Gris Perle"]}
    s = describe_scores("Velours calfskin lined in Nuage silk twill, Gris Perle.", attrs, vocab, [], 1, 50)
    assert s["attribute_coverage"] == 1.0 and s["hallucinated_attributes"] == 0.0
    half = describe_scores("Velours calfskin in Gris Perle.", attrs, vocab, [], 1, 50)
    assert half["attribute_coverage"] == 2 / 3
    e = extract_scores('{"material": ["Velours calfskin", "Plume lambskin"], "colour": "Gris Perle"}', attrs)
    assert (e["tp"], e["fp"], e["fn"]) == (2.0, 1.0, 1.0)


# the keys every scorer returns, whatever the caller passes


def test_scorers_return_their_full_key_sets_with_old_call_signatures():
    assert set(describe("A Noir bag.")) == {
        "attribute_coverage",
        "hallucinated_attributes",
        "any_hallucination",
        "banned_term",
        "length_ok",
        "words",
        "hallucinated_rate",
        "numeric_hallucination",
        "preferred_term",
        "attribute_precision",
        "attribute_f1",
        "sheet_copy",
        "description_f1",
    }
    assert set(support_scores("Hello.", ["30 days"])) == {
        "key_fact_recall",
        "contradiction",
        "unsupported_numeric",
        "pii_echoed",
        "name_echoed",
        "fact_precision",
        "fact_recall",
        "fact_f1",
    }
    old_keys = {"json_valid", "json_valid_loose", "field_precision", "field_recall", "field_f1", "tp", "fp", "fn"}
    assert set(extract_scores("{}", {})) == old_keys | {"schema_valid"}


# numbers and quantities


def test_numbers_compare_by_value_whatever_the_thousands_separator():
    for text in ("1,250", "1 250", "1250", "1\u202f250", "1\u00a0250", "1\u2009250", "01250"):
        assert numbers_in(f"Only {text} made.") == {"1250"}, text
    assert numbers_in("1,250.50 or 1 250,50") == {"1250.5"}
    assert numbers_in("1,250,000 stitches") == {"1250000"}


def test_numbers_read_decimals_lists_dates_and_ranges():
    assert numbers_in("2.5 cm, 2,5 cm, 2.50 cm") == {"2.5"}  # decimal comma: 1-2 digits after ","
    assert numbers_in("1.250 kg") == {"1.25"}  # "." is never a thousands separator
    assert numbers_in("sizes 36,38,40") == {"36", "38", "40"}  # a comma list is not a decimal
    assert numbers_in("on 12.12.2023") == {"12", "2023"}  # two dots: a date, not a decimal
    assert numbers_in("30-45 days, order LR-0571936") == {"30", "45", "571936"}
    assert numbers_in("Thirty days, no digits.") == set()


def test_quantities_singularise_units_and_read_currency_and_percent():
    for text in ("30 days", "30-day", "30 DAYS", "a 30 day"):
        assert quantities_in(text) == {("day", "30")}, text
    assert quantities_in("5 business days") == quantities_in("5 working-days") == {("working day", "5")}
    assert quantities_in("48h") == quantities_in("48 hours") == {("hour", "48")}
    assert quantities_in("€25") == quantities_in("25 EUR") == quantities_in("25 euros") == {("eur", "25")}
    assert quantities_in("10%") == quantities_in("10 per cent") == {("%", "10")}
    assert quantities_in("$1,250.00") == {("usd", "1250")}
    assert quantities_in("12 bags in 3 colours") == set()


def test_quantities_give_a_range_its_unit_but_not_a_neighbour():
    expected = {("day", "30"), ("day", "45")}
    for text in ("30-45 days", "30 to 45 days", "between 30 and 45 days", "30 or 45 days"):
        assert quantities_in(text) == expected, text
    assert quantities_in("€25-30") == {("eur", "25"), ("eur", "30")}
    assert quantities_in("Order 2 and get 10% off") == {("%", "10")}


# describe: hallucinated rate, numbers, preferred terms


def test_hallucinated_rate_is_the_wrong_share_of_named_values():
    assert describe("Rouge Grenat, sable lambskin.")["hallucinated_rate"] == 0.0
    assert describe("A Bleu Nuit bag from France.")["hallucinated_rate"] == 1.0
    # Own "rouge grenat" covered; "bleu nuit" and "france" wrong: 2 / (2 + 1).
    partial = describe("In Rouge Grenat and Bleu Nuit, made in France.")
    assert partial["hallucinated_rate"] == pytest.approx(2 / 3)
    assert math.isnan(describe("An elegant bag for every occasion.")["hallucinated_rate"])


def test_numeric_hallucination_compares_numbers_with_the_product_sheet():
    sheet = "Width: 1,250 mm. Strap drop: 2.5 cm."
    assert describe("1 250 mm wide, a 2,5 cm drop.", source_text=sheet)["numeric_hallucination"] == 0.0
    assert describe("A 30 cm bag.", source_text=sheet)["numeric_hallucination"] == 1.0
    assert describe("1250 mm wide, 12 pockets.", source_text=sheet)["numeric_hallucination"] == 1.0
    assert describe("No figures at all.", source_text="")["numeric_hallucination"] == 0.0
    # The attribute values are part of what the model was given.
    attrs = dict(ATTRS, width_cm="30")
    assert describe("A 30 cm bag.", attrs=attrs)["numeric_hallucination"] == 0.0
    assert describe("A 30 cm bag.")["numeric_hallucination"] == 1.0  # no source given: 30 is unfounded


def test_preferred_term_mentioned_none_or_undefined():
    preferred = ["savoir-faire", "atelier"]
    assert describe("True savoir faire.", preferred_terms=preferred)["preferred_term"] == 1.0
    assert describe("Our ateliers are quiet.", preferred_terms=preferred)["preferred_term"] == 0.0  # whole words
    assert math.isnan(describe("From the atelier.")["preferred_term"])
    assert math.isnan(describe("From the atelier.", preferred_terms=["", " "])["preferred_term"])


# verbatim copying


def test_copy_rate_is_one_for_a_training_text_whatever_its_case_and_punctuation():
    index = CopyIndex(["Hand-stitched in our Paris atelier, from sable lambskin."], n=4)
    assert index.copy_rate("HAND STITCHED in our paris atelier from Sable-Lambskin!") == 1.0
    assert index.copy_rate("A new bag designed for the city, light and quiet.") == 0.0


def test_copy_rate_counts_the_share_of_output_ngrams_found():
    index = CopyIndex(["a b c d e", "p q r s"], n=3)
    assert index.copy_rate("a b c x y") == pytest.approx(1 / 3)  # abc yes; bcx, cxy no
    assert index.copy_rate("a b c d e a b c") == pytest.approx(4 / 6)  # "d e a", "e a b" are not copies
    assert index.copy_rate("d e p q") == 0.0  # n-grams never cross training texts
    assert len(index) == 5


def test_copy_rate_is_nan_below_n_words_and_zero_on_an_empty_index():
    index = CopyIndex(["one two three four"], n=3)
    assert math.isnan(index.copy_rate("one two"))
    assert math.isnan(index.copy_rate(""))
    assert CopyIndex([], n=3).copy_rate("one two three") == 0.0
    with pytest.raises(ValueError, match="n-gram"):
        CopyIndex(["x"], n=0)


# support: contradictions, numbers, personal data

RETURNS = ["30 days", "original packaging"]


def contradiction(reply, facts=RETURNS):
    return support_scores(reply, facts)["contradiction"]


def test_contradiction_when_a_policy_quantity_gets_another_number():
    assert contradiction("You may return it within 14 days.") == 1.0
    assert contradiction("Returns within 30 days.") == 0.0
    assert contradiction("We offer a 30-day return window.") == 0.0
    assert contradiction("Please return it in its packaging.") == 0.0  # no number with the unit
    assert contradiction("Within 14 days, or 30 days for members.") == 0.0  # the fact's number is there
    assert contradiction("Within 2 weeks.") == 0.0  # another unit is not converted
    assert math.isnan(contradiction("Within 14 days.", facts=["original packaging"]))


def test_contradiction_singular_plural_currency_percent_and_working_days():
    assert contradiction("A 1-year warranty.", facts=["2 years"]) == 1.0
    assert contradiction("A 2-year warranty.", facts=["2 years"]) == 0.0
    assert contradiction("The fee is 25 EUR.", facts=["€25"]) == 0.0
    assert contradiction("The fee is €30.", facts=["€25"]) == 1.0
    assert contradiction("15 per cent off.", facts=["10%"]) == 1.0
    assert contradiction("In 7 working days.", facts=["5 business days"]) == 1.0
    assert contradiction("In 7 days.", facts=["5 business days"]) == 0.0  # a day is not a working day


def test_contradiction_pools_facts_sharing_a_unit():
    facts = ["30 days", "14 days"]  # returns, exchanges
    assert contradiction("Returns are accepted within 30 days.", facts=facts) == 0.0
    assert contradiction("Returns are accepted within 60 days.", facts=facts) == 1.0


def test_unsupported_numeric_looks_in_policies_facts_and_conversation():
    policies = "Returns are free within 30 days. Repairs cost from €1,250."
    conversation = "I bought it on 12 March, order LR-0571936."

    def unsupported(reply, facts=()):
        scores = support_scores(reply, list(facts), policy_text=policies, source_text=conversation)
        return scores["unsupported_numeric"]

    assert unsupported("Within 30 days, and repairs from 1 250 euros.") == 0.0
    assert unsupported("Your order 0571936 from 12 March.") == 0.0
    assert unsupported("No number here.") == 0.0
    assert unsupported("Within 60 days.") == 1.0
    assert unsupported("Shipping takes 48 hours.", facts=["48 hours"]) == 0.0
    assert support_scores("Within 60 days.", [])["unsupported_numeric"] == 1.0


def test_pii_echoed_finds_real_and_pseudonymised_personal_data():
    def echoed(reply, patterns=()):
        return support_scores(reply, [], order_id_patterns=patterns)["pii_echoed"]

    assert echoed("We wrote to anna.smith.3f@example.com.") == 1.0  # a pseudonym stands for the real one
    assert echoed("Your order LR-0571936 has shipped.", [r"\bLR-\d{7}\b"]) == 1.0
    assert echoed("Write to claire.martin@gmail.com.") == 1.0
    assert echoed("We will call +00 6 12 34 56 78 tomorrow.") == 1.0
    assert echoed("The card [CARD-1a2b3c] was declined.") == 1.0
    # A greeting by name is house style, counted apart from the other personal data.
    greeting = support_scores("Dear Nora Vance, thank you for your patience.", [])
    assert greeting["pii_echoed"] == 0.0 and greeting["name_echoed"] == 1.0
    assert support_scores("Thank you for your patience.", [])["name_echoed"] == 0.0
    clean = "Returns are accepted within 30 days in the original packaging. Kind regards, the team."
    assert echoed(clean) == 0.0
    assert echoed("Your order AB-12345 has shipped.") == 0.0
    assert echoed("Your order AB-12345 has shipped.", patterns=[r"\bAB-\d{5}\b"]) == 1.0


# extraction: schema and per-attribute counts

SCHEMA = ["colour", "material", "origin", "hardware", "size"]


def test_schema_valid_accepts_only_schema_keys_with_string_values():
    def valid(output, multi=()):
        return extract_scores(output, GOLD, schema=SCHEMA, multi_valued=multi)["schema_valid"]

    assert valid('{"colour": "Noir", "hardware": null}') == 1.0
    assert valid('```json\n{"colour": "Noir"}\n```') == 1.0  # the loose parse counts
    assert valid('{"material": ["calfskin", "silk"]}', multi=["material"]) == 1.0
    assert valid('{"material": ["calfskin", "silk"]}') == 0.0  # a list for a single-valued attribute
    assert valid('{"material": ["calfskin", 3]}', multi=["material"]) == 0.0
    assert valid('{"colour": "Noir", "strap": "long"}') == 0.0  # not in the schema
    assert valid('{"size": 30}') == 0.0
    assert valid('{"colour": "Noir",}') == 0.0  # invalid JSON
    assert math.isnan(extract_scores('{"colour": "Noir"}', GOLD)["schema_valid"])


def test_per_attribute_counts_cover_schema_gold_and_prediction_and_sum_to_totals():
    output = '{"colour": "Rouge Grenat", "material": "canvas", "strap": "long", "hardware": null}'
    scores = extract_scores(output, GOLD, schema=SCHEMA)
    counts = {k: v for k, v in scores.items() if ":" in k}
    expected = {
        "colour": (1, 0, 0),
        "material": (0, 1, 1),
        "origin": (0, 0, 1),
        "strap": (0, 1, 0),
        "hardware": (0, 0, 0),
        "size": (0, 0, 0),
    }
    assert counts == {
        f"{c}:{a}": float(n) for a, ns in expected.items() for c, n in zip(("tp", "fp", "fn"), ns, strict=False)
    }
    for c in ("tp", "fp", "fn"):
        assert sum(v for k, v in counts.items() if k.startswith(f"{c}:")) == scores[c]


def test_per_attribute_counts_of_invalid_json_miss_every_gold_field():
    scores = extract_scores("not JSON", GOLD)
    assert {k: v for k, v in scores.items() if ":" in k} == {
        f"{c}:{a}": (1.0 if c == "fn" else 0.0) for a in GOLD for c in ("tp", "fp", "fn")
    }
