"""The headless-browser check of HTML reports: console errors, external requests, screenshots.

These start Debian's chromium (`make test` installs it). Without it they fail with the install
hint rather than skip; set SAVILE_SKIP_BROWSER=1 to skip them on purpose.
"""

from __future__ import annotations

import os
import time

import pytest
from headless_browser import BrowserError, check_page, find_chromium

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A 1x1 PNG, inline, as the report embeds its loss curve.
DOT = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
    "RU5ErkJggg=="
)


def require_chromium() -> None:
    """Fail (not skip) without chromium, unless SAVILE_SKIP_BROWSER=1: CI installs it, so absence is a defect."""
    if os.environ.get("SAVILE_SKIP_BROWSER") == "1":
        pytest.skip("SAVILE_SKIP_BROWSER=1")
    try:
        find_chromium()
    except BrowserError as exc:
        pytest.fail(str(exc))


def _page(tmp_path, body: str, head: str = "") -> os.PathLike:
    path = tmp_path / "page.html"
    path.write_text(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Probe</title>{head}</head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def test_clean_page_has_no_errors_and_a_png_screenshot(tmp_path):
    require_chromium()
    page = _page(tmp_path, f"<h1>Report</h1><p>{'tall ' * 4000}</p><img alt='dot' src='{DOT}'>")
    check = check_page(page, tmp_path / "shots" / "page.png", width=800, height=600)
    assert check.console_errors == []
    assert check.failed_requests == []
    assert check.title == "Probe"
    assert check.screenshot == tmp_path / "shots" / "page.png"
    png = check.screenshot.read_bytes()
    assert png[:8] == PNG_SIGNATURE
    # Full page: the PNG's height (IHDR bytes 20-24) exceeds the 600 px viewport.
    assert int.from_bytes(png[20:24], "big") > 600


def test_console_error_is_reported(tmp_path):
    require_chromium()
    check = check_page(_page(tmp_path, '<script>console.error("boom")</script>'))
    assert check.console_errors == ["console.error: boom"]
    assert check.failed_requests == []
    assert check.screenshot is None


def test_uncaught_exception_is_reported(tmp_path):
    require_chromium()
    check = check_page(_page(tmp_path, '<script>throw new Error("kaboom")</script>'))
    assert len(check.console_errors) == 1
    assert "Uncaught" in check.console_errors[0] and "kaboom" in check.console_errors[0]


def test_external_resources_are_reported(tmp_path):
    require_chromium()
    page = _page(
        tmp_path,
        "<img alt='remote' src='https://example.com/logo.png'>",
        head="<script src='https://example.com/x.js'></script>",
    )
    check = check_page(page)
    urls = " ".join(check.failed_requests)
    assert len(check.failed_requests) == 2
    assert "https://example.com/x.js" in urls and "https://example.com/logo.png" in urls


def test_page_that_never_loads_times_out_with_browser_error(tmp_path):
    require_chromium()
    start = time.monotonic()
    with pytest.raises(BrowserError, match="did not answer in time"):
        check_page(_page(tmp_path, "<script>while (true) {}</script>"), timeout=3)
    assert time.monotonic() - start < 10


def test_missing_chromium_names_the_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserError, match="apt-get install -y --no-install-recommends chromium"):
        check_page(_page(tmp_path, "<p>hi</p>"))


# The real report is opened in Chromium by tests/test_pipeline.py::test_report_opens_in_chromium_without_console_errors.
