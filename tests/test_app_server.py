"""`kit app` behaves like a server: it becomes Voila (stopping it stops Voila), refuses a port
in use with one sentence before any address, prints the kit's address last, serves the notebooks
without Lab-only cells; a page's kernel is freed when its browser goes (websocket closed, or never
opened), one browser holds a few kernels, and the door slows down after wrong codes and keeps its
code off every command line. Real servers, real HTTP and websockets, real /proc."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from kit.app import plan, prepare
from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kit(*args: str) -> list[str]:
    return [sys.executable, "-m", "kit.cli", *args]


def test_port_in_use_is_one_sentence_before_any_address():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(kit("app", "--port", str(port)), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""  # no address printed for a server that is not there
    assert done.stderr.count("\n") == 1 and f"Port {port} is already in use" in done.stderr
    assert "http" not in done.stderr


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc (Linux) to see which program runs")
def test_stopping_kit_app_stops_voila(tmp_path):
    """kit app replaces itself with Voila: the pid we started is Voila, and SIGTERM frees the port."""
    port = free_port()
    log = open(tmp_path / "app.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(kit("app", "--port", str(port)), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            assert proc.poll() is None, Path(tmp_path / "app.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    if r.status < 500:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("kit app did not answer in 90 s")
        until(lambda: "Ready." in (tmp_path / "app.log").read_text(), 60, "the server's last line")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:  # Voila's own address ...
            assert r.url.endswith("/voila/render/notebooks/00_start_here.ipynb")  # ... opens the start page
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
        assert b"voila" in cmdline and b"kit.cli" not in cmdline  # the same process is now Voila
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing is left serving
    lines = (tmp_path / "app.log").read_text().splitlines()
    start = f"http://127.0.0.1:{port}/voila/render/notebooks/00_start_here.ipynb"
    assert lines[0] == f"The kit is at {start}  (Ctrl+C to stop)"
    ready = lines.index(f"Ready. Open the kit at {start}  (Ctrl+C to stop)")
    assert ready > next(i for i, line in enumerate(lines) if "Voilà is running at" in line)  # after Voila's banner
    assert not [line for line in lines[ready + 1:] if "http" in line]  # no address after the kit's


# -- a real server's kernels and door (kit/appserver.py): real HTTP, real websockets, real /proc --------

PAGE = "/voila/render/notebooks/00_start_here.ipynb"
CODE = "TUES-ROOM-4"


def until(check, timeout: float, what: str, every: float = 0.5):
    """Poll check() until it is truthy (never a fixed sleep); fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            break
        time.sleep(every)
    assert value, f"waited {timeout} s for {what}"
    return value


def alive(kernel_id: str) -> bool:
    """Whether a kernel process with this id runs (its connection file is on its command line)."""
    return subprocess.run(["pgrep", "-f", f"kernel-{kernel_id}"], capture_output=True).returncode == 0


class Browser:
    """One browser: a cookie jar, pages fetched as a browser would, the kernel's websocket opened as Voila's page does."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=180) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def page(self) -> str:
        """Open the start page; its kernel's id."""
        status, body = self.get(PAGE)
        assert status == 200, body[:300]
        return re.search(r'"kernelId": "([0-9a-f-]{36})"', body).group(1)

    def post(self, path: str, **form) -> tuple[int, str]:
        xsrf = next((c.value for c in self.jar if c.name == "_xsrf"), "")
        data = urllib.parse.urlencode({"_xsrf": xsrf, **form}).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=data), timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    async def connect(self, kernel_id: str):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        cookies = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        url = self.base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}"
        return await websocket_connect(HTTPRequest(url, headers={"Cookie": cookies}))


def _on_a_thread(loop, coro):
    """Run coro on loop in a worker thread: Playwright's sync API (the browser tests, earlier in the same
    run) leaves the main thread's loop marked running, so no loop can run there."""
    out = {}

    def run():
        try:
            out["value"] = loop.run_until_complete(coro)
        except BaseException as exc:  # noqa: BLE001  (raised again in the caller's thread)
            out["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")


def connected(browser: Browser, kernel_id: str):
    """A websocket to the kernel, opened on its own event loop (closed by the caller with closing())."""
    loop = asyncio.new_event_loop()
    ws = _on_a_thread(loop, browser.connect(kernel_id))
    return loop, ws


