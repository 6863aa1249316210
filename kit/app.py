"""The code-free learner view: the notebooks served by Voila (code hidden, widgets live).

Voila runs every cell itself and has no Run menu, so it serves copies of the notebooks
without the cells tagged ``lab-only`` (the one-line "Run > Run All Cells" instruction that
JupyterLab users need). `kit app` then replaces itself with Voila, so stopping it (Ctrl+C,
SIGTERM from a service manager) stops the server.

Two ways to serve:

- **one learner** (the default): this computer's learner, on 127.0.0.1 only;
- **a room** (``--shared``): each browser is its own learner (kit/identity.py); ``--host``
  serves other computers on the network and then asks for a workshop code at the door.

Either way, leaving a page frees its kernel (kit/appserver.py), and a kernel whose page has
gone without a word (a closed laptop) is stopped after KIT_APP_IDLE_MINUTES.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import settings
from .errors import KitError
from .tidy import LAB_ONLY

START = "00_start_here.ipynb"
START_PAGE = f"notebooks/{START}"  # served beside exercises/, so the start page's links to them work
SERVED = ("notebooks", "exercises", "facilitator")  # facilitator/: the console and dashboard only (no notes)
FACILITATOR_PAGES = "facilitator"  # a shared app opens these only for the facilitator (kit/appserver.py)
CONTENTS = "../notebooks/00_start_here.ipynb#Exercises"  # the app cannot show a README: the start page lists them
LOOPBACK = "127.0.0.1"
TEMPLATE = "kit-app"  # the Voila template of a shared app: carries the learner key on every link


CODE_FILE_ENV = settings.APP_CODE_FILE_ENV  # names the file holding the workshop code: never the command line
READY_ENV = settings.APP_READY_ENV  # the line the server prints last, once it is up


@dataclass
class Serving:
    """What kit app serves, where, and how: the Voila command line and environment come from it."""

    port: int = 8866
    host: str = LOOPBACK
    shared: Path | None = None  # the shared app's folder (KIT_SHARED), None for one learner
    workshop_code: str | None = None  # the server's token: asked once per browser at the door
    code_file: Path | None = None  # where the server reads it (a file only its owner can read)
    idle_minutes: float = 5.0
    preheat: int = 0  # kernels kept ready with the start page already run (a shared app's first page)
    root: Path | None = None  # holds notebooks/ and exercises/, as prepare() writes them
    facilitator_key: str | None = None  # a shared app's facilitator credential (identity.Registry)
    ready: str | None = None  # the last line once the server is up, if not ready_line's (kit workshop start)
    env_extra: dict[str, str] = field(default_factory=dict)

    def command(self) -> list[str]:
        return voila_command(self.port, self.root, host=self.host, door=self.workshop_code is not None,
                             idle_minutes=self.idle_minutes, shared=self.shared is not None,
                             preheat=self.preheat)

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = settings.environment() if base is None else dict(base)
        env.update(self.env_extra)
        env.pop(CODE_FILE_ENV, None)
        if self.workshop_code is not None and self.code_file is not None:
            env[CODE_FILE_ENV] = str(self.code_file)
        env[READY_ENV] = self.ready or ready_line(self)
        if self.shared is not None:
            env[settings.SHARED.env] = str(self.shared)
            roots = [str(settings.voila_data_dir())]
            if env.get("JUPYTER_PATH"):
                roots.append(env["JUPYTER_PATH"])
            env["JUPYTER_PATH"] = os.pathsep.join(roots)
            if self.host not in (LOOPBACK, "0.0.0.0", "::"):
                env["VOILA_APP_IP"] = self.host  # where a pre-heated page asks for its request
        return env


def voila_command(port: int, root: Path | None = None, *, host: str = LOOPBACK, door: bool = False,
                  idle_minutes: float | None = None, shared: bool = False, preheat: int = 0) -> list[str]:
    """The Voila command line: fixed port, no tracebacks shown to learners, a page's kernel freed
    when its browser goes (kit/appserver.py) and stopped when its page has gone quiet for idle_minutes.
    With door, the server asks for the workshop code, which it reads from the file named by
    KIT_APP_CODE_FILE in its environment: a command line is visible to every account on the machine."""
    root = root or settings.resources()
    idle = settings.app_idle_minutes() if idle_minutes is None else idle_minutes
    cmd = [sys.executable, "-m", "voila", str(root), "--no-browser", f"--Voila.ip={host}",
           f"--port={port}", "--Voila.port_retries=0", "--show_tracebacks=False",
           "--VoilaConfiguration.strip_sources=True", "--theme=light",
           "--Voila.identity_provider_class=kit.appserver.KitIdentityProvider",
           "--VoilaConfiguration.multi_kernel_manager_class=kit.appserver.KitKernelManager"]
    if os.name == "posix":
        # Kernels talk to the server over Unix sockets in Voila's own folder, not TCP ports: many pages
        # opened at once otherwise race for free ports ("Address already in use", a page that never
        # loads), and no kernel port is open to other users of the machine.
        cmd.append("--KernelManager.transport=ipc")
    if idle > 0:
        seconds = max(int(idle * 60), 1)
        cmd += [f"--MappingKernelManager.cull_idle_timeout={seconds}",
                f"--MappingKernelManager.cull_interval={min(60, seconds)}",
                "--MappingKernelManager.cull_connected=False"]
    if door:
        cmd.append("--Voila.auto_token=True")  # the provider's own token: the code, from the file
    if shared:
        cmd.append(f"--VoilaConfiguration.template={TEMPLATE}")
    else:
        cmd += page_template()
    if preheat > 0:
        pools = {"default": {"pool_size": 0}, START_PAGE: {"pool_size": preheat}}
        cmd += ["--VoilaConfiguration.preheat_kernel=True", f"--VoilaKernelManager.kernel_pools_config={pools!r}"]
    return cmd


def page_template() -> list[str]:
    """Voila's --template for the kit's page (one <main> landmark; the tab named by the page),
    installed with the kit into share/jupyter/voila/templates/kit; Voila's own page if it is missing
    (a bare checkout). The shared app's template (kit-app) builds on it."""
    from jupyter_core.paths import jupyter_path

    found = any(Path(p, "index.html.j2").is_file() for p in jupyter_path("voila", "templates", "kit"))
    return ["--template=kit"] if found else []


