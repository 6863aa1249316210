"""Every setting the kit reads, and where it finds its own files: one module owns them all.

Each setting is an environment variable with one obvious name, a default and a line of
help, defined once below; `kit settings` prints them with their current values. Nothing
else in the kit reads os.environ for these or works out a path from its own location.

The kit's teaching material (case packs, learner notebooks, exercises) is found beside
the package in a checkout, or inside it in an installed wheel (kit/bundled/), so the
same code runs from a clone, an editable install and `pip install reflective-practice-kit`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import context

PACKAGE = Path(__file__).resolve().parent
APP_NAME = "reflective-practice-kit"


@dataclass(frozen=True)
class Setting:
    """One environment variable the kit reads."""

    env: str
    help: str
    default: str

    def raw(self) -> str | None:
        """The value set in the environment, or None when unset or empty."""
        value = os.environ.get(self.env, "").strip()
        return value or None


HOME = Setting("KIT_HOME", "where a learner's journal, pseudonym, identity and exports are kept",
               "the per-user data folder (platformdirs)")
EXCHANGE = Setting("KIT_EXCHANGE", "the shared folder learners hand in to for a workshop",
                   "learners download their hand-in file instead")
PACKS = Setting("KIT_PACKS", "a different folder of case packs (with its own vocabulary.yaml)",
                "the case packs that come with the kit")
SUPPORT = Setting("KIT_SUPPORT_FILE", "a support.yaml or Markdown file with your institution's support "
                  "(wellbeing service, practice educator, helplines)", "KIT_HOME/support.yaml, else the kit's UK list")
DENYLIST = Setting("KIT_DENYLIST", "extra denylist files for kit lint (separated by the path separator)",
                   "no files beyond the kit's own denylist")
ROOMS = Setting("KIT_ROOMS", "the folder where workshop rooms are opened and joined by their code",
                "KIT_EXCHANGE/rooms when a workshop folder is set, else KIT_HOME/rooms")
WORKSHOP_KEY = Setting("KIT_WORKSHOP_KEY", "the workshop's key line (from kit workshop new) or the path of its "
                       "key file: hand-ins are signed with it", "hand-ins are not signed")
DEBUG = Setting("KIT_DEBUG", "1 shows a traceback for an unexpected error in the kit command", "off")
SHARED = Setting("KIT_SHARED", "the shared app's folder (kit app --shared sets it): each browser is its own "
                 "learner, with an identity and a KIT_HOME of its own in this folder",
                 "one learner per KIT_HOME")
APP_IDLE = Setting("KIT_APP_IDLE_MINUTES", "minutes a page of kit app may sit with no browser connected "
                   "and nothing running before its kernel is stopped (0: never)", "5")

SETTINGS = (HOME, EXCHANGE, ROOMS, PACKS, SUPPORT, DENYLIST, WORKSHOP_KEY, DEBUG, SHARED, APP_IDLE)


# -- where the kit's own files are ---------------------------------------------------------

def resources() -> Path:
    """The folder holding casepacks/, notebooks/ and exercises/ (a wheel's bundle or the checkout)."""
    bundled = PACKAGE / "bundled"
    if (bundled / "casepacks").is_dir():
        return bundled
    return PACKAGE.parent


def bundled_packs_dir() -> Path:
    """The case packs that come with the kit."""
    return resources() / "casepacks"


def packs_dir() -> Path:
    """KIT_PACKS if set, else the kit's own case packs."""
    raw = PACKS.raw()
    return Path(raw).expanduser() if raw else bundled_packs_dir()


def notebooks_dir() -> Path:
    """The learner notebooks that come with the kit (kit init copies them for a learner)."""
    return resources() / "notebooks"


def exercises_dir() -> Path:
    """The standalone exercises that come with the kit."""
    return resources() / "exercises"


def facilitator_dir() -> Path:
    """Material for facilitators only (model answers and notes), never served to learners."""
    return resources() / "facilitator"


def templates_dir() -> Path:
    """Jinja templates for exports (package data)."""
    return PACKAGE / "templates"


def data_dir() -> Path:
    """The kit's own small data files (denylist, common words, stylesheet)."""
    return PACKAGE / "data"


def voila_data_dir() -> Path:
    """A Jupyter data folder holding the shared app's Voila template (voila/templates/kit-app)."""
    return data_dir() / "jupyter"


# -- the learner's and the workshop's folders ------------------------------------------------

def kit_home() -> Path:
    """The learner's folder: a shared app page's learner (the page context), else KIT_HOME, else the
    per-user data folder."""
    home = context.current().home
    if home is not None:
        return home
    raw = HOME.raw()
    if raw:
        return Path(raw).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def exchange_dir() -> Path | None:
    """The workshop's shared hand-in folder, or None when none is set."""
    raw = EXCHANGE.raw()
    return Path(raw).expanduser() if raw else None


def rooms_dir() -> Path:
    """Where rooms live: KIT_ROOMS, else beside the hand-ins, else in KIT_HOME."""
    raw = ROOMS.raw()
    if raw:
        return Path(raw).expanduser()
    exchange = exchange_dir()
    return (exchange if exchange else kit_home()) / "rooms"


def app_dir() -> Path:
    """Where `kit app` writes the notebooks it serves (copies without the lab-only cells)."""
    return kit_home() / "app"


def support_file() -> Path | None:
    """The institution's support file: KIT_SUPPORT_FILE, else support.yaml or support.md in KIT_HOME."""
    raw = SUPPORT.raw()
    if raw:
        return Path(raw).expanduser()
    for name in ("support.yaml", "support.md"):
        candidate = kit_home() / name
        if candidate.is_file():
            return candidate
    return None


def denylist_files() -> list[Path]:
    """The kit's denylist plus any named in KIT_DENYLIST."""
    extra = DENYLIST.raw()
    return [data_dir() / "denylist.txt"] + ([Path(p) for p in extra.split(os.pathsep) if p] if extra else [])


def shared_dir() -> Path | None:
    """The shared app's folder (KIT_SHARED), or None for one learner per KIT_HOME."""
    raw = SHARED.raw()
    return Path(raw).expanduser() if raw else None


def shared_dir_default() -> Path:
    """Where kit app --shared keeps its learners unless KIT_SHARED names a folder."""
    return kit_home() / "shared-app"


def app_idle_minutes() -> float:
    """KIT_APP_IDLE_MINUTES as a number (ValueError with a sentence if it is not one)."""
    raw = APP_IDLE.raw() or APP_IDLE.default
    try:
        minutes = float(raw)
    except ValueError:
        minutes = -1.0
    if not minutes >= 0:
        raise ValueError(f"{APP_IDLE.env}={raw!r} is not a number of minutes (0 or more).")
    return minutes


def query_string() -> str:
    """The page's address parameters as Voila hands them to a page's kernel (QUERY_STRING)."""
    return os.environ.get("QUERY_STRING", "")


def page_path() -> str:
    """The address path of the page this kernel serves, as Voila hands it to the kernel (SCRIPT_NAME);
    '' in JupyterLab or a script."""
    return os.environ.get("SCRIPT_NAME", "")


# What kit app hands the Voila server it starts (the server's own environment, never a learner's):
APP_CODE_FILE_ENV = "KIT_APP_CODE_FILE"  # names the file holding the workshop code: never on the command line
APP_READY_ENV = "KIT_APP_READY"  # the line the server prints last, once it is up: the address to open or give


def app_code_file() -> str | None:
    """The file kit app named for the workshop code (in the server kit app started), or None."""
    return os.environ.get(APP_CODE_FILE_ENV) or None


def app_ready_line() -> str | None:
    """The line kit app asked its server to print once it is up, or None."""
    return os.environ.get(APP_READY_ENV) or None


def voila_preheated() -> bool:
    """True in a kernel Voila started before any browser asked for its page (a ready-kernel pool)."""
    return os.environ.get("VOILA_PREHEAT") == "True"


def voila_request_address() -> str:
    """Where a pre-heated kernel hears about the request that took it: Voila's query websocket for this
    kernel, from the variables Voila gives its kernels (as voila.utils.wait_for_request reads them)."""
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
            f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}")


