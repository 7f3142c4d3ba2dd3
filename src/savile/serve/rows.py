"""Per-request decoding inside one batched `generate`: each row keeps its own sampling, stops and stream.

transformers' `generate` takes one temperature, one top_p and one RNG for a whole batch; a server's
batch mixes requests that asked for different ones. So the batch runs greedy, and `RowDecoding`'s
logits processor makes each row's choice itself: greedy rows are left to the argmax, sampled rows
draw their token with their own seeded generator (temperature, nucleus top_p) and leave only that
token standing. Its stopping criterion reads each new token, streams the row's new text, and ends
the row on an end-of-turn token, a stop string, its max_tokens, or a client that went away.

Text is decoded as `savile evaluate` decodes it (special tokens skipped, whitespace stripped at both
ends), so a greedy answer through the server is the evaluated answer. A streamed row holds back
trailing whitespace, a partial UTF-8 character, and any tail that may begin a stop string, so the
streamed pieces always add up to the final text.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from savile.evaluate.generate import AnswerNoRepeatNGram

__all__ = ["Job", "RowDecoding", "MIN_TEMPERATURE"]

log = logging.getLogger("savile.serve")
MIN_TEMPERATURE = 1e-3


@dataclass(eq=False)
class Job:
    """One chat completion request as the engine sees it. `emit` is called from the engine's thread with
    ("delta", text), then ("done", finish_reason, prompt_tokens, completion_tokens, text) or ("error", status, message)."""

    adapter: str | None
    prompt_ids: list[int]
    max_tokens: int
    emit: Callable[[tuple], None]
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None
    stop: list[str] = field(default_factory=list)
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    messages: list[dict] = field(default_factory=list)  # the chat itself, for an engine that tokenises on its own
    cancelled: bool = False
    tokens: list[int] = field(default_factory=list)
    sent: str = ""
    done: bool = False


class RowDecoding:
    """Per-row sampling and stopping for one batched `generate` over `jobs` (see the module docstring).

    Takes the jobs, the padded prompt width, the tokenizer and the end-of-turn ids; `process` is the logits
    processor and the stopping criterion reads each row's new token.
    """

    def __init__(self, jobs: list[Job], prompt_width: int, tokenizer, eos_ids: set[int]):
        import torch

        self.jobs, self.width, self.tokenizer, self.eos = jobs, prompt_width, tokenizer, eos_ids
        # Below MIN_TEMPERATURE the distribution is the argmax to float precision (and dividing by it overflows).
        self.generators = [
            None
            if j.temperature < MIN_TEMPERATURE
            else torch.Generator().manual_seed((j.seed if j.seed is not None else random.getrandbits(63)) % 2**63)
            for j in jobs
        ]

    def process(self, input_ids, scores):
        """Logits processor: per-row penalties, then the row's own sampled token for rows that sample."""
        for r, job in enumerate(self.jobs):
            if job.done:
                continue
            try:
                self._process_row(r, job, input_ids, scores[r : r + 1])
            except Exception:  # one row's failure ends that row only, never its batch-mates
                log.exception("decoding failed for one row")
                job.done = True
                job.emit(("error", 500, "the model failed to decode this request; retry."))
        return scores

    def _process_row(self, r: int, job: Job, input_ids, row) -> None:
        if job.repetition_penalty != 1.0:
            _penalise(row, job.prompt_ids + job.tokens, job.repetition_penalty)
        if job.no_repeat_ngram_size:
            AnswerNoRepeatNGram(job.no_repeat_ngram_size, self.width)(input_ids[r : r + 1], row)
        if self.generators[r] is not None:
            token = _sample(row[0], job.temperature, job.top_p, self.generators[r])
            row.fill_(float("-inf"))
            row[0, token] = 0.0

    def stop(self, input_ids, scores, **kwargs):
        """Stopping criterion: take each live row's new token; True for the rows that are finished."""
        import torch

        new = input_ids[:, -1].tolist()
        for r, job in enumerate(self.jobs):
            if not job.done:
                self._advance(job, new[r])
        return torch.tensor([j.done for j in self.jobs], device=input_ids.device)

    def finish(self) -> None:
        """Close every row still open when generate returned (it reached the batch's token limit)."""
        for job in self.jobs:
            if not job.done:
                self._close(job, _visible(self._text(job)), "length")

    def _advance(self, job: Job, token: int) -> None:
        if job.cancelled:
            job.done = True
            return
        if token in self.eos:
            self._close(job, _visible(self._text(job)), "stop", extra=1)
            return
        job.tokens.append(token)
        text = _visible(self._text(job))
        hits = [i for i in (text.find(s) for s in job.stop) if i >= 0]
        if hits:
            self._close(job, text[: min(hits)], "stop")
        elif len(job.tokens) >= job.max_tokens:
            self._close(job, text, "length")
        else:
            self._send(job, text[: len(text) - _held_back(text, job.stop)])

    def _text(self, job: Job) -> str:
        return self.tokenizer.decode(job.tokens, skip_special_tokens=True)

    def _close(self, job: Job, text: str, reason: str, extra: int = 0) -> None:
        final = text.rstrip()
        self._send(job, final)
        job.done = True
        job.emit(("done", reason, len(job.prompt_ids), len(job.tokens) + extra, final))

    def _send(self, job: Job, text: str) -> None:
        if len(text) > len(job.sent) and text.startswith(job.sent):
            job.emit(("delta", text[len(job.sent) :]))
            job.sent = text


def _visible(text: str) -> str:
    return text.lstrip()


def _held_back(text: str, stops: list[str]) -> int:
    """Characters at the end of `text` not yet safe to stream."""
    safe = text.rstrip().rstrip("\ufffd")  # trailing U+FFFD: a multi-byte character not yet complete
    hold = len(text) - len(safe)
    tail = max((k for s in stops for k in range(1, min(len(s), len(safe) + 1)) if safe.endswith(s[:k])), default=0)
    return hold + tail


def _penalise(row, seen: list[int], penalty: float) -> None:
    """CTRL's repetition penalty (Keskar et al. 2019), as transformers applies it, on this row's own tokens."""
    import torch

    idx = torch.tensor(sorted(set(seen)), device=row.device).unsqueeze(0)
    picked = row.gather(1, idx)
    row.scatter_(1, idx, torch.where(picked < 0, picked * penalty, picked / penalty))


def _sample(logits, temperature: float, top_p: float, generator) -> int:
    import torch

    probs = torch.softmax(logits.float() / temperature, dim=-1)
    if top_p < 1.0:
        sorted_probs, order = probs.sort(descending=True)
        keep = sorted_probs.cumsum(-1) - sorted_probs < top_p  # the smallest set whose mass reaches top_p
        probs = torch.zeros_like(probs).scatter_(0, order[keep], sorted_probs[keep])
    return int(torch.multinomial(probs.cpu(), 1, generator=generator))
