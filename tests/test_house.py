"""House rules on the library's source (STYLE.md, "Small pieces"), checked by reading it with `ast`.

No file in src/savile over 400 lines, no function over 60, a docstring on every public module-level
function and class, and no test-only module left in the library. Each test fails with the full list
of offenders, so one run shows all the work. Nothing is imported or loaded: the whole file runs in
well under a second.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "src" / "savile"
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sources() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, line: int | None = None) -> str:
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    return rel if line is None else f"{rel}:{line}"


def _functions(node: ast.AST, prefix: str = "") -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function under `node`, methods and nested ones included, with its dotted name."""
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if not isinstance(child, ast.ClassDef):
                found.append((f"{prefix}{child.name}", child))
            found.extend(_functions(child, f"{prefix}{child.name}."))
        else:
            found.extend(_functions(child, prefix))
    return found


def _declared_all(tree: ast.Module) -> set[str] | None:
    """The names in the module's literal `__all__`, or None when it has none."""
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
            return set(ast.literal_eval(node.value))
    return None


def _public(name: str, declared: set[str] | None) -> bool:
    return not name.startswith("_") and (declared is None or name in declared)


def _long_files(paths: list[Path]) -> list[str]:
    long = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_FILE_LINES:
            long.append(f"{_where(path)}: {lines} lines")
    return long


def _long_functions(paths: list[Path]) -> list[str]:
    long = []
    for path in paths:
        for name, fn in _functions(_tree(path)):
            lines = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                long.append(f"{_where(path, fn.lineno)} {name}: {lines} lines")
    return long


def _bare_public(paths: list[Path]) -> list[str]:
    bare = []
    for path in paths:
        tree = _tree(path)
        declared = _declared_all(tree)
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if _public(node.name, declared) and not ast.get_docstring(node):
                bare.append(f"{_where(path, node.lineno)} {node.name}")
    return bare


def _fail(offenders: list[str], what: str) -> None:
    if offenders:
        pytest.fail(f"{len(offenders)} {what}:\n  " + "\n  ".join(offenders), pytrace=False)


def test_library_files_are_at_most_400_lines():
    _fail(
        _long_files(_sources()),
        f"files in src/savile over {MAX_FILE_LINES} lines; split them by noun (STYLE.md, 'Small pieces')",
    )


def test_library_functions_are_at_most_60_lines():
    _fail(
        _long_functions(_sources()),
        f"functions in src/savile over {MAX_FUNCTION_LINES} lines; a long function is a missing name",
    )


def test_public_functions_and_classes_have_docstrings():
    _fail(
        _bare_public(_sources()),
        "public functions and classes in src/savile without a docstring saying what they take and give",
    )


def test_headless_browser_check_is_not_in_the_library():
    # It drives Chromium for tests/test_report_browser.py only; in the library it would ship to every user.
    stale = LIBRARY / "report" / "browser.py"
    assert not stale.exists(), f"{_where(stale)} is test-only code in the library; move it under tests/."


def test_house_checks_find_each_kind_of_offender(tmp_path):
    # The checks must be able to fail: a long file, a long method, a bare public name, and nothing else.
    lines = ['__all__ = ["Shown", "bare"]', "class Shown:", '    """Has one."""', "    def long(self):"]
    lines += [f"        x{i} = {i}" for i in range(MAX_FUNCTION_LINES)]
    lines += ["def bare():", "    pass", "def unlisted():", "    pass", "def _private():", "    pass"]
    lines += ["# padding"] * (MAX_FILE_LINES + 1 - len(lines))
    offender = tmp_path / "offender.py"
    offender.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fine = tmp_path / "fine.py"
    fine.write_text('def shown():\n    """Has one."""\ndef _hidden():\n    pass\n', encoding="utf-8")
    paths = [offender, fine]
    assert _long_files(paths) == [f"offender.py: {MAX_FILE_LINES + 1} lines"]
    assert _long_functions(paths) == [f"offender.py:4 Shown.long: {MAX_FUNCTION_LINES + 1} lines"]
    assert _bare_public(paths) == [f"offender.py:{MAX_FUNCTION_LINES + 5} bare"]
