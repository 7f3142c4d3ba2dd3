"""Shared by the benchmarks that run on the demo brand: its folder, written and staged once.

config = demo_project(folder, stages=("prepare", "train"))
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def demo_project(folder: Path, stages: tuple[str, ...] = ("prepare",)) -> Path:
    """The demo brand's config in `folder`: the project written if it has none, then each of
    `stages` run (`savile <stage>`) unless its manifest is already there, so a kept folder is reused."""
    config = folder / "savile.yaml"
    if not config.exists():
        from savile.demo.project import write_project

        write_project(folder)
    for stage in stages:
        if not (folder / "runs" / stage / "manifest.json").exists():
            subprocess.run([sys.executable, "-m", "savile", stage, str(config)], check=True)
    return config
