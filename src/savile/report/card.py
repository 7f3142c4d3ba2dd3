"""The adapter's model card: README.md in the adapter folder, in the Hugging Face model-card format.

YAML front matter (base model, library, tags) for the Hub, then what was trained on what data
(fingerprint, not the data), the config, the ladder's main metrics, the gates and the limitations.
It holds no example text, so no personal data can reach it.
"""

from __future__ import annotations

import yaml

from savile.config import Config
from savile.records import EvalResult, PreparedData, TrainedModel
from savile.report.numbers import num as _num

__all__ = ["model_card"]

# Hub ids of the embedded models, for the card's `base_model` field.
_HUB_IDS = {"smollm2-135m-instruct": "HuggingFaceTB/SmolLM2-135M-Instruct", "gemma3-270m": "google/gemma-3-270m"}


def model_card(cfg: Config, prepared: PreparedData, trained: TrainedModel, evaluated: EvalResult) -> str:
    """The adapter's README.md: Hub front matter, how to load it, its data, training, evaluation,
    gates and limitations, from the records of the stages that made it."""
    lines = [
        *_header(cfg, trained),
        "## Training data",
        "",
        f"- Data fingerprint (sha256 of the sources and prepare settings): `{prepared.fingerprint}`",
        f"- Examples trained on: {', '.join(f'{k} {v}' for k, v in trained.train_examples.items())}; "
        f"{trained.train_tokens:,} tokens; personal data pseudonymised before training "
        f"({', '.join(f'{k} {v}' for k, v in prepared.pii_replaced.items()) or 'none found'}).",
        f"- Canary sentences planted to measure memorisation: {len(trained.canaries)}.",
        "",
        "## Training",
        "",
        f"- Kept checkpoint: step {trained.best_step} (lowest validation loss {_num(trained.eval_loss)}); "
        f"{trained.train_seconds:.0f} s.",
        f"- Versions: {', '.join(f'{k} {v}' for k, v in trained.versions.items())}.",
        _reproducibility(trained.reproducibility),
        "",
        "```yaml",
        yaml.safe_dump({k: cfg.resolved()[k] for k in ("model", "technique", "train")}, sort_keys=False).strip(),
        "```",
        "",
        *_evaluation(evaluated),
        "",
        "## Limitations",
        "",
        "- Scores come from automatic metrics on a sample of held-out items "
        f"({cfg.evaluate.max_items_per_task} per task at most); read the samples in the report before trusting a number.",
        "- The adapter learned one brand's voice and policies as they stood in the training data; policies that change "
        "after training need retraining or retrieval.",
        "- Safety and forgetting probes are short, general sets; they detect drift, they do not certify safety.",
        "- Personal data was pseudonymised, not removed: the model may produce realistic-looking pseudonyms.",
        "",
    ]
    return "\n".join(lines)


def _header(cfg: Config, trained: TrainedModel) -> list[str]:
    """Front matter, title and how to load the artefact."""
    base = _HUB_IDS.get(trained.base_model, trained.base_model)
    full = trained.method == "full"
    library = "transformers" if full else "peft"
    front = {
        "base_model": base,
        "library_name": library,
        "pipeline_tag": "text-generation",
        "tags": ["savile", trained.method, library, cfg.project],
    }
    what = f"fully fine-tuned {base}" if full else f"{trained.method} adapter for {base}"
    loader = (
        "from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained('path/to/this/folder')"
        if full
        else "from peft import AutoPeftModelForCausalLM\n"
        "model = AutoPeftModelForCausalLM.from_pretrained('path/to/this/folder')"
    )
    return [
        f"---\n{yaml.safe_dump(front, sort_keys=False).strip()}\n---",
        "",
        f"# {cfg.project}: {what}",
        "",
        f"Trained with Savile on {cfg.project}'s own data for the tasks {', '.join(cfg.prepare.tasks)}. "
        + ("Load it with transformers:" if full else "Load it with PEFT on top of the base model:"),
        "",
        "```python",
        loader,
        "```",
        "",
    ]


def _evaluation(evaluated: EvalResult) -> list[str]:
    """The ladder's main metric per task and system, each task's verdict, and the gates."""
    lines = [
        "## Evaluation (held-out items, paired)",
        "",
        "| task | main metric | " + " | ".join(evaluated.systems) + " | verdict |",
        "|---|---|" + "---|" * len(evaluated.systems) + "---|",
    ]
    for task, e in evaluated.metrics.items():
        cells = " | ".join(_num(e.means[s][e.main].mean) if s in e.means else "" for s in evaluated.systems)
        verdict = (
            ("fine-tuning justified" if e.justified else "fine-tuning not justified") if e.versus is not None else ""
        )
        lines.append(f"| {task} | {e.main} | {cells} | {verdict} |")
    lines += ["", "## Governance gates", "", "| gate | value | warn at | fail at | status |", "|---|---|---|---|---|"]
    lines += [f"| {g.gate} | {_num(g.value)} | {g.warn} | {g.fail} | {g.status} |" for g in evaluated.gates]
    return lines


def _reproducibility(r: dict) -> str:
    """One line on what a rebuild must match (seed, precision, deterministic kernels, device)."""
    if not r:
        return "- Reproducibility: not recorded (trained by an older Savile)."
    device = r["device"].get("cuda_device") or r["device"]["cpu"]
    precision = "bf16 autocast" if r["precision"]["bf16_autocast"] else "fp32"
    kernels = "deterministic kernels" if r["deterministic"]["torch_deterministic_algorithms"] else "default kernels"
    return (
        f"- Reproducibility: seed {r['seeds']['train']}, {precision}, {kernels}, on {device} with "
        f"{r['device']['torch_threads']} threads; the same inputs, versions and machine give bitwise the same weights."
    )
