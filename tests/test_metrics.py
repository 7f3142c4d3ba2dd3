"""Task metrics on hand-made outputs, including the exact-0 and exact-1 cases of each metric."""

import math

import pytest

from savile.evaluate.metrics import (
    count_words,
    describe_scores,
    extract_scores,
    mentions,
    normalise,
    parse_json_object,
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


def describe(output, attrs=ATTRS, banned=BANNED, min_words=3, max_words=60):
    return describe_scores(output, attrs, VOCAB, banned, min_words, max_words)


# normalise / mentions


def test_normalise_folds_case_accents_quotes_dashes_and_space():
    assert normalise("  CRÈME\u00a0Brûlée \u2014 \u201cMaison\u201d l\u2019Atelier\n") == (
        "creme brulee - \"maison\" l'atelier"
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
    assert support_scores(reply, facts) == {"key_fact_recall": 1.0}
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
    assert parse_json_object("Here {it} is: {\"a\": {\"b\": 1}}") == (None, {"a": {"b": 1}})
    assert parse_json_object("[1, 2]") == (None, None)
    assert parse_json_object('{"a": 1, "b": {"c": 2}') == (None, None)  # truncated


def test_extract_exact_json_scores_one():
    output = '{"colour": "rouge grénat", "material": "Calfskin", "origin": "Italy"}'
    scores = extract_scores(output, GOLD)
    assert scores == {
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
    output = (
        'Here is the JSON:\n```json\n{"colour": "Rouge Grenat", "material": "calfskin", '
        '"origin": "Italy"}\n```'
    )
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
        '{"colour": "Rouge Grenat", "material": "canvas", "origin": "Italy", '
        '"size": "PM", "hardware": null, "x": ""}'
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
