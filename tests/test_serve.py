"""`savile serve` through the official openai client on loopback: completions, streams, mixed-adapter
batches, the auth and error matrix, and greedy answers equal to `savile evaluate`'s."""

from __future__ import annotations

import json
import threading

import httpx
import openai
import pytest
from conftest import random_llama
from serve_fixtures import TASK_PROMPTS, make_adapter, running, serve_config

from savile.serve import Gateway, create_app
from savile.serve.keys import add_key

USER = [{"role": "user", "content": "Write the product description for this piece.\nColour: ochre"}]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, tiny_model_dir, smollm2_dir):
    root = tmp_path_factory.mktemp("serve")
    make_adapter(root / "registry", "lirelle", tiny_model_dir, seed=1)
    make_adapter(root / "registry", "other", tiny_model_dir, seed=2, rank=8)
    alien_base = random_llama(root / "alien-base", smollm2_dir, hidden=64, seed=5)
    make_adapter(root / "registry", "alien", alien_base, seed=3)
    cfg = serve_config(root, tiny_model_dir, max_context=256)
    keys_file = cfg.path(cfg.serve.keys_file)
    keys = {
        "admin": add_key(keys_file, "ops", ["*"], admin=True),
        "a": add_key(keys_file, "brand-a", ["lirelle"]),
        "b": add_key(keys_file, "brand-b", ["other", "base"]),
        "slow": add_key(keys_file, "slow", ["base"], requests_per_minute=2),
    }
    gateway = Gateway.build(cfg)
    with running(create_app(gateway)) as url:
        yield {"url": url, "keys": keys, "gateway": gateway, "cfg": cfg, "root": root}


def client(setup, who: str = "admin") -> openai.OpenAI:
    return openai.OpenAI(base_url=setup["url"] + "/v1", api_key=setup["keys"][who], max_retries=0, timeout=60)


def ask(setup, model: str, who: str = "admin", **kw) -> openai.types.chat.ChatCompletion:
    return client(setup, who).chat.completions.create(model=model, messages=kw.pop("messages", USER), **kw)


def test_keys_are_stored_hashed(setup):
    text = setup["cfg"].path(setup["cfg"].serve.keys_file).read_text()
    assert all(k not in text for k in setup["keys"].values())
    assert text.count("sha256:") == 4


def test_plain_completion_counts_usage(setup):
    out = ask(setup, "lirelle", temperature=0, max_tokens=6)
    tokenizer = setup["gateway"].engine.tokenizer
    prompt = tokenizer.apply_chat_template(USER, add_generation_prompt=True, tokenize=True, return_dict=True)[
        "input_ids"
    ]
    assert out.model == "lirelle" and out.choices[0].message.role == "assistant"
    assert out.usage.prompt_tokens == len(prompt)
    assert 1 <= out.usage.completion_tokens <= 6 and out.usage.total_tokens == len(prompt) + out.usage.completion_tokens
    assert out.choices[0].finish_reason in ("stop", "length")
    assert (
        out.choices[0].message.content == ask(setup, "lirelle", temperature=0, max_tokens=6).choices[0].message.content
    )


