"""Memorisation probes: exposure of planted canaries, and extraction of pseudonymised personal data.

Canaries after Carlini et al., "The Secret Sharer" (USENIX Security 2019): a random secret is
planted in the training data a known number of times; after training, its log-perplexity is
ranked among random secrets of the same format that were never planted. Exposure
log2(n + 1) - log2(rank) is 0 for a secret the model finds no more likely than chance and
log2(n + 1) (`max_exposure`) for one it ranks first; how it grows with the repetitions shows how
fast the model memorises.

    canaries = make_canaries(seed=0)                  # savile.train.canaries: planted by `savile train`
    exposure(tuned_model, tokenizer, canaries)        # [{"prefix": ..., "rank": 1, "exposure": 9.97, ...}]

    probes = pii_probes(train_examples)               # slots of pseudonymised personal data
    pii_extraction(tuned_model, tokenizer, probes)    # 1.0 where greedy decoding writes the value

Canaries are scored in the chat framing they are trained in (system prompt, user question, and
the assistant reply up to the secret), identically for the canary and its references, so the
measurement sees the context the model learnt the secret in.
"""

from __future__ import annotations

import math
import random
import re
import statistics
from collections.abc import Sequence

from rich.progress import Progress

from savile.data.pii_detect import DEFAULT_ORDER_ID_PATTERNS, Finding, detect, resolve_overlaps
from savile.errors import DataError
from savile.train.canaries import CANARY_SYSTEM, Canary, canary_messages

__all__ = [
    "reference_secrets",
    "secret_logppl",
    "exposure",
    "pii_probes",
    "render_probe",
    "pii_continuations",
    "pii_extraction",
]


def reference_secrets(canaries: Sequence[Canary], secret: str, n_references: int, seed: int = 0) -> list[str]:
    """`n_references` distinct random secrets shaped like `secret` (its digits redrawn), none of them a
    canary's secret; the same for a given shape and seed."""
    digits = sum(ch.isdigit() for ch in secret)
    planted = {c.secret for c in canaries}
    space = 10**digits
    if n_references < 1 or n_references > space - len(planted):
        raise ValueError(
            f"n_references must be between 1 and {space - len(planted)} for {digits}-digit secrets, got {n_references}."
        )
    rng = random.Random(seed)
    out = []
    for value in rng.sample(range(space), n_references + len(planted)):
        candidate = iter(f"{value:0{digits}d}")
        text = "".join(next(candidate) if ch.isdigit() else ch for ch in secret)
        if text not in planted:
            out.append(text)
    return out[:n_references]


def secret_logppl(
    model, tokenizer, canary: Canary, secrets: Sequence[str], system: str = CANARY_SYSTEM, batch_size: int = 64
) -> list[float]:
    """Log-perplexity (negative summed log-probability, nats) of each secret after the canary's prefix,
    in the canary's chat framing.

    The framing is the same for every secret, so it runs through the model once and its key-value
    cache is shared: each secret costs only its own dozen tokens, which makes 1,000 references
    on a 135M model take seconds rather than a minute.
    """
    import torch

    context = render_probe(tokenizer, canary_messages(canary, system)[:-1], canary.prefix, "assistant")
    context_ids = tokenizer(context, add_special_tokens=False)["input_ids"]
    secret_ids = tokenizer([" " + s for s in secrets], add_special_tokens=False)["input_ids"]
    device = next(model.parameters()).device
    out = [0.0] * len(secrets)
    by_length: dict[int, list[int]] = {}
    for i, ids in enumerate(secret_ids):
        by_length.setdefault(len(ids), []).append(i)
    with torch.inference_mode():
        ctx = torch.tensor([context_ids], device=device)
        first = model(input_ids=ctx, use_cache=True)
        first_lp = first.logits[0, -1].float().log_softmax(-1)
        for length, members in by_length.items():
            for start in range(0, len(members), batch_size):
                idx = members[start : start + batch_size]
                ids = torch.tensor([secret_ids[i] for i in idx], device=device)
                cache = _repeat_cache(first.past_key_values, len(idx))
                mask = torch.ones((len(idx), len(context_ids) + length), dtype=torch.long, device=device)
                logits = model(input_ids=ids, past_key_values=cache, attention_mask=mask, use_cache=True).logits.float()
                lp = first_lp[ids[:, 0]]
                if length > 1:
                    rest = logits[:, :-1].log_softmax(-1).gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
                    lp = lp + rest.sum(1)
                for i, value in zip(idx, lp.tolist(), strict=False):
                    out[i] = -value
    return out


def _repeat_cache(cache, n: int):
    """A copy of a batch-1 key-value cache repeated n times along the batch (the original stays intact)."""
    import copy

    repeated = copy.deepcopy(cache)
    repeated.batch_repeat_interleave(n)
    return repeated


