"""The differential report: self-contained HTML and JSON."""

from savile.report.build import run

__all__ = ["run"]
