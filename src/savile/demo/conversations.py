"""Customer-service conversations between Maison Lirelle's clients and its advisors.

Each conversation opens with a customer asking about one policy, in words that match that
policy's keywords and no other's, and an advisor answering with all of the policy's facts.
Up to two more exchanges follow: a question on a second policy, answered the same way, or a
thank-you and a short reply. Customers give names, emails, phones, order numbers and
addresses at the rates in `people`; advisors greet them by name and may echo the order number.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from savile.demo import advisor_lines as advisor
from savile.demo import customer_lines
from savile.demo.guide import POLICIES, policies_mentioned
from savile.demo.people import Customer, draw_customer

if TYPE_CHECKING:
    from savile.demo.catalogue import Product

__all__ = ["Conversation", "build_conversations", "write_conversations"]

_MAX_DRAFTS = 200
_EXCHANGE_WEIGHTS = {1: 45, 2: 35, 3: 20}


@dataclass(frozen=True)
class Conversation:
    """One conversation, with what the generator knows about it for checks."""

    id: str
    customer: Customer
    topics: tuple[str, ...]  # the policy of each customer question, in order
    messages: tuple[dict[str, str], ...]


def build_conversations(rng: random.Random, n_conversations: int, products: list[Product]) -> list[Conversation]:
    """`n_conversations` conversations whose opening topics cycle evenly over the policies."""
    topics = [POLICIES[i % len(POLICIES)].id for i in range(n_conversations)]
    rng.shuffle(topics)
    return [_conversation(rng, f"conv-{index:05d}", topic, products) for index, topic in enumerate(topics, start=1)]


def write_conversations(path: Path, conversations: list[Conversation]) -> None:
    """Write conversations.jsonl: one {"id", "messages"} object a line, UTF-8 unescaped."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for conversation in conversations:
            record = {"id": conversation.id, "messages": list(conversation.messages)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _conversation(rng: random.Random, conversation_id: str, topic: str, products: list[Product]) -> Conversation:
    customer = draw_customer(rng)
    advisor_name = rng.choice(advisor.ADVISORS)
    question, item = _question(rng, topic, customer, rng.choice(products), lead=None)
    messages = [_user(question), _assistant(_answer(rng, topic, customer, item, advisor_name))]
    topics = [topic]
    n_exchanges = rng.choices(list(_EXCHANGE_WEIGHTS), weights=list(_EXCHANGE_WEIGHTS.values()))[0]
    leads = rng.sample(customer_lines.FOLLOW_UP_LEADS, 2)  # two follow-ups never share a lead
    for exchange in range(1, n_exchanges):
        if exchange == n_exchanges - 1 and rng.random() < 0.5:
            messages += [_user(_thanks(rng)), _assistant(_thanks_reply(rng, customer))]
            break
        follow_up = rng.choice([p.id for p in POLICIES if p.id not in topics])
        question, _ = _question(rng, follow_up, customer, rng.choice(products), leads.pop())
        messages += [_user(question), _assistant(_follow_up_answer(rng, follow_up, customer))]
        topics.append(follow_up)
    return Conversation(conversation_id, customer, tuple(topics), tuple(messages))


def _user(content: str) -> dict[str, str]:
    return {"role": "user", "content": content}


def _assistant(content: str) -> dict[str, str]:
    return {"role": "assistant", "content": content}


def _question(
    rng: random.Random, topic: str, customer: Customer, product: Product, lead: str | None
) -> tuple[str, str | None]:
    """A message about `topic` only, and the product it names (or None).

    With no `lead` it is an opening message, dressed with greeting, details and name; with one
    it is a follow-up question that starts with `lead`.
    """
    for _ in range(_MAX_DRAFTS):
        fills = _fills(rng, customer, product)
        template = rng.choice([t for t in customer_lines.QUESTIONS[topic] if _fields(t) <= fills.keys()])
        question = _capitalise(template.format(**fills))
        if lead is None:
            text = _dress(rng, question, customer, mentions_order="{order}" in template)
        else:
            text = " ".join(filter(None, [lead, question]))
        # Names, products and addresses are added around the question; re-check the whole.
        if policies_mentioned(text) == [topic]:
            item = f"the {product.name}" if _fields(template) & {"owned", "wanted"} else None
            return text, item
    raise RuntimeError(f"no customer message about {topic!r} after {_MAX_DRAFTS} drafts")


def _fills(rng: random.Random, customer: Customer, product: Product) -> dict[str, str]:
    values = {
        "name": product.name,
        "colour": product.colour,
        "category": product.category,
        "collection": product.collection,
    }
    fills = {
        "owned": rng.choice(customer_lines.OWNED_FORMS).format(**values),
        "wanted": rng.choice(customer_lines.WANTED_FORMS).format(**values),
        "owned_short": product.category,
        "city": customer.city,
    }
    if customer.order:
        fills["order"] = customer.order
    return fills


def _dress(rng: random.Random, question: str, customer: Customer, mentions_order: bool) -> str:
    """Surround an opening question with a greeting, the customer's details and their name."""
    details = []
    if customer.order and not mentions_order:
        details.append(rng.choice(customer_lines.ORDER_LINES))
    if customer.email and customer.phone:
        details.append(rng.choice(customer_lines.EMAIL_PHONE_LINES))
    elif customer.email or customer.phone:
        lines = customer_lines.EMAIL_LINES if customer.email else customer_lines.PHONE_LINES
        details.append(rng.choice(lines))
    if customer.address:
        details.append(rng.choice(customer_lines.ADDRESS_LINES))
    rng.shuffle(details)
    details = [
        line.format(order=customer.order, email=customer.email, phone=customer.phone, address=customer.address)
        for line in details
    ]
    intro = sign_off = ""
    if customer.named and rng.random() < 0.5:
        intro = rng.choice(customer_lines.INTRODUCTIONS).format(full=customer.full)
    elif customer.named:
        sign_off = rng.choice(customer_lines.SIGN_OFFS).format(full=customer.full)
    body = " ".join(filter(None, [intro, question, *details]))
    greeting = rng.choice(customer_lines.GREETINGS) if rng.random() < 0.7 else ""
    separator = "\n\n" if greeting.endswith(",") else " "
    head = greeting + separator + body if greeting else body
    return head + ("\n\n" + sign_off if sign_off else "")


def _answer(rng: random.Random, topic: str, customer: Customer, item: str | None, advisor_name: str) -> str:
    if customer.order and rng.random() < 0.6:
        acknowledgement = rng.choice(advisor.ORDER_ACKNOWLEDGEMENTS)
    elif item and rng.random() < 0.4:
        acknowledgement = rng.choice(advisor.ITEM_ACKNOWLEDGEMENTS)
    else:
        acknowledgement = rng.choice(advisor.ACKNOWLEDGEMENTS)
    extra = rng.choice(advisor.EXTRAS[topic]) if rng.random() < 0.4 else ""
    call_back = rng.choice(advisor.CALL_BACKS) if customer.phone and rng.random() < 0.5 else ""
    paragraphs = [
        _greeting(rng, customer),
        " ".join(filter(None, [acknowledgement, rng.choice(advisor.ANSWERS[topic]), extra])),
        " ".join(filter(None, [call_back, rng.choice(advisor.CLOSINGS)])),
        rng.choice(advisor.SIGN_OFFS),
    ]
    text = "\n\n".join(filter(None, paragraphs))
    return _capitalise(
        text.format(
            first=customer.first,
            full=customer.full,
            order=customer.order,
            item=item,
            phone=customer.phone,
            advisor=advisor_name,
        )
    )


def _greeting(rng: random.Random, customer: Customer) -> str:
    if customer.named:
        return rng.choice(advisor.GREETINGS_NAMED)
    return rng.choice(advisor.GREETINGS_ANON)


def _follow_up_answer(rng: random.Random, topic: str, customer: Customer) -> str:
    opener = rng.choice(_addressable(advisor.FOLLOW_UP_OPENERS, customer))
    extra = rng.choice(advisor.EXTRAS[topic]) if rng.random() < 0.3 else ""
    text = " ".join(filter(None, [opener, rng.choice(advisor.ANSWERS[topic]), extra]))
    return text.format(first=customer.first)


def _thanks(rng: random.Random) -> str:
    thanks = rng.choice(customer_lines.THANKS)
    # The evaluator reads a thank-you as no question at all; a keyword here would mislabel it.
    assert not policies_mentioned(thanks), thanks
    return thanks


def _thanks_reply(rng: random.Random, customer: Customer) -> str:
    return rng.choice(_addressable(advisor.THANKS_REPLIES, customer)).format(first=customer.first)


def _addressable(templates: tuple[str, ...], customer: Customer) -> list[str]:
    """The templates usable for this customer: those naming them only if their name is known."""
    return [t for t in templates if customer.named or "{first}" not in t]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
