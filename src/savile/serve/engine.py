"""The transformers engine: one base model, PEFT adapters by name, requests batched on one thread.

    engine = LocalEngine(base_path, bf16=False, max_batch=8, batch_wait=0.01)
    engine.load(registry.read("lirelle"))
    engine.start()
    engine.submit(Job(adapter="lirelle", prompt_ids=engine.encode(messages), max_tokens=64, emit=print))

Requests waiting when a batch starts (up to `max_batch`, the first one waiting `batch_wait` seconds
for company) are left-padded into one `generate`; rows for different adapters and for the base share
the batch through PEFT's `adapter_names` (LoRA's mixed-adapter batches). Loading and unloading an
adapter waits for the running batch, so a batch never sees the model change under it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, cast

from savile.errors import ServeError
from savile.serve.registry import Adapter
from savile.serve.rows import Job, RowDecoding

if TYPE_CHECKING:
    from transformers import BatchEncoding

__all__ = ["LocalEngine"]

log = logging.getLogger("savile.serve")


class LocalEngine:
    """The base model and its LoRA adapters in this process, answering queued jobs in batches on one thread.

    Takes the base model's folder, bf16 or not, the largest batch and how long to wait to fill it; `on_batch` hears
    each batch's size. Jobs go in through `submit` and come out through their own `emit`.
    """

    def __init__(
        self,
        base_path: Path,
        bf16: bool,
        max_batch: int,
        batch_wait: float,
        on_batch: Callable[[int], None] | None = None,
    ):
        import torch
        from transformers import AutoTokenizer

        from savile.train.methods import load_base

        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.tokenizer = AutoTokenizer.from_pretrained(base_path)
        self.model = load_base(base_path).to(self.device).eval()
        self.context_length = int(getattr(self.model.config, "max_position_embeddings", 2048))
        eos = self.model.generation_config.eos_token_id
        self.eos_ids = set(eos if isinstance(eos, list) else [eos if eos is not None else self.tokenizer.eos_token_id])
        self.bf16, self.max_batch, self.batch_wait, self.on_batch = bf16, max_batch, batch_wait, on_batch
        self.adapters: dict[str, Adapter] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[Job] = queue.Queue()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def encode(self, messages: list[dict]) -> list[int]:
        """Prompt token ids under the base model's chat template, ready for the assistant's turn."""
        # transformers annotates the return as the union over every mode; return_dict=True gives a BatchEncoding.
        encoded = cast(
            "BatchEncoding[list[int]]",
            self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True),
        )
        return list(encoded["input_ids"])

    def load(self, adapter: Adapter) -> None:
        """Load `adapter` onto the base, replacing one of the same name; a `ServeError` when it does not fit."""
        from peft import PeftModel

        with self._lock:
            if adapter.name in self.adapters:
                self._delete(adapter.name)
            try:
                if isinstance(self.model, PeftModel):
                    self.model.load_adapter(adapter.adapter_dir, adapter_name=adapter.name)
                else:
                    self.model = PeftModel.from_pretrained(self.model, adapter.adapter_dir, adapter_name=adapter.name)
            except (ValueError, RuntimeError, OSError) as exc:
                raise ServeError(
                    f"adapter {adapter.name!r} does not load on this base ({str(exc).splitlines()[0][:200]}); "
                    "retrain it on this base."
                ) from None
            self.model.to(self.device).eval()
            self.adapters[adapter.name] = adapter

    def unload(self, name: str) -> None:
        """Remove the loaded adapter `name`; a `ServeError` listing the loaded ones when it is not among them."""
        with self._lock:
            if name not in self.adapters:
                raise ServeError(f"adapter {name!r} is not loaded; loaded: {sorted(self.adapters) or 'none'}.")
            self._delete(name)

    def _delete(self, name: str) -> None:
        del self.adapters[name]
        if self.adapters:
            self.model.delete_adapter(name)
        else:  # the last one: back to the plain base, LoRA layers removed
            self.model = self.model.unload()

    def submit(self, job: Job) -> None:
        """Queue `job` for the next batch; its tokens and its end arrive through `job.emit`."""
        self._queue.put(job)

    def start(self) -> None:
        """Start the thread that batches and answers queued jobs."""
        self._thread = threading.Thread(target=self._loop, name="savile-engine", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the batching thread, waiting up to 30 s for the batch in flight."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            jobs = self._next_batch()
            if not jobs:
                continue
            with self._lock:
                live = []
                for job in jobs:
                    if job.adapter is not None and job.adapter not in self.adapters:
                        job.emit(("error", 404, f"model {job.adapter!r} was unloaded before it could answer."))
                    else:
                        live.append(job)
                if live:
                    self._run(live)

    def _next_batch(self) -> list[Job]:
        try:
            jobs = [self._queue.get(timeout=0.1)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.batch_wait
        while len(jobs) < self.max_batch:
            try:
                jobs.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return [j for j in jobs if not j.cancelled]

    def _run(self, jobs: list[Job]) -> None:
        if self.on_batch:
            self.on_batch(len(jobs))
        try:
            self._generate(jobs)
        except Exception:  # one bad batch must not take the server down; the rows get a 500
            log.exception("generation failed for a batch of %d", len(jobs))
            for job in jobs:
                if not job.done:
                    job.done = True
                    job.emit(("error", 500, "the model failed to answer this batch; retry."))

    def _generate(self, jobs: list[Job]) -> None:
        import torch
        from peft import PeftModel

        width = max(len(j.prompt_ids) for j in jobs)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else min(self.eos_ids)
        ids = torch.tensor([[pad] * (width - len(j.prompt_ids)) + j.prompt_ids for j in jobs], device=self.device)
        mask = torch.tensor(
            [[0] * (width - len(j.prompt_ids)) + [1] * len(j.prompt_ids) for j in jobs], device=self.device
        )
        extra = {"adapter_names": [j.adapter or "__base__" for j in jobs]} if isinstance(self.model, PeftModel) else {}
        rows = RowDecoding(jobs, width, self.tokenizer, self.eos_ids)
        autocast = torch.autocast(ids.device.type, dtype=torch.bfloat16) if self.bf16 else nullcontext()
        with torch.inference_mode(), autocast:
            self.model.generate(
                input_ids=ids,
                attention_mask=mask,
                do_sample=False,
                max_new_tokens=max(j.max_tokens for j in jobs),
                logits_processor=[rows.process],
                stopping_criteria=[rows.stop],
                pad_token_id=pad,
                **extra,
            )
        rows.finish()
