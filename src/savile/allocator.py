"""The C allocator told to keep freed memory for the next step; the CLI calls `keep_freed_memory` at start.

A training or generation step allocates the same large temporaries again and again: the logits of
the reply tokens (about 120 MB in fp32 on the demo), each layer's activations and KV cache. glibc
serves any block over 32 MB, and by default many smaller ones, by `mmap` and returns it to the
kernel when it is freed, so the next step's block is faulted in and zeroed by the kernel page by
page once more. With `M_MMAP_MAX` 0 every block comes from the heap, and with `M_TRIM_THRESHOLD` at
2 GB freed memory stays there for reuse (tests/test_allocator.py checks that freed blocks are
reused without new page faults; benchmarks/generate_throughput.py runs with it).

Only on glibc, and only where the user has not set `MALLOC_MMAP_MAX_` or `MALLOC_TRIM_THRESHOLD_`
themselves: those stand (`MALLOC_MMAP_MAX_=65536` restores glibc's default).
"""

from __future__ import annotations

import os
import platform

__all__ = ["keep_freed_memory"]

# mallopt's parameter numbers (glibc malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
TRIM_THRESHOLD = 2**31 - 1  # the largest an int parameter takes: about 2 GB kept free before trimming
USER_SETTINGS = ("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_")


def keep_freed_memory() -> bool:
    """Serve every block from the heap and keep up to 2 GB freed there; True when glibc took both settings."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    if any(name in os.environ for name in USER_SETTINGS):
        return False
    import ctypes

    libc = ctypes.CDLL(None)
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
