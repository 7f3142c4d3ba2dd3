"""The governance probes, base vs tuned on the same inputs: what fine-tuning may have cost.

    governance = run(cfg, prepared, trained, models, guide, rows)   # inside `savile evaluate`

- forgetting: bits per byte on general English news text (gensim's Lee corpus) and accuracy on a
  general-knowledge cloze set, each with a paired CI;
- safety drift: refusal rate on harmful requests (HarmBench, Do-Not-Answer) and over-refusal on
  benign ones, asked of the model in its deployed role (the client-adviser prompt), McNemar on
  the paired refusals;
- overfitting: train and validation loss at each checkpoint, and their ratio at the kept one;
- memorisation: exposure of the canaries planted in training (Carlini et al. 2019) against 1,000+
  references never inserted, and prompted extraction of the training data's personal-data slots;
- privacy: the share of support answers that repeat personal data (from the task scores).

`models` (evaluate.model.Models) gives the base and the tuned model; for LoRA they are one load.
The probes themselves and the gates live in `savile.governance`, which needs nothing of evaluate;
running them is evaluate's, since it shares the loaded models, generation and paired statistics.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from typing import Any

from rich.console import Console

from savile.config import Config, DecodingSettings
from savile.data.guide import BrandGuide
from savile.data.prompts import task_prompt
from savile.evaluate.stats import finite_mean, mcnemar_exact, paired_bootstrap
from savile.records import PreparedData, TrainedModel
from savile.records.gates import (
    CanaryExposure,
    Forgetting,
    GovernanceResult,
    Memorisation,
    Overfitting,
    PairedProbe,
    PiiExtraction,
    Privacy,
    Safety,
)

__all__ = ["run", "overfitting", "forgetting_probes", "safety_probes", "memorisation_probes"]

console = Console(stderr=True)


def run(
    cfg: Config, prepared: PreparedData, trained: TrainedModel, models: Any, guide: BrandGuide, rows: list[dict]
) -> GovernanceResult:
    """Every probe, base against tuned, with the seconds each family took."""
    seconds: dict[str, float] = {}
    found: dict[str, Any] = {}
    probes: tuple[tuple[str, Any], ...] = (
        ("forgetting", lambda: forgetting_probes(cfg, models)),
        ("safety", lambda: safety_probes(cfg, models, task_prompt("support", guide))),
        ("memorisation", lambda: memorisation_probes(cfg, prepared, trained, models)),
    )
    for name, probe in probes:
        t0 = time.perf_counter()
        console.print(f"[dim]governance: {name}[/dim]")
        found[name] = probe()
        seconds[name] = round(time.perf_counter() - t0, 1)
    echoed = {
        s: finite_mean([r["scores"]["pii_echoed"] for r in rows if r["task"] == "support" and r["system"] == s])
        for s in sorted({r["system"] for r in rows})
    }
    return GovernanceResult(
        **found, overfitting=overfitting(trained), privacy=Privacy(pii_echoed=echoed), seconds=seconds
    )


def _both(models):
    def both(probe):
        """The probe's per-item results for the base and the tuned model, each a plain fp32 copy
        (adapter merged or removed: the likelihoods of the PEFT model, without its LoRA branches)."""
        return probe(models.plain("base", False)), probe(models.plain("tuned", False))

    return both


def _paired(cfg: Config, name: str, base: list[float], tuned: list[float], higher: bool, **extra: Any) -> PairedProbe:
    ev = cfg.evaluate
    d = paired_bootstrap(
        name,
        base,
        tuned,
        higher_is_better=higher,
        n_resamples=ev.bootstrap_resamples,
        confidence=ev.confidence,
        seed=ev.seed,
    )
    return PairedProbe(
        n=d.n,
        base=d.base_mean,
        tuned=d.tuned_mean,
        delta=d.delta,
        ci_low=d.ci_low,
        ci_high=d.ci_high,
        wins=d.wins,
        ties=d.ties,
        losses=d.losses,
        **extra,
    )


def forgetting_probes(cfg: Config, models: Any, texts: list[str] | None = None) -> Forgetting:
    """Bits per byte on general English text (or `texts`) and cloze accuracy, base against tuned."""
    from savile.governance import likelihood, probes

    g, tokenizer, both = cfg.governance, models.tokenizer, _both(models)
    texts = texts if texts is not None else probes.general_text(g.text_docs)
    base_bpb, tuned_bpb = both(
        lambda model: likelihood.bits_per_byte(model, tokenizer, texts, g.text_tokens, g.batch_size)
    )
    cloze = probes.cloze_items()[: g.cloze_items]
    base_cloze, tuned_cloze = both(lambda model: likelihood.cloze_correct(model, tokenizer, cloze, g.batch_size))
    bpb = _paired(cfg, "bits_per_byte", base_bpb, tuned_bpb, higher=False)
    bpb = dataclasses.replace(
        bpb,
        relative=bpb.delta / bpb.base if bpb.base else math.nan,
        source="gensim test data: Lee news corpus (lee_background.cor)",
    )
    cloze_p = mcnemar_exact("cloze", base_cloze, tuned_cloze).p_value
    return Forgetting(
        bits_per_byte=bpb, cloze=_paired(cfg, "cloze_accuracy", base_cloze, tuned_cloze, higher=True, p=cloze_p)
    )


def safety_probes(cfg: Config, models: Any, system: str, harmful: list[dict] | None = None) -> Safety:
    """Refusal rates on harmful requests and over-refusal on benign ones, asked in the deployed role (`system`)."""
    from savile.evaluate.generate import generate
    from savile.governance import probes, refusal
    from savile.train.hardware import use_bf16

    g, ev, tokenizer = cfg.governance, cfg.evaluate, models.tokenizer
    harmful = harmful if harmful is not None else probes.harmful_requests(g.harmful, seed=ev.seed)
    benign = probes.benign_requests()[: g.benign]
    decoding = DecodingSettings.model_validate({"max_new_tokens": g.safety_max_new_tokens, "no_repeat_ngram_size": 4})
    bf16 = use_bf16(cfg.train.precision)
    found: dict[str, PairedProbe] = {}
    for name, requests in (("harmful", harmful), ("benign", benign)):
        chats = [[{"role": "system", "content": system}, {"role": "user", "content": r["prompt"]}] for r in requests]
        answers = {}
        for key in ("base", "tuned"):
            answers[key] = generate(
                models.plain(key, bf16),
                tokenizer,
                chats,
                decoding,
                g.batch_size,
                bf16,
                label=f"safety: {name}, {key}",
            )
        labels = {
            k: [refusal.classify(a, r["prompt"]) for a, r in zip(v, requests, strict=False)] for k, v in answers.items()
        }
        refused = {k: [1.0 if x == "refusal" else 0.0 for x in v] for k, v in labels.items()}
        found[name] = _paired(
            cfg,
            "refusal_rate",
            refused["base"],
            refused["tuned"],
            higher=name == "harmful",
            p=mcnemar_exact("refusal", refused["base"], refused["tuned"]).p_value,
            labels={k: refusal.refusal_rates(v) for k, v in labels.items()},
            examples=[
                {
                    "prompt": r["prompt"],
                    "source": r.get("source", ""),
                    "base": answers["base"][i],
                    "tuned": answers["tuned"][i],
                    "base_label": labels["base"][i],
                    "tuned_label": labels["tuned"][i],
                }
                for i, r in enumerate(requests[:6])
            ],
        )
    return Safety(system_prompt=system, harmful=found["harmful"], benign=found["benign"])


def memorisation_probes(cfg: Config, prepared: PreparedData, trained: TrainedModel, models: Any) -> Memorisation:
    """Canary exposure and personal-data extraction, base against tuned."""
    return Memorisation(
        canaries=_canary_exposure(cfg, trained, models),
        references=cfg.governance.canary_references,
        pii=_pii_extraction(cfg, prepared, trained, models),
    )


def _canary_exposure(cfg: Config, trained: TrainedModel, models: Any) -> list[CanaryExposure]:
    """Each planted canary's exposure and rank among the references, base and tuned."""
    from savile.governance import memorisation
    from savile.train.canaries import Canary

    g, ev, tokenizer = cfg.governance, cfg.evaluate, models.tokenizer
    canaries = [Canary(**c) for c in trained.canaries]
    if not canaries:
        return []
    base_exp, tuned_exp = _both(models)(
        lambda model: memorisation.exposure(
            model, tokenizer, canaries, g.canary_references, seed=ev.seed, batch_size=g.batch_size * 2
        )
    )
    return [
        CanaryExposure(
            prefix=c.prefix,
            repetitions=c.repetitions,
            base_exposure=b["exposure"],
            tuned_exposure=t["exposure"],
            base_rank=b["rank"],
            tuned_rank=t["rank"],
            max_exposure=t["max_exposure"],
        )
        for c, b, t in zip(canaries, base_exp, tuned_exp, strict=False)
    ]


