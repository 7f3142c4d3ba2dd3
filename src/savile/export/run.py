"""`savile export`: the trained model out to a format other tools load, re-scored before it is trusted.

    result = savile.export.run(cfg, prepared, trained, "gguf")     # -> ExportResult in runs/export/gguf/

- `merged`: runs/export/merged/ (safetensors in export.dtype, tokenizer, chat template);
- `vllm`: runs/export/vllm/<project>/ (the adapter) and serve.sh (the `vllm serve` command);
- `gguf`: runs/export/gguf/<project>-<type>.gguf for each of export.gguf_types (from merged);
- `ollama`: runs/export/ollama/Modelfile.<task> over the gguf export's export.ollama_gguf file.

Every artefact that answers is re-scored on held-out items beside the unexported tuned model;
`failed` is set when a task's main metric drops more than export.max_drop (the CLI exits 3).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from savile.config import Config
from savile.data.guide import read_brand_guide
from savile.errors import ExportError
from savile.export import gguf as gguf_format
from savile.export import merge, ollama, vllm
from savile.export.naming import gguf_name
from savile.export.rescore import REFERENCE, answer, held_out_items, main_metric_drops, reference_answers
from savile.records import MANIFEST, ExportResult, PreparedData, TrainedModel

__all__ = ["run", "FORMATS", "EXIT_DROP"]

FORMATS = ("merged", "vllm", "gguf", "ollama")
EXIT_DROP = 3


@dataclass
class _Built:
    """What a format wrote, and how to load each artefact that answers prompts."""

    files: list[Path]
    commands: list[str] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    loaders: dict[str, Callable[[], tuple[Any, Any]]] = field(default_factory=dict)


def run(cfg: Config, prepared: PreparedData, trained: TrainedModel, fmt: str) -> ExportResult:
    """Export `trained` to `fmt` (merged, vllm, gguf or ollama) under runs/export/<fmt>, re-scored on held-out items.

    Returns the `ExportResult` saved there: files, commands, checks, each artefact's main-metric drop against the
    unexported model, and `failed` when a drop exceeds export.max_drop. An `ExportError` for an unknown format.
    """
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}.")
    start = time.perf_counter()
    guide = read_brand_guide(cfg.path(cfg.sources.brand_guide))
    items = held_out_items(cfg, prepared)
    out = cfg.stage_dir("export") / fmt
    shutil.rmtree(out, ignore_errors=True)
    builders = {"merged": _merged, "vllm": _vllm, "gguf": _gguf, "ollama": _ollama}
    built = builders[fmt](cfg, prepared, trained, out, items)
    answers = {REFERENCE: reference_answers(cfg, trained, guide, items, cfg.stage_dir("export"))}
    for label, load in built.loaders.items():
        model, tokenizer = load()
        answers[label] = answer(cfg, guide, model, tokenizer, items, label)
        del model
    scores = main_metric_drops(cfg, prepared, guide, items, answers) if built.loaders else []
    record = ExportResult(
        format=fmt,
        files={_relative(p, out): p.stat().st_size for p in built.files},
        commands=built.commands,
        checks=built.checks,
        scores=scores,
        max_drop=cfg.export.max_drop,
        failed=any(s["too_large"] for s in scores),
        notes=built.notes,
        seconds=round(time.perf_counter() - start, 1),
        config=cfg.resolved(),
    )
    record.save(out)
    return record


def _merged(cfg: Config, prepared: PreparedData, trained: TrainedModel, out: Path, items: list[dict]) -> _Built:
    files = merge.write_merged(trained, out, cfg.export.dtype)
    model, tokenizer = merge.load_merged(out)
    from savile.train.methods import load_trained

    reference = load_trained(
        Path(trained.base_path), trained.adapter_dir, trained.method, trained.config.get("technique")
    )
    ids = tokenizer([e["messages"][-2]["content"] for e in items[:4]] or ["."], return_tensors="pt", padding=True)[
        "input_ids"
    ]
    checks = {
        "source": merge.source_digest(trained, cfg.export.dtype),
        "dtype": cfg.export.dtype,
        "method": trained.method,
        "logits": merge.logit_gap(reference, model, ids),
    }
    del reference
    return _Built(
        files=files,
        checks=checks,
        loaders={"merged": lambda: (model, tokenizer)},
        notes=["QLoRA: merged into the dequantised 4-bit base it was trained against."]
        if trained.method == "qlora"
        else [],
    )


def _vllm(cfg: Config, prepared: PreparedData, trained: TrainedModel, out: Path, items: list[dict]) -> _Built:
    files, command, settings = vllm.write_vllm(cfg, trained, out)
    adapter = files[0].parent
    notes = (
        [
            "QLoRA: vLLM serves the adapter over the 16-bit base, not the 4-bit base it was trained on; "
            "the re-score shows the cost."
        ]
        if trained.method == "qlora"
        else []
    )
    return _Built(
        files=files,
        commands=[command],
        checks={"adapter": settings},
        notes=notes,
        loaders={"vllm adapter": lambda: vllm.load_vllm_view(trained, adapter, cfg.export.dtype)},
    )


def merged_folder(cfg: Config, prepared: PreparedData, trained: TrainedModel) -> Path:
    """runs/export/merged, exported (and re-scored) first when missing or made from other weights."""
    folder = cfg.stage_dir("export") / "merged"
    if (folder / MANIFEST).exists():
        record = ExportResult.load(folder)
        if record.checks.get("source") == merge.source_digest(trained, cfg.export.dtype):
            return folder
    run(cfg, prepared, trained, "merged")
    return folder


def _gguf(cfg: Config, prepared: PreparedData, trained: TrainedModel, out: Path, items: list[dict]) -> _Built:
    merged = merged_folder(cfg, prepared, trained)
    paths, notes = gguf_format.write_gguf(cfg, merged, out)
    prompts = _test_prompts(cfg, merged, items)
    checks = {t: gguf_format.check_gguf(p, merged, prompts) for t, p in paths.items()}
    loaders: dict[str, Callable[[], tuple[Any, Any]]] = {
        f"gguf {t}": partial(gguf_format.load_gguf, p, merged) for t, p in paths.items()
    }
    return _Built(files=list(paths.values()), checks=checks, notes=notes, loaders=loaders)


def _ollama(cfg: Config, prepared: PreparedData, trained: TrainedModel, out: Path, items: list[dict]) -> _Built:
    from gguf import GGUFReader

    kind = cfg.export.ollama_gguf
    if kind not in cfg.export.gguf_types:
        raise ExportError(
            f"export.ollama_gguf is {kind!r}, which export.gguf_types {cfg.export.gguf_types} does not "
            "write; add it there or pick one of them."
        )
    path = cfg.stage_dir("export") / "gguf" / gguf_name(cfg.project, kind)
    merged = merged_folder(cfg, prepared, trained)
    if not path.exists() or path.stat().st_mtime < (merged / "config.json").stat().st_mtime:
        run(cfg, prepared, trained, "gguf")
    if not path.exists():
        raise ExportError(
            f"{path} was not written (see the notes in {path.parent / MANIFEST}); set export.ollama_gguf "
            "to a type the gguf export wrote, e.g. q8_0."
        )
    field_ = GGUFReader(path).fields.get("tokenizer.ggml.add_bos_token")
    adds_bos = bool(field_.contents()) if field_ is not None else False
    guide = read_brand_guide(cfg.path(cfg.sources.brand_guide))
    files, commands, turn = ollama.write_modelfiles(cfg, guide, path, merged, out, adds_bos)
    checks = {"from": str(path), "template_turns_checked": 3, "stop": ollama.stop_tokens(merged)}
    return _Built(
        files=files,
        commands=commands,
        checks=checks,
        loaders={f"ollama {kind}": lambda: gguf_format.load_gguf(path, merged)},
    )


def _test_prompts(cfg: Config, merged: Path, items: list[dict]) -> list[str]:
    """The held-out items as the tuned model sees them: the chat template applied to the tuned rung's chat."""
    from transformers import AutoTokenizer

    from savile.evaluate.systems import Ladder

    tokenizer = AutoTokenizer.from_pretrained(merged)
    ladder = Ladder(cfg, read_brand_guide(cfg.path(cfg.sources.brand_guide)), {}, None)
    chats = [
        c for task in cfg.prepare.tasks for c in ladder.chats("tuned", task, [e for e in items if e["task"] == task])
    ]
    # transformers annotates the return as the union over every mode; tokenize=False gives the prompt string.
    prompts = [tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in chats]
    return prompts  # type: ignore[return-value]


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path.resolve())