def start_url(port: int, host: str = LOOPBACK) -> str:
    return f"http://{_url_host(host)}:{port}/voila/render/{START_PAGE}"


def app_notebook(path: Path):
    """A notebook as the app serves it: without lab-only cells, its contents link on the start page."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if LAB_ONLY not in c.metadata.get("tags", [])]
    for c in nb.cells:
        if c.cell_type == "markdown" and "](README.md)" in c.source:
            c.source = c.source.replace("](README.md)", f"]({CONTENTS})")
    return nb


SETUP_CHECK = "kit.self_check()"  # the start page's setup check: a shared app runs it once, at its start


def without_setup_check(nb):
    """A shared app's start page: no per-learner setup check (the machine is the facilitator's, checked
    once when the app starts; each check imports pandas and matplotlib, about 1.7 s of a core per page)."""
    keep = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip() == SETUP_CHECK:
            if keep and keep[-1].cell_type == "markdown" and keep[-1].source.lstrip().startswith("## Check your setup"):
                keep.pop()
            continue
        keep.append(cell)
    nb.cells = keep
    return nb


def prepare(dest: Path | None = None, source: Path | None = None, *, shared: bool = False) -> Path:
    """Write the app's copies of the learner notebooks into dest (replacing older copies)."""
    import nbformat

    source = source or settings.resources()
    dest = dest or settings.app_dir()
    try:
        dest.mkdir(parents=True, exist_ok=True)
        probe = dest / ".kit-app"
        probe.write_text("copies of the kit's notebooks for the code-free app; rewritten by kit app\n")
    except OSError:
        dest = Path(tempfile.mkdtemp(prefix="kit-app-"))
    for sub in SERVED:
        (dest / sub).mkdir(exist_ok=True)
        for old in (dest / sub).glob("*.ipynb"):
            old.unlink()
        if not (source / sub).is_dir():
            continue
        for f in sorted((source / sub).iterdir()):
            if f.suffix == ".ipynb":
                nb = app_notebook(f)
                nbformat.write(without_setup_check(nb) if shared else nb, dest / sub / f.name)
            elif f.is_file() and not f.name.startswith(".") and f.suffix != ".md" and sub != FACILITATOR_PAGES:
                shutil.copy2(f, dest / sub / f.name)
    return dest