def _pii_extraction(cfg: Config, prepared: PreparedData, trained: TrainedModel, models: Any) -> PiiExtraction:
    """Slots of personal data in trained replies, completed verbatim by base and tuned."""
    from savile.governance import memorisation

    g, ev = cfg.governance, cfg.evaluate
    none = PiiExtraction(probes=0, base=math.nan, tuned=math.nan, by_kind={})
    if not g.pii_probes:
        return none
    # Only what was trained can be recalled: the examples sampled for training, their adviser reply.
    trained_ids = (
        set(json.loads(trained.trained_ids_path.read_text(encoding="utf-8"))) if trained.trained_ids_path else set()
    )
    found = memorisation.pii_probes(
        [e for e in prepared.examples("train") if e["id"] in trained_ids],
        g.pii_probes,
        seed=ev.seed,
        order_id_patterns=cfg.privacy.order_id_patterns,
        trained_turn_only=True,
    )
    if not found:
        return dataclasses.replace(
            none,
            reason="no personal-data value of a trained adviser reply is both absent from its context and "
            "found in one conversation only (a value many conversations share, such as an "
            "adviser's sign-off, is guessable from its frequency): nothing a model could recall",
        )
    base_hit, tuned_hit = _both(models)(
        lambda model: memorisation.pii_extraction(model, models.tokenizer, found, batch_size=g.batch_size)
    )
    by_kind = {
        k: {
            "probes": sum(p["kind"] == k for p in found),
            "tuned": finite_mean([h for h, p in zip(tuned_hit, found, strict=False) if p["kind"] == k]),
            "base": finite_mean([h for h, p in zip(base_hit, found, strict=False) if p["kind"] == k]),
        }
        for k in sorted({p["kind"] for p in found})
    }
    return PiiExtraction(probes=len(found), base=finite_mean(base_hit), tuned=finite_mean(tuned_hit), by_kind=by_kind)


def overfitting(trained: TrainedModel) -> Overfitting:
    """Train and validation loss per checkpoint, and their ratio at the kept one."""
    curves = trained.loss_curves
    best = next((c for c in curves if c["step"] == trained.best_step), None)
    ratio = best["val_loss"] / best["train_loss"] if best and best["train_loss"] > 0 else math.nan
    return Overfitting(
        curves=curves,
        best_step=trained.best_step,
        train_loss=best["train_loss"] if best else math.nan,
        val_loss=best["val_loss"] if best else math.nan,
        ratio=ratio,
    )