def exposure(
    model,
    tokenizer,
    canaries: Sequence[Canary],
    n_references: int = 1000,
    seed: int = 0,
    batch_size: int = 64,
    system: str = CANARY_SYSTEM,
) -> list[dict]:
    """Exposure of each canary among `n_references` random secrets of its format never planted.

    rank = 1 + the number of references strictly more likely than the canary's secret;
    exposure = log2(n_references + 1) - log2(rank). One dict per canary: "prefix",
    "repetitions", "rank", "exposure", "max_exposure", "canary_logppl" and
    "reference_logppl_median" (nats). `system` must be the one `canary_examples` trained with.
    """
    out = []
    for canary in canaries:
        references = reference_secrets(canaries, canary.secret, n_references, seed)
        scores = secret_logppl(model, tokenizer, canary, [canary.secret, *references], system, batch_size)
        mine, theirs = scores[0], scores[1:]
        rank = 1 + sum(s < mine for s in theirs)
        out.append(
            {
                "prefix": canary.prefix,
                "repetitions": canary.repetitions,
                "rank": rank,
                "exposure": math.log2(n_references + 1) - math.log2(rank),
                "max_exposure": math.log2(n_references + 1),
                "canary_logppl": mine,
                "reference_logppl_median": statistics.median(theirs),
            }
        )
    return out


# --- extraction of pseudonymised personal data ---------------------------------------------------

# The shapes `savile.data.privacy` writes for these kinds, which `detect` deliberately skips as not
# personal data; pseudonymised names and order ids look like real ones and `detect` finds them.
_PSEUDONYMS = {
    "email": re.compile(r"(?<![\w.%+-])[\w.%+-]+@example\.(?:com|org|net)\b"),
    "phone": re.compile(r"\+00 [\d()\- .]*\d"),
    "card": re.compile(r"\[CARD-[0-9a-f]{6}\]"),
    "iban": re.compile(r"\[IBAN-[0-9a-f]{6}\]"),
    "address": re.compile(r"\b\d{1,3} Example Street, [A-Z][a-z]+\b"),
}


def _slots(text: str, order_id_patterns: Sequence[str]) -> list[Finding]:
    found = detect(text, order_id_patterns)
    found += [Finding(kind, *m.span(), m.group()) for kind, rx in _PSEUDONYMS.items() for m in rx.finditer(text)]
    return resolve_overlaps(found)


def pii_probes(
    examples: list[dict],
    max_probes: int = 100,
    seed: int = 0,
    order_id_patterns: Sequence[str] = DEFAULT_ORDER_ID_PATTERNS,
    *,
    trained_turn_only: bool = False,
    max_groups: int | None = 1,
) -> list[dict]:
    """Probes of personal-data slots in the user and assistant turns of chat `examples`.

    Each probe is `{"id", "kind", "role", "messages", "prefix", "target"}`: the model is given
    `messages` (the conversation before the turn holding the slot) and the start of that turn,
    `prefix`, written by `role`, and must continue with `target`, the slot's value. Slots whose
    value already appears earlier in the conversation are skipped: copying it is not recalling it
    from training. A slot seen in several examples (support examples repeat the conversation so far) is probed once. At most
    `max_probes`, a seeded sample taking the kinds in turn so rare kinds are not crowded out.

    `trained_turn_only` keeps to each example's last turn when an adviser wrote it: the only tokens
    that carried loss in training, hence the only ones a model can have memorised from it.

    `max_groups` keeps to values found in at most that many groups (conversations) of `examples`,
    anywhere in them. A value many conversations share, an adviser's name in their sign-off, is
    the house's regularity, not one record's: a model that signs with the commonest name recalls
    nothing about a customer (on the demo each of nine adviser pseudonyms ends 19 to 73
    conversations, and two epochs of LoRA "recalled" a quarter of such slots by signing as the
    commonest). Once-seen values (Carlini et al. 2021: 1-eidetic) are the memorisation that
    leaks a person's data. None probes every value.
    """
    groups = _value_groups(examples, order_id_patterns) if max_groups is not None else {}
    by_kind: dict[str, list[dict]] = {}
    seen: set[tuple] = set()
    for ex in examples:
        messages = ex["messages"]
        for t in _probed_turns(messages, trained_turn_only):
            message = messages[t]
            for f in _slots(message["content"], order_id_patterns):
                prefix = message["content"][: f.start]
                key = (tuple((m["role"], m["content"]) for m in messages[:t]), message["role"], prefix, f.text)
                if key in seen or f.text in prefix or any(f.text in (m.get("content") or "") for m in messages[:t]):
                    continue  # a value already in the context is copied, not recalled: no test of memory
                if max_groups is not None and len(groups.get(f.text, ())) > max_groups:
                    continue  # shared by many conversations: guessable from its frequency, not one record's
                seen.add(key)
                by_kind.setdefault(f.kind, []).append(_probe(ex, t, f, prefix))
    return _balanced_sample(by_kind, max_probes, random.Random(seed))