def test_streamed_completion_adds_up_and_ends_with_done(setup):
    plain = ask(setup, "other", temperature=0, max_tokens=10)
    stream = client(setup).chat.completions.create(
        model="other", messages=USER, temperature=0, max_tokens=10, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == plain.choices[0].finish_reason
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == plain.usage.completion_tokens
    raw = httpx.post(
        setup["url"] + "/v1/chat/completions",
        timeout=60,
        headers={"Authorization": f"Bearer {setup['keys']['admin']}"},
        json={"model": "other", "messages": USER, "max_tokens": 3, "stream": True},
    )
    assert raw.headers["content-type"].startswith("text/event-stream")
    assert raw.text.rstrip().endswith("data: [DONE]")


def test_two_adapters_and_the_base_share_a_batch(setup):
    models = ["lirelle", "other", "base", "lirelle", "other", "base"]
    alone = {m: ask(setup, m, temperature=0, max_tokens=8).choices[0].message.content for m in set(models)}
    assert len(set(alone.values())) == 3, "each adapter must change the answer"
    before = _batches(setup)
    answers: dict[int, str] = {}

    def call(i: int, model: str) -> None:
        answers[i] = ask(setup, model, temperature=0, max_tokens=8).choices[0].message.content

    threads = [threading.Thread(target=call, args=(i, m)) for i, m in enumerate(models)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [answers[i] for i in range(len(models))] == [alone[m] for m in models]
    rows, batches = _batches(setup)
    assert rows - before[0] == len(models) and batches - before[1] < len(models), "the requests were never batched"


def _batches(setup) -> tuple[float, float]:
    text = httpx.get(setup["url"] + "/metrics", headers={"Authorization": f"Bearer {setup['keys']['admin']}"}).text
    values = {
        line.split()[0]: float(line.split()[1]) for line in text.splitlines() if line.startswith("savile_batch_rows_")
    }
    return values["savile_batch_rows_sum"], values["savile_batch_rows_count"]


def test_task_alias_answers_as_evaluate_does(setup, tiny_model_dir):
    """Greedy answers through the server equal evaluate's batched greedy generation on the same prompts."""
    from savile.evaluate.generate import generate
    from savile.evaluate.model import load_models
    from savile.records import TrainedModel

    trained = TrainedModel.load(setup["root"] / "registry" / "lirelle")
    models = load_models(trained)
    requests = [
        [{"role": "user", "content": f"Write the product description for this piece.\nColour: {c}"}]
        for c in ("ochre", "navy blue", "deep forest green", "red")
    ]
    tasks = ["describe", "describe", "support", "support"]
    expected = []
    for task in ("describe", "support"):
        chats = [
            [{"role": "system", "content": TASK_PROMPTS[task]}, *r]
            for r, t in zip(requests, tasks, strict=False)
            if t == task
        ]
        decoding = setup["gateway"].adapters["lirelle"].decoding[task]
        expected += generate(models.tuned, models.tokenizer, chats, decoding, batch_size=4, bf16=False)
    served = [
        ask(setup, f"lirelle:{t}", messages=r).choices[0].message.content for r, t in zip(requests, tasks, strict=False)
    ]
    assert served == expected
    assert any(served)


def test_seed_stop_and_sampling(setup):
    a = ask(setup, "base", temperature=1.0, top_p=0.9, seed=7, max_tokens=8).choices[0].message.content
    assert a == ask(setup, "base", temperature=1.0, top_p=0.9, seed=7, max_tokens=8).choices[0].message.content
    draws = {ask(setup, "base", temperature=1.5, seed=s, max_tokens=8).choices[0].message.content for s in range(4)}
    assert len(draws) > 1
    full = ask(setup, "lirelle", temperature=0, max_tokens=12).choices[0].message.content
    assert len(full) >= 8, full
    stop = full[len(full) // 2 : len(full) // 2 + 3]
    cut = ask(setup, "lirelle", temperature=0, max_tokens=12, stop=[stop, "never seen"])
    assert cut.choices[0].finish_reason == "stop"
    assert cut.choices[0].message.content == full[: full.index(stop)].rstrip()


def test_edge_values_in_a_batch_leave_its_other_rows_alone(setup):
    alone = ask(setup, "lirelle", "a", temperature=0, max_tokens=6).choices[0].message.content
    odd = [
        {"temperature": 1e-300, "seed": 2**64 - 1},
        {"temperature": 2.0, "top_p": 1e-9, "seed": -(2**63)},
        {"temperature": 0, "stop": ["\n", " ", "e", "a"]},
    ]
    answers: dict[int, object] = {}

    def call(i: int) -> None:
        kw = odd[i] if i < len(odd) else {"temperature": 0}
        answers[i] = ask(setup, "base" if i < len(odd) else "lirelle", "admin", max_tokens=6, **kw)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(odd) + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(answers[i].choices for i in range(len(odd)))
    assert answers[len(odd)].choices[0].message.content == alone


def test_models_lists_only_the_callers(setup):
    ids = lambda who: sorted(m.id for m in client(setup, who).models.list())  # noqa: E731
    assert ids("a") == ["lirelle", "lirelle:describe", "lirelle:support"]
    assert ids("b") == ["base", "other", "other:describe", "other:support"]
    assert "alien" not in ids("admin") and "alien" in setup["gateway"].refused


@pytest.mark.parametrize(
    ("who", "model", "error", "code"),
    [
        ("a", "other", openai.PermissionDeniedError, "model_not_allowed"),
        ("a", "base", openai.PermissionDeniedError, "model_not_allowed"),
        ("a", "lirelle:extract", openai.NotFoundError, "model_not_found"),
        ("a", "../lirelle", openai.NotFoundError, "model_not_found"),
        ("b", "nobody", openai.NotFoundError, "model_not_found"),
    ],
)
def test_model_errors(setup, who, model, error, code):
    with pytest.raises(error) as caught:
        ask(setup, model, who)
    assert caught.value.body["code"] == code and caught.value.body["type"]


def test_auth_errors(setup):
    for key in ("sk-savile-wrong", setup["keys"]["a"][:-1]):
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=setup["url"] + "/v1", api_key=key, max_retries=0).models.list()
    r = httpx.get(setup["url"] + "/v1/models")
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


def test_bad_bodies_get_400_and_the_server_survives(setup):
    headers = {"Authorization": f"Bearer {setup['keys']['b']}", "Content-Type": "application/json"}
    post = lambda body: httpx.post(setup["url"] + "/v1/chat/completions", content=body, headers=headers)  # noqa: E731
    for body in (
        b"{not json",
        b"[]",
        b'{"model": "base"}',
        b'{"model": "base", "messages": [{"role": "robot", "content": "x"}]}',
        json.dumps({"model": "base", "messages": USER, "temperature": 9}).encode(),
        json.dumps({"model": "base", "messages": USER, "max_tokens": -1}).encode(),
        "\udcff".encode("utf-8", "surrogatepass"),
        b"\xff\xfe{",
        b'{"model": "\xff"}',
        b"[" * 200_000,
        json.dumps({"model": "base", "messages": USER, "seed": 2**64}).encode(),
    ):
        r = post(body)
        assert r.status_code == 400, body
        assert set(r.json()["error"]) == {"message", "type", "param", "code"}
    with pytest.raises(openai.BadRequestError) as caught:
        ask(setup, "base", "b", messages=[{"role": "user", "content": "word " * 300}])
    assert caught.value.body["code"] == "context_length_exceeded"
    with pytest.raises(openai.BadRequestError):
        ask(setup, "base", "b", max_tokens=250)  # prompt + 250 > max_context 256
    r = post(json.dumps({"model": "base", "messages": [{"role": "user", "content": "x" * 1_100_000}]}).encode())
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    assert httpx.get(setup["url"] + "/health").json() == {"status": "ok"}
    assert ask(setup, "base", "b", max_tokens=2).choices


def test_rate_limit_says_when_to_retry(setup):
    c = client(setup, "slow")
    c.models.list()
    c.models.list()
    with pytest.raises(openai.RateLimitError) as caught:
        c.models.list()
    assert 1 <= int(caught.value.response.headers["Retry-After"]) <= 61
    client(setup, "b").models.list()  # another key is not limited by it


def test_admin_loads_and_unloads_adapters(setup):
    url, keys = setup["url"] + "/admin/adapters", setup["keys"]
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    assert httpx.post(url + "/lirelle", headers={"Authorization": f"Bearer {keys['a']}"}).status_code == 403
    assert httpx.post(url + "/lirelle").status_code == 401
    # Percent-encoded so that the client sends them as they are, as an attacker would.
    for name in ("%2e%2e", "..%2F..%2Fetc", "%2Fetc%2Fpasswd", "/tmp/x", "a..b", "lirelle:describe"):
        r = httpx.post(f"{url}/{name}", headers=admin)
        assert r.status_code == 400 and "is not allowed" in r.json()["error"]["message"], name
    r = httpx.post(url + "/alien", headers=admin)
    assert r.status_code == 400 and "trained on base" in r.json()["error"]["message"]
    assert httpx.post(url + "/missing", headers=admin).status_code == 404
    assert httpx.delete(url + "/other", headers=admin).json() == {"unloaded": "other"}
    with pytest.raises(openai.NotFoundError):
        ask(setup, "other", "b")
    r = httpx.post(url + "/other", headers=admin)
    assert r.status_code == 200 and r.json()["tasks"] == ["describe", "support"] and r.json()["rank"] == 8
    assert ask(setup, "other", "b", max_tokens=2).choices


def test_metrics_are_prometheus_text_by_model(setup):
    from prometheus_client.parser import text_string_to_metric_families

    ask(setup, "lirelle", "a", max_tokens=2)
    assert (
        httpx.get(setup["url"] + "/metrics", headers={"Authorization": f"Bearer {setup['keys']['a']}"}).status_code
        == 403
    )
    text = httpx.get(setup["url"] + "/metrics", headers={"Authorization": f"Bearer {setup['keys']['admin']}"}).text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    ok = [s for s in families["savile_requests"].samples if s.labels == {"model": "lirelle", "status": "200"}]
    assert ok and ok[0].value >= 1
    assert any(s.labels.get("model") == "lirelle" for s in families["savile_time_to_first_token_seconds"].samples)
    assert any(s.labels.get("model") == "lirelle" and s.value > 0 for s in families["savile_completion_tokens"].samples)
