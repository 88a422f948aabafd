"""A real browser opens the triage report: ``python -m toolkit report`` on the demo sandbox, then headless Chromium
shows the page from the file alone: the header naming the data source, the diagnosis table, the three charts (drawn
from embedded images), the expiring list, and not one request for anything outside the file.

Needs Debian's ``chromium`` (found with ``shutil.which``, launched through ``executable_path``) and Playwright for
Python; without them the test is skipped, unless ``OMS_TOOLKIT_BROWSER_TESTS=required`` (``.ci/run``) makes the skip
a failure.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main

REQUIRED = os.environ.get("OMS_TOOLKIT_BROWSER_TESTS", "").lower() == "required"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


def _need(what: str) -> None:
    message = (f"{what} is missing: install Debian's chromium (apt-get install chromium) and Playwright for Python "
               "(pip install playwright), or set OMS_TOOLKIT_BROWSER_TESTS=required to make this skip a failure.")
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


def test_the_report_opens_in_a_browser_from_the_file_alone(tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        _need("chromium")
    try:
        from playwright.sync_api import Route, sync_playwright
    except ImportError:
        _need("Playwright for Python")
    out = tmp_path / "triage.html"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["report", "--out", str(out)]) == 0
    page_url = out.as_uri()
    requested: list[str] = []

    def only_the_file(route: Route) -> None:
        requested.append(route.request.url)
        if route.request.url == page_url:
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.route("**/*", only_the_file)
            page = context.new_page()
            page.goto(page_url, wait_until="load")
            header = page.locator("header.report").inner_text()
            tables = page.locator("main table").count()
            headings = page.locator("main h2").all_inner_texts()
            body = page.locator("main").inner_text()
            charts = page.locator('main img[src^="data:image/png;base64,"]')
            drawn = [charts.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
                     for i in range(charts.count())]
            scripts = page.locator("script").count()
        finally:
            browser.close()

    assert requested == [page_url], requested  # nothing but the file itself was asked for
    assert "Data\nthe demo sandbox (demo world, fake data)" in header
    assert "2026-11-20T15:00:00Z (the session clock)" in header
    assert "The failed captures of the window" in headings and "Authorizations about to expire" in headings
    assert tables >= 3 and "TIMEOUT_NOT_CAPTURED" in body and "AMOUNT_EXCEEDS_CAPTURABLE" in body
    assert "capture now from OMS" in body  # the expiring list
    assert drawn == [True, True, True]  # causes, money, deadlines: each drawn from its embedded image
    assert scripts == 0
