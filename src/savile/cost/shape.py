"""How big the base model is: its parameter count and the architecture shape behind it.

    size = model_size("smollm2-135m-instruct")   # reads config.json: 134,515,008 parameters
    size = model_size("runs/merged")             # any local Hugging Face directory
    size = model_size("7B")                      # a count; shape assumed (see below)

From a config.json the count is exact for Llama-like decoders (Llama, Mistral, Qwen, Gemma,
SmolLM): token embedding, per layer the attention projections (q, o: hidden x heads*head_dim;
k, v: hidden x kv_heads*head_dim) and the gated MLP (gate, up, down: hidden x intermediate), two
norms per layer, a final norm and, unless tied, the output head.

From a bare count the parameter count is the user's, and the *shape* (used only for activation
memory and the LoRA adapter's size) is the nearest of the standard shapes below by log distance,
taken as is and named in the output. Counts beyond 2x of every reference shape get a note.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from savile.errors import ModelError

__all__ = ["ModelShape", "ModelSize", "REFERENCE_SHAPES", "parse_param_count", "model_size", "shape_from_config"]

LINEAR_NAMES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class ModelShape:
    """A Llama-like decoder's dimensions, as in its config.json."""

    name: str
    hidden: int
    intermediate: int
    layers: int
    heads: int
    kv_heads: int
    vocab: int
    tied: bool
    head_dim: int = 0  # 0: hidden // heads

    @property
    def d_head(self) -> int:
        """Width of one attention head (head_dim when the config sets it, else hidden // heads)."""
        return self.head_dim or self.hidden // self.heads

    def linears(self) -> dict[str, tuple[int, int]]:
        """(d_in, d_out) of each linear layer in one block, by its usual module name."""
        h, i, q, kv = self.hidden, self.intermediate, self.heads * self.d_head, self.kv_heads * self.d_head
        return {
            "q_proj": (h, q),
            "k_proj": (h, kv),
            "v_proj": (h, kv),
            "o_proj": (q, h),
            "gate_proj": (h, i),
            "up_proj": (h, i),
            "down_proj": (i, h),
        }

    @property
    def linear_params(self) -> int:
        """Weights in the blocks' linear layers: what QLoRA quantises and LoRA adapts."""
        return self.layers * sum(a * b for a, b in self.linears().values())

    @property
    def n_params(self) -> int:
        """Parameters: embeddings (twice when untied), the blocks' linear layers, and the norms."""
        embed = self.vocab * self.hidden
        norms = self.layers * 2 * self.hidden + self.hidden
        return embed * (1 if self.tied else 2) + self.linear_params + norms


@dataclass(frozen=True)
class ModelSize:
    """The parameter count the estimate uses, and the shape it assumes for memory and adapters."""

    spec: str
    params: int
    shape: ModelShape
    source: str  # "config.json at PATH" or "count; shape assumed from NAME"
    assumed_shape: bool

    def to_dict(self) -> dict:
        """The size as plain JSON-ready data, its shape included."""
        return {
            "spec": self.spec,
            "params": self.params,
            "source": self.source,
            "assumed_shape": self.assumed_shape,
            "shape": asdict(self.shape),
        }


# Published configs (config.json of each model on the Hugging Face hub).
REFERENCE_SHAPES = (
    ModelShape("SmolLM2-135M", 576, 1536, 30, 9, 3, 49152, True),
    ModelShape("SmolLM2-360M", 960, 2560, 32, 15, 5, 49152, True),
    ModelShape("SmolLM2-1.7B", 2048, 8192, 24, 32, 32, 49152, True),
    ModelShape("Llama-3.2-3B", 3072, 8192, 28, 24, 8, 128256, True, 128),
    ModelShape("Llama-2-7B", 4096, 11008, 32, 32, 32, 32000, False),
    ModelShape("Llama-3.1-8B", 4096, 14336, 32, 32, 8, 128256, False),
    ModelShape("Llama-2-13B", 5120, 13824, 40, 40, 40, 32000, False),
    ModelShape("Llama-2-70B", 8192, 28672, 80, 64, 8, 32000, False),
)

_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmbt]?)\s*$", re.IGNORECASE)
_SUFFIX = {"": 1, "k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def parse_param_count(text: str) -> int | None:
    """'7B' -> 7_000_000_000, '135M' -> 135_000_000, '7e9' -> 7_000_000_000; None when not a count."""
    m = _COUNT.match(text)
    if not m:
        return None
    value = float(m.group(1)) * _SUFFIX[m.group(2).lower()]
    return int(round(value)) if value >= 1 else None


def model_size(spec: str, cache_dir: Path | None = None) -> ModelSize:
    """Parameter count and shape of an embedded name, a local HF directory or a count like '7B'."""
    path = Path(spec).expanduser()
    if not path.is_dir():
        count = parse_param_count(spec)
        if count is not None:
            return _from_count(spec, count)
        from savile.models import resolve_model

        path = resolve_model(spec, cache_dir)
    config = path / "config.json"
    if not config.exists():
        raise ModelError(f"{path} has no config.json; pass a saved HF model directory or a parameter count such as 7B.")
    shape = shape_from_config(json.loads(config.read_text(encoding="utf-8")), name=spec, where=config)
    return ModelSize(spec, shape.n_params, shape, f"config.json at {path}", assumed_shape=False)


def shape_from_config(cfg: dict, name: str, where: Path | str = "config.json") -> ModelShape:
    """The shape in a Hugging Face config.json's dict (`name` labels it, `where` names the file in errors).

    A `ModelError` for a mixture-of-experts model or a config lacking the sizes to count.
    """
    cfg = cfg.get("text_config", cfg)  # multimodal configs nest the language model's
    experts = cfg.get("num_local_experts") or cfg.get("num_experts") or 1
    if experts > 1:
        raise ModelError(
            f"{where}: a mixture-of-experts model ({experts} experts) is outside the cost model; "
            "pass its active parameter count instead, e.g. --model 13B."
        )
    keys = ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "vocab_size")
    missing = [k for k in keys if k not in cfg]
    if missing:
        raise ModelError(
            f"{where}: no {', '.join(missing)}, so the size cannot be counted; pass a parameter count such as 7B."
        )
    return ModelShape(
        name=name,
        hidden=cfg["hidden_size"],
        intermediate=cfg["intermediate_size"],
        layers=cfg["num_hidden_layers"],
        heads=cfg["num_attention_heads"],
        kv_heads=cfg.get("num_key_value_heads") or cfg["num_attention_heads"],
        vocab=cfg["vocab_size"],
        tied=bool(cfg.get("tie_word_embeddings", False)),
        head_dim=cfg.get("head_dim") or 0,
    )


def _from_count(spec: str, count: int) -> ModelSize:
    ref = min(REFERENCE_SHAPES, key=lambda s: abs(math.log(count / s.n_params)))
    source = f"count; shape assumed from {ref.name} ({ref.n_params / 1e9:.2f}B)"
    if abs(math.log(count / ref.n_params)) > math.log(2):
        source += ", more than 2x away: activation memory and adapter size are rough"
    return ModelSize(spec, count, ref, source, assumed_shape=True)
