"""A real JupyterHub: two learners log in, each works in their own KIT_HOME, both hand in to one
shared exchange folder, and the facilitator's `kit collect` sees both.

The hub is the `jupyterhub` package with its shared-password authenticator and the simple local
spawner (every user a process on this machine, with a home folder of their own), behind
configurable-http-proxy from npm (`bash kit.sh test` installs it into .cache/chp). The
configuration written here is the one docs/deployment.md gives as tested. The test skips,
saying why, only where the proxy is not installed.

Learners log in through the hub's own login form; code then runs in each user's server through
the Jupyter REST API and a kernel's websocket, as a notebook would run it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROXY = ROOT / ".cache" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "workshop-password-2026"
CASE = "baby-c-closed-without-visit"
LEARNERS = ("learner-a", "learner-b")


def proxy_command() -> str | None:
    if PROXY.exists() and shutil.which("node"):
        return str(PROXY)
    return shutil.which("configurable-http-proxy")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HUB_CONFIG = """\
# The tested configuration (docs/deployment.md): a shared password, one process per user on this
# machine, each user's KIT_HOME in their own home, one exchange folder every user can write to.
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = "{state}/proxy.pid"

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = "{password}"
c.Authenticator.allowed_users = {users!r}
c.Authenticator.admin_users = set()

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{state}/home/{{username}}"
c.Spawner.cmd = ["{singleuser}"]
c.Spawner.args = {args!r}  # --allow-root only where the test runs as root (a CI machine, not a university)
c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
# KIT_HOME is left unset: each user's kit keeps its journal in their own home folder.
c.Spawner.environment = {{"KIT_EXCHANGE": "{exchange}"}}

