"""The kit as a package: a wheel built from the checkout, installed in a fresh virtualenv, used
from a folder that is not the checkout. It lists, validates and exports the five bundled packs,
takes a pack kept elsewhere by path, copies the learner material with `kit init`, finds the
model answers, and serves the app.

Installs the locked versions (uv.lock) from uv's cache when they are there, else from PyPI;
skips, saying so, only when neither can be reached.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import EXAMPLE, ROOT, repository_pack_ids

NETWORK_WORDS = ("network", "connect", "dns", "resolve host", "offline", "timed out", "failed to fetch",
                 "failed to download", "no such host", "temporary failure")


def _uv() -> list[str]:
    try:
        import uv  # noqa: F401
    except ImportError:
        pytest.skip("uv is not installed in this environment (bash kit.sh env installs it)")
    return [sys.executable, "-m", "uv"]


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


def _cached_or_online(cmd: list[str], what: str, **kw) -> None:
    """Run a uv command from the cache alone, else online; skip only if the network is the problem."""
    done = _run([*cmd, "--offline"], **kw)
    if done.returncode == 0:
        return
    done = _run(cmd, **kw)
    if done.returncode == 0:
        return
    err = done.stderr.lower()
    if any(w in err for w in NETWORK_WORDS):
        pytest.skip(f"cannot {what}: no network to PyPI and not in uv's cache ({done.stderr.strip()[-300:]})")
    pytest.fail(f"{what} failed:\n{done.stdout}\n{done.stderr}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtualenv, outside the checkout, with the wheel installed (locked versions)."""
    uv = _uv()
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT_ENVIRONMENT")}
    _cached_or_online([*uv, "build", "--wheel", "--out-dir", str(tmp / "dist"), str(ROOT)], "build the wheel", env=env)
    (wheel,) = (tmp / "dist").glob("reflective_practice_kit-*.whl")
    constraints = tmp / "constraints.txt"
    done = _run([*uv, "export", "--frozen", "--no-hashes", "--no-emit-project", "--project", str(ROOT),
                 "-o", str(constraints)], env=env)
    assert done.returncode == 0, done.stderr
    venv = tmp / "venv"
    done = _run([*uv, "venv", "--python", sys.executable, str(venv)], env=env)
    assert done.returncode == 0, done.stderr
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    _cached_or_online([*uv, "pip", "install", "--python", str(python), str(wheel), "-c", str(constraints)],
                      "install the wheel's dependencies", env=env)
    here = tmp / "elsewhere"  # not the checkout: no casepacks/, notebooks/ or exercises/ beside it
    here.mkdir()
    env.update(KIT_HOME=str(tmp / "home"), PATH=f"{python.parent}{os.pathsep}{env['PATH']}")
    env.pop("KIT_PACKS", None)
    return {"python": python, "kit": python.parent / "kit", "cwd": here, "env": env, "tmp": tmp}


def kit(installed, *args, check=True) -> subprocess.CompletedProcess:
    done = _run([str(installed["kit"]), *args], cwd=installed["cwd"], env=installed["env"])
    if check:
        assert done.returncode == 0, f"kit {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def test_installed_wheel_works_outside_the_checkout(installed):
    """list, validate, a pack by path, settings, export (html), init, model answers, and the app
    (on the kit's own page template, which the wheel installs)."""
    py = [str(installed["python"])]
    where = _run([*py, "-c", "import kit, kit.settings as s; print(kit.__file__); print(s.resources())"],
                 cwd=installed["cwd"], env=installed["env"]).stdout.split()
    assert "site-packages" in where[0] and not where[0].startswith(str(ROOT))
    assert where[1].endswith(os.path.join("kit", "bundled"))

    listed = json.loads(kit(installed, "list", "--format", "json").stdout)
    assert sorted(row["id"] for row in listed) == repository_pack_ids()
    assert len(listed) == 5
    assert "5 of 5 pack(s) valid; 0 error(s)" in kit(installed, "validate").stdout
    assert "0 error(s)" in kit(installed, "lint").stdout
    elsewhere = installed["tmp"] / "my-packs" / EXAMPLE.name
    shutil.copytree(EXAMPLE, elsewhere)
    assert "1 of 1 pack(s) valid" in kit(installed, "validate", str(elsewhere)).stdout
    settings = kit(installed, "settings").stdout
    assert "KIT_HOME" in settings and "KIT_EXCHANGE" in settings and str(installed["tmp"] / "home") in settings

    # A learner's decision, then the reflective record as HTML (templates are in the package)
    code = ("from kit.packs import load_pack; from kit.session import open_case\n"
            "p = load_pack('robyn-front-door'); d = p.decision_points[0]\n"
            "c = open_case('robyn-front-door', learner='Wheel Learner'); c.acknowledge()\n"
            "c.decide(d.id, d.options[0].id, confidence=3, rationale='Reasons from the wheel, installed elsewhere', change_mind='A word from another agency.')\n")
    done = _run([*py, "-c", code], cwd=installed["cwd"], env=installed["env"])
    assert done.returncode == 0, done.stderr
    out = installed["cwd"] / "record.html"
    kit(installed, "export", "--learner", "Wheel Learner", "--format", "html", "-o", str(out))
    assert "Reasons from the wheel" in out.read_text(encoding="utf-8")

    # The learner material, copied into a folder the learner owns; model answers stay in the package
    kit(installed, "init", "course")
    course = installed["cwd"] / "course"
    assert sorted(p.name for p in (course / "notebooks").glob("*.ipynb")) == \
        sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (course / "exercises").iterdir()) == \
        sorted(p.name for p in (ROOT / "exercises").iterdir() if not p.name.startswith("."))
    answers = _run([*py, "-c", "from kit.settings import facilitator_dir; "
                          "print(len(list((facilitator_dir() / 'exercises').glob('*.md'))))"],
                   cwd=installed["cwd"], env=installed["env"]).stdout.strip()
    assert answers == str(len(list((ROOT / "facilitator" / "exercises").glob("*.md"))))

    # The app serves the start page (rendered by Voila, notebooks from the package)
    port = _free_port()
    log = open(installed["tmp"] / "app.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([str(installed["kit"]), "app", "--port", str(port)], cwd=installed["cwd"],
                            env=installed["env"], stdout=log, stderr=subprocess.STDOUT)
    try:
        page, deadline = "", time.time() + 180
        while time.time() < deadline and not page:
            assert proc.poll() is None, (installed["tmp"] / "app.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/notebooks/00_start_here.ipynb",
                                            timeout=120) as r:
                    page = r.read().decode("utf-8")
            except OSError:
                time.sleep(1)
        assert "Start here: learning from case reviews" in page
        assert "Run All Cells" not in page and "Traceback" not in page
        assert '<main class="kit-page"' in page  # the kit's page template came with the wheel
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