def closing(loop, ws) -> None:
    async def close():
        ws.close()
        await asyncio.sleep(0.3)  # let the close frame go out

    _on_a_thread(loop, close())
    loop.close()


def start(tmp_path, *extra: str, shared: bool = True, code: str | None = None):
    """The app's Voila server as kit app runs it (command and environment from kit.app), with shorter waits."""
    env = {**os.environ, "KIT_HOME": str(tmp_path)}
    for var in ("KIT_SHARED", "KIT_EXCHANGE", "KIT_ROOMS"):
        env.pop(var, None)
    old = dict(os.environ)
    os.environ.update({"KIT_HOME": str(tmp_path)})
    try:
        serving = plan(free_port(), shared=shared, workshop_code=code)
        serving.root = prepare(tmp_path / "app", shared=shared)
        env = serving.env(env)
    finally:
        os.environ.clear()
        os.environ.update(old)
    log = open(tmp_path / "server.log", "w+")  # noqa: SIM115 (closed by stop_server)
    proc = subprocess.Popen([*serving.command(), *extra], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{serving.port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        if "is running at" in (tmp_path / "server.log").read_text():  # Voila's banner (the kit's line follows)
            break
        time.sleep(0.5)
    return proc, base, log


def stop_server(proc, log) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A shared app (no code, loopback) whose kernels wait 3 s for a page to come back, 8 s for a first
    websocket, and whose browsers may hold 2 pages."""
    tmp = tmp_path_factory.mktemp("kernels")
    proc, base, log = start(tmp, "--KitKernelManager.reconnect_grace=3", "--KitKernelManager.unclaimed_timeout=8",
                            "--KitKernelManager.sweep_interval=1", "--KitKernelManager.per_browser=2")
    yield {"base": base, "log": tmp / "server.log", "pid": proc.pid}
    stop_server(proc, log)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    shutil.copy(tmp / "server.log", ROOT / "test-artifacts" / "app-server-kernels.log")  # kept when a test fails


def test_a_page_whose_websocket_closes_is_freed_unless_it_comes_back(server):
    """The leave request never arrives: the kernel is freed when its page's websocket has closed and none
    came back within the grace; a page that reconnects within it (a network blip) keeps its kernel."""
    who = Browser(server["base"])
    kid = who.page()
    loop, ws = connected(who, kid)
    closing(loop, ws)
    loop, ws = connected(who, kid)  # back within the grace (3 s here)
    time.sleep(5)  # longer than the grace: the kernel must still be there (this sleep checks nothing is freed)
    assert alive(kid)
    closing(loop, ws)
    until(lambda: not alive(kid), 60, "the kernel of a page whose websocket closed to be freed")
    assert f"Freeing kernel {kid}: its page closed 3 s ago" in server["log"].read_text()


def test_a_page_request_without_a_browser_frees_its_kernel(server):
    """A page fetched by something that never opens the kernel's websocket (a script, a preview) frees its
    kernel once the page has rendered and sat idle for the timeout (here 8 s; a minute by default)."""
    kid = Browser(server["base"]).page()
    assert alive(kid)
    until(lambda: not alive(kid), 90, "an unclaimed page's kernel to be freed")
    assert f"Freeing kernel {kid}: no browser connected to its page within 8 s" in server["log"].read_text()


def test_one_browser_holds_a_few_kernels(server):
    """Beyond the cap (2 here) a browser's next page first frees its pages already left; with all of them
    still open, the page says in a sentence to close a tab, and starts no kernel."""
    who = Browser(server["base"])
    first = who.page()
    sockets = [connected(who, first)]
    second = who.page()
    sockets.append(connected(who, second))
    status, body = who.get(PAGE)
    assert status == 429 and "This browser already has 2 pages of the kit open" in body
    assert "Close a tab you have finished with, then reload this page" in body and "Traceback" not in body
    assert alive(first) and alive(second)
    other = Browser(server["base"])  # another browser is not counted against this one
    kid = other.page()
    closing(*sockets[0])  # the first page is left (its leave request lost)
    third = who.page()  # opens at once: the page already left makes room
    until(lambda: not alive(first), 30, "the left page's kernel to be freed for the new page")
    assert alive(second) and alive(third) and kid != third
    closing(*sockets[1])


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc (Linux)")
def test_the_workshop_code_is_never_on_a_command_line(tmp_path):
    """Other accounts on the machine can read every process's command line (/proc/PID/cmdline): the
    server's holds no workshop code, nor does its environment; it reads the code from its own file."""
    proc, base, log = start(tmp_path, code=CODE)
    try:
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode()
        environ = Path(f"/proc/{proc.pid}/environ").read_bytes().decode()
        for form in (CODE, CODE.replace("-", ""), CODE.lower()):
            assert form not in cmdline and form not in environ
        assert "--Voila.token" not in cmdline
        assert json.dumps(str(tmp_path / "shared-app" / "workshop-code"))[1:-1] in environ
        who = Browser(base)
        assert who.get("/login")[0] == 200
        status, _ = who.post("/login?next=%2F", password=CODE.lower().replace("-", " "))
        assert status == 200 and who.page()  # the code from the file opens the door
    finally:
        stop_server(proc, log)


def tries_per_second(who: Browser, seconds: float, code: str = "WRONG-CODE", every: float = 0.05) -> tuple[float, int]:
    """Wrong codes the door checked per second, and how many it answered with a wait instead, trying one
    every `every` s (20 a second: forty times what the door should check, without a loop that takes
    both cores from the rest of the suite)."""
    checked = waited = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, _ = who.post("/login", password=code)
        checked += status == 401
        waited += status == 429
        time.sleep(every)
    return checked / seconds, waited


def test_the_door_slows_down_after_wrong_codes(tmp_path):
    """Five wrong codes are checked at once; then the door waits (doubling) before checking another, says so
    in a sentence, and checks nothing meanwhile, not even the right code, nor a code in the address."""
    proc, base, log = start(tmp_path, code=CODE)
    try:
        who = Browser(base)
        who.get("/login")
        assert [who.post("/login", password="NOT-THIS-CODE")[0] for _ in range(6)] == [401] * 6
        rate, waited = tries_per_second(who, 8)  # the waits double: 1, 2, 4 s ...
        assert rate <= 0.5 and waited > 10, (rate, waited)
        status, body = who.post("/login", password=CODE)
        assert status == 429 and "Too many wrong codes were typed. Wait " in body and "seconds, then type" in body
        assert "Workshop code" in who.get(f"{PAGE}?token={CODE}")[1]  # the door, not the page
        until(lambda: who.post("/login?next=%2F", password=CODE)[0] == 200, 70, "the door to open again")
        assert who.page()
        assert "Traceback" not in (tmp_path / "server.log").read_text()
    finally:
        stop_server(proc, log)


def test_the_door_waits_per_computer_then_for_everyone():
    """The door's rule, on its own clock: five free wrong codes per computer, then waits doubling to a minute;
    a right code clears that computer's count; past 30 wrong codes a minute from everyone, every computer
    waits until the minute has room."""
    from kit.appserver import Door

    now = [0.0]
    door = Door(clock=lambda: now[0])
    for _ in range(5):
        assert door.wait("a") == 0
        door.failed("a")
    assert door.wait("a") == 0
    door.failed("a")
    assert door.wait("a") == 1.0
    now[0] += 1
    door.failed("a")
    assert door.wait("a") == 2.0
    for _ in range(10):
        now[0] += door.wait("a")
        door.failed("a")
    assert door.wait("a") == 60.0  # the longest wait
    assert door.wait("b") == 0  # another computer is not slowed by a's count
    door.passed("a")
    assert door.wait("a") == 0
    for i in range(30):
        door.failed(f"client-{i}")
    assert door.wait("fresh") > 0  # the room's minute is full: everyone waits
    now[0] += 61
    assert door.wait("fresh") == 0


def test_kit_sh_start_serves_lab_on_the_port_asked(tmp_path):
    """`bash kit.sh start DIR --port N` (as the README says) serves JupyterLab on port N, on the learner's own
    copy of the notebooks in DIR."""
    port = free_port()
    env = {**os.environ, "VIRTUAL_ENV": str(Path(sys.executable).parents[1]), "KIT_HOME": str(tmp_path),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws")}
    log = open(tmp_path / "lab.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(["bash", "kit.sh", "start", str(tmp_path / "course"), "--port", str(port)], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def answers():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=10) as r:
                    return r.status == 200
            except OSError:
                return False

        until(answers, 180, f"JupyterLab on port {port}")
        assert f":{port}/lab" in (tmp_path / "lab.log").read_text()
        assert (tmp_path / "course" / "notebooks" / "00_start_here.ipynb").is_file()
    finally:
        stop_server(proc, log)
