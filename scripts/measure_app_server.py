"""Figures for docs/figures.md: the shared app's door (wrong codes checked per second, one computer) and the
kernels left behind by pages whose leave request never arrived (websocket closed; or never opened).

    .venv/bin/python scripts/measure_app_server.py [door] [kernels]     # this checkout
    PYTHONPATH=/path/to/older/checkout .venv/bin/python scripts/measure_app_server.py   # before

Real servers as kit app runs them (tests/test_app_server.py's helpers), real HTTP and websockets.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.append(str(HERE))  # after PYTHONPATH: the kit measured may be an older checkout's
_spec = importlib.util.spec_from_file_location("app_server_helpers", HERE / "tests" / "test_app_server.py")
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)
CODE, Browser, alive, closing, connected = helpers.CODE, helpers.Browser, helpers.alive, helpers.closing, helpers.connected
start, stop_server, tries_per_second = helpers.start, helpers.stop_server, helpers.tries_per_second


def door(seconds: float = 20) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc, base, log = start(Path(tmp), code=CODE)
        try:
            who = Browser(base)
            who.get("/login")
            rate, waited = tries_per_second(who, seconds)
            print(f"door: {rate:.2f} wrong codes checked per second over {seconds:g} s from one computer "
                  f"({waited} answered 'wait')")
        finally:
            stop_server(proc, log)


def kernels(n: int = 3, after: float = 30) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc, base, log = start(Path(tmp))
        try:
            def closed_page(_):
                who = Browser(base)
                kid = who.page()
                closing(*connected(who, kid))  # the websocket closes; no leave request
                return kid

            with ThreadPoolExecutor(n) as pool:
                closed = list(pool.map(closed_page, range(n)))
                bare = list(pool.map(lambda _: Browser(base).page(), range(n)))  # never connected
            time.sleep(after)
            print(f"kernels: {sum(map(alive, closed))} of {n} pages closed without a leave request still hold a "
                  f"kernel {after:g} s later")
            time.sleep(max(0, 90 - after))
            print(f"kernels: {sum(map(alive, bare))} of {n} pages never connected still hold a kernel 90 s later")
        finally:
            stop_server(proc, log)


if __name__ == "__main__":
    which = sys.argv[1:] or ["door", "kernels"]
    if "door" in which:
        door()
    if "kernels" in which:
        kernels()
