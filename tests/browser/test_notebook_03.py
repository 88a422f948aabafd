"""A real browser: JupyterLab in headless Chromium opens notebook 03, runs it, fills the refund wizard, clicks
confirm, and sees the refund in the trace it shows.

Needs Debian's ``chromium`` (found with ``shutil.which``, launched through ``executable_path``: browser downloads
are not possible here) and Playwright for Python. Without them the test is skipped with a sentence saying how to
enable it; with ``OMS_TOOLKIT_BROWSER_TESTS=required`` (``.ci/run`` sets it) a skip is a failure instead.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from repo_paths import REPO

REQUIRED = os.environ.get("OMS_TOOLKIT_BROWSER_TESTS", "").lower() == "required"
TOKEN = "toolkit-browser-test"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need(what: str) -> None:
    message = (f"{what} is missing: install Debian's chromium (apt-get install chromium) and Playwright for Python "
               "(pip install playwright), or set OMS_TOOLKIT_BROWSER_TESTS=required to make this skip a failure.")
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[str]:
    """JupyterLab serving a copy of notebook 03 (running it must not touch the repository's copy)."""
    shutil.copy(REPO / "notebooks" / "03_guided_refund.ipynb", tmp_path / "03_guided_refund.ipynb")
    port = _free_port()
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
                               f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
                               f"--ServerApp.root_dir={tmp_path}"], stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config")})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab stopped: {(tmp_path / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 2 minutes")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_the_wizard_refunds_in_a_real_browser(lab: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        _need("Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("Playwright")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS,
                                             chromium_sandbox=False)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(300_000)  # a busy CI machine runs the kernel slowly; no step waits on time otherwise
        page.goto(f"{lab}/lab/tree/03_guided_refund.ipynb?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        page.get_by_text(re.compile(r"\| Idle")).first.wait_for()  # the status bar: the kernel is up
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        find = page.get_by_role("button", name="Find payments")
        find.wait_for()
        wizard = page.locator(".widget-vbox", has=find).last
        find.click()
        page.wait_for_function("document.querySelectorAll('.widget-dropdown select option').length > 0")
        wizard.get_by_placeholder("all that is refundable").fill("5.00")
        wizard.get_by_placeholder("CS-12345").fill("CS-BROWSER")
        wizard.get_by_role("button", name="Preview").click()
        wizard.get_by_text("Dry run: nothing sent").wait_for()
        confirm = wizard.get_by_role("button", name="Confirm refund")
        assert confirm.is_enabled()
        confirm.click()
        wizard.get_by_text("Trace of").first.wait_for()
        shown = wizard.inner_text().replace("\xa0", " ")
        page.screenshot(path=str(tmp_path / "wizard.png"))
        browser.close()
    assert "done" in shown and "Order Management refunded 5.00 EUR" in shown
    assert "Trace of 00001044" in shown and "refunded\t17.50\t17.50\t0.00\tEUR" in shown  # 12.50 before, then 5.00