def port_problem(port: int, host: str = LOOPBACK) -> str | None:
    """One sentence if host:port cannot be served on, else None."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"Port {port} is already in use (is the kit already running? Stop it, "
                        f"or choose another port: kit app --port {port + 1}).")
            if exc.errno == errno.EADDRNOTAVAIL:
                return (f"This computer has no address {host}; use --host 0.0.0.0 to serve on every "
                        "network it is on, or one of its own addresses.")
            return f"Cannot serve on {host}:{port} ({exc.strerror}); choose another port with --port."
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plan(port: int = 8866, *, shared: bool = False, host: str | None = None, workshop_code: str | None = None,
         idle_minutes: float | None = None, preheat: int | None = None) -> Serving:
    """What kit app will serve, checked: every refusal is one sentence before anything starts."""
    from .identity import IdentityError, Registry

    host = (host or LOOPBACK).strip()
    if host == "localhost":
        host = LOOPBACK
    try:
        if host not in ("0.0.0.0", "::"):
            ipaddress.ip_address(host)
    except ValueError:
        raise KitError(f"--host {host!r} is not an address: use 0.0.0.0 (every network this computer is on) "
                       "or one of its own addresses, such as 192.168.1.20.") from None
    beyond = not is_loopback(host)
    if beyond and not shared:
        raise KitError("--host serves other computers, which needs --shared (each browser its own learner): "
                       "kit app --shared --host 0.0.0.0")
    if workshop_code and not shared:
        raise KitError("A workshop code is for a shared app: kit app --shared --workshop-code ...")
    try:
        idle = settings.app_idle_minutes() if idle_minutes is None else float(idle_minutes)
    except ValueError as exc:
        raise KitError(str(exc)) from None
    if idle < 0:
        raise KitError("--idle-minutes must be 0 (never) or more.")
    serving = Serving(port=port, host=host, idle_minutes=idle)
    if shared:
        folder = settings.shared_dir() or settings.shared_dir_default()
        registry = Registry(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if beyond or workshop_code:
                serving.workshop_code = registry.workshop_code(workshop_code)
                serving.code_file = registry.workshop_code_file
            serving.facilitator_key = registry.facilitator_key()
        except (OSError, IdentityError) as exc:
            raise KitError(f"Cannot use {folder} for the shared app ({getattr(exc, 'strerror', None) or exc}). "
                           f"Set {settings.SHARED.env} to a folder you can write to.") from None
        serving.shared = folder
        # No kernel is kept ready by default: Voila hands a page to the ready kernel still starting when
        # several learners arrive at once, so a pool smaller than the crowd queues them one by one;
        # and refilling a large pool takes the cores just as the room opens its case (docs/figures.md).
        serving.preheat = max(preheat or 0, 0)
        # Each page works in its learner's own folder, so the room's folders are fixed here, as they
        # are for this computer: rooms, hand-ins and the institution's support.
        exchange = settings.exchange_dir() or folder / "exchange"
        serving.env_extra = {settings.ROOMS.env: str(settings.rooms_dir()), settings.EXCHANGE.env: str(exchange)}
        support = settings.support_file()
        if support is not None:
            serving.env_extra[settings.SUPPORT.env] = str(support)
    elif preheat:
        serving.preheat = preheat
    return serving


def addresses(serving: Serving) -> list[str]:
    """The start addresses to give: this computer's own for loopback, else its network addresses."""
    path = "/" if serving.shared is not None else f"/voila/render/{START_PAGE}"
    if serving.host not in ("0.0.0.0", "::"):
        return [f"http://{_url_host(serving.host)}:{serving.port}{path}"]
    found = []
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    for info in infos:
        ip = info[4][0]
        if not ipaddress.ip_address(ip).is_loopback and ip not in found:
            found.append(ip)
    return [f"http://{ip}:{serving.port}{path}" for ip in found] or [f"http://{socket.gethostname()}:{serving.port}{path}"]


