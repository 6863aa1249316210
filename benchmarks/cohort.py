"""A room at once: N learners open the start page and one case on one `kit app --shared`.

    python -m benchmarks.cohort                 # 30 learners, 3 runs (about 5 minutes a run)
    python -m benchmarks.cohort --learners 5 --runs 1 --wait 10   # a smoke run

Each learner is a websocket client doing what a learner's browser asks of the server: it loads a
page (Voila runs the notebook in a new kernel and streams the page), connects to the page's kernel
and asks for the widgets' state (what the page's widget manager does before it draws the first
widget), then leaves (the request the page sends when it is left). Browsers' own drawing is left
out: in a room it happens on 30 laptops, not on the server. Learners are already joined (their
learner keys are in the addresses), as after the first minutes of a workshop.

Figures, each run:
- time to first widget (page request to the widgets' state), start page and case page: one
  learner alone (3 times, one after another), then N at once: p50, p95; the ratio of p95 at N to
  the median alone (goal: at most 4x);
- memory per learner kernel while all N case pages are open: resident (RSS) and proportional
  (PSS, shared pages split between processes) (goal: under 200 MB);
- kernels left 2 minutes after all N leave (goal: 0), and, in a second app with
  --idle-minutes 1, kernels left 2 minutes after N learners vanish without leaving (a closed laptop).
Results go to benchmarks/last-cohort.json; docs/figures.md gives the figures and their spread.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = "notebooks/00_start_here.ipynb"
CASE = "notebooks/03_baby_c.ipynb"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """`kit app --shared` on loopback, in its own KIT_HOME, started as an educator starts it."""

    def __init__(self, *extra: str):
        self.home = Path(tempfile.mkdtemp(prefix="kit-cohort-"))
        self.port = free_port()
        env = {**os.environ, "KIT_HOME": str(self.home)}
        for k in ("KIT_SHARED", "KIT_EXCHANGE", "KIT_ROOMS"):
            env.pop(k, None)
        self.log = open(self.home / "app.log", "w+")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "app", "--shared", "--port", str(self.port),
                                      *extra], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/voila/static/voila.js", timeout=5):
                    break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("kit app did not start:\n" + (self.home / "app.log").read_text()[-2000:]) from None
                time.sleep(0.5)
        from kit.identity import Registry

        self.registry = Registry(self.home / "shared-app")

    def kernel_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid), "-f", "ipykernel"], capture_output=True,
                             text=True).stdout
        return [int(p) for p in out.split()]

    def settle(self, want: int, timeout: float = 120) -> int:
        deadline = time.time() + timeout
        while len(self.kernel_pids()) != want and time.time() < deadline:
            time.sleep(0.5)
        return len(self.kernel_pids())

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far: (the Voila server itself, its kernels that have ended)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MB."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


class Learner:
    """What one learner's browser asks of the server, over HTTP and the kernel's websocket."""

    def __init__(self, base: str, key: str):
        self.base, self.key = base, key
        self.xsrf = uuid.uuid4().hex  # the page's _xsrf cookie (set by the app when it serves a page)
        self.ws = None
        self.kernel: str | None = None

    async def open(self, notebook: str) -> float:
        """Load a page and get its widgets' state; seconds to the first widget."""
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest
        from tornado.websocket import websocket_connect

        t0 = time.perf_counter()
        chunks: list[bytes] = []
        client = AsyncHTTPClient(force_instance=True)
        resp = await client.fetch(HTTPRequest(f"{self.base}/voila/render/{notebook}?learner={self.key}",
                                              streaming_callback=chunks.append, request_timeout=600,
                                              headers={"Cookie": f"_xsrf={self.xsrf}"}))
        cookies = resp.headers.get_list("Set-Cookie")
        for c in cookies:
            if c.startswith("_xsrf="):
                self.xsrf = c.split(";", 1)[0].split("=", 1)[1]
        body = b"".join(chunks).decode()
        self.kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', body).group(1)
        if "jupyter-widget-view" not in body and "widget-view+json" not in body:
            raise RuntimeError(f"{notebook} rendered no widget:\n{body[-1500:]}")
        self.ws = await websocket_connect(HTTPRequest(
            f"{self.base.replace('http', 'ws')}/api/kernels/{self.kernel}/channels",
            headers={"Cookie": f"_xsrf={self.xsrf}"}, request_timeout=600))
        session = uuid.uuid4().hex
        await self._ask(session, "kernel_info_request", {}, "kernel_info_reply")
        comm = uuid.uuid4().hex
        self._send(session, "comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
                   {"version": "1.0.0"})  # the widget control protocol the page speaks
        self._send(session, "comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
        while True:  # the widgets' state: the page can draw its first widget now
            msg = json.loads(await self.ws.read_message())
            data = msg.get("content", {}).get("data", {})
            if msg["header"]["msg_type"] == "comm_msg" and data.get("method") == "update_states":
                if not data.get("states"):
                    raise RuntimeError(f"{notebook}: no widget state")
                return time.perf_counter() - t0

    def _send(self, session: str, kind: str, content: dict, metadata: dict | None = None) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": "bench", "session": session, "msg_type": kind,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": []}))
        return msg_id

    async def _ask(self, session: str, kind: str, content: dict, reply: str) -> dict:
        msg_id = self._send(session, kind, content)
        while True:
            msg = json.loads(await self.ws.read_message())
            if msg["header"]["msg_type"] == reply and msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    async def leave(self, say_so: bool = True) -> None:
        """Leave the page: the page's leave request (as the browser sends it), then the socket closes."""
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        if say_so and self.kernel:
            await AsyncHTTPClient(force_instance=True).fetch(HTTPRequest(
                f"{self.base}/voila/api/shutdown/{self.kernel}", method="POST", body=f"_xsrf={self.xsrf}",
                headers={"Cookie": f"_xsrf={self.xsrf}", "Content-Type": "application/x-www-form-urlencoded"},
                request_timeout=600), raise_error=True)
        if self.ws is not None:
            self.ws.close()
        self.ws, self.kernel = None, None


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


