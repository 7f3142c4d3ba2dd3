"""`--format vllm`: the PEFT adapter as vLLM loads it, and the exact `vllm serve` command.

    check_vllm_adapter(trained, max_rank=512)       # raises ExportError on what vLLM cannot load
    files, command = write_vllm(cfg, trained, out_dir)

vLLM serves LoRA adapters over the 16-bit base (`--enable-lora`), but not DoRA's magnitude
vectors nor `modules_to_save` (whole layers trained beside the adapter), and only ranks up to its
`--max-lora-rank` (one of 8, 16, 32, 64, 128, 256, 320, 512 in vLLM's engine arguments). Those are
refused with the way out. A QLoRA adapter is served over the 16-bit base, not the 4-bit one it was
trained on; the re-score measures what that costs.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path
from typing import Any

from savile.config import Config
from savile.errors import ExportError
from savile.export.naming import model_name
from savile.records import TrainedModel

__all__ = ["check_vllm_adapter", "write_vllm", "load_vllm_view", "VLLM_LORA_RANKS"]

VLLM_LORA_RANKS = (8, 16, 32, 64, 128, 256, 320, 512)
_ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


def check_vllm_adapter(trained: TrainedModel, max_rank: int) -> dict[str, Any]:
    """The adapter's settings vLLM cares about; ExportError naming the fix for what it cannot load."""
    if trained.method == "full":
        raise ExportError(
            f"{trained.adapter_dir} is a fully fine-tuned model, not an adapter; export it with "
            "`savile export CONFIG --format merged` and serve that folder with `vllm serve runs/export/merged`."
        )
    config_path = trained.adapter_dir / "adapter_config.json"
    if not config_path.exists():
        raise ExportError(f"{config_path} not found; run `savile train` first.")
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if config.get("use_dora"):
        raise ExportError(
            f"{trained.adapter_dir} is a DoRA adapter (use_dora: true), which vLLM cannot load; "
            "export it with --format merged (DoRA merges exactly) and serve the merged folder, "
            "or train with technique.method=lora."
        )
    if config.get("modules_to_save"):
        raise ExportError(
            f"{trained.adapter_dir} saves whole modules beside the adapter (modules_to_save: "
            f"{config['modules_to_save']}), which vLLM cannot load; export with --format merged, "
            "or train without modules_to_save."
        )
    rank = max([int(config.get("r", 0)), *[int(r) for r in (config.get("rank_pattern") or {}).values()]])
    limit = min(max_rank, VLLM_LORA_RANKS[-1])
    if rank > limit:
        raise ExportError(
            f"{trained.adapter_dir} has LoRA rank {rank}, above the {limit} vLLM accepts "
            f"(export.vllm_max_lora_rank, vLLM's --max-lora-rank); retrain with technique.lora.rank={limit} "
            "or lower, or export with --format merged."
        )
    return {
        "rank": rank,
        "max_lora_rank": next(r for r in VLLM_LORA_RANKS if r >= rank),
        "target_modules": config.get("target_modules"),
    }


def write_vllm(cfg: Config, trained: TrainedModel, out: Path) -> tuple[list[Path], str, dict[str, Any]]:
    """Copy the adapter under `out/<project>/`, write serve.sh; return the files, the command, the adapter's settings."""
    settings = check_vllm_adapter(trained, cfg.export.vllm_max_lora_rank)
    adapter = out / model_name(cfg.project)
    adapter.mkdir(parents=True, exist_ok=True)
    for name in _ADAPTER_FILES:
        shutil.copy2(trained.adapter_dir / name, adapter / name)
    base_name = Path(trained.base_path).name
    command = " ".join(
        [
            "vllm serve",
            shlex.quote(str(Path(trained.base_path).resolve())),
            "--served-model-name",
            shlex.quote(base_name),
            "--dtype",
            cfg.export.dtype,
            "--enable-lora",
            "--max-lora-rank",
            str(settings["max_lora_rank"]),
            "--lora-modules",
            shlex.quote(f"{model_name(cfg.project)}={adapter.resolve()}"),
        ]
    )
    script = out / "serve.sh"
    script.write_text(
        f"#!/bin/sh\n# The adapter answers as model {model_name(cfg.project)!r}; the base alone as {base_name!r}.\n"
        f'exec {command} "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return [adapter / n for n in _ADAPTER_FILES] + [script], command, settings


def load_vllm_view(trained: TrainedModel, adapter: Path, dtype: str) -> tuple[Any, Any]:
    """What vLLM computes, on CPU: the exported adapter over the base rounded to `dtype`, run in fp32."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = AutoModelForCausalLM.from_pretrained(trained.base_path, dtype=getattr(torch, dtype))
    # transformers wraps PreTrainedModel.to in a decorator whose annotation drops the bound self.
    base = base.to(torch.float32)  # type: ignore[arg-type]
    model = PeftModel.from_pretrained(base, adapter).eval()
    return model, AutoTokenizer.from_pretrained(trained.base_path)