def announce(serving: Serving) -> list[str]:
    """The lines kit app prints before Voila takes over."""
    if serving.shared is None:
        return [f"The kit is at {start_url(serving.port)}  (Ctrl+C to stop)"]
    urls = addresses(serving)
    lines = [f"The kit is serving a room at {urls[0]}  (Ctrl+C to stop)"]
    lines += [f"  also at {u}" for u in urls[1:]]
    if serving.workshop_code:
        lines.append(f"Workshop code: {serving.workshop_code}  (each browser types it once to enter)")
    lines.append("Each browser is its own learner: they join with a pseudonym and get a recovery code to write down.")
    lines.append(f"Hand-ins arrive in {serving.env_extra[settings.EXCHANGE.env]}  "
                 f"(collect them: kit collect {serving.env_extra[settings.EXCHANGE.env]})")
    lines.append(f"Rooms: {serving.env_extra[settings.ROOMS.env]}  (kit room open ... in another terminal)")
    if serving.facilitator_key:
        lines.append("Your own pages, the room console and the dashboard (keep this address to yourself; do not "
                     f"project it): {facilitator_url(serving)}")
    return lines


def facilitator_url(serving: Serving) -> str:
    """The facilitator's address: it opens the room console in their browser, and only theirs."""
    host = LOOPBACK if serving.host in ("0.0.0.0", "::") else serving.host
    return f"http://{_url_host(host)}:{serving.port}/facilitator?key={serving.facilitator_key}"


def ready_line(serving: Serving) -> str:
    """The server's last line once it is up (after Voila's own banner): the one address to open or give."""
    if serving.shared is None:
        return f"Ready. Open the kit at {start_url(serving.port)}  (Ctrl+C to stop)"
    code = " with the workshop code above" if serving.workshop_code else ""
    return f"Ready. Give the room this address{code}: {addresses(serving)[0]}  (Ctrl+C to stop)"


def setup_line() -> str:
    """The setup check, once for the whole room (a shared app's pages leave it out)."""
    from .checks import run_checks

    bad = [c for c in run_checks() if not c.ok]
    if not bad:
        return "Setup check: all OK."
    return "Setup check: " + "; ".join(f"{c.name} {c.detail}: {c.fix}" for c in bad)


def serve(port: int = 8866, open_browser: bool = False, *, shared: bool = False, host: str | None = None,
          workshop_code: str | None = None, idle_minutes: float | None = None, preheat: int | None = None) -> int:
    """Replace this process with Voila serving the app's notebooks; prints the address to open or give."""
    if not _has_voila():
        raise KitError("Voila is not installed. Run bash kit.sh app (it installs what is missing), "
                       "or pip install voila.")
    serving = plan(port, shared=shared, host=host, workshop_code=workshop_code, idle_minutes=idle_minutes,
                   preheat=preheat)
    return run(serving, announce(serving))


def check_port(serving: Serving) -> None:
    """KitError with one sentence if the app cannot serve where it was asked to."""
    problem = port_problem(serving.port, serving.host)
    if problem:
        raise KitError(problem)


def run(serving: Serving, lines: list[str]) -> int:
    """Print the lines, then replace this process with Voila serving the app's notebooks."""
    check_port(serving)
    serving.root = prepare(shared=serving.shared is not None)
    command, env = serving.command(), serving.env()
    print("\n".join(lines), flush=True)
    if serving.shared is not None:
        print(setup_line(), flush=True)
    sys.stderr.flush()
    os.execve(command[0], command, env)  # Voila takes over this process: its signals are ours
    return 0  # not reached


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _has_voila() -> bool:
    try:
        import voila  # noqa: F401
    except ImportError:
        return False
    return True
