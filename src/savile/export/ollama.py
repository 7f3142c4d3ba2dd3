"""`--format ollama`: one Modelfile per task over the GGUF export, and the `ollama create` commands.

    template = ollama_template(tokenizer)            # Ollama's Go template, derived from the chat template
    files, commands = write_modelfiles(cfg, guide, gguf_path, merged_dir, out_dir)

Ollama does not run Jinja chat templates, so the template is derived mechanically: the model's
own chat template is rendered with marker strings in place of the system prompt, the user turn
and the answer, and the text around the markers becomes Ollama's legacy per-turn template
(`.System`, `.Prompt`, `.Response`), which Ollama applies to every turn of a chat. The derivation
is checked by rebuilding a three-turn chat from the pieces and comparing it with the chat template's
own rendering; a template that cannot be expressed that way is refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from savile.config import Config
from savile.data.guide import BrandGuide
from savile.data.prompts import task_prompt
from savile.errors import ExportError
from savile.export.naming import model_name

__all__ = ["TurnTemplate", "ollama_template", "stop_tokens", "write_modelfiles"]

_SYS, _USER, _ANSWER, _USER2 = "\x01SYSTEM\x01", "\x01PROMPT\x01", "\x01RESPONSE\x01", "\x01PROMPT2\x01"


@dataclass(frozen=True)
class TurnTemplate:
    """The chat template cut into the text around each part of a turn."""

    first: str  # first turn, system prompt and user turn marked by .System and .Prompt
    later: str  # any later turn, user turn marked by .Prompt
    after: str  # what closes an answer (the end-of-turn token and newline)

    def go(self) -> str:
        """Ollama's TEMPLATE: the first turn carries the system prompt, later turns do not."""
        first = self.first.replace(_SYS, "{{ .System }}").replace(_USER, "{{ .Prompt }}")
        later = self.later.replace(_USER2, "{{ .Prompt }}")
        return f"{{{{ if .System }}}}{first}{{{{ else }}}}{later}{{{{ end }}}}{{{{ .Response }}}}{self.after}"

    def render(self, system: str, turns: list[tuple[str, str]]) -> str:
        """What Ollama sends the model for `turns` of (user, answer); the last answer is left open."""
        parts = []
        for i, (user, reply) in enumerate(turns):
            head = self.first.replace(_SYS, system).replace(_USER, user) if i == 0 else self.later.replace(_USER2, user)
            parts.append(head + reply + (self.after if i < len(turns) - 1 else ""))
        return "".join(parts)


def ollama_template(tokenizer: Any, strip_bos: bool) -> TurnTemplate:
    """Cut `tokenizer`'s chat template into a TurnTemplate; ExportError when it is not per-turn."""

    def render(messages: list[dict], prompt: bool) -> str:
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=prompt)
        bos = tokenizer.bos_token
        return text[len(bos) :] if strip_bos and bos and text.startswith(bos) else text

    one = [{"role": "system", "content": _SYS}, {"role": "user", "content": _USER}]
    asked = render(one, True)
    answered = render([*one, {"role": "assistant", "content": _ANSWER}], False)
    two = render([*one, {"role": "assistant", "content": _ANSWER}, {"role": "user", "content": _USER2}], True)
    if not answered.startswith(asked + _ANSWER) or not two.startswith(answered):
        raise ExportError(
            "the chat template does not render a chat turn by turn (an answer changes what came "
            "before it), so it has no Ollama template; write the Modelfile's TEMPLATE by hand."
        )
    turn = TurnTemplate(first=asked, later=two[len(answered) :], after=answered[len(asked) + len(_ANSWER) :])
    turns = [("first question", "first answer"), ("second question", "second answer"), ("third question", "")]
    chat = [{"role": "system", "content": "house rules"}]
    for user, reply in turns:
        chat += [{"role": "user", "content": user}] + ([{"role": "assistant", "content": reply}] if reply else [])
    if turn.render("house rules", turns) != render(chat, True):
        raise ExportError(
            "the chat template renders a three-turn chat unlike its turns put together, so Ollama's "
            "per-turn template would differ from training; write the Modelfile's TEMPLATE by hand."
        )
    if "{{" in turn.first + turn.later + turn.after or turn.first.count(_SYS) != 1 or turn.later.count(_USER2) != 1:
        raise ExportError(
            "the chat template's text cannot be written as an Ollama template (it holds '{{' or repeats "
            "a message); write the Modelfile's TEMPLATE by hand."
        )
    return turn


def stop_tokens(merged: Path) -> list[str]:
    """The tokens generation stops at (the merged model's generation config), as text."""
    from transformers import AutoTokenizer, GenerationConfig

    eos = GenerationConfig.from_pretrained(merged).eos_token_id
    ids = eos if isinstance(eos, list) else [eos]
    return list(
        dict.fromkeys(AutoTokenizer.from_pretrained(merged).convert_ids_to_tokens([i for i in ids if i is not None]))
    )


def write_modelfiles(
    cfg: Config, guide: BrandGuide, gguf: Path, merged: Path, out: Path, adds_bos: bool
) -> tuple[list[Path], list[str], TurnTemplate]:
    """A Modelfile per task (FROM the GGUF, TEMPLATE, stop tokens, the task's system prompt) and its command."""
    from transformers import AutoTokenizer

    turn = ollama_template(AutoTokenizer.from_pretrained(merged), strip_bos=adds_bos)
    stops = "".join(f"PARAMETER stop {_quote(s)}\n" for s in stop_tokens(merged))
    out.mkdir(parents=True, exist_ok=True)
    files, commands = [], []
    for task in cfg.prepare.tasks:
        path = out / f"Modelfile.{task}"
        path.write_text(
            f"# {model_name(cfg.project)}:{task}, exported by `savile export --format ollama`.\n"
            f"FROM {os.path.relpath(gguf, out)}\n"
            f"TEMPLATE {_quote(turn.go())}\n"
            f"SYSTEM {_quote(task_prompt(task, guide))}\n{stops}"
            "# Greedy, as `savile evaluate` and the export re-score decode.\nPARAMETER temperature 0\n",
            encoding="utf-8",
        )
        files.append(path)
        commands.append(f"ollama create {model_name(cfg.project)}-{task} -f {path}")
    return files, commands, turn


def _quote(text: str) -> str:
    """A Modelfile value in triple quotes, which keep newlines as they are."""
    if '"""' in text:
        raise ExportError(f'a Modelfile value holds \'"""\' ({text[:40]!r}); Ollama cannot quote it.')
    return f'"""{text}"""'
