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
                   "none")
ROOMS = Setting("KIT_ROOMS", "the folder where workshop rooms are opened and joined by their code",
                "KIT_EXCHANGE/rooms when a workshop folder is set, else KIT_HOME/rooms")
WORKSHOP_KEY = Setting("KIT_WORKSHOP_KEY", "the workshop's key line (from kit workshop new) or the path of its "
                       "key file: hand-ins are signed with it", "unset: hand-ins are not signed")
DEBUG = Setting("KIT_DEBUG", "1 shows a traceback for an unexpected error in the kit command", "off")
SHARED = Setting("KIT_SHARED", "the shared app's folder (kit app --shared sets it): each browser is its own "
                 "learner, with an identity and a KIT_HOME of its own in this folder",
                 "unset: one learner per KIT_HOME")
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

_learner_home: Path | None = None  # a shared app's page: the folder of the learner it belongs to


def use_learner_home(folder: Path) -> None:
    """From now on this process works in one learner's folder (a shared app's page, once the page
    knows its learner): their journal, salt and exports. Rooms, hand-ins and support stay where
    the app set them (kit app --shared passes KIT_ROOMS, KIT_EXCHANGE and KIT_SUPPORT_FILE)."""
    global _learner_home
    _learner_home = Path(folder)


def kit_home() -> Path:
    """The learner's folder: a shared app page's learner, else KIT_HOME, else the per-user data folder."""
    if _learner_home is not None:
        return _learner_home
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


_query: dict[str, str] | None = None


def page_query() -> dict[str, str]:
    """The query of the page this kernel serves (Voila passes it as QUERY_STRING), e.g. {'learner': ...}.

    A pre-heated Voila kernel runs the notebook before anyone asks for the page; it learns the
    request (and so the query) only when a browser takes the page, so this waits for that once.
    """
    global _query
    if _query is None:
        if os.environ.get("VOILA_PREHEAT") == "True":
            from voila.utils import wait_for_request

            wait_for_request()
        from urllib.parse import parse_qsl

        _query = dict(parse_qsl(os.environ.get("QUERY_STRING", ""), keep_blank_values=True))
    return dict(_query)


def environment() -> dict[str, str]:
    """A copy of this process's environment, for a process the kit starts (kit app's Voila)."""
    return dict(os.environ)


def forget_page() -> None:
    """Forget the page's query and learner folder (tests play several pages in one process)."""
    global _learner_home, _query
    _learner_home = _query = None


def debug() -> bool:
    return DEBUG.raw() not in (None, "0", "false", "no")


def _key_shown() -> str:
    """The workshop key setting without its secret: a key file's path, or that a key line is set."""
    raw = WORKSHOP_KEY.raw()
    if raw is None:
        return f"(unset: {WORKSHOP_KEY.default})"
    return raw if Path(raw).expanduser().is_file() else "(a key line is set; the secret is not shown)"


def describe() -> list[tuple[str, str, str]]:
    """(variable, what it is now, what it sets) for every setting: `kit settings` prints these."""
    now = {
        HOME.env: str(kit_home()),
        EXCHANGE.env: str(exchange_dir()) if exchange_dir() else f"(unset: {EXCHANGE.default})",
        ROOMS.env: str(rooms_dir()),
        PACKS.env: str(packs_dir()),
        SUPPORT.env: str(support_file()) if support_file() else f"(unset: {SUPPORT.default})",
        DENYLIST.env: os.pathsep.join(str(p) for p in denylist_files()),
        WORKSHOP_KEY.env: _key_shown(),
        DEBUG.env: "on" if debug() else "off",
        SHARED.env: str(shared_dir()) if shared_dir() else f"(unset: {SHARED.default})",
        APP_IDLE.env: APP_IDLE.raw() or f"(unset: {APP_IDLE.default})",
    }
    return [(s.env, now[s.env], s.help) for s in SETTINGS]


def locations() -> list[tuple[str, Path]]:
    """The kit's own folders (what it found, where): `kit settings` prints these too."""
    return [("case packs", packs_dir()), ("learner notebooks", notebooks_dir()),
            ("exercises", exercises_dir()), ("facilitator material", facilitator_dir()),
            ("export templates", templates_dir()), ("data (denylist)", data_dir()),
            ("app notebooks (kit app)", app_dir())]
