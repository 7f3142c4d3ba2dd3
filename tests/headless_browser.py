"""Open an HTML report in headless Chromium and say what went wrong: console errors, network requests.

    check = check_page(report.html_path, tmp_path / "report.png")
    assert not check.console_errors and not check.failed_requests

The report is meant to be self-contained, so any request for something other than the page itself
or a `data:` URI counts as a failure; such requests are blocked, so the check never waits on the
network and never touches it. Chromium is driven over the Chrome DevTools Protocol on
`--remote-debugging-pipe` (JSON messages separated by NUL bytes, commands in on fd 3, replies out
on fd 4), which needs no port, no websocket library and no network. Needs Debian's `chromium`
(`make test` installs it).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from savile.errors import SavileError

__all__ = ["BrowserError", "PageCheck", "check_page", "find_chromium"]

INSTALL_HINT = (
    "install it with `sudo apt-get install -y --no-install-recommends chromium` "
    "(`make test` does this), or put a Chromium binary named chromium on PATH"
)

# Background services (updates, sync, safe browsing, QUIC probes) otherwise try the network on
# start; on a closed network they are refused again and again and slow every check down.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)
_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")


class BrowserError(SavileError):
    """Chromium is missing, failed to start, or did not load the page in time."""


@dataclass(frozen=True)
class PageCheck:
    """What `check_page` saw while loading one page."""

    console_errors: list[str]  # console.error/assert, uncaught exceptions, browser log errors
    failed_requests: list[str]  # every request beyond the page itself and data: URIs, and every failed load
    screenshot: Path | None  # full-page PNG, when one was asked for
    title: str  # document.title after load


def find_chromium() -> str:
    """The path of a Chromium binary on PATH, or a `BrowserError` saying how to install one."""
    for name in _NAMES:
        if found := shutil.which(name):
            return found
    raise BrowserError(f"no Chromium found on PATH (looked for {', '.join(_NAMES)}): {INSTALL_HINT}.")


def check_page(
    html_path: Path, screenshot_path: Path | None = None, *, width: int = 1280, height: int = 2400, timeout: float = 60
) -> PageCheck:
    """Load HTML_PATH in headless Chromium; collect console errors and requests; optionally screenshot it.

    The viewport is WIDTH x HEIGHT CSS pixels; the screenshot covers the whole page, however long.
    Raises `BrowserError` if Chromium is missing or the page has not loaded within TIMEOUT seconds.
    """
    html_path = Path(html_path).resolve()
    if not html_path.is_file():
        raise BrowserError(f"{html_path} not found: write the report first (`savile report`).")
    url = html_path.as_uri()
    with _Chromium(find_chromium(), width, height, time.monotonic() + timeout) as browser:
        return _Page(browser, url).check(screenshot_path)


class _Chromium:
    """One headless Chromium with a throw-away profile, spoken to over the DevTools pipe."""

    def __init__(self, binary: str, width: int, height: int, deadline: float):
        self.binary, self.width, self.height, self.deadline = binary, width, height, deadline
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict] = []

    def __enter__(self) -> _Chromium:
        self.profile = Path(tempfile.mkdtemp(prefix="savile-chromium-"))
        self.log_path = self.profile / "stderr.log"
        to_chrome_r, self._to_chrome = _high_pipe()
        self._from_chrome, from_chrome_w = _high_pipe()
        log = os.open(self.log_path, os.O_WRONLY | os.O_CREAT, 0o600)
        devnull = os.open(os.devnull, os.O_RDONLY)
        argv = [
            self.binary,
            *_FLAGS,
            f"--user-data-dir={self.profile}",
            f"--window-size={self.width},{self.height}",
            "about:blank",
        ]
        try:
            # posix_spawn places the pipe ends on exactly fds 3 and 4, which Chromium expects;
            # setsid puts Chromium and its helpers in one process group we can kill at once.
            self.pid = os.posix_spawn(
                self.binary,
                argv,
                os.environ,
                setsid=True,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, devnull, 0),
                    (os.POSIX_SPAWN_DUP2, log, 1),
                    (os.POSIX_SPAWN_DUP2, log, 2),
                    (os.POSIX_SPAWN_DUP2, to_chrome_r, 3),
                    (os.POSIX_SPAWN_DUP2, from_chrome_w, 4),
                ],
            )
        except OSError as exc:
            self._cleanup()
            raise BrowserError(f"could not start {self.binary}: {exc}; {INSTALL_HINT}.") from exc
        finally:
            for fd in (to_chrome_r, from_chrome_w, log, devnull):
                os.close(fd)
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.send("Browser.close")
        except (BrowserError, OSError):
            pass  # it is killed below either way
        self._cleanup()

    def _cleanup(self) -> None:
        pid = getattr(self, "pid", None)
        if pid is not None:
            _stop(pid, grace=2.0)
        for fd in (getattr(self, "_to_chrome", None), getattr(self, "_from_chrome", None)):
            if fd is not None:
                os.close(fd)
        self._to_chrome = self._from_chrome = None
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Run one DevTools command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"Chromium refused {method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, session: str) -> None:
        """Read events until METHOD arrives for SESSION."""
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event["method"] == method and event.get("sessionId") == session:
                    return
            seen = len(self.events)
            reply = self._receive()
            if "method" in reply:
                self.events.append(reply)

    def _receive(self) -> dict:
        while b"\0" not in self._buffer:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise BrowserError(f"Chromium did not answer in time; raise timeout=, or read {self.log_path}.")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium exited early: {self._log_tail()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return " | ".join(lines[-5:]) or "no output"


class _Page:
    """A fresh tab that records errors and requests while it loads one URL."""

    def __init__(self, browser: _Chromium, url: str):
        self.browser, self.url = browser, url

    def check(self, screenshot_path: Path | None) -> PageCheck:
        b = self.browser
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            b.send(f"{domain}.enable", session=s)
        # Block the network outright: an external request is a failure already, and waiting on
        # DNS or a connection on a closed network would only slow the check down.
        b.send("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]}, session=s)
        b.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": b.width, "height": b.height, "deviceScaleFactor": 1, "mobile": False},
            session=s,
        )
        nav = b.send("Page.navigate", {"url": self.url}, session=s)
        if nav.get("errorText"):
            raise BrowserError(f"Chromium could not open {self.url}: {nav['errorText']}")
        b.wait_for("Page.loadEventFired", s)
        title = b.send("Runtime.evaluate", {"expression": "document.title", "returnByValue": True}, session=s)[
            "result"
        ].get("value", "")
        shot = self._screenshot(s, screenshot_path) if screenshot_path is not None else None
        events = [e for e in b.events if e.get("sessionId") == s]
        return PageCheck(
            console_errors=_console_errors(events), failed_requests=self._requests(events), screenshot=shot, title=title
        )

    def _screenshot(self, session: str, path: Path) -> Path:
        metrics = self.browser.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": max(size["width"], 1), "height": max(size["height"], 1), "scale": 1}
        shot = self.browser.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}, session=session
        )
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def _requests(self, events: list[dict]) -> list[str]:
        """Requests for anything but the page and data: URIs, and failed loads of anything, in order."""
        urls: dict[str, str] = {}
        problems: dict[str, str] = {}
        for e in events:
            p = e.get("params", {})
            if e["method"] == "Network.requestWillBeSent":
                req_url = p["request"]["url"]
                urls[p["requestId"]] = req_url
                if req_url.split("#")[0] != self.url and not req_url.startswith("data:"):
                    problems.setdefault(p["requestId"], f"{req_url} (external request)")
            elif e["method"] == "Network.loadingFailed" and not p.get("canceled"):
                req_url = urls.get(p["requestId"], "unknown URL")
                why = p.get("errorText") or ("blocked: external" if p.get("blockedReason") == "inspector" else "failed")
                problems[p["requestId"]] = f"{req_url} ({why})"
        return list(problems.values())


def _console_errors(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        p = e.get("params", {})
        if e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            out.append(f"console.{p['type']}: {args}")
        elif e["method"] == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            what = d.get("exception", {}).get("description", "").split("\n")[0]
            out.append(f"{d.get('text', 'Uncaught')} {what} ({d.get('url', '?')}:{d.get('lineNumber', 0) + 1})".strip())
        elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            entry = p["entry"]
            out.append(f"{entry['source']}: {entry['text']}" + (f" ({entry['url']})" if entry.get("url") else ""))
    return out


def _high_pipe() -> tuple[int, int]:
    """A pipe whose two ends sit above fd 9, so placing them on fds 3 and 4 cannot clobber each other."""
    ends = []
    for fd in os.pipe():
        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        ends.append(high)
    return ends[0], ends[1]


def _stop(pid: int, grace: float) -> None:
    """Wait GRACE seconds for Chromium to exit, then kill its whole process group."""
    end = time.monotonic() + grace
    while time.monotonic() < end:
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        time.sleep(0.02)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        return
    try:  # the browser is gone; helpers it left behind go too
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
