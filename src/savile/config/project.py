"""`Config`, the whole project config: one section per stage under the project's name and sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from savile.config.choices import DEFAULT_LEARNING_RATES
from savile.config.cost import CostSettings
from savile.config.data import (
    CatalogueSettings,
    ConversationSettings,
    CopySettings,
    GuideSettings,
    PrepareSettings,
    PrivacySettings,
    Sources,
)
from savile.config.deployment import ExportSettings, ServeSettings
from savile.config.evaluation import CompareSettings, EvaluateSettings, GateSettings, GovernanceSettings
from savile.config.section import Section
from savile.config.training import ModelSettings, TechniqueSettings, TrainSettings


class Config(Section):
    """The whole project config, as `load_config` returns it: one section per stage."""

    project: str = Field(description="Project name, used in reports.")
    output_dir: Path = Field(
        Path("runs"), description="Where every stage writes; relative to the config file's folder."
    )
    sources: Sources
    catalogue: CatalogueSettings = Field(default_factory=CatalogueSettings)
    copy_settings: CopySettings = Field(
        default_factory=CopySettings, alias="copy", description="How to read sources.copy."
    )
    conversations: ConversationSettings = Field(default_factory=ConversationSettings)
    guide: GuideSettings = Field(default_factory=GuideSettings, description="How the brand guide is read.")
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    prepare: PrepareSettings = Field(default_factory=PrepareSettings)
    model: ModelSettings = Field(default_factory=ModelSettings)
    technique: TechniqueSettings = Field(default_factory=TechniqueSettings)
    train: TrainSettings = Field(default_factory=TrainSettings)
    evaluate: EvaluateSettings = Field(default_factory=EvaluateSettings)
    governance: GovernanceSettings = Field(default_factory=GovernanceSettings)
    gates: GateSettings = Field(default_factory=GateSettings)
    compare: CompareSettings = Field(default_factory=CompareSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    cost: CostSettings = Field(
        default_factory=CostSettings,
        description="What `savile cost` estimates: the training run, the request volume and the alternatives it is priced against.",
    )
    root: Path = Field(Path("."), exclude=True, description="Folder of the config file (set by load_config).")

    def path(self, p: Path) -> Path:
        """A config path made absolute against the config file's folder."""
        return p if p.is_absolute() else self.root / p

    def stage_dir(self, stage: str) -> Path:
        """The folder a stage (`prepare`, `train`, ...) writes to under output_dir."""
        return self.path(self.output_dir) / stage

    def learning_rate(self) -> float:
        """train.learning_rate, or the technique's default when it is null."""
        if self.train.learning_rate is not None:
            return self.train.learning_rate
        return DEFAULT_LEARNING_RATES.get(self.technique.method, DEFAULT_LEARNING_RATES["lora"])

    def resolved(self) -> dict[str, Any]:
        """The config as plain JSON data, as saved beside every output."""
        return self.model_dump(mode="json", by_alias=True)
