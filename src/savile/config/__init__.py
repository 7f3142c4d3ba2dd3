"""The project config: one YAML file per brand, validated by one pydantic schema.

Defaults live here and only here. Every field's description doubles as the config reference in
the README. Any key can be overridden on the command line with a dotted path:

    cfg = load_config(Path("savile.yaml"), ["train.epochs=2", "evaluate.max_items_per_task=16"])

Every problem is reported at once, one line each: `train.learning_rate: must be > 0, got -1`.

`savile cost` needs no project: `load_cost_settings` validates the `cost:` section alone, with the
same overrides and the same error lines.
"""

from savile.config.choices import (
    DEFAULT_LEARNING_RATES,
    DEFAULT_LORA_RANK,
    DEFAULT_MAX_TOKENS,
    HOURS_PER_MONTH,
    MAX_GPUS,
    METHODS,
    PROMPTING_METHODS,
    RETRIEVAL_METHODS,
    SYSTEMS,
    TASKS,
    TRAINED_METHODS,
    Method,
    System,
    Task,
)
from savile.config.cost import (
    CostHostingSettings,
    CostProjectSettings,
    CostRetrievalSettings,
    CostSettings,
    CostTrainingSettings,
    CostUsageSettings,
)
from savile.config.data import (
    CatalogueSettings,
    ConversationSettings,
    CopySettings,
    GuideSettings,
    PrepareSettings,
    PrivacySettings,
    Sources,
)
from savile.config.deployment import ExportSettings, GgufType, ServeSettings
from savile.config.evaluation import (
    CompareSettings,
    DecodingSettings,
    EvaluateSettings,
    Gate,
    GateSettings,
    GovernanceSettings,
)
from savile.config.loader import describe_problem, load_config, load_cost_settings
from savile.config.project import Config
from savile.config.reference import reference_markdown
from savile.config.training import (
    LoraSettings,
    ModelSettings,
    QloraSettings,
    RaftSettings,
    TechniqueSettings,
    TrainSettings,
)

__all__ = [
    "Config",
    "Sources",
    "CatalogueSettings",
    "CopySettings",
    "GuideSettings",
    "ConversationSettings",
    "PrivacySettings",
    "PrepareSettings",
    "ModelSettings",
    "LoraSettings",
    "QloraSettings",
    "RaftSettings",
    "TechniqueSettings",
    "TrainSettings",
    "DecodingSettings",
    "EvaluateSettings",
    "GovernanceSettings",
    "Gate",
    "GateSettings",
    "CompareSettings",
    "ServeSettings",
    "ExportSettings",
    "CostTrainingSettings",
    "CostUsageSettings",
    "CostRetrievalSettings",
    "CostHostingSettings",
    "CostProjectSettings",
    "CostSettings",
    "load_config",
    "load_cost_settings",
    "describe_problem",
    "reference_markdown",
    "DEFAULT_LEARNING_RATES",
    "DEFAULT_LORA_RANK",
    "DEFAULT_MAX_TOKENS",
    "MAX_GPUS",
    "HOURS_PER_MONTH",
    "TASKS",
    "SYSTEMS",
    "METHODS",
    "TRAINED_METHODS",
    "PROMPTING_METHODS",
    "RETRIEVAL_METHODS",
    "Task",
    "System",
    "Method",
    "GgufType",
]
