"""What the hardware can do: the CPU's matmul rate per precision, and whether bf16 pays (`use_bf16`,
which every stage that trains or generates asks).

Measured where it runs, because CPU flags mislead: on some Xeons with AVX-512 BF16 a bf16 matmul
runs at half the fp32 rate. The train stage records the rates in its manifest, so a cost estimate
later divides by the peak of the same machine under the same load, not by one measured then.
"""

from __future__ import annotations

import functools
import time

__all__ = ["use_bf16", "cpu_peak_flops", "cpu_bf16_is_faster"]


@functools.cache
def cpu_peak_flops(precision: str = "bf16", size: int = 2048, tries: int = 10) -> float:
    """This CPU's best matmul rate in FLOP/s: a size^3 matmul timed `tries` times, the fastest kept.

    Ten tries (about a quarter of a second in bf16): with four, a shared machine's brief slow spell
    halved the figure in one process of three (benchmarks/train_throughput.py)."""
    import torch

    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    a, b = torch.randn(size, size, dtype=dtype), torch.randn(size, size, dtype=dtype)
    a @ b  # warm-up: thread pool and kernel selection
    best = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best


def cpu_bf16_is_faster() -> bool:
    """Whether bf16 matmuls on this CPU beat fp32 by more than 25%, timed now."""
    return cpu_peak_flops("bf16") > 1.25 * cpu_peak_flops("fp32")


def use_bf16(precision: str) -> bool:
    """Whether to train and generate under bf16 autocast.

    'auto' asks the hardware: a CUDA GPU with bf16 says yes; on a CPU, a CPU flag is not enough
    (on some Xeons with AVX-512 BF16, bf16 matmuls run at half the fp32 speed), so a short timed
    matmul decides.
    """
    import torch

    if precision != "auto":
        return precision == "bf16"
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    return cpu_bf16_is_faster()
