"""A second brand, made here and nothing like the demo: other attribute names, id and order formats,
policies and words. Tests prepare and score it to show nothing of the demo is a default."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import yaml

LINES = ["Northfold", "Saltmarsh", "Ebbridge", "Wyndcote", "Larchmere", "Hollowmoor", "Greyfriar", "Kestrelby"]
HUES = ["peat brown", "sea slate", "heather grey", "moss green", "ochre", "chalk white"]
CLOTHS = ["donegal tweed", "waxed cotton", "lambswool", "herringbone wool", "moleskin"]
CUTS = ["tailored", "relaxed", "cropped", "longline"]
MADE_IN = ["Scotland", "Yorkshire", "Ireland", "Wales"]
KINDS = ["overcoat", "field jacket", "gilet", "cardigan", "trousers"]
ORDER_PATTERN = r"\bHV#\d{6}\b"
POLICIES = [
    {
        "id": "alterations",
        "title": "Alterations",
        "statement": "Alterations are free of charge within 21 days of purchase.",
        "keywords": ["alter", "hem", "take in"],
        "facts": ["free of charge", "21 days"],
    },
    {
        "id": "delivery",
        "title": "Delivery",
        "statement": "Delivery takes 3 to 5 working days and is tracked.",
        "keywords": ["deliver", "shipping", "arrive"],
        "facts": ["3 to 5 working days"],
    },
    {
        "id": "reproofing",
        "title": "Re-proofing",
        "statement": "Waxed pieces are re-proofed for £45 in 6 weeks.",
        "keywords": ["re-proof", "rewax", "reproof"],
        "facts": ["£45", "6 weeks"],
    },
]


def write_brand(folder: Path, seed: int = 11, n_products: int = 160, n_conversations: int = 90) -> Path:
    """Write the brand's files and a savile.yaml under `folder`; return the config path."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    products = [_product(rng, i) for i in range(n_products)]
    with (folder / "stock.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(products[0]))
        writer.writeheader()
        writer.writerows(products)
    (folder / "house.yaml").write_text(
        yaml.safe_dump(
            {
                "brand": "Harrow & Vale",
                "voice": "Plain, outdoorsy, unhurried.",
                "preferred_terms": ["weatherproof", "heritage"],
                "banned_terms": ["flashy", "fast fashion"],
                "length": {"min_words": 20, "max_words": 60},
                "policies": POLICIES,
            }
        ),
        encoding="utf-8",
    )
    with (folder / "chats.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n_conversations):
            fh.write(json.dumps({"id": f"chat-{i}", "messages": _conversation(rng, rng.choice(products))}) + "\n")
    config = {
        "project": "harrow-vale",
        "output_dir": str(folder / "runs"),
        "sources": {"catalogue": "stock.csv", "brand_guide": "house.yaml", "conversations": "chats.jsonl"},
        "catalogue": {
            "id_column": "ref",
            "attributes": ["line", "hue", "cloth", "cut", "made_in"],
            "group_by": "line",
            "context_columns": ["title"],
            "name_column": "title",
            "text_column": "copy",
            "required": ["hue", "cloth"],
        },
        "privacy": {"key_file": str(folder / "pii.key"), "order_id_patterns": [ORDER_PATTERN]},
        "prepare": {"min_train_examples": 0},
    }
    path = folder / "savile.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _product(rng: random.Random, i: int) -> dict:
    line, hue, cloth, cut, made = (
        rng.choice(LINES),
        rng.choice(HUES),
        rng.choice(CLOTHS),
        rng.choice(CUTS),
        rng.choice(MADE_IN),
    )
    kind = rng.choice(KINDS)
    title = f"{line} {kind.title()} No. {i + 3}"
    copy = (
        f"The {title} is cut {cut} from {cloth} in {hue}, made in {made} for long walks. "
        f"A {rng.choice(['heritage', 'weatherproof'])} piece of the {line} line that softens with wear."
    )
    return {
        "ref": f"HV/{i:05d}-{rng.choice('KMT')}",
        "title": title,
        "line": line,
        "hue": hue,
        "cloth": cloth,
        "cut": cut,
        "made_in": made,
        "copy": copy,
    }


def _conversation(rng: random.Random, product: dict) -> list[dict]:
    policy = rng.choice(POLICIES)
    ask = {
        "alterations": "Could you alter the sleeves",
        "delivery": "When will it arrive, and is shipping tracked",
        "reproofing": "Can you rewax it",
    }[policy["id"]]
    name = rng.choice(["Isla Munro", "Callum Reid", "Niamh Boyle"])
    order = f"HV#{rng.randint(100000, 999999)}"
    which = product["title"] if rng.random() < 0.5 else product["ref"]
    return [
        {"role": "user", "content": f"Hello, I am {name}. {ask} on my {which}? My order is {order}."},
        {
            "role": "assistant",
            "content": f"Thank you for writing. {policy['statement']} Kind regards, the Harrow & Vale team.",
        },
    ]
