"""What makes a training run repeatable: every generator seeded before the model is built, and a record of the rest.

    with seeded(cfg.train.seed, cfg.train.deterministic):
        model = trainable_model(...)        # LoRA A matrices drawn from the seeded generator
        trainer.train()                     # sampling order and dropout from the same seed
    record = environment(cfg, bf16)         # seeds, versions, precision, determinism, device

The Trainer seeds the generators in its constructor, but the model is built before it, so without
the seed set here the adapter's initialisation changed from run to run (two runs of one config
differed by about 141% of the LoRA B norms). On one machine, with the same library versions and
thread count, the same inputs then give bitwise the same weights in fp32 and in bf16 autocast on
CPU. Across machines they need not: bf16 and fp32 matmul kernels differ between CPU families (AVX-512
BF16 on AMD EPYC against other paths on Intel Xeon), which is why the device is recorded.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from savile.config import Config

__all__ = ["seeded", "environment", "library_versions"]

_LIBRARIES = ("torch", "transformers", "peft", "accelerate", "datasets", "safetensors", "numpy", "savile")


@contextlib.contextmanager
def seeded(seed: int, deterministic: bool) -> Iterator[None]:
    """Seed Python's, NumPy's and torch's generators and, when `deterministic`, make torch refuse
    non-deterministic kernels (cuDNN autotuning off) for the block; the previous settings come back after."""
    import torch
    from transformers import set_seed

    cudnn = torch.backends.cudnn
    before = (
        torch.are_deterministic_algorithms_enabled(),
        torch.is_deterministic_algorithms_warn_only_enabled(),
        cudnn.deterministic,
        cudnn.benchmark,
    )
    set_seed(seed)
    if deterministic:
        if torch.cuda.is_available():
            # cuBLAS needs a fixed workspace to be deterministic (PyTorch "Reproducibility" notes).
            os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        cudnn.deterministic, cudnn.benchmark = True, False
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before[0], warn_only=before[1])
        cudnn.deterministic, cudnn.benchmark = before[2], before[3]


def environment(cfg: Config, bf16: bool) -> dict[str, Any]:
    """What a rerun must match to give the same weights, as the train manifest records it."""
    import torch

    return {
        "seeds": {"train": cfg.train.seed, "prepare_split": cfg.prepare.seed, "evaluate": cfg.evaluate.seed},
        "precision": {"setting": cfg.train.precision, "bf16_autocast": bf16, "weights": "float32"},
        "deterministic": {
            "requested": cfg.train.deterministic,
            "torch_deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
            "cudnn_deterministic": torch.backends.cudnn.deterministic,
            "cudnn_benchmark": torch.backends.cudnn.benchmark,
            "cublas_workspace_config": os.environ.get("CUBLAS_WORKSPACE_CONFIG", ""),
        },
        "device": device_description(),
        "versions": library_versions(),
    }


def device_description() -> dict[str, Any]:
    """The processor the kernels ran on: bf16 and fp32 results can differ between CPU families."""
    import torch

    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "machine": platform.machine(),
        "torch_threads": torch.get_num_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
    }
    if torch.cuda.is_available():
        info |= {
            "cuda_device": torch.cuda.get_device_name(),
            "cuda": torch.version.cuda,
            "cudnn": torch.backends.cudnn.version(),
        }
    return info


def library_versions() -> dict[str, str]:
    """Python's version and each training library's, or 'not installed'."""
    found = {"python": sys.version.split()[0]}
    for name in _LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _cpu_model() -> str:
    """The CPU's model name ("AMD EPYC 9R14 96-Core Processor"), from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
