"""Training-data quality: exact and near-duplicate removal, and train/eval contamination.

    kept, dropped = dedupe(examples)                # dropped == {"exact": 3, "near": 12}
    leaked = contamination(train, evaluation)       # ids of eval examples that share a 25-word span

Both read an example's text as its message contents joined and normalised with
`savile.data.text.normalise`. Exact duplicates have the same normalised text. For shingles and
spans a word is a run of letters and digits of that text ("l'atelier" is two words, and
punctuation never makes two spans differ).

Near duplicates follow Broder (1997), "On the resemblance and containment of documents": word
5-shingles, MinHash signatures and a datasketch MinHashLSH index that finds candidates without
comparing all pairs; each candidate is then checked on its estimated Jaccard similarity.
Examples of different tasks never dedupe each other: a description and a support reply may share
a house phrase and still both be wanted.

Speed: words are hashed and signatures computed with numpy for a chunk of texts at a time, with
no Python loop per word: 300,000 demo-style conversations (~115 words) dedupe in about 30 s on one
core of a shared machine. Contamination holds only the eval n-gram hashes in memory and streams
train past them (about 20 s for 270,000 train against 30,000 eval examples).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import numpy as np

from savile.data.text import normalise
from savile.errors import DataError

__all__ = ["dedupe", "contamination"]

_CHUNK = 1024  # texts handled at a time: big enough for numpy, small enough to stay lean
_MAX_N = 256
_RNG = np.random.RandomState(20240601)
# Fixed random odd multipliers. An n-gram's hash is sum_k word_hash[k] * _MULTIPLIERS[k] mod 2^64, a
# linear hash numpy computes for a whole chunk in n passes; a word's is the same over its bytes.
_MULTIPLIERS = _RNG.randint(0, 2**63, _MAX_N, dtype=np.uint64) * np.uint64(2) + 1
_BYTE_KEYS = _RNG.randint(0, 2**63, 64, dtype=np.uint64) * np.uint64(2) + 1
# Word bytes: ASCII letters and digits, and every byte of a non-ASCII character (accents are gone
# after normalise, so those are letters of other scripts, or symbols such as "€").
_WORD_BYTE = np.array([b >= 128 or chr(b).isalnum() for b in range(256)])
_CACHE_LIMIT = 1_000_000


class _Normaliser:
    """`normalise` for many texts, with a per-word cache.

    `normalise` walks every character in Python. It acts on each whitespace-separated word on its
    own, and on ASCII it only lower-cases and turns "`" into "'", so here ASCII is handled by
    str.lower and each distinct non-ASCII word is normalised once. A test checks the result equals
    `normalise` character for character.
    """

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}  # lower-cased non-ASCII word -> normalise(word)

    def __call__(self, text: str) -> str:
        text = text.lower()  # normalise casefolds, and casefold(lower(w)) == casefold(w)
        if not text.isascii():
            cache = self._cache
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            text = " ".join([w if w.isascii() else cache.get(w) or self._word(w) for w in text.split()])
        if "`" in text:
            text = text.replace("`", "'")
        return " ".join(text.split())  # a word may normalise to "" or to two words

    def _word(self, word: str) -> str:
        self._cache[word] = out = normalise(word)
        return out


def _example_text(example: object, where: str) -> str:
    """The message contents of `example` joined by new lines."""
    messages = example.get("messages") if isinstance(example, dict) else None
    if not isinstance(messages, list):
        found = type(example).__name__ if not isinstance(example, dict) else f"messages={messages!r:.60}"
        raise DataError(
            f"{where}: example {_id(example)} has {found}; expected a dict with a 'messages' list. "
            "Build examples with savile.data.tasks before checking quality."
        )
    contents = []
    for m in messages:
        content = m.get("content") if isinstance(m, dict) else None
        if content is not None and not isinstance(content, str):
            raise DataError(
                f"{where}: example {_id(example)} has message content of type {type(content).__name__}; "
                "quality checks read text only. Normalise messages to {'role', 'content': str}."
            )
        contents.append(content or "")
    return "\n".join(contents)


def _id(example: object) -> str:
    return repr(example.get("id")) if isinstance(example, dict) else "?"


def _chunks(items: list, size: int = _CHUNK) -> Iterator[tuple[int, list]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer (Appleby 2008): spreads a linear hash's bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _word_hashes(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """A 64-bit hash per word of each utf-8 normalised text, flat, and the number of words per text."""
    data = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
    is_word = _WORD_BYTE[data]
    edges = np.diff(np.concatenate(([0], is_word.view(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return np.empty(0, np.uint64), np.zeros(len(encoded), np.int64)
    run_start = np.zeros(len(data), dtype=np.int64)
    run_start[starts] = starts
    offset = np.arange(len(data)) - np.maximum.accumulate(run_start)  # position of each byte in its word
    contribution = (data.astype(np.uint64) + np.uint64(1)) * _BYTE_KEYS[offset & 63]
    contribution[~is_word] = 0
    hashes = _fmix64(np.add.reduceat(contribution, starts) ^ (ends - starts).astype(np.uint64))
    text_ends = np.cumsum([len(e) + 1 for e in encoded])  # the "\n" after each text
    counts = np.bincount(np.searchsorted(text_ends, starts, side="right"), minlength=len(encoded))
    return hashes, counts.astype(np.int64)


def _ngrams(flat: np.ndarray, lengths: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every n consecutive words of each segment of `flat`, and the number per segment.

    The windows are computed over the whole array in n vectorised passes; windows that cross from
    one segment into the next are then masked out.
    """
    counts = np.maximum(lengths - n + 1, 0)
    if not counts.any():
        return np.empty(0, dtype=np.uint64), counts
    windows = len(flat) - n + 1
    out = flat[:windows] * _MULTIPLIERS[0]
    for k in range(1, n):
        out += flat[k : k + windows] * _MULTIPLIERS[k]
    starts = np.cumsum(lengths) - lengths
    offset = np.arange(windows) - np.repeat(starts, lengths)[:windows]  # position within its own segment
    valid = offset <= np.repeat(lengths - n, lengths)[:windows]
    return out[valid], counts