def adopt_request(info: dict[str, object]) -> None:
    """Take on the request's variables (its QUERY_STRING among them), as Voila's own helper does."""
    os.environ.update({str(k): str(v) for k, v in info.items()})


def environment() -> dict[str, str]:
    """A copy of this process's environment, for a process the kit starts (kit app's Voila)."""
    return dict(os.environ)


def debug() -> bool:
    return DEBUG.raw() not in (None, "0", "false", "no")


def _key_shown() -> str:
    """The workshop key setting without its secret: a key file's path, or that a key line is set."""
    raw = WORKSHOP_KEY.raw() or ""
    return raw if Path(raw).expanduser().is_file() else "(a key line is set; the secret is not shown)"


def describe() -> list[tuple[str, str, str]]:
    """(variable, what it is now, what it sets) for every setting: `kit settings` prints these. A setting
    that is set shows its value; one that is not says so, with its default and, where the default is
    a place, where that is on this computer."""
    effective = {HOME.env: kit_home(), ROOMS.env: rooms_dir(), PACKS.env: bundled_packs_dir(),
                 SUPPORT.env: support_file(), DENYLIST.env: denylist_files()[0]}
    shown = {WORKSHOP_KEY.env: _key_shown(), DEBUG.env: "on" if debug() else "off",
             DENYLIST.env: os.pathsep.join(str(p) for p in denylist_files()[1:])}
    rows = []
    for s in SETTINGS:
        if (raw := s.raw()) is not None:
            now = shown.get(s.env, raw)
        elif s is DEBUG:
            now = "off"
        else:
            where = effective.get(s.env)
            now = f"(unset: {s.default}" + (f"; here {where})" if where else ")")
        rows.append((s.env, now, s.help))
    return rows


def locations() -> list[tuple[str, Path]]:
    """The kit's own folders (what it found, where): `kit settings` prints these too."""
    return [("case packs", packs_dir()), ("learner notebooks", notebooks_dir()),
            ("exercises", exercises_dir()), ("facilitator material", facilitator_dir()),
            ("export templates", templates_dir()), ("data (denylist)", data_dir()),
            ("app notebooks (kit app)", app_dir())]
