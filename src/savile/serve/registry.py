"""The adapter registry: trained artefacts by name, and the model names a client may call.

    registry = Registry.from_config(cfg, base_path)
    adapter = registry.read("lirelle")                  # checked: a LoRA adapter trained on this base
    target = resolve_model_name("lirelle:describe", loaded, cfg.serve.base_name)

A registry is a folder with one sub-folder per adapter, each a copy of a `runs/train` folder
(`manifest.json` beside `adapter/`); the sub-folder's name is the model name. Every task the
adapter was trained on is also a model, `<adapter>:<task>`, which puts the system prompt it was
trained with in front of the client's messages and decodes as `savile evaluate` scored it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from savile.config import Config, DecodingSettings, EvaluateSettings
from savile.errors import SavileError, ServeError
from savile.records import TrainedModel

__all__ = ["Adapter", "Registry", "Target", "check_name", "resolve_model_name", "model_names"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_name(name: str) -> str:
    """An adapter name that is one plain folder name: no separators, no '..', no absolute path."""
    if not _NAME.match(name) or ".." in name:
        raise ServeError(
            f"adapter name {name[:80]!r} is not allowed: use 1-64 letters, digits, '_', '.' or '-' "
            "(a folder name inside serve.registry, never a path)."
        )
    return name


@dataclass(frozen=True)
class Adapter:
    """A trained adapter as the server holds it: folder, method, rank, and per task its prompt and evaluated decoding."""

    name: str
    adapter_dir: Path
    method: str
    rank: int
    task_prompts: dict[str, str]  # task -> system prompt it was trained with
    decoding: dict[str, DecodingSettings]  # task -> decoding `savile evaluate` scored it with
    config: dict  # adapter_config.json


@dataclass(frozen=True)
class Target:
    """What a model name asks for: an adapter (None: the base), and for an alias its task."""

    adapter: str | None
    task: str | None = None


@dataclass
class Registry:
    """The folder of adapters to serve (`serve.registry`), each a train run under its name, over one shared base."""

    root: Path
    base_spec: str
    base_path: Path
    project: tuple[str, Path] | None = None  # the project's own runs/train, served under its name

    @classmethod
    def from_config(cls, cfg: Config, base_path: Path) -> Registry:
        """The registry `cfg` names, over the base at `base_path`; with the project's own run when serve.serve_project."""
        project = None
        if cfg.serve.serve_project and (cfg.stage_dir("train") / "manifest.json").exists():
            project = (check_name(cfg.project), cfg.stage_dir("train"))
        return cls(cfg.path(cfg.serve.registry), cfg.model.base, base_path, project)

    def folder(self, name: str) -> Path:
        """The train-run folder of adapter `name`; a `ServeError` when the name is not one plain folder name."""
        check_name(name)
        if self.project and name == self.project[0]:
            return self.project[1]
        return self.root / name

    def available(self) -> list[str]:
        """Every adapter name the registry holds (not necessarily loadable)."""
        names = {p.name for p in self.root.iterdir() if (p / "manifest.json").exists()} if self.root.is_dir() else set()
        names = {n for n in names if _NAME.match(n) and ".." not in n}
        return sorted(names | ({self.project[0]} if self.project else set()))

    def read(self, name: str) -> Adapter:
        """The adapter `name`, refused with the reason when it cannot be served on this base."""
        folder = self.folder(name)
        if not (folder / "manifest.json").exists():
            raise ServeError(f"no adapter {name!r}: {folder} holds no manifest.json; copy a `runs/train` folder there.")
        try:
            trained = TrainedModel.load(folder)
        except (SavileError, TypeError, KeyError, ValueError) as exc:
            raise ServeError(f"adapter {name!r}: {folder / 'manifest.json'} is not a train manifest ({exc}).") from None
        self._check_base(name, trained)
        if trained.method == "full":
            raise ServeError(
                f"adapter {name!r} is a fully fine-tuned model, not an adapter; serve it as the base "
                f"instead (model.base: {trained.adapter_dir})."
            )
        if trained.method == "dora":
            raise ServeError(
                f"adapter {name!r} is DoRA, which PEFT cannot mix with other adapters in one batch; "
                "merge it (`savile export --format merged`) and serve the merged model as the base."
            )
        config_path = trained.adapter_dir / "adapter_config.json"
        if not config_path.exists():
            raise ServeError(f"adapter {name!r}: {config_path} not found; copy the whole `runs/train` folder.")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        if config.get("modules_to_save"):
            # PEFT 0.21's mixed-adapter batches fail (KeyError) when one adapter trains whole modules and another does not.
            raise ServeError(
                f"adapter {name!r} trains whole modules ({config['modules_to_save']}), which cannot share "
                "a mixed-adapter batch; merge it (`savile export --format merged`) and serve that as the base."
            )
        evaluated = EvaluateSettings(
            **{t: trained.config.get("evaluate", {}).get(t, {}) for t in ("describe", "support", "extract")}
        )
        return Adapter(
            name=name,
            adapter_dir=trained.adapter_dir,
            method=trained.method,
            rank=adapter_rank(config),
            task_prompts=dict(trained.task_prompts),
            decoding={
                t: getattr(evaluated, t) for t in trained.task_prompts if t in ("describe", "support", "extract")
            },
            config=config,
        )

    def _check_base(self, name: str, trained: TrainedModel) -> None:
        same = Path(trained.base_path).resolve() == self.base_path.resolve() or trained.base_model == self.base_spec
        if not same:
            raise ServeError(
                f"adapter {name!r} was trained on base {trained.base_model!r} ({trained.base_path}), but "
                f"this server's base is {self.base_spec!r} ({self.base_path}); serve it with model.base: "
                f"{trained.base_model}, or retrain it on this base."
            )


def adapter_rank(config: dict) -> int:
    """The largest LoRA rank in an adapter_config.json (rank_pattern may raise some modules' rank)."""
    return max([int(config.get("r", 0)), *[int(v) for v in (config.get("rank_pattern") or {}).values()]])


def model_names(adapters: dict[str, Adapter], base_name: str) -> list[str]:
    """Every callable model name: the base, each adapter and each of its task aliases."""
    names = [base_name]
    for a in adapters.values():
        names += [a.name, *[f"{a.name}:{t}" for t in a.task_prompts]]
    return names


def resolve_model_name(model: str, adapters: dict[str, Adapter], base_name: str) -> Target | None:
    """The target of a model name among the loaded adapters; None when it names nothing loaded."""
    if model == base_name:
        return Target(None)
    name, _, task = model.partition(":")
    adapter = adapters.get(name)
    if adapter is None or (task and task not in adapter.task_prompts):
        return None
    return Target(name, task or None)