# --- near and exact duplicates --------------------------------------------------------------------


def dedupe(
    examples: list[dict], *, threshold: float = 0.9, num_perm: int = 128, shingle: int = 5, seed: int = 0
) -> tuple[list[dict], dict[str, int]]:
    """Drop exact and near duplicates, keeping the first of each cluster, per task.

    Exact: the same normalised text of all messages. Near: estimated Jaccard similarity of the word
    `shingle`-shingle sets >= `threshold` with an earlier kept example of the same task (MinHash
    with `num_perm` permutations seeded by `seed`, candidates from a MinHash LSH index). Returns the
    kept examples in their original order and {"exact": n, "near": m} dropped.

    >>> a = {"id": "1", "task": "support", "messages": [{"role": "user", "content": "Hello"}]}
    >>> dedupe([a, {**a, "id": "2"}])[1]
    {'exact': 1, 'near': 0}
    """
    if not 0 < threshold <= 1:
        raise DataError(f"dedupe threshold must be in (0, 1], got {threshold!r}. Use e.g. 0.9.")
    if not 1 <= shingle <= _MAX_N or num_perm < 2:
        raise DataError(
            f"dedupe needs 1 <= shingle <= {_MAX_N} and num_perm >= 2, got shingle={shingle!r}, "
            f"num_perm={num_perm!r}. Use the defaults 5 and 128."
        )
    by_task: dict[object, list[int]] = {}
    for i, example in enumerate(examples):
        if not isinstance(example, dict) or "task" not in example:
            raise DataError(
                f"dedupe: example {i} ({_id(example)}) has no 'task'; every example needs one. "
                "Build examples with savile.data.tasks."
            )
        by_task.setdefault(example["task"], []).append(i)
    normaliser, keep, counts = _Normaliser(), [], {"exact": 0, "near": 0}
    for indices in by_task.values():
        kept_here, exact, near = _dedupe_task(
            [examples[i] for i in indices], normaliser, threshold, num_perm, shingle, seed
        )
        keep += [indices[j] for j in kept_here]
        counts["exact"] += exact
        counts["near"] += near
    return [examples[i] for i in sorted(keep)], counts