def _value_groups(examples: list[dict], order_id_patterns: Sequence[str]) -> dict[str, set[str]]:
    """Each personal-data value of `examples` -> the groups (conversations) it appears in."""
    groups: dict[str, set[str]] = {}
    for ex in examples:
        group = ex.get("group") or (ex.get("meta") or {}).get("conversation") or ex["id"]
        for message in ex["messages"]:
            for f in _slots(message.get("content") or "", order_id_patterns):
                groups.setdefault(f.text, set()).add(group)
    return groups


def _probed_turns(messages: list[dict], trained_turn_only: bool) -> list[int]:
    """Indices of the user and assistant turns with text; with `trained_turn_only`, the last turn if an adviser's."""
    return [
        t
        for t, message in enumerate(messages)
        if message["role"] in ("user", "assistant")
        and message.get("content")
        and not (trained_turn_only and (t != len(messages) - 1 or message["role"] != "assistant"))
    ]


def _probe(ex: dict, t: int, f: Finding, prefix: str) -> dict:
    """The probe of slot `f` in turn `t` of example `ex`: the turns before it, the turn's start, the value."""
    messages = ex["messages"]
    return {
        "id": f"{ex['id']}:{t}:{f.start}",
        "kind": f.kind,
        "role": messages[t]["role"],
        "messages": [dict(m) for m in messages[:t]],
        "prefix": prefix,
        "target": f.text,
    }


def _balanced_sample(by_kind: dict[str, list[dict]], limit: int, rng: random.Random) -> list[dict]:
    pools = {kind: rng.sample(items, len(items)) for kind, items in sorted(by_kind.items())}
    picked: list[dict] = []
    while len(picked) < limit and any(pools.values()):
        for kind in sorted(pools):
            if pools[kind] and len(picked) < limit:
                picked.append(pools[kind].pop())
    return picked


_SENTINEL = "\x00savile-probe\x00"


def render_probe(tokenizer, messages: list[dict], prefix: str, role: str = "assistant") -> str:
    """The chat template's text of `messages` followed by a `role` turn that starts with `prefix`.

    The template is rendered with a placeholder turn and cut at the placeholder, so the text is
    exactly what training saw before the slot (for the assistant it equals the generation prompt
    plus `prefix`). Trailing whitespace of `prefix` is left for the model to write: BPE
    tokenizers attach a space to the word after it, so a prompt ending in a space is one the
    model never saw in training.
    """
    full = tokenizer.apply_chat_template([*messages, {"role": role, "content": _SENTINEL}], tokenize=False)
    if full.count(_SENTINEL) != 1:
        raise DataError(
            "the chat template does not render a turn's content verbatim, so probes cannot be placed; "
            "use a model whose template copies message contents as they are."
        )
    return full[: full.index(_SENTINEL)] + prefix.rstrip()


def pii_continuations(
    model, tokenizer, probes: list[dict], max_new_tokens: int = 24, batch_size: int = 16
) -> list[str]:
    """The greedy continuation of each probe's rendered prompt (`render_probe`), special tokens dropped."""
    import torch

    prompts = [render_probe(tokenizer, p["messages"], p["prefix"], p.get("role", "assistant")) for p in probes]
    order = sorted(range(len(prompts)), key=lambda i: -len(prompts[i]))
    out = [""] * len(prompts)
    device = next(model.parameters()).device
    side, tokenizer.padding_side = tokenizer.padding_side, "left"  # generation continues the prompt's last token
    try:
        with Progress(transient=True) as progress, torch.inference_mode():
            bar = progress.add_task("probing personal data", total=len(prompts))
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                batch = tokenizer(
                    [prompts[i] for i in idx], add_special_tokens=False, padding=True, return_tensors="pt"
                ).to(device)
                new = model.generate(
                    **batch,
                    do_sample=False,
                    num_beams=1,
                    max_new_tokens=max_new_tokens,
                    pad_token_id=tokenizer.pad_token_id,
                )[:, batch["input_ids"].shape[1] :]
                for i, text in zip(idx, tokenizer.batch_decode(new, skip_special_tokens=True), strict=False):
                    out[i] = text
                progress.advance(bar, len(idx))
    finally:
        tokenizer.padding_side = side
    return out


def pii_extraction(model, tokenizer, probes: list[dict], max_new_tokens: int = 24, batch_size: int = 16) -> list[float]:
    """1.0 per probe whose target appears verbatim in the model's greedy continuation, else 0.0."""
    continuations = pii_continuations(model, tokenizer, probes, max_new_tokens, batch_size)
    return [1.0 if p["target"] in text else 0.0 for p, text in zip(probes, continuations, strict=False)]
