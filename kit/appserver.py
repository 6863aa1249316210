"""What `kit app` adds to the Voila server it runs (loaded by Voila, in the server process).

- Leaving a page frees its kernel. Voila's page sends a shutdown request when it is left,
  with the ``_xsrf`` cookie's value, but Voila's page handler never sets that cookie, so the
  server refused every such request (403) and each page left a kernel behind. The identity
  provider below sets the cookie when a page is served; XSRF protection stays on.
- A page's kernel is freed when its browser goes, even if that request never arrives (a closed
  laptop, a context closed at once): when the page's last websocket closes and none comes back
  within a few seconds; and a page whose browser never connects (a bare request) within a minute
  (KitKernelManager, loaded with ``--VoilaConfiguration.multi_kernel_manager_class``).
- One browser holds at most a few kernels: a page beyond that first frees that browser's pages
  already left, else says in a sentence to close a tab (KitPage).
- A workshop code (served beyond this computer): the server's token, read from a file (never the
  command line, which other accounts can read), typed once per browser on a plain login page,
  forgiving of case and spacing. Without it no page opens and no kernel starts. After a few wrong
  codes the door waits, for that computer and then for everyone (Door).
- ``/`` opens the start page, so the address to give (and the one Voila prints) is short, and the
  kit's address is the last line printed once the server is up.
- In a shared app, the facilitator's pages (the room console and the dashboard, served from
  ``facilitator/``) open only in a browser that has visited the facilitator's address
  (``/facilitator?key=...``, printed by kit app for the facilitator alone): it sets a signed
  cookie. Any other browser is refused, whatever path it tries (``..`` and escapes included);
  the learner pages carry no link to them.
"""

from __future__ import annotations

import contextlib
import contextvars
import hmac
import posixpath
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from typing import Any
from urllib.parse import unquote

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.ioloop import IOLoop, PeriodicCallback
from traitlets import Float, Integer, default
from voila.tornado.handler import TornadoVoilaHandler
from voila.voila_identity_provider import VoilaLoginHandler

from . import settings
from .app import START_PAGE
from .identity import Registry, normal_code

START_PATH = f"/voila/render/{START_PAGE}"
CONSOLE_PATH = "/voila/render/facilitator/91_room_console.ipynb"
FACILITATOR_COOKIE = "kit-facilitator"
FACILITATOR_FOLDER = "facilitator"  # kit.app.FACILITATOR_PAGES: where the app serves the facilitator's pages

REFUSED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>For the facilitator: reflective practice kit</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem;
line-height: 1.5; color: #1b1b1b; }}</style></head>
<body><main><h1>This page is for the workshop's facilitator</h1>
<p>It opens only from the facilitator's own address. {what}</p>
<p><a href="{start}">Go to the start page</a></p></main></body></html>
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>{title}: reflective practice kit</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1b1b1b; }}
label {{ display: block; font-weight: 600; margin-top: 1rem; }}
input {{ font-size: 1.25rem; padding: .4rem; letter-spacing: .1em; text-transform: uppercase; width: 14rem; }}
button {{ font-size: 1rem; padding: .5rem 1rem; margin-top: 1rem; background: #1565c0; color: #fff;
         border: 0; border-radius: 4px; }}