async def one_learner(app: App, key: str) -> tuple[float, float]:
    me = Learner(app.base, key)
    start = await me.open(START)
    await me.leave()  # going to the case page leaves the start page
    case = await me.open(CASE)
    await me.leave()
    return start, case


async def room(app: App, keys: list[str]) -> tuple[list, list, list]:
    """All learners at once; the kernels' memory is read while every case page is open."""
    hold, all_open = asyncio.Event(), asyncio.Event()
    opened = 0

    async def learner(k: str) -> tuple[float, float]:
        nonlocal opened
        try:
            me = Learner(app.base, k)
            start = await me.open(START)
            await me.leave()
            case = await me.open(CASE)
        finally:
            opened += 1
            if opened == len(keys):
                all_open.set()
        await hold.wait()
        await me.leave()
        return start, case

    tasks = [asyncio.create_task(learner(k)) for k in keys]
    await all_open.wait()
    memory = [memory_mb(p) for p in app.kernel_pids()]
    hold.set()
    results = await asyncio.gather(*tasks)
    return [r[0] for r in results], [r[1] for r in results], memory


def run_once(n: int, wait: float, preheat: int | None = None) -> dict:
    app = App(*(["--preheat", str(preheat)] if preheat is not None else []))
    try:
        pool = app.settle(preheat or 0)
        keys = [app.registry.key(app.registry.join(f"Learner {i}").identity) for i in range(n + 3)]
        alone_start, alone_case = [], []
        for k in keys[n:]:
            s, c = asyncio.run(one_learner(app, k))
            alone_start.append(s)
            alone_case.append(c)
            app.settle(pool, 60)
        cpu0 = app.cpu()
        t0 = time.perf_counter()
        start, case, memory = asyncio.run(room(app, keys[:n]))
        room_wall = time.perf_counter() - t0
        time.sleep(wait)
        left = len(app.kernel_pids()) - pool
        cpu1 = app.cpu()
    finally:
        app.stop()
    vanished = run_vanished(n, wait)
    learner_mem = sorted(memory, reverse=True)[:n]
    return {
        "learners": n, "pool": pool, "preheat": preheat,
        "alone": {"start": alone_start, "case": alone_case},
        "room": {"start": start, "case": case},
        "memory_mb": {"rss": [m[0] for m in learner_mem], "pss": [m[1] for m in learner_mem]},
        "left_after_leaving": left, "left_after_vanishing": vanished, "wait_s": wait,
        "room_wall_s": room_wall, "room_cpu_s": {"server": cpu1[0] - cpu0[0], "kernels": cpu1[1] - cpu0[1]},
    }


