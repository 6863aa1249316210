"""What `kit app` adds to the Voila server it runs (loaded by Voila, in the server process).

- Leaving a page frees its kernel. Voila's page sends a shutdown request when it is left,
  with the ``_xsrf`` cookie's value, but Voila's page handler never sets that cookie, so the
  server refused every such request (403) and each page left a kernel behind. The identity
  provider below sets the cookie when a page is served; XSRF protection stays on.
- A workshop code (served beyond this computer): the server's token, typed once per browser on
  a plain login page, forgiving of case and spacing. Without it no page opens and no kernel starts.
- In a shared app, ``/`` opens the start page, so the address to give a room is short.
- In a shared app, the facilitator's pages (the room console and the dashboard, served from
  ``facilitator/``) open only in a browser that has visited the facilitator's address
  (``/facilitator?key=...``, printed by kit app for the facilitator alone): it sets a signed
  cookie. Any other browser is refused, whatever path it tries (``..`` and escapes included);
  the learner pages carry no link to them.
"""

from __future__ import annotations

import hmac
import posixpath
from html import escape
from urllib.parse import unquote

from jupyter_server.auth.identity import PasswordIdentityProvider
from tornado import web
from traitlets import default
from voila.voila_identity_provider import VoilaLoginHandler

from . import settings
from .identity import Registry, normal_code

START_PATH = "/voila/render/notebooks/00_start_here.ipynb"
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
<meta name="referrer" content="same-origin"><title>Enter the workshop: reflective practice kit</title>
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
<p>Type the workshop code your facilitator gave you (it is on the board or in the chat).
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
</main></body></html>
"""


class WorkshopLogin(VoilaLoginHandler):
    """A plain page asking for the workshop code (instead of Jupyter's 'password or token')."""

    def _render(self, message=None):
        error = ""
        if message:
            error = ('<p class="error" role="alert">That is not this workshop\'s code. Check it with '
                     "your facilitator and type it again.</p>")
        next_url = self.get_argument("next", default=self.base_url)
        action = f"{self.base_url}login?{web.urlencode({'next': next_url})}" if next_url else f"{self.base_url}login"
        self.write(PAGE.format(message=error, action=escape(action, quote=True),
                               xsrf=self.xsrf_form_html()))


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
    """The shared app's address opens its start page."""

    def initialize(self, url: str = START_PATH, permanent: bool = False) -> None:
        super().initialize(url=url, permanent=permanent)


class KitIdentityProvider(PasswordIdentityProvider):
    """Voila's default provider, plus the leave-page fix, the workshop login page and the short address."""

    def __init__(self, **kwargs):
        kwargs["login_handler_class"] = WorkshopLogin  # Voila passes its own; ours words the door
        super().__init__(**kwargs)

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

    def process_login_form(self, handler: web.RequestHandler):
        typed = normal_code(handler.get_argument("password", default=""))
        if self.token and typed and hmac.compare_digest(typed, self.token):
            return self.generate_anonymous_user(handler)
        return None

    def get_handlers(self) -> list[tuple[str, object]]:
        handlers = super().get_handlers()
        if settings.shared_dir() is not None:
            handlers += [(r"/", StartPage), (r"/facilitator", FacilitatorEntry)]
        return handlers