def _dedupe_task(
    examples: list[dict], normaliser: _Normaliser, threshold: float, num_perm: int, shingle: int, seed: int
) -> tuple[list[int], int, int]:
    """Indices kept among `examples` (all of one task), and the exact and near duplicates dropped."""
    from datasketch import MinHash, MinHashLSH  # imported here: only preparation needs it

    try:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError:
        # Thresholds near 1 get one band, which datasketch refuses. Two bands of num_perm/2 lose
        # nothing: a pair estimated >= threshold differs in at most one position, so one band is intact.
        lsh = MinHashLSH(num_perm=num_perm, params=(2, num_perm // 2))
    permutations = MinHash(num_perm=num_perm, seed=seed).permutations
    kept_signatures: dict[int, np.ndarray] = {}
    seen: set[bytes] = set()
    kept, exact, near = [], 0, 0
    for start, chunk in _chunks(examples):
        fresh, encoded = [], []
        for j, example in enumerate(chunk):
            text = normaliser(_example_text(example, "dedupe")).encode("utf-8")
            digest = hashlib.blake2b(text, digest_size=16).digest()
            if digest in seen:
                exact += 1
                continue
            seen.add(digest)
            fresh.append(start + j)
            encoded.append(text)
        for i, signature in zip(fresh, _signatures(*_word_hashes(encoded), shingle, permutations), strict=False):
            if signature is not None:
                minhash = MinHash(
                    num_perm=num_perm, seed=seed, hashvalues=signature, permutations=permutations, scheme="affine32"
                )
                if any(
                    np.count_nonzero(kept_signatures[k] == signature) >= threshold * num_perm
                    for k in lsh.query(minhash)
                ):
                    near += 1
                    continue
                lsh.insert(i, minhash, check_duplication=False)
                kept_signatures[i] = signature
            kept.append(i)
    return kept, exact, near


def _signatures(
    words: np.ndarray, lengths: np.ndarray, shingle: int, permutations: np.ndarray
) -> list[np.ndarray | None]:
    """MinHash signatures over each text's word-shingle hashes; None for a text with no words.

    Computed as datasketch's "affine32" scheme does in MinHash.update_batch (MurmurHash3 fmix32 of
    each 32-bit input hash, then a*h + b mod 2^32 per permutation, then the minimum), but for a whole
    chunk at once, since MinHash.bulk spends most of its time in per-text Python; a test checks
    that the two agree. A text shorter than `shingle` words is one shingle of all its words.
    """
    flat, counts = _ngrams(words, lengths, shingle)
    owner = np.repeat(np.arange(len(lengths)), counts)
    short = np.flatnonzero((lengths > 0) & (counts == 0))
    if len(short):  # whole-text hashes, added to the shingles and put back in text order
        ends = np.cumsum(lengths)
        whole = [
            (words[ends[i] - lengths[i] : ends[i]] * _MULTIPLIERS[: lengths[i]]).sum(dtype=np.uint64) for i in short
        ]
        order = np.argsort(np.concatenate([owner, short]), kind="stable")
        flat, owner = np.concatenate([flat, whole]).astype(np.uint64)[order], np.concatenate([owner, short])[order]
    out: list[np.ndarray | None] = [None] * len(lengths)
    if not len(flat):
        return out
    hv = _fmix32(((flat ^ (flat >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    starts = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
    a, b = permutations
    # (permutations x shingles) blocks of 16 rows: each row is contiguous, so the per-text minimum
    # (reduceat along the row) runs about 10x faster than over the transposed layout.
    rows = np.empty((len(a), len(starts)), dtype=np.uint32)
    block = np.empty((min(16, len(a)), len(hv)), dtype=np.uint32)
    for p in range(0, len(a), len(block)):
        k = min(len(block), len(a) - p)
        np.multiply(a[p : p + k, None], hv[None, :], out=block[:k])
        block[:k] += b[p : p + k, None]
        rows[p : p + k] = np.minimum.reduceat(block[:k], starts, axis=1)
    for i, row in zip(owner[starts], rows.T, strict=False):
        out[i] = np.ascontiguousarray(row)
    return out


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, the pre-mix of datasketch's affine32 scheme."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


# --- contamination --------------------------------------------------------------------------------


def contamination(train: list[dict], evaluation: list[dict], *, n: int = 25) -> list[str]:
    """Ids of eval examples that share a span of `n` consecutive normalised words with any train example.

    The whole message text of each example is compared. n=25 by default: a house repeats stock
    phrases ("our artisans in the Florence atelier will be delighted to ...") of 15 words and more,
    which is the brand's style, not leakage; 25 shared words are a copied passage. The GPT-3 paper
    (Brown et al. 2020, appendix C) used 13-grams, on web text without a house style.

    Memory-lean: the eval n-grams are hashed into one sorted uint64 array; train is streamed past it
    in chunks with a binary search, so train is never held as n-grams.

    >>> text = " ".join(f"w{i}" for i in range(30))
    >>> contamination([{"messages": [{"content": text}]}], [{"id": "e1", "messages": [{"content": text}]}])
    ['e1']
    """
    if not 1 <= n <= _MAX_N:
        raise DataError(f"contamination n must be between 1 and {_MAX_N} words, got {n!r}. Use the default 25.")
    normaliser = _Normaliser()
    eval_hashes, owners = [np.empty(0, np.uint64)], [np.empty(0, np.int64)]
    for start, chunk in _chunks(evaluation):
        flat, counts = _ngrams(*_chunk_words(chunk, normaliser, "contamination (eval)"), n)
        eval_hashes.append(flat)
        owners.append(np.repeat(np.arange(start, start + len(chunk)), counts))
    keys, which = np.unique(np.concatenate(eval_hashes), return_inverse=True)
    hit = np.zeros(len(keys), dtype=bool)
    for found in _hits(train, normaliser, keys, n):
        hit[np.searchsorted(keys, found)] = True
    return [evaluation[i].get("id") for i in np.unique(np.concatenate(owners)[hit[which]])]


def _chunk_words(chunk: list[dict], normaliser: _Normaliser, where: str) -> tuple[np.ndarray, np.ndarray]:
    return _word_hashes([normaliser(_example_text(e, where)).encode("utf-8") for e in chunk])


def _hits(train: list[dict], normaliser: _Normaliser, keys: np.ndarray, n: int) -> Iterable[np.ndarray]:
    """Per train chunk, the distinct train n-gram hashes found in `keys` (the sorted eval n-gram hashes).

    A one-byte-per-slot table of the keys' top bits (8 slots per key, so about 1 in 8 misses gets
    through) screens the train n-grams first: a binary search for every one of them would cost
    more than everything else in `contamination` together.
    """
    bits = int(np.clip(np.ceil(np.log2(8 * max(len(keys), 1))), 10, 34))
    shift = np.uint64(64 - bits)
    screen = np.zeros(1 << bits, dtype=bool)
    screen[keys >> shift] = True
    for _, chunk in _chunks(train):
        flat, _ = _ngrams(*_chunk_words(chunk, normaliser, "contamination (train)"), n)
        flat = np.unique(flat[screen[flat >> shift]])  # sorted needles: the binary searches stay in cache
        if len(flat):
            pos = np.minimum(np.searchsorted(keys, flat), len(keys) - 1)
            yield flat[keys[pos] == flat]
