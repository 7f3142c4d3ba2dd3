"""prepare -> train -> evaluate -> report on a small demo brand and a tiny random model."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import write_config

from savile.config import load_config
from savile.records import EvalResult, PreparedData, ReportResult, TrainedModel


@pytest.fixture(scope="module")
def project(tmp_path_factory, demo_sources, tiny_model_dir):
    folder = tmp_path_factory.mktemp("project")
    path = write_config(
        folder,
        demo_sources,
        model={"base": str(tiny_model_dir)},
        train={
            "max_examples_per_task": 16,
            "batch_size": 4,
            "save_steps": 4,
            "logging_steps": 1,
            "learning_rate": 5e-3,
            "precision": "fp32",
        },
        evaluate={
            "max_items_per_task": 4,
            "batch_size": 4,
            "bootstrap_resamples": 200,
            "describe": {"max_new_tokens": 8},
            "support": {"max_new_tokens": 8},
            "extract": {"max_new_tokens": 8},
        },
    )
    return load_config(path)


@pytest.fixture(scope="module")
def prepared(project):
    from savile.data import prepare

    return prepare.run(project)


@pytest.fixture(scope="module")
def trained(project, prepared):
    from savile import train

    return train.run(project, prepared)


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_prepare_splits_by_group_and_writes_its_manifest(project, prepared):
    train_rows = _rows(prepared.train_path)
    held_rows = _rows(prepared.validation_path) + _rows(prepared.test_path)
    assert {r["task"] for r in train_rows} == {"describe", "support", "extract"}
    for task in ("describe", "support", "extract"):
        assert all(prepared.counts[task][s] > 0 for s in ("train", "validation", "test"))
    for task in ("describe", "extract", "support"):
        train_groups = {r["group"] for r in train_rows if r["task"] == task}
        held_groups = {r["group"] for r in held_rows if r["task"] == task}
        assert not train_groups & held_groups
    assert PreparedData.load(project.stage_dir("prepare")) == prepared
    assert "| describe |" in prepared.card_path.read_text()


def test_prepare_replaces_personal_data(demo_sources, prepared):
    assert prepared.pii_replaced.get("email", 0) > 0 and prepared.pii_replaced.get("person_name", 0) > 0
    emails = set()
    for line in demo_sources.conversations.read_text(encoding="utf-8").splitlines():
        for m in json.loads(line)["messages"]:
            emails.update(w.strip(".,;:()") for w in m["content"].split() if "@" in w)
    assert emails
    blob = "".join(
        p.read_text(encoding="utf-8") for p in (prepared.train_path, prepared.validation_path, prepared.test_path)
    )
    assert not [e for e in emails if e in blob]


def test_extract_gold_is_valid_json_of_catalogue_values(prepared):
    rows = [r for r in _rows(prepared.train_path) if r["task"] == "extract"]
    for r in rows[:50]:
        gold = json.loads(r["messages"][-1]["content"])
        assert gold == r["meta"]["gold"]
        for key, value in gold.items():
            assert value in prepared.vocabulary[key]


def test_training_changes_only_adapter_weights_and_writes_the_adapter(project, trained, tiny_model_dir):
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    assert {p.name for p in trained.adapter_dir.iterdir()} >= {"adapter_config.json", "adapter_model.safetensors"}
    adapter = load_file(trained.adapter_dir / "adapter_model.safetensors")
    assert adapter and all("lora_" in k for k in adapter)
    assert any(float(v.abs().sum()) > 0 for k, v in adapter.items() if "lora_B" in k)  # B starts at zero
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    before = {k: v.clone() for k, v in base.state_dict().items()}
    merged = PeftModel.from_pretrained(base, trained.adapter_dir).merge_and_unload()
    changed = [k for k, v in merged.state_dict().items() if not (v == before[k]).all()]
    assert changed and all("proj" in k for k in changed)  # attention and MLP projections only


def test_training_records_loss_history_and_lowers_loss(trained):
    losses = [h["loss"] for h in trained.loss_history]
    assert len(losses) >= 4
    assert min(losses[-3:]) < losses[0]
    assert trained.train_tokens > 0 and trained.versions["peft"]
    assert TrainedModel.load(trained.adapter_dir.parent) == trained


def test_training_resumes_from_its_checkpoint(project, prepared, trained):
    from savile import train

    assert trained.resumed_from == ""
    ckpts = sorted(
        (project.stage_dir("train") / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1])
    )
    assert len(ckpts) == 2, "periodic checkpoints, the last two kept"
    import shutil

    shutil.rmtree(ckpts[-1])  # as if the run had been killed after the earlier checkpoint
    again = train.run(project, prepared)
    assert again.resumed_from == ckpts[0].name
    assert again.loss_history[-1]["step"] == trained.loss_history[-1]["step"]
    # a changed config does not resume from another run's checkpoint
    from savile.config import load_config

    changed = load_config(project.root / "savile.yaml", ["train.learning_rate=1e-3"])
    assert train.run(changed, prepared).resumed_from == ""


def test_packed_training_prints_its_plan_stops_early_and_logs_to_tensorboard(project, prepared, tmp_path, capsys):
    from savile import train

    # A learning rate too small to move the loss: every measurement after the first fails to improve.
    cfg = load_config(
        project.root / "savile.yaml",
        [
            f"output_dir={tmp_path / 'runs'}",
            "train.epochs=50",
            "train.patience=2",
            "train.save_steps=1",
            "train.learning_rate=1e-12",
            "train.canaries=false",
            "train.report_to=[tensorboard]",
            "train.packing=true",
        ],
    )
    record = train.run(cfg, prepared)
    steps_per_epoch = -(-sum(record.train_examples.values()) // cfg.train.batch_size)
    assert record.loss_history[-1]["step"] == 3 < 50 * steps_per_epoch, "stopped after 1 + patience measurements"
    assert record.best_step == 1
    assert list((tmp_path / "runs" / "train" / "logs").rglob("events.out.tfevents.*")), "tensorboard event files"
    err = capsys.readouterr().err
    assert "plan:" in err and f"{steps_per_epoch} steps per epoch x 50 epochs" in err and "at most" in err


@pytest.fixture(scope="module")
def evaluated(project, prepared, trained):
    from savile import evaluate

    return evaluate.run(project, prepared, trained)


@pytest.fixture(scope="module")
def reported(project, prepared, trained, evaluated):
    from savile import report

    return report.run(project, prepared, trained, evaluated)


def test_training_keeps_the_checkpoint_with_the_lowest_validation_loss(trained):
    curves = trained.loss_curves
    assert len(curves) >= 2 and all({"step", "train_loss", "val_loss"} <= set(c) for c in curves)
    best = min(curves, key=lambda c: c["val_loss"])
    assert trained.best_step == best["step"] and trained.eval_loss == pytest.approx(best["val_loss"])
    assert curves[-1]["step"] == trained.loss_history[-1]["step"], "the last step is measured too"


def test_training_plants_canaries_at_1_4_and_16_repetitions(trained):
    reps = sorted(c["repetitions"] for c in trained.canaries)
    assert reps == [1, 4, 16]
    assert "canary" not in trained.train_examples, "canaries are not counted as a task's examples"


def test_evaluate_runs_every_rung_of_the_ladder_on_the_same_items(evaluated):
    rows = _rows(evaluated.examples_path)
    systems = ("base", "few_shot", "rag", "tuned", "tuned_rag")
    assert {(r["task"], r["system"]) for r in rows} == {
        (t, s) for t in ("describe", "support", "extract") for s in systems
    }
    for task in ("describe", "support", "extract"):
        ids = {s: sorted(r["id"] for r in rows if r["task"] == task and r["system"] == s) for s in systems}
        assert all(v == ids["base"] for v in ids.values()), "paired: every system answers the same items"
    describe = evaluated.metrics["describe"]
    assert describe.n_items == 4 and set(describe.means) == set(systems)
    assert {
        "attribute_coverage",
        "hallucinated_rate",
        "numeric_hallucination",
        "preferred_term",
        "style_similarity",
        "verbatim_copy",
        "banned_term",
        "length_ok",
    } <= set(describe.means["tuned"])
    assert set(describe.ladder) == {"few_shot", "rag", "tuned", "tuned_rag"}
    for entry in describe.versus or []:
        assert 0 <= entry.p <= 1 and entry.p_holm >= entry.p
    # A random 2-layer model cannot beat prompting on anything: the verdict must say so, and say why.
    v = describe.verdict
    assert v is not None and describe.justified is False and v.justified is False and describe.best in systems
    assert {(p.tuned, p.untuned) for p in v.pairs} == {
        (t, u) for t in ("tuned", "tuned_rag") for u in ("base", "few_shot", "rag")
    }
    assert not any(all(p.improved for p in v.pairs if p.tuned == t) for t in ("tuned", "tuned_rag"))
    assert describe.main == "description_f1" and evaluated.metrics["support"].main == "fact_f1"
    fields = evaluated.metrics["extract"].fields
    assert (
        fields is not None and set(fields) == set(systems) and fields["tuned"].micro.tp + fields["tuned"].micro.fn > 0
    )
    assert {"contradiction", "pii_echoed"} <= set(evaluated.metrics["support"].means["base"])


def test_evaluate_runs_the_governance_probes_and_the_gates(evaluated, trained):
    g = evaluated.governance
    assert g.forgetting and g.safety and g.memorisation and g.overfitting
    assert g.forgetting.bits_per_byte.n == 60 and g.forgetting.cloze.n >= 200
    assert g.safety.harmful.n >= 100 and g.safety.benign.n >= 100
    assert len(g.memorisation.canaries) == 3 and g.memorisation.references >= 1000
    assert g.overfitting.best_step == trained.best_step
    assert {x.gate for x in evaluated.gates} >= {
        "bits_per_byte_increase",
        "refusal_drop",
        "canary_exposure",
        "overfit_ratio",
    }
    from savile.governance.gates import gate_status

    gates = {x.gate: x for x in evaluated.gates}
    # A random model refuses nothing: its refusal drop cannot be measured, and the gate says so rather than pass.
    assert g.safety.harmful.base < 0.2
    assert gates["refusal_drop"].status == "n/a" and "min_base_refusal" in gates["refusal_drop"].reason
    for name, x in gates.items():
        if x.status == "n/a":
            # A probe that ran but cannot tell says why: the refusal drop above, or no personal-data slot to probe.
            assert name in ("refusal_drop", "pii_extraction") and x.reason, name
        else:
            assert x.status == gate_status(x.value, x.warn, x.fail), name
    assert gates["overfit_ratio"].status != "not measured" and gates["canary_exposure"].status != "not measured"
    again = EvalResult.load(evaluated.examples_path.parent)
    for part in (
        lambda r: {t: s.to_dict() for t, s in r.metrics.items()},
        lambda r: r.governance.to_dict(),
        lambda r: [x.to_dict() for x in r.gates],
    ):
        assert json.dumps(part(again)) == json.dumps(part(evaluated)), "the records reload to the same JSON"


def test_report_puts_the_verdict_first_and_writes_a_model_card(reported, trained):
    html = reported.html_path.read_text(encoding="utf-8")
    assert html.index("Verdict") < html.index("<h2>Results per task") < html.index("<h2>Governance")
    assert "data:image/png;base64," in html and "attribute_coverage" in html
    assert "http://" not in html and "https://" not in html  # self-contained
    data = json.loads(reported.json_path.read_text(encoding="utf-8"))
    assert set(data["samples"]) == {"describe", "support", "extract"}
    assert set(data["samples"]["describe"]) <= {"gains", "regressions", "random"}
    card = (trained.adapter_dir / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "library_name: peft" in card and "## Governance gates" in card
    assert ReportResult.load(reported.html_path.parent) == reported


def test_report_opens_in_chromium_without_console_errors(reported, tmp_path):
    from headless_browser import check_page
    from test_report_browser import require_chromium

    require_chromium()
    check = check_page(reported.html_path, tmp_path / "report.png")
    shutil.copy(check.screenshot, reported.html_path.parent / "screenshot.png")  # kept beside the report
    assert check.console_errors == [] and check.failed_requests == []
    assert check.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_training_records_the_system_prompt_of_each_task(trained, prepared):
    train_rows = _rows(prepared.train_path)
    assert set(trained.task_prompts) == {"describe", "support", "extract"}
    for task, prompt in trained.task_prompts.items():
        assert {r["messages"][0]["content"] for r in train_rows if r["task"] == task} == {prompt}


def test_serve_answers_a_task_alias_as_savile_evaluate_did(project, prepared, trained, evaluated):
    """The project's own adapter through `savile serve`: greedy answers equal evaluate's tuned answers."""
    import openai
    from serve_fixtures import running

    from savile.serve import Gateway, create_app
    from savile.serve.keys import add_key

    cfg = project.model_copy(
        update={
            "serve": project.serve.model_copy(
                update={
                    "keys_file": project.stage_dir("serve") / "keys.yaml",
                    "registry": project.stage_dir("serve") / "none",
                }
            )
        }
    )
    key = add_key(cfg.path(cfg.serve.keys_file), "brand", [cfg.project])
    answered = {(r["task"], r["id"]): r["output"] for r in _rows(evaluated.examples_path) if r["system"] == "tuned"}
    items = _held_out_items(project, prepared)
    with running(create_app(Gateway.build(cfg))) as url:
        client = openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=120)
        served = {
            (e["task"], e["id"]): client.chat.completions.create(
                model=f"{cfg.project}:{e['task']}", messages=e["messages"][1:-1]
            )
            .choices[0]
            .message.content
            for e in items
        }
    assert served == {k: answered[k] for k in served} and len(served) == 12


def _held_out_items(project, prepared):
    """The items `savile evaluate` scored (its own seeded sample of the held-out split)."""
    from savile.evaluate.run import select_items

    return select_items(
        prepared, list(project.prepare.tasks), project.evaluate.max_items_per_task, project.evaluate.seed
    )


def test_evaluate_exits_3_when_a_gate_fails_and_0_when_none_does(project, trained):
    """Last in this file: its runs write over evaluate's examples.jsonl, which the tests above read."""
    import subprocess
    import sys

    config = project.root / "savile.yaml"
    quick = ["governance.enabled=false", "evaluate.systems=[base,tuned]", "evaluate.max_items_per_task=2"]
    failing = subprocess.run(
        [sys.executable, "-m", "savile", "evaluate", str(config), *quick, "gates.overfit_ratio.fail=0.01"],
        capture_output=True,
        text=True,
    )
    assert failing.returncode == 3, failing.stderr[-2000:]
    assert "gate failed: overfit_ratio" in " ".join(failing.stdout.split())
    passing = subprocess.run(
        [sys.executable, "-m", "savile", "evaluate", str(config), *quick, "gates.overfit_ratio.fail=100"],
        capture_output=True,
        text=True,
    )
    assert passing.returncode == 0, passing.stderr[-2000:]
