"""Write files and folders so that a reader sees the old version or the whole new one, never a part.

    atomic.write_text(folder / "manifest.json", text)
    with atomic.open_text(folder / "examples.jsonl") as fh:   # renamed into place on a clean exit
        fh.write(line)
    with atomic.folder(stage / "adapter") as tmp:             # the folder is swapped in on a clean exit
        model.save_pretrained(tmp)

Each writes under a temporary name beside the target (same file system, so the rename is atomic,
POSIX rename(2)), flushes it to disk, then renames it over the target. A process killed while
writing (SIGKILL, power loss) leaves the previous file and a stray `.tmp-*` name, which
`remove_strays` or the next write of the same target clears. A shared leaf module: it imports
nothing of Savile's, so every stage may use it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["write_text", "write_bytes", "open_text", "folder", "remove_strays", "TMP_MARK"]

TMP_MARK = ".tmp-"


def _tmp_name(target: Path) -> Path:
    return target.with_name(f"{target.name}{TMP_MARK}{os.getpid()}")


def write_text(path: Path, text: str) -> Path:
    """Write `text` (utf-8) to `path` through a temporary file renamed into place; returns `path`."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file renamed into place; returns `path`."""
    with _replacing(Path(path), "wb") as fh:
        fh.write(data)
    return Path(path)


@contextlib.contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """A text handle (utf-8) on a temporary file that replaces `path` when the block ends without error."""
    with _replacing(Path(path), "w") as fh:
        yield fh


@contextlib.contextmanager
def _replacing(path: Path, mode: str) -> Iterator[IO[Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(path)
    try:
        with tmp.open(mode, encoding=None if "b" in mode else "utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # only left when the block raised
    _sync_dir(path.parent)


@contextlib.contextmanager
def folder(target: Path) -> Iterator[Path]:
    """An empty temporary folder that replaces `target` (and everything in it) when the block ends.

    The swap is two renames: the old folder aside, the new one in. A kill between them leaves no
    `target` at all, never a mixed one; the old folder, under its `.old` name, is removed by the
    next swap or by `remove_strays`.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp, old = _tmp_name(target), target.with_name(f"{target.name}{TMP_MARK}old")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        _sync_tree(tmp)
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        _sync_dir(target.parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def remove_strays(directory: Path) -> list[Path]:
    """Delete what interrupted writes left in `directory` (names holding `.tmp-`); return them."""
    strays = [p for p in Path(directory).glob(f"*{TMP_MARK}*")] if Path(directory).is_dir() else []
    for p in strays:
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    return strays


def _sync_tree(root: Path) -> None:
    for p in sorted(root.rglob("*")):
        if p.is_file():
            with p.open("rb") as fh:
                os.fsync(fh.fileno())
    _sync_dir(root)


def _sync_dir(directory: Path) -> None:
    """Persist a rename: fsync the folder that holds the entry (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
