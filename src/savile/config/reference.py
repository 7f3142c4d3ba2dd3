"""The config reference in Markdown, generated from the schema; the README embeds it."""

from __future__ import annotations

from pydantic import BaseModel

from savile.config.evaluation import Gate
from savile.config.project import Config


def reference_markdown() -> str:
    """The config reference as a Markdown table, generated from the schema (the README embeds it)."""
    rows = ["| key | default | description |", "|---|---|---|"]

    def walk(model: type[BaseModel], prefix: str, defaults: BaseModel | None) -> None:
        for name, field in model.model_fields.items():
            if field.exclude:
                continue
            key = f"{prefix}{field.alias or name}"
            if defaults is not None:
                value = getattr(defaults, name)
            elif not field.is_required():
                value = field.get_default(call_default_factory=True)
            else:
                value = None
            sub = (
                field.annotation
                if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
                else None
            )
            if sub is Gate and value is not None:
                rows.append(f"| `{key}` | warn `{value.warn}`, fail `{value.fail}` | {field.description or ''} |")
            elif sub is not None:
                walk(sub, f"{key}.", value)
            else:
                default = "required" if field.is_required() else f"`{value}`"
                rows.append(f"| `{key}` | {default} | {field.description or ''} |")

    walk(Config, "", None)
    return "\n".join(rows)
