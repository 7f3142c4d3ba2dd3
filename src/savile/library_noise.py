"""Silence library messages that mean nothing to a Savile user; the CLI calls `quiet_libraries` at start.

- bitsandbytes logs "Failed to load CPU gemm_4bit_forward from kernels-community ..." on import,
  which PEFT triggers even for plain LoRA: the optional `kernels` package would fetch a faster 4-bit
  CPU kernel from a model hub at run time; without it bitsandbytes uses its built-in kernel, which
  is what Savile measured and documents. Nothing for the user to do, so it is dropped.
- transformers, PEFT and accelerate FutureWarnings speak to library developers about their own
  future APIs; Savile pins those versions, so they are dropped too. Other warnings still show.

Library users who want them back: `warnings.resetwarnings()` and remove the filter from the
`bitsandbytes.backends.cpu.ops` logger. `savile --debug` keeps everything.
"""

from __future__ import annotations

import logging
import warnings

__all__ = ["quiet_libraries"]

_KERNELS_MESSAGE = "Failed to load CPU gemm_4bit_forward from kernels-community"


class _DropKernelsNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_KERNELS_MESSAGE)


def quiet_libraries() -> None:
    """Install the filters (idempotent); import nothing heavy."""
    logger = logging.getLogger("bitsandbytes.backends.cpu.ops")
    if not any(isinstance(f, _DropKernelsNotice) for f in logger.filters):
        logger.addFilter(_DropKernelsNotice())
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|peft|accelerate)(\..*)?$")
