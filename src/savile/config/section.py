"""The base of every config section: unknown keys are errors and a loaded config cannot change."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: extra keys forbidden, frozen once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
