"""The sections that say where a brand's files are and how `savile prepare` reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from savile.config.choices import DEFAULT_MAX_TOKENS, TASKS, Task
from savile.config.section import Section


class Sources(Section):
    """`sources`: the brand's files, relative to the config file's folder."""

    catalogue: Path = Field(
        description="Catalogue, one product per row: CSV/TSV (any common delimiter; UTF-8 or cp1252), JSONL, Parquet or XLSX. Relative paths are taken from the config file's folder."
    )
    catalogue_sheet: str | None = Field(None, description="XLSX sheet to read; the first when null.")
    brand_guide: Path = Field(
        description="Brand guide: YAML, or Markdown with a YAML front-matter block (voice, terms, length limits, policies)."
    )
    conversations: Path = Field(
        description="Customer-service conversations: OpenAI `messages` JSONL, ShareGPT JSON/JSONL, a two-column CSV or a helpdesk export."
    )
    policies: Path | None = Field(
        None,
        description="Policy document (Markdown or text), kept with the data card; with one heading per policy it supplies the policies a brand guide lacks.",
    )
    # `copy` is a BaseModel method name, hence the alias.
    copy_file: Path | None = Field(
        None,
        alias="copy",
        description="Reference copy in its own file (a PIM export: CSV/TSV, JSONL, Parquet or XLSX), joined on the catalogue's id; it fills catalogue.text_column.",
    )


class CopySettings(Section):
    """`copy`: how to read reference copy kept in its own file (`sources.copy`)."""

    id_column: str = Field("sku", description="Column of sources.copy holding the catalogue id each text belongs to.")
    text_column: str = Field("description", description="Column of sources.copy holding the reference copy.")
    sheet: str | None = Field(None, description="XLSX sheet of sources.copy to read; the first when null.")


class GuideSettings(Section):
    """`guide`: how the brand guide is read."""

    synonyms: dict[str, list[str]] = Field(
        {},
        description="Topic word -> further words customers use for it (e.g. {repair: [mend, restore]}); extends the built-in synonyms from which policy keywords are derived when the brand guide gives none.",
    )


class ConversationSettings(Section):
    """`conversations`: the format and columns of the customer-service conversations."""

    format: Literal["auto", "openai", "sharegpt", "pairs_csv", "helpdesk"] = Field(
        "auto", description="Format of sources.conversations; 'auto' decides from the extension and the first record."
    )
    pair_columns: tuple[str, str] = Field(
        ("customer", "agent"), description="pairs_csv: columns of the customer message and the agent reply."
    )
    helpdesk_columns: dict[str, str] = Field(
        {"ticket": "ticket_id", "role": "author_role", "timestamp": "timestamp", "body": "body"},
        description="helpdesk: your column for each of ticket, role, timestamp and body (one row per message).",
    )


class CatalogueSettings(Section):
    """`catalogue`: which columns hold the id, the attributes, the copy and the split groups."""

    id_column: str = Field("sku", description="Column holding the unique product id.")
    attributes: list[str] = Field(
        ["collection", "category", "material", "colour", "hardware", "origin"],
        min_length=1,
        description="Attribute columns: the describe task's checked inputs and the extract task's JSON schema.",
    )
    context_columns: list[str] = Field(
        ["name", "dimensions"], description="Further columns shown to the model when it describes a product."
    )
    text_column: str = Field(
        "description", description="Column with the brand's reference copy (may be empty for some rows)."
    )
    name_column: str = Field(
        "name",
        description="Column with the product's name (may be absent): shown first to the describe task, and a conversation naming a held-out product by it (or by its id) stays out of training.",
    )
    group_by: str = Field(
        "collection",
        description="Column whose values are kept whole on one side of the train / validation / test split.",
    )
    columns: dict[str, str] = Field(
        {},
        description="Savile field -> your column name, e.g. {colour: Farbe, sku: Article}; unmapped fields are looked up under their own name.",
    )
    required: list[str] = Field(
        ["category", "colour", "material"],
        description="Fields that must be non-empty; rows without them are quarantined.",
    )
    numeric: list[str] = Field(
        [], description="Fields that must parse as numbers ('1 250,00', '€1250'); rows that do not are quarantined."
    )
    multi_valued: list[str] = Field(
        [], description="Attributes that may hold several values (e.g. material), split on `separator`."
    )
    separator: str = Field("|", min_length=1, description="Separator of multi-valued attributes.")


class PrivacySettings(Section):
    """`privacy`: the pseudonymisation key, the brand's order-id formats, the mapping file."""

    key_env: str = Field("SAVILE_PII_KEY", description="Environment variable holding the pseudonymisation secret.")
    key_file: Path = Field(
        Path(".savile/pii.key"),
        description="Key file used when the variable is unset; created on first use, never copied to outputs.",
    )
    order_id_patterns: list[str] = Field(
        [],
        description="Regular expressions for the brand's order and loyalty ids, e.g. ['\\bMH-\\d{8}\\b']; none by default, since every house numbers its orders its own way.",
    )
    mapping_file: Path | None = Field(
        None,
        description="Where to write the pseudonym -> original mapping, encrypted with a key derived from the secret; null writes none. Keep it apart from the data.",
    )


class PrepareSettings(Section):
    """`prepare`: tasks, the split, length and quality limits of the prepared data."""

    tasks: list[Task] = Field(list(TASKS), min_length=1, description="Tasks to build examples for.")
    validation_fraction: float = Field(
        0.15,
        ge=0,
        lt=1,
        description="Share of items held out for validation (by group): checkpoint choice, loss curves, the overfit gate.",
    )
    test_fraction: float = Field(
        0.15, gt=0, lt=1, description="Share of items held out for the test (by group), read once by the final scoring."
    )
    seed: int = Field(0, description="Seed of the split.")

    @model_validator(mode="after")
    def _room_to_train(self) -> PrepareSettings:
        if self.validation_fraction + self.test_fraction >= 0.9:
            raise ValueError(
                f"validation_fraction + test_fraction must leave at least 10% to train, got "
                f"{self.validation_fraction + self.test_fraction:.2f}; lower one of them"
            )
        return self

    max_tokens: int = Field(
        DEFAULT_MAX_TOKENS,
        gt=16,
        description="Longest example in tokens under the base model's chat template; longer ones are dropped with a count, never truncated.",
    )
    max_reject_share: float = Field(
        0.05, ge=0, le=1, description="The run fails when more than this share of a source's records is rejected."
    )
    dedupe_threshold: float = Field(
        0.9, gt=0, le=1, description="Near-duplicates (MinHash Jaccard at or above this, per task) are removed."
    )
    # Advisers paste policy paragraphs of 40 words and more into replies: that is the house's
    # wording, not a leaked item. On the demo, 25-word spans flagged 149 of 183 eval support
    # replies for that reason alone; 50 words shared is a copied item.
    contamination_ngram: int = Field(
        50,
        ge=5,
        description="Eval examples sharing a span of this many words (user and assistant turns) with a train example are removed.",
    )
    min_train_examples: int = Field(500, ge=0, description="Warn when a task has fewer training examples than this.")
