"""What `kit app` adds to the Voila server it runs (loaded by Voila, in the server process).

- Leaving a page frees its kernel. Voila's page sends a shutdown request when it is left,
  with the ``_xsrf`` cookie's value, but Voila's page handler never sets that cookie, so the
  server refused every such request (403) and each page left a kernel behind. The identity
  provider below sets the cookie when a page is served; XSRF protection stays on.
- A workshop code (served beyond this computer): the server's token, typed once per browser on
  a plain login page, forgiving of case and spacing. Without it no page opens and no kernel starts.
- In a shared app, ``/`` opens the start page, so the address to give a room is short.
"""

from __future__ import annotations

import hmac
from html import escape

from jupyter_server.auth.identity import PasswordIdentityProvider
from tornado import web
from traitlets import default
from voila.voila_identity_provider import VoilaLoginHandler

from . import settings
from .identity import normal_code

START_PATH = "/voila/render/notebooks/00_start_here.ipynb"

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
            handlers.append((r"/", StartPage))
        return handlers
