"""What a user sees in the terminal: progress while generating, tables that fit 80 columns, no library noise."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import warnings

from rich.console import Console

from savile.evaluate.score import METRICS
from savile.library_noise import quiet_libraries
from savile.records.evaluation import MetricMean, TaskStatistics
from savile.records.grid import DomainScore, GridCell, TaskMean
from savile.report.terminal import compare_tables, metric_tables

SYSTEMS = ["base", "few_shot", "rag", "tuned", "tuned_rag"]


def _rendered(tables) -> list[str]:
    console = Console(width=80, record=True, file=open("/dev/null", "w"))
    for table in tables:
        console.print(table)
    return console.export_text().splitlines()


def test_metric_tables_fit_80_columns_with_every_name_whole():
    mean = MetricMean(mean=0.123, ci_low=0.1, ci_high=0.2, n=48)
    metrics = {
        task: TaskStatistics(
            main=names[0][0],
            n_items=48,
            best="tuned",
            means={s: {m: mean for m, _, _ in names} for s in SYSTEMS},
            ladder={},
        )
        for task, names in METRICS.items()
    }
    lines = _rendered(metric_tables(metrics))
    assert max(map(len, lines)) <= 80
    text = "\n".join(lines)
    assert "…" not in text
    assert all(m in text for names in METRICS.values() for m, _, _ in names) and all(s in text for s in SYSTEMS)


def test_compare_tables_fit_80_columns():
    cell = GridCell(
        model="smollm2-135m-instruct",
        technique="lora+rag",
        domain=DomainScore(mean=0.5, ci_low=0.4, ci_high=0.6),
        tasks={t: TaskMean(metric="m", mean=0.25, ci_low=0.2, ci_high=0.3, n=48) for t in METRICS},
        generate_seconds={},
        system="tuned_rag",
        params=134_515_008,
        train_seconds=1234.0,
        train_tokens=63_805,
        artefact_bytes=18_000_000,
        seconds_per_answer=0.42,
        latency_seconds=3.2,
    )
    other = dataclasses.replace(cell, model="gemma3-270m", technique="qlora")
    lines = _rendered(compare_tables([cell, other], items_per_task=48))
    assert max(map(len, lines)) <= 80 and "…" not in "\n".join(lines)
    assert "smollm2-135m-instruct" in "\n".join(lines) and "latency s" in "\n".join(lines)


def test_generation_shows_progress_per_system_and_task(tiny_model_dir, capsys):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from savile.config import DecodingSettings
    from savile.evaluate.generate import generate

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    chats = [[{"role": "user", "content": f"Describe bag {i}."}] for i in range(3)]
    answers = generate(
        model,
        tokenizer,
        chats,
        DecodingSettings(max_new_tokens=2),
        batch_size=2,
        bf16=False,
        label="describe: few_shot",
    )
    assert len(answers) == 3
    err = capsys.readouterr().err
    assert "describe: few_shot" in err and "3/3" in err and "eta" in err


def test_library_noise_is_dropped_and_other_warnings_kept():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_libraries()
        warnings.warn_explicit("a future API", FutureWarning, "utils.py", 1, module="transformers.generation.utils")
        warnings.warn_explicit("something real", UserWarning, "utils.py", 1, module="transformers.generation.utils")
    assert [str(w.message) for w in caught] == ["something real"]


def test_bitsandbytes_kernels_notice_is_silenced():
    def stderr_of(code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stderr

    loud = stderr_of("import bitsandbytes")
    quiet = stderr_of("from savile.library_noise import quiet_libraries; quiet_libraries(); import bitsandbytes")
    if "kernels" in loud:  # printed only on CPUs with AVX-512 BF16, where bitsandbytes looks for that kernel
        assert "kernels" not in quiet
    assert "Error" not in quiet
