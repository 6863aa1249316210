"""Real servers and a real browser: Voila (the code-free app) and JupyterLab, driven by
Playwright in Debian's chromium-headless-shell (or chromium). No browser download: it comes from apt.

Under bash kit.sh test (KIT_BROWSER_TESTS=required) a missing browser is a failure; in a
plain pytest run without chromium these tests are skipped with the reason.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import weakref
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# The old headless mode first: it resizes a page (a screenshot of the whole page) for a tenth of the CPU
CHROMIUM = shutil.which("chromium-headless-shell") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--no-sandbox", "--disable-dev-shm-usage"]


def _need_browser():
    missing = None
    if not Path(CHROMIUM).exists():
        missing = "chromium is not installed (apt-get install chromium-headless-shell)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    if missing:
        if os.environ.get("KIT_BROWSER_TESTS") == "required":
            pytest.fail(missing)
        pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status < 500:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def app_home(tmp_path_factory):
    return tmp_path_factory.mktemp("app-kit-home")


def home_jupyter_state() -> dict[str, tuple[int, int]]:
    """Every file under the real ~/.jupyter and Lab's real workspaces folder, with size and mtime."""
    state = {}
    for folder in (Path.home() / ".jupyter", Path.home() / ".local" / "share" / "jupyter" / "lab" / "workspaces"):
        for f in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if f.is_file():
                st = f.stat()
                state[str(f)] = (st.st_size, st.st_mtime_ns)
    return state


@pytest.fixture(scope="session")
def app(app_home):
    """`kit app` (Voila) on a free loopback port, with its own KIT_HOME, serving what kit app serves."""
    _need_browser()
    from kit.app import prepare, start_url, voila_command

    port = free_port()
    env = {**os.environ, "KIT_HOME": str(app_home)}
    served = prepare(app_home / "app")
    log = open(app_home / "voila.log", "w")  # noqa: SIM115 (closed with the server)
    proc = subprocess.Popen(voila_command(port, served), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc)
        yield {"base": f"http://127.0.0.1:{port}", "start": start_url(port), "home": app_home}
    finally:
        stop(proc)
        log.close()


def open_page(browser, width: int = 1280, height: int = 900, *, timeout: float = 90_000, **context):
    """A page in a new browser context (its own cookies: one person), the web fonts and CDN left out
    (no internet here), waiting up to `timeout` ms; `context` goes to new_context (accept_downloads...)."""
    pg = browser.new_context(viewport={"width": width, "height": height}, **context).new_page()
    pg.route("**/fonts.googleapis.com/**", lambda r: r.abort())
    pg.route("**/cdn.jsdelivr.net/**", lambda r: r.abort())
    pg.set_default_timeout(timeout)
    return pg


@pytest.fixture
def page(browser):
    pg = open_page(browser, accept_downloads=True)
    yield pg
    pg.context.close()


_CDP: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a page's own DevTools session, kept with it


def png(page, path: Path) -> Path:
    """Save what the viewport shows as a PNG, encoded for speed (chromium's optimizeForSpeed: a larger
    file, about half the time of Playwright's screenshot on a page tens of thousands of pixels tall).
    The DevTools session stays open with the page: detaching one drops the page's emulated print media."""
    if page not in _CDP:
        _CDP[page] = page.context.new_cdp_session(page)
    data = _CDP[page].send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})["data"]
    path.write_bytes(base64.b64decode(data))
    return path


def shot(page, name: str) -> Path:
    """Save a screenshot of the current page to test-artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    # Voila and Lab scroll an inner element, so grow the viewport to the tallest scroller first.
    height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('*')).map(e => e.scrollHeight))")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    try:
        return png(page, ARTIFACTS / f"{name}.png")
    finally:
        page.set_viewport_size(size)

