"""A pseudonym must never equal a real value of the data: collisions forced on purpose."""

from __future__ import annotations

import re

import pytest

from savile.data.privacy import Pseudonymiser
from savile.errors import DataError

KEY = b"test-key"


def _convs(*texts: str) -> list[list[dict]]:
    return [[{"role": "user", "content": t}] for t in texts]


ORDERS = [r"\bLR-\d{7}\b"]  # no order-id format is a default


def _run(convs: list[list[dict]], **kwargs) -> list[str]:
    pseudo = Pseudonymiser(KEY, **({"order_id_patterns": ORDERS} | kwargs))
    for messages in convs:
        pseudo.reserve(messages)
    return [pseudo.pseudonymise_messages(m)[0][0]["content"] for m in convs]


def test_order_id_pseudonym_never_equals_another_customers_real_id():
    real = "LR-4839201"
    # The id this key would give `real`, made into a second customer's real order number.
    clash = re.search(r"LR-\d{7}", Pseudonymiser(KEY, ORDERS).pseudonymise(f"order {real}")[0]).group()
    convs = _convs(f"Where is my order {real}?", f"Order {clash} arrived damaged.")
    without_reserve = Pseudonymiser(KEY, ORDERS).pseudonymise(convs[0][0]["content"])[0]
    assert clash in without_reserve  # the collision the reservation must prevent
    first, second = _run(convs)
    pseudonym = re.search(r"LR-\d{7}", first).group()
    assert pseudonym not in (real, clash)
    assert clash not in second  # the second customer's id is replaced too, and not by the first's
    assert _run(convs) == [first, second]  # still deterministic


def test_name_pseudonym_never_equals_a_real_customers_name():
    out = Pseudonymiser(KEY).pseudonymise("Dear Claire Martin, thank you.")[0]
    first, last = re.match(r"Dear (\w+) (\w+),", out).groups()
    convs = _convs("Dear Claire Martin, thank you.", f"Dear {first} {last}, your bag is ready.")
    mine, theirs = _run(convs)
    new_first, new_last = re.match(r"Dear (\w+) (\w+),", mine).groups()
    assert new_first != first and new_last != last
    assert f"{first} {last}" not in mine + theirs


def test_an_exhausted_id_space_is_an_error_naming_the_setting():
    convs = _convs(*(f"ticket X-{d}" for d in range(10)))
    with pytest.raises(DataError, match=r"privacy\.order_id_patterns"):
        _run(convs, order_id_patterns=[r"\bX-\d\b"])