button:focus, input:focus {{ outline: 3px solid #ff9800; outline-offset: 2px; }}
.error {{ color: #a4000f; font-weight: 600; }}
</style></head>
<body><main>
<h1>Reflective practice kit</h1>
{body}
</main></body></html>
"""

DOOR = """<p>Type the workshop code your facilitator gave you (it is on the board or in the chat).
You only need it once in this browser.</p>
{message}
<form method="post" action="{action}">
{xsrf}
<label for="code">Workshop code</label>
<input id="code" name="password" autocomplete="off" autocapitalize="characters" spellcheck="false"
       required aria-describedby="code-help">
<p id="code-help">Letters and digits, e.g. ABCD-EFGH. Dashes and spaces do not matter.</p>
<button type="submit">Enter the workshop</button>
</form>
"""

WRONG = "That is not this workshop's code. Check it with your facilitator and type it again."
TOO_MANY_PAGES = ("This browser already has {n} pages of the kit open, which is as many as one browser may "
                  "have. Close a tab you have finished with, then reload this page. Your saved work is not "
                  "affected.")


def waiting(seconds: float) -> str:
    return (f"Too many wrong codes were typed. Wait {max(1, round(seconds))} seconds, then type the code "
            "again (check it with your facilitator first).")


class Door:
    """Wrong workshop codes, per computer and for everyone: after a few, the door waits before it checks
    another code (a wait answered at once, so trying faster gains nothing)."""

    FREE = 5  # wrong codes one computer may type before the door waits
    FIRST_WAIT = 1.0  # then the wait doubles from 1 s ...
    LONGEST_WAIT = 60.0  # ... up to a minute between tries
    ROOM_PER_MINUTE = 30  # wrong codes from everyone together in a minute before every computer waits
    REMEMBERED = 10_000  # computers remembered at most (the oldest forgotten first)

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._clients: dict[str, tuple[int, float]] = {}  # address -> (wrong codes in a row, not before)
        self._recent: deque[float] = deque()  # when the last wrong codes (from anyone) came

    def wait(self, client: str) -> float:
        """Seconds before a code from this computer is checked (0: now)."""
        now = self.clock()
        while self._recent and self._recent[0] <= now - 60:
            self._recent.popleft()
        wait = max(0.0, self._clients.get(client, (0, 0.0))[1] - now)
        if len(self._recent) >= self.ROOM_PER_MINUTE:
            wait = max(wait, self._recent[0] + 60 - now)
        return wait

    def failed(self, client: str) -> None:
        now = self.clock()
        wrong = self._clients.pop(client, (0, 0.0))[0] + 1
        extra = wrong - self.FREE
        pause = 0.0 if extra <= 0 else min(self.FIRST_WAIT * 2 ** (extra - 1), self.LONGEST_WAIT)
        self._clients[client] = (wrong, now + pause)
        while len(self._clients) > self.REMEMBERED:
            self._clients.pop(next(iter(self._clients)))
        self._recent.append(now)

    def passed(self, client: str) -> None:
        self._clients.pop(client, None)


class WorkshopLogin(VoilaLoginHandler):
    """A plain page asking for the workshop code (instead of Jupyter's 'password or token')."""

    @allow_unauthenticated
    def post(self):
        wait = self.identity_provider.door.wait(self.request.remote_ip or "")
        if wait:
            self.set_status(429)
            self.set_header("Retry-After", str(max(1, round(wait))))
            self._render(message={"error": waiting(wait)})
            return
        super().post()

    def _render(self, message=None):
        error = ""
        if message:
            text = message.get("error") if isinstance(message, dict) else None
            error = f'<p class="error" role="alert">{escape(text if text and text != "Invalid credentials" else WRONG)}</p>'
        next_url = self.get_argument("next", default=self.base_url)
        action = f"{self.base_url}login?{web.urlencode({'next': next_url})}" if next_url else f"{self.base_url}login"
        self.write(PAGE.format(title="Enter the workshop", body=DOOR.format(
            message=error, action=escape(action, quote=True), xsrf=self.xsrf_form_html())))


def facilitator_path(path: str) -> bool:
    """True for any address of a facilitator's page (render, tree, files, ...), however it is spelled."""
    parts = [p for p in posixpath.normpath("/" + unquote(path)).split("/") if p]
    return len(parts) >= 3 and parts[0] == "voila" and parts[2] == FACILITATOR_FOLDER


def is_facilitator(handler: web.RequestHandler) -> bool:
    """True when this browser holds the facilitator's signed cookie."""
    try:
        return handler.get_secure_cookie(FACILITATOR_COOKIE, max_age_days=2) == b"facilitator"
    except Exception:  # noqa: BLE001  (no cookie secret, a cookie from elsewhere: not the facilitator)
        return False


def refuse(handler: web.RequestHandler, what: str) -> None:
    handler.set_status(403)
    base = str(handler.settings.get("base_url", "/")).rstrip("/")
    handler.finish(REFUSED.format(what=escape(what), start=escape(base + START_PATH)))


class FacilitatorEntry(web.RequestHandler):
    """The facilitator's address (/facilitator?key=...): with the app's facilitator key, this browser
    gets the facilitator's cookie (it also passes the workshop door) and opens the room console."""

    def get(self) -> None:
        folder = settings.shared_dir()
        key = self.get_argument("key", default="")
        if folder is None or not Registry(folder).is_facilitator(key):
            refuse(self, "That address is not this workshop's facilitator address. Learners join on the "
                         "start page.")
            return
        self.set_secure_cookie(FACILITATOR_COOKIE, "facilitator", expires_days=1, httponly=True, samesite="Strict")
        self.redirect(self.settings.get("base_url", "/").rstrip("/") + CONSOLE_PATH)


class StartPage(web.RedirectHandler):
    """The app's address opens its start page (not Voila's bare list of files)."""

    def initialize(self, url: str = START_PATH, permanent: bool = False) -> None:
        super().initialize(url=url, permanent=permanent)


# -- kernels: freed when their browser goes; a few per browser ----------------------------------------

@dataclass(eq=False)
class _Claim:
    """A page request being served for one browser (until its kernel is known)."""

    browser: str
    used: bool = False


_PAGE: contextvars.ContextVar[_Claim | None] = contextvars.ContextVar("kit_page", default=None)


@dataclass
class _Page:
    """A kernel the app started: whose browser, since when, whether its page ever connected."""

    browser: str | None
    since: float = field(default_factory=time.monotonic)
    pooled: bool = False  # kept ready by Voila (--preheat) and not yet handed to a page
    connected: bool = False
    closes: int = 0  # how many times its last websocket closed (a grace timer checks it is still the same)


class KitKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager, freeing a page's kernel when its browser has gone."""

    reconnect_grace = Float(10.0, config=True, help="seconds a page's kernel waits, after its page's last "
                            "websocket closed, for the page to reconnect before it is shut down")
    unclaimed_timeout = Float(60.0, config=True, help="seconds a page's kernel, idle, waits for its page's "
                              "first websocket (a page request without a browser) before it is shut down")
    per_browser = Integer(4, config=True, help="kernels (open pages) one browser may hold at once")
    sweep_interval = Float(5.0, config=True, help="seconds between checks for kernels no browser claimed")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pages: dict[str, _Page] = {}
        self._claims: set[_Claim] = set()
        self._sweeper: PeriodicCallback | None = None
        handing = getattr(self, "get_rendered_notebook", None)  # Voila's pool (--preheat) hands kernels out here
        if handing is not None:
            async def handed_out(*args, **kw):
                result = await handing(*args, **kw)
                self._claimed(result[2])
                return result
            self.get_rendered_notebook = handed_out

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        kid = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        if kid not in self._pages:
            pooled = (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True"
            self._pages[kid] = _Page(None, pooled=pooled)
            if not pooled:
                self._claimed(kid)
        if self._sweeper is None:
            self._sweeper = PeriodicCallback(self._sweep, 1000 * self.sweep_interval)
            self._sweeper.start()
        return kid

    def _claimed(self, kid: str) -> None:
        """The page request being served (if any) now owns this kernel."""
        page, claim = self._pages.get(kid), _PAGE.get()
        if page is None:
            return
        page.pooled, page.since = False, time.monotonic()
        if claim is not None and not claim.used:
            claim.used, page.browser = True, claim.browser

    async def shutdown_kernel(self, kernel_id, now=False, restart=False):
        if not restart:
            self._pages.pop(kernel_id, None)
        return await super().shutdown_kernel(kernel_id, now=now, restart=restart)

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        page = self._pages.get(kernel_id)
        if page is not None:
            page.connected, page.pooled = True, False

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        page = self._pages.get(kernel_id)
        if page is not None and self._kernel_connections.get(kernel_id, 0) <= 0:
            page.closes += 1
            IOLoop.current().call_later(self.reconnect_grace, self._gone, kernel_id, page.closes)

    def _gone(self, kid: str, closes: int) -> None:
        page = self._pages.get(kid)
        if page is not None and page.closes == closes and self._kernel_connections.get(kid, 0) <= 0:
            self._free(kid, f"its page closed {self.reconnect_grace:g} s ago and did not come back")

    def _free(self, kid: str, why: str) -> None:
        if kid in self._pages and kid in self:
            self._pages.pop(kid, None)
            self.log.info("Freeing kernel %s: %s.", kid, why)
            IOLoop.current().add_callback(self._shutdown_quietly, kid)

    async def _shutdown_quietly(self, kid: str) -> None:
        with contextlib.suppress(KeyError):  # already gone (the page's leave request, the culler)
            await self.shutdown_kernel(kid)

    def _sweep(self) -> None:
        """Free the kernels of page requests whose browser never connected (rendered, then idle a minute)."""
        now = time.monotonic()
        for kid, page in list(self._pages.items()):
            if kid not in self:
                self._pages.pop(kid, None)
                continue
            if page.connected or page.pooled:
                continue
            kernel = self._kernels[kid]
            if getattr(kernel, "execution_state", "") in ("busy", "starting"):
                continue
            last = getattr(kernel, "last_activity", None)
            idle = (datetime.now(timezone.utc) - last).total_seconds() if last is not None else now - page.since
            if min(idle, now - page.since) > self.unclaimed_timeout:
                self._free(kid, f"no browser connected to its page within {self.unclaimed_timeout:g} s")

    def make_room(self, browser: str) -> bool:
        """Whether this browser may open one more page: frees its pages already left (oldest first) to stay
        under the cap; False if its pages are all still open."""
        mine = sorted(((p.since, kid) for kid, p in self._pages.items() if p.browser == browser and kid in self))
        coming = sum(1 for c in self._claims if c.browser == browser and not c.used)
        over = len(mine) + coming + 1 - self.per_browser
        for _since, kid in mine:
            if over <= 0:
                break
            kernel = self._kernels.get(kid)
            if self._kernel_connections.get(kid, 0) <= 0 and getattr(kernel, "execution_state", "") != "busy":
                self._free(kid, "its browser opened another page and this one was already left")
                over -= 1
        return over <= 0


class KitPage(TornadoVoilaHandler):
    """Voila's page, counted against its browser's cap (the browser: its login cookie's user)."""

    @web.authenticated
    async def get(self, path=None):
        km = self.kernel_manager
        user = self.current_user
        browser = getattr(user, "username", None)
        if not isinstance(km, KitKernelManager) or not browser or not str(path or "").endswith(".ipynb"):
            await super().get(path=path)
            return
        if not km.make_room(browser):
            self.set_status(429)
            self.finish(PAGE.format(title="Too many pages open", body=f'<p class="error" role="alert">'
                                    f"{escape(TOO_MANY_PAGES.format(n=km.per_browser))}</p>"))
            return
        claim = _Claim(browser)
        km._claims.add(claim)
        token = _PAGE.set(claim)
        try:
            await super().get(path=path)
        finally:
            _PAGE.reset(token)
            km._claims.discard(claim)


class KitIdentityProvider(PasswordIdentityProvider):
    """Voila's default provider, plus the leave-page fix, the workshop door and the short address."""

    def __init__(self, **kwargs):
        kwargs["login_handler_class"] = WorkshopLogin  # Voila passes its own; ours words the door
        super().__init__(**kwargs)
        self.door = Door()
        ready = settings.app_ready_line()
        if ready:  # runs once the server loop starts: after Voila's own "running at" lines
            IOLoop.current().add_callback(print, ready, flush=True)

    @default("token")
    def _token_from_file(self) -> str:
        """The workshop code, from the file kit app names in the environment (never the command line)."""
        path = settings.app_code_file()
        if not path:
            return super()._token_default()
        self.token_generated = False
        with open(path, encoding="utf-8") as f:
            return normal_code(f.read(200))

    @default("allow_password_change")
    def _no_password_change(self) -> bool:  # the login page sets no password
        return False

    async def _get_user(self, handler: web.RequestHandler):
        user = await super()._get_user(handler)
        if settings.shared_dir() is not None:
            facilitator = is_facilitator(handler)
            if user is None and facilitator:
                user = self.generate_anonymous_user(handler)  # the facilitator's address passes the door too
            if not facilitator and facilitator_path(handler.request.path):
                refuse(handler, "Learners' pages never link here.")
                raise web.Finish()  # the refusal is the whole answer
        if user is not None and handler.request.method == "GET" and "/voila/render/" in handler.request.path:
            handler.current_user = user  # what prepare() sets next; xsrf_token reads it
            handler.xsrf_token  # noqa: B018  (sets the _xsrf cookie that the page's leave request sends back)
        return user

    def check_code(self, handler: web.RequestHandler, typed: str) -> bool:
        """Whether typed is the workshop code: a wrong code slows the door; while it waits nothing is checked."""
        client = handler.request.remote_ip or ""
        if not self.token or self.door.wait(client):
            return False
        if typed and hmac.compare_digest(normal_code(typed), self.token):
            self.door.passed(client)
            return True
        self.door.failed(client)
        return False

    def process_login_form(self, handler: web.RequestHandler):
        if self.check_code(handler, handler.get_argument("password", default="")):
            return self.generate_anonymous_user(handler)
        return None

    async def get_user_token(self, handler: web.RequestHandler):
        """A code in the address (?token=) or an Authorization header: checked at the same door."""
        typed = self.get_token(handler) if self.token else ""
        if not typed or not self.check_code(handler, typed):
            return None
        user = self.get_user_cookie(handler)
        return user or self.generate_anonymous_user(handler)

    def get_handlers(self) -> list[tuple[Any, ...]]:
        voila: Any = self.parent  # Voila's app, which loads this provider
        page = {"template_paths": voila.template_paths, "config": voila.config,
                "voila_configuration": voila.voila_configuration}
        facilitator = [(r"/facilitator", FacilitatorEntry)] if settings.shared_dir() is not None else []
        # Before Voila's own handlers: tornado takes the first rule that matches.
        return [*super().get_handlers(), (r"/", StartPage), *facilitator, (r"/voila/render/(.*)", KitPage, page)]