# The test drives users' servers through the API with tokens it asks the hub for.
c.JupyterHub.services = [{{"name": "kit-test", "api_token": "{service_token}"}}]
c.JupyterHub.load_roles = [{{"name": "kit-test", "services": ["kit-test"],
                            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
"""


class Hub:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        req = urllib.request.Request(f"{self.base}/hub/api{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read().decode()
        return json.loads(text) if text else {}

    def login(self, username: str, password: str) -> str:
        """Log in through the hub's login form, as a browser would (the hub then starts the server);
        returns where the browser lands, or the refusal."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{self.base}/hub/login", timeout=60) as r:
            form = r.read().decode()
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"username": username, "password": password, "_xsrf": xsrf}).encode()
        try:
            with opener.open(f"{self.base}/hub/login?next=", data=data, timeout=180) as r:
                r.read()
                return r.geturl()
        except urllib.error.HTTPError as exc:
            return f"refused {exc.code}: {exc.read().decode(errors='replace')}"

    def wait_ready(self, username: str, timeout: float = 180) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            server = self.api("GET", f"/users/{username}").get("servers", {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(1)
        raise AssertionError(f"{username}'s server was not ready in {timeout} s")

    def user_token(self, username: str) -> str:
        return self.api("POST", f"/users/{username}/tokens", {"note": "kit test", "expires_in": 3600})["token"]


async def _run(base: str, token: str, code: str) -> dict:
    """Run code in a new kernel of a user's server; returns {'stdout': ..., 'error': ...}."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}"}
    client = AsyncHTTPClient()
    resp = await client.fetch(f"{base}/api/kernels", method="POST", body="{}", headers=headers, request_timeout=120)
    kernel = json.loads(resp.body)["id"]
    ws_url = base.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels"
    ws = await websocket_connect(HTTPRequest(ws_url, headers=headers, request_timeout=120))
    msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
    ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": "kit-test", "session": session, "msg_type": "execute_request",
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    out, error, replied, idle = [], None, False, False
    deadline = time.time() + 180
    while not (replied and idle) and time.time() < deadline:
        raw = await asyncio.wait_for(ws.read_message(), timeout=180)
        if raw is None:
            break
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "stream":
            out.append(msg["content"]["text"])
        elif kind == "error":
            error = "\n".join(msg["content"]["traceback"])
        elif kind == "execute_reply":
            replied = True
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    ws.close()
    await client.fetch(f"{base}/api/kernels/{kernel}", method="DELETE", headers=headers)
    return {"stdout": "".join(out), "error": error}


def run_in(hub: Hub, username: str, token: str, code: str) -> dict:
    # Its own thread, so its own event loop: Playwright's sync API (the browser tests, earlier in the
    # same session) leaves a loop marked running in the main thread, and asyncio.run refuses then.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        result = pool.submit(asyncio.run, _run(f"{hub.base}/user/{username}", token, textwrap.dedent(code))).result()
    assert result["error"] is None, result["error"]
    return json.loads(result["stdout"].strip().splitlines()[-1])


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    proxy = proxy_command()
    if proxy is None:
        pytest.skip("configurable-http-proxy is not installed: bash kit.sh test installs it with npm "
                    "into .cache/chp (npm was missing or could not reach the registry)")
    state = tmp_path_factory.mktemp("hub")
    exchange = state / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)  # every user may add a hand-in (sticky: none may remove another's)
    port = free_port()
    service_token = uuid.uuid4().hex
    (state / "jupyterhub_config.py").write_text(HUB_CONFIG.format(
        port=port, hub_port=free_port(), proxy_api_port=free_port(), state=state, proxy=proxy,
        password=PASSWORD, users={*LEARNERS, "facilitator"}, exchange=exchange,
        singleuser=Path(sys.executable).parent / "jupyterhub-singleuser", service_token=service_token,
        args=["--allow-root"] if os.geteuid() == 0 else []))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIT_", "JUPYTER", "IPYTHON"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    log = open(state / "hub.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(state / "jupyterhub_config.py")],
                            cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            assert proc.poll() is None, (state / "hub.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{base}/hub/api", timeout=5):
                    break
            except OSError:
                if time.time() > deadline:
                    raise AssertionError("the hub did not answer in 120 s\n" + (state / "hub.log").read_text()[-3000:]) from None
                time.sleep(1)
        yield Hub(base, service_token), state, exchange
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the hub, its proxy and the users' servers: our own group
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


LEARNER_CODE = """
import json
from kit import settings
from kit.handin import submit
from kit.learner import learner_id, set_learner
from kit.session import open_case

set_learner("Robin")  # the same pseudonym for both learners: their homes keep them apart
case = open_case("{case}", learner="Robin")
case.acknowledge()
point = case.pack.decision_points[0]
case.decide(point.id, point.options[{option}].id, confidence=3, rationale="{who}'s reason, from what was known then", change_mind="A word from another agency.")
path = submit("Robin")
print(json.dumps({{"home": str(settings.kit_home()), "option": point.options[{option}].id,
                  "handin": str(path), "learner_id": learner_id("Robin")}}))
"""

COLLECT_CODE = """
import json, subprocess, sys
from kit import settings
done = subprocess.run([sys.executable, "-m", "kit.cli", "collect", str(settings.exchange_dir())],
                      capture_output=True, text=True)
from kit.cohort import collect
cohort = collect(settings.exchange_dir())
print(json.dumps({"out": done.stdout, "code": done.returncode,
                  "ids": sorted(r.learner_id for r in cohort.records)}))
"""


def test_two_learners_on_a_real_hub_work_apart_and_hand_in_to_one_exchange(hub):
    """Each learner logs in through the hub's form and gets their own server and KIT_HOME (in their
    own home folder); both use the pseudonym 'Robin' and commit different options, which stay in
    their own journals; both hand in to the one exchange folder; the facilitator's collect sees both."""
    from kit.journal import Journal

    hub_, state, exchange = hub
    results = {}
    for option, who in enumerate(LEARNERS):
        landed = hub_.login(who, PASSWORD)
        assert landed.startswith((f"{hub_.base}/user/{who}/", f"{hub_.base}/hub/spawn-pending/{who}")), landed
        hub_.wait_ready(who)
        token = hub_.user_token(who)
        results[who] = run_in(hub_, who, token, LEARNER_CODE.format(case=CASE, option=option, who=who))

    homes = {who: Path(r["home"]) for who, r in results.items()}
    for who, home in homes.items():
        assert home.is_relative_to(state / "home" / who), f"{who}'s KIT_HOME {home} is not in their home"
    assert homes["learner-a"] != homes["learner-b"]
    for who, r in results.items():
        events = Journal(homes[who] / "journal.sqlite3").events("Robin", kinds=["decide"])
        assert [e.payload["option_id"] for e in events] == [r["option"]]
        assert Path(r["handin"]).parent == exchange
    assert results["learner-a"]["option"] != results["learner-b"]["option"]
    assert results["learner-a"]["learner_id"] != results["learner-b"]["learner_id"]

    assert "refused" not in hub_.login("facilitator", PASSWORD)
    hub_.wait_ready("facilitator")
    seen = run_in(hub_, "facilitator", hub_.user_token("facilitator"), COLLECT_CODE)
    assert seen["code"] == 0 and "2 submission(s) loaded, 0 skipped" in seen["out"]
    assert seen["ids"] == sorted(r["learner_id"] for r in results.values())


def test_a_wrong_password_does_not_log_in(hub):
    """The shared password is the door: a wrong one is refused and starts no server."""
    hub_, _, _ = hub
    landed = hub_.login("learner-b", "not-the-password")
    assert landed.startswith("refused 403") and "Invalid username or password" in landed
