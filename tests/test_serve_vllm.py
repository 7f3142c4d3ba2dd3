"""`savile serve --engine vllm`: the exact `vllm serve` command, what vLLM cannot load, and the gateway in
front of an upstream OpenAI-compatible engine (here a second Savile server; vLLM itself needs a GPU)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import openai
import pytest
from serve_fixtures import TASK_PROMPTS, make_adapter, running, serve_config

from savile.config import ServeSettings
from savile.errors import ServeError
from savile.serve import Gateway, create_app
from savile.serve.keys import KeyStore, add_key
from savile.serve.metrics import ServeMetrics
from savile.serve.registry import Registry
from savile.serve.vllm import UpstreamEngine, require_vllm, vllm_command

USER = [{"role": "user", "content": "Where is my order?"}]


@pytest.fixture(scope="module")
def registry(tmp_path_factory, tiny_model_dir):
    root = tmp_path_factory.mktemp("vllm")
    make_adapter(root / "registry", "lirelle", tiny_model_dir, seed=1, rank=4)
    make_adapter(root / "registry", "other", tiny_model_dir, seed=2, rank=24)
    make_adapter(root / "registry", "heads", tiny_model_dir, seed=3, modules_to_save=["lm_head"])
    return root, Registry(root / "registry", str(tiny_model_dir), tiny_model_dir)


def test_the_command_serves_every_adapter_with_the_rank_vllm_needs(registry, tiny_model_dir):
    _, reg = registry
    adapters = [reg.read("lirelle"), reg.read("other")]
    cmd = vllm_command(tiny_model_dir, adapters, ServeSettings(vllm_port=9100, vllm_args=["--dtype", "bfloat16"]), "k")
    assert cmd[:3] == ["vllm", "serve", str(tiny_model_dir)]
    flag = lambda name: cmd[cmd.index(name) + 1]  # noqa: E731
    assert "--enable-lora" in cmd and flag("--max-lora-rank") == "32"  # 24 rounded up to a rank vLLM accepts
    assert flag("--max-loras") == "2" and flag("--port") == "9100" and flag("--host") == "127.0.0.1"
    modules = cmd[cmd.index("--lora-modules") + 1 : cmd.index("--lora-modules") + 3]
    assert modules == [f"lirelle={adapters[0].adapter_dir}", f"other={adapters[1].adapter_dir}"]
    assert flag("--api-key") == "k" and cmd[-2:] == ["--dtype", "bfloat16"]
    assert "--enable-lora" not in vllm_command(tiny_model_dir, [], ServeSettings(), "k")


def test_what_vllm_cannot_load_is_refused_with_what_to_do(registry, tiny_model_dir):
    _, reg = registry
    with pytest.raises(ServeError, match="trains whole modules"):  # PEFT cannot mix it in a batch either
        reg.read("heads")
    big = reg.read("lirelle")
    heads = type(big)(**{**big.__dict__, "config": {**big.config, "modules_to_save": ["lm_head"]}})
    with pytest.raises(ServeError, match="trains whole modules"):
        vllm_command(tiny_model_dir, [heads], ServeSettings(), "k")
    big = type(big)(**{**big.__dict__, "rank": 1024})
    with pytest.raises(ServeError, match="above vLLM's limit of 512"):
        vllm_command(tiny_model_dir, [big], ServeSettings(), "k")
    dora = type(big)(**{**big.__dict__, "rank": 8, "config": {**big.config, "use_dora": True}})
    with pytest.raises(ServeError, match="DoRA"):
        vllm_command(tiny_model_dir, [dora], ServeSettings(), "k")


@pytest.mark.skipif(shutil.which("vllm") is not None, reason="vLLM is installed here")
def test_engine_vllm_without_vllm_exits_2_naming_the_fix(registry, tiny_model_dir):
    root, _ = registry
    with pytest.raises(ServeError, match="pip install vllm"):
        require_vllm()
    cfg = serve_config(root, tiny_model_dir)
    add_key(cfg.path(cfg.serve.keys_file), "ops", ["*"], admin=True)
    config = root / "savile.yaml"
    config.write_text(cfg.model_dump_json(exclude={"root"}, by_alias=True), encoding="utf-8")  # JSON is YAML
    proc = subprocess.run(
        [sys.executable, "-m", "savile", "serve", str(config), "--engine", "vllm"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2 and "vLLM" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_the_gateway_keeps_keys_and_aliases_in_front_of_an_upstream_engine(registry, tiny_model_dir):
    root, reg = registry
    upstream_cfg = serve_config(root / "upstream", tiny_model_dir, registry=str(root / "registry"))
    upstream_key = add_key(upstream_cfg.path(upstream_cfg.serve.keys_file), "gateway", ["*"])
    front_cfg = serve_config(root / "front", tiny_model_dir)
    brand_key = add_key(front_cfg.path(front_cfg.serve.keys_file), "brand", ["lirelle"])
    upstream = Gateway.build(upstream_cfg)
    assert set(upstream.refused) == {"heads"} and set(upstream.adapters) == {"lirelle", "other"}
    with running(create_app(upstream)) as upstream_url:
        engine = UpstreamEngine(upstream_url, upstream_key, tiny_model_dir, [reg.read("lirelle")], "base")
        front = Gateway(
            front_cfg, KeyStore.load(front_cfg.path(front_cfg.serve.keys_file)), reg, engine, ServeMetrics()
        )
        with running(create_app(front)) as front_url:
            brand = openai.OpenAI(base_url=front_url + "/v1", api_key=brand_key, max_retries=0, timeout=60)
            direct = openai.OpenAI(base_url=upstream_url + "/v1", api_key=upstream_key, max_retries=0, timeout=60)
            via = brand.chat.completions.create(model="lirelle", messages=USER, temperature=0, max_tokens=8)
            same = direct.chat.completions.create(model="lirelle", messages=USER, temperature=0, max_tokens=8)
            assert via.choices[0].message.content == same.choices[0].message.content
            assert via.usage.completion_tokens == same.usage.completion_tokens and via.model == "lirelle"
            streamed = brand.chat.completions.create(model="lirelle:support", messages=USER, max_tokens=6, stream=True)
            prompted = direct.chat.completions.create(
                model="lirelle",
                max_tokens=6,
                temperature=0,
                messages=[{"role": "system", "content": TASK_PROMPTS["support"]}, *USER],
            )
            text = "".join(c.choices[0].delta.content or "" for c in streamed if c.choices)
            assert text == prompted.choices[0].message.content, "the alias's trained system prompt reached the engine"
            with pytest.raises(openai.PermissionDeniedError):
                brand.chat.completions.create(model="base", messages=USER)
            assert [m.id for m in brand.models.list()] == ["lirelle", "lirelle:describe", "lirelle:support"]


def test_savile_key_prints_a_key_once_and_serve_without_keys_names_the_command(tmp_path, tiny_model_dir):
    cfg = serve_config(tmp_path, tiny_model_dir)
    config = tmp_path / "savile.yaml"
    config.write_text(cfg.model_dump_json(exclude={"root"}, by_alias=True), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "savile", "serve", str(config)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2 and "savile key" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "savile",
            "key",
            str(config),
            "web",
            "--allow",
            "lirelle",
            "--requests-per-minute",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    key = proc.stdout.split()[-1]
    entry = KeyStore.load(cfg.path(cfg.serve.keys_file)).lookup(key)
    assert entry.name == "web" and entry.allow == ("lirelle",) and entry.requests_per_minute == 30 and not entry.admin
    assert key not in cfg.path(cfg.serve.keys_file).read_text()
    again = subprocess.run([sys.executable, "-m", "savile", "key", str(config), "web"], capture_output=True, text=True)
    assert again.returncode == 2 and "exists" in again.stderr
