"""Savile's small error hierarchy.

Every error a user can cause is a `SavileError` whose message says what went wrong, the value
found, and the fix. The CLI prints the message on one line and exits with code 2; `--debug`
shows the traceback instead.
"""

from __future__ import annotations

__all__ = ["SavileError", "ConfigError", "DataError", "ModelError", "ServeError", "ExportError"]


class SavileError(Exception):
    """Base class for every error Savile reports to a user."""


class ConfigError(SavileError):
    """The project config is invalid; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class DataError(SavileError):
    """A source file is missing, unreadable or holds records Savile cannot use."""


class ModelError(SavileError):
    """A model spec cannot be resolved or loaded."""


class ServeError(SavileError):
    """`savile serve` cannot start or cannot load an adapter: a bad registry, keys file or engine."""


class ExportError(SavileError):
    """A trained model cannot be exported to the asked format, or an export failed its checks."""