def run_vanished(n: int, wait: float) -> int:
    """N learners open the start page and a case, then vanish (no leave request); kernels left after `wait`."""
    app = App("--idle-minutes", "1", "--preheat", "0")
    try:
        keys = [app.registry.key(app.registry.join(f"Gone {i}").identity) for i in range(n)]

        async def vanish(k):
            me = Learner(app.base, k)
            await me.open(START)
            await me.leave()
            await me.open(CASE)
            await me.leave(say_so=False)

        async def all_of_them():
            await asyncio.gather(*(vanish(k) for k in keys))

        asyncio.run(all_of_them())
        time.sleep(wait)
        return len(app.kernel_pids())
    finally:
        app.stop()


def summary(run: dict) -> dict:
    alone = statistics.median(run["alone"]["start"] + run["alone"]["case"])
    both = run["room"]["start"] + run["room"]["case"]
    return {
        "alone_median_s": alone,
        "room_start_p50_s": pct(run["room"]["start"], .5), "room_start_p95_s": pct(run["room"]["start"], .95),
        "room_case_p50_s": pct(run["room"]["case"], .5), "room_case_p95_s": pct(run["room"]["case"], .95),
        "room_p95_s": pct(both, .95), "ratio_p95_to_alone": pct(both, .95) / alone,
        "rss_mb_median": statistics.median(run["memory_mb"]["rss"]) if run["memory_mb"]["rss"] else None,
        "pss_mb_median": statistics.median(run["memory_mb"]["pss"]) if run["memory_mb"]["pss"] else None,
        "rss_mb_max": max(run["memory_mb"]["rss"]) if run["memory_mb"]["rss"] else None,
        "left_after_leaving": run["left_after_leaving"], "left_after_vanishing": run["left_after_vanishing"],
        "room_cpu_server_s": run["room_cpu_s"]["server"], "room_cpu_kernels_s": run["room_cpu_s"]["kernels"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--wait", type=float, default=120, help="seconds after everyone leaves before counting kernels")
    ap.add_argument("--preheat", type=int, help="kit app --preheat N (default: the app's default)")
    args = ap.parse_args()
    runs = []
    for i in range(args.runs):
        run = run_once(args.learners, args.wait, args.preheat)
        run["summary"] = summary(run)
        runs.append(run)
        s = run["summary"]
        print(f"run {i + 1}: alone median {s['alone_median_s']:.1f} s; {args.learners} at once: start p50 "
              f"{s['room_start_p50_s']:.1f} s p95 {s['room_start_p95_s']:.1f} s, case p50 {s['room_case_p50_s']:.1f} s "
              f"p95 {s['room_case_p95_s']:.1f} s; p95/alone {s['ratio_p95_to_alone']:.1f}x; per kernel RSS "
              f"{s['rss_mb_median']:.0f} MB (max {s['rss_mb_max']:.0f}), PSS {s['pss_mb_median']:.0f} MB; kernels left "
              f"{args.wait:.0f} s after leaving {s['left_after_leaving']}, after vanishing "
              f"{s['left_after_vanishing']}; CPU for the room: server {s['room_cpu_server_s']:.0f} s, kernels "
              f"{s['room_cpu_kernels_s']:.0f} s", flush=True)
    out = ROOT / "benchmarks" / "last-cohort.json"
    out.write_text(json.dumps({"machine": {"cpus": os.cpu_count()}, "runs": runs}, indent=1))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
