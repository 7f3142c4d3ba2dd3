"""The HTTP layer of `savile serve`: OpenAI's routes, the admin routes, health and metrics.

    app = create_app(gateway)             # FastAPI; uvicorn runs it (serve.run)

Routes: GET /health; GET /metrics (admin); GET /v1/models; POST /v1/chat/completions (plain, or
server-sent events with `stream: true`, ending in `data: [DONE]`); GET /admin/adapters; POST and
DELETE /admin/adapters/{name} (admin). Every error is OpenAI's JSON error shape with its status.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from savile.errors import ServeError
from savile.serve.gateway import Gateway, Plan
from savile.serve.rows import Job
from savile.serve.shapes import ApiError, ChatRequest, chunk, completion, error_body, new_chunk_id, sse, usage

__all__ = ["create_app"]

log = logging.getLogger("savile.serve")


def create_app(gateway: Gateway) -> FastAPI:
    """The FastAPI app of `savile serve` over `gateway`: OpenAI's chat and model routes, the admin routes, /metrics.

    The gateway's engine starts with the app and stops when it shuts down.
    """
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        gateway.engine.start()
        yield
        gateway.engine.stop()

    app = FastAPI(title="Savile", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    _errors(app)
    _routes(app, gateway)
    _admin_routes(app, gateway)
    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return JSONResponse(error_body(exc.status, exc.message, exc.code, exc.param), exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = (
            "no such route; see /v1/models and /v1/chat/completions." if exc.status_code == 404 else str(exc.detail)
        )
        return JSONResponse(error_body(exc.status_code, message), exc.status_code)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)  # the detail stays in the log, never in the answer
        return JSONResponse(error_body(500, "internal error; the server log has the detail."), 500)


def _routes(app: FastAPI, gateway: Gateway) -> None:
    @app.get("/health")
    async def health():
        return {"status": "ok"}

    @app.get("/metrics")
    async def metrics(request: Request):
        gateway.require_admin(gateway.authenticate(request.headers.get("authorization")))
        body, content_type = gateway.metrics.text()
        return Response(body, media_type=content_type)

    @app.get("/v1/models")
    async def models(request: Request):
        key = gateway.authenticate(request.headers.get("authorization"))
        gateway.limiter.check(key)
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "savile"} for m in gateway.visible_models(key)]
        return {"object": "list", "data": data}

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        started = time.perf_counter()
        key = gateway.authenticate(request.headers.get("authorization"))
        gateway.limiter.check(key)
        req = _parse(await _body(request, gateway.cfg.serve.max_body_bytes))
        label = req.model if req.model in gateway.visible_models(key) else "other"
        try:
            plan = gateway.plan(key, req)
        except ApiError as exc:
            gateway.metrics.finished(label, exc.status, time.perf_counter() - started)
            raise
        events: asyncio.Queue = asyncio.Queue()
        job = _job(plan, req, _emitter(events, asyncio.get_running_loop()))
        gateway.engine.submit(job)
        if req.stream:
            include = bool(req.stream_options and req.stream_options.include_usage)
            return StreamingResponse(
                _stream(gateway, plan, job, events, include, started), media_type="text/event-stream"
            )
        return await _complete(gateway, plan, job, events, started)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past `limit` bytes (by the declared length or while reading)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(
            413,
            f"request body of {declared} bytes is over the limit of {limit} (serve.max_body_bytes).",
            "request_too_large",
        )
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > limit:
            raise ApiError(
                413, f"request body is over the limit of {limit} bytes (serve.max_body_bytes).", "request_too_large"
            )
    return bytes(body)


def _parse(body: bytes) -> ChatRequest:
    try:
        return ChatRequest.model_validate(json.loads(body))
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"the body is not valid JSON ({exc.msg} at character {exc.pos}).", "invalid_json") from None
    except RecursionError:
        raise ApiError(400, "the body's JSON is nested too deeply.", "invalid_json") from None
    except UnicodeDecodeError as exc:
        raise ApiError(
            400, f"the body is not UTF-8 text (byte {exc.start}); send JSON in UTF-8.", "invalid_json"
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ApiError(400, f"{where}: {first['msg']}.", "invalid_request", where) from None


def _emitter(events: asyncio.Queue, loop: asyncio.AbstractEventLoop):
    """Hand the engine thread's events to this request's queue; a loop already closed (the server is
    stopping) drops them, so the engine thread never fails on a request that is gone."""

    def emit(event: tuple) -> None:
        try:
            loop.call_soon_threadsafe(events.put_nowait, event)
        except RuntimeError:
            pass

    return emit


def _job(plan: Plan, req: ChatRequest, emit) -> Job:
    d = plan.decoding
    return Job(
        adapter=plan.target.adapter,
        prompt_ids=plan.prompt_ids,
        max_tokens=plan.max_tokens,
        emit=emit,
        messages=plan.messages,
        temperature=plan.temperature,
        top_p=plan.top_p,
        seed=req.seed,
        stop=list(req.stop or []),
        no_repeat_ngram_size=d.no_repeat_ngram_size if d else 0,
        repetition_penalty=d.repetition_penalty if d else 1.0,
    )


async def _complete(gateway: Gateway, plan: Plan, job: Job, events: asyncio.Queue, started: float):
    first = None
    try:
        while True:
            ev = await events.get()
            if ev[0] == "delta" and first is None:
                first = time.perf_counter()
                gateway.metrics.first_token.labels(plan.model).observe(first - started)
            elif ev[0] == "error":
                gateway.metrics.finished(plan.model, ev[1], time.perf_counter() - started)
                raise ApiError(ev[1], ev[2], "engine_error" if ev[1] >= 500 else "model_not_found")
            elif ev[0] == "done":
                _, reason, prompt, produced, text = ev
                gateway.metrics.finished(plan.model, 200, time.perf_counter() - started, prompt, produced)
                return completion(plan.model, text, reason, prompt, produced)
    except asyncio.CancelledError:  # the client went away: free its row
        job.cancelled = True
        raise


async def _stream(
    gateway: Gateway, plan: Plan, job: Job, events: asyncio.Queue, include_usage: bool, started: float
) -> AsyncIterator[str]:
    cid, first = new_chunk_id(), None
    try:
        yield sse(chunk(cid, plan.model, {"role": "assistant", "content": ""}))
        while True:
            ev = await events.get()
            if ev[0] == "delta":
                if first is None:
                    first = time.perf_counter()
                    gateway.metrics.first_token.labels(plan.model).observe(first - started)
                yield sse(chunk(cid, plan.model, {"content": ev[1]}))
            elif ev[0] == "error":
                gateway.metrics.finished(plan.model, ev[1], time.perf_counter() - started)
                yield sse(error_body(ev[1], ev[2], "engine_error"))
                break
            else:
                _, reason, prompt, produced, _text = ev
                gateway.metrics.finished(plan.model, 200, time.perf_counter() - started, prompt, produced)
                yield sse(chunk(cid, plan.model, {}, reason))
                if include_usage:
                    yield sse(chunk(cid, plan.model, None, use=usage(prompt, produced)))
                break
        yield sse("[DONE]")
    finally:
        if not job.done:
            job.cancelled = True


def _admin_routes(app: FastAPI, gateway: Gateway) -> None:
    def admin(request: Request) -> None:
        gateway.require_admin(gateway.authenticate(request.headers.get("authorization")))

    @app.get("/admin/adapters")
    async def list_adapters(request: Request):
        admin(request)
        return {
            "loaded": sorted(gateway.adapters),
            "available": gateway.registry.available(),
            "models": gateway.visible_models(_every_model()),
        }

    @app.post("/admin/adapters/{name:path}")
    async def load(name: str, request: Request):
        admin(request)
        try:
            adapter = await run_in_threadpool(gateway.load_adapter, name)
        except ServeError as exc:
            status = 404 if "holds no manifest" in str(exc) else 400
            raise ApiError(status, str(exc), "adapter_refused" if status == 400 else "adapter_not_found") from None
        return {"loaded": adapter.name, "tasks": sorted(adapter.task_prompts), "rank": adapter.rank}

    @app.delete("/admin/adapters/{name:path}")
    async def unload(name: str, request: Request):
        admin(request)
        try:
            await run_in_threadpool(gateway.unload_adapter, name)
        except ServeError as exc:
            raise ApiError(404, str(exc), "adapter_not_loaded") from None
        return {"unloaded": name}


def _every_model():
    from savile.serve.keys import ApiKey

    return ApiKey(name="admin-view", sha256="0" * 64, allow=("*",))
