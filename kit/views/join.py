"""The learner of a shared app's page (kit app --shared): join, continue, or carry on.

Every browser is its own learner. A page whose address carries a learner key opens as that
learner; any other page shows the join form once (a pseudonym, or the recovery code written
down when joining) and the page's other parts open as soon as it is used. The learner comes
from the page, never from a pseudonym remembered on the machine.

Once the page knows its learner, each part holds an invisible mark with the learner key; the
app's page template (kit-app) puts it in the address and on every link to another page, so
the learner stays themselves from page to page and on reload.
"""

from __future__ import annotations

import asyncio
import html as _html
import json
import threading
from collections.abc import Callable
from typing import Any, cast

import ipywidgets as W
from tornado.httpclient import HTTPClientError
from tornado.websocket import WebSocketError, websocket_connect

from .. import context, identity, settings
from ..errors import KitError
from ..html import message
from .base import Notice, Status, View, box, button, html


def key_mark(ident: identity.Identity | None) -> W.HTML:
    """An invisible element carrying the learner key for the page's script."""
    reg = identity.registry()
    value = ""
    if ident is not None and reg is not None:
        value = f'<span hidden data-kit-learner="{_html.escape(reg.key(ident), quote=True)}"></span>'
    return W.HTML(value, layout=W.Layout(display="none"))


class JoinForm(View):
    """Join with a pseudonym, or continue with a recovery code: the door of a shared app's page."""

    def __init__(self, problem: str | None = None):
        context.current().join_forms.append(self)
        self.joined: identity.Joined | None = None
        self.intro = html("<h3>Join this workshop</h3><p>Choose a pseudonym: any name you like, "
                          "<strong>not</strong> your real name. You get a recovery code to write down; "
                          "someone else who types the same pseudonym never gets your work.</p>")
        self.name = W.Text(continuous_update=False, placeholder="e.g. Robin, or Student 7",
                           description="Your pseudonym", style={"description_width": "initial"})
        self.join = button("Join as this learner", primary=True)
        self.again = html("<h4>Been here before?</h4><p>Type the recovery code you wrote down to continue "
                          "your work (on this or another device).</p>")
        self.code = W.Text(continuous_update=False, placeholder="e.g. ABCD-EFGH-JKMN",
                           description="Recovery code", style={"description_width": "initial"})
        self.resume = button("Continue my work")
        self.status = Status()
        if problem:
            self.status.say(problem, "error")
        self.join.on_click(lambda _b: self.join_as())
        self.resume.on_click(lambda _b: self.continue_with())
        self.widget = box(self.intro, W.HBox([self.name, self.join]), self.again,
                          W.HBox([self.code, self.resume]), self.status.widget)

    def join_as(self) -> identity.Identity | None:
        if identity.entered() is not None:
            return identity.entered()
        try:
            self.joined = _registry().join(self.name.value)  # before entering: the parts that open show its code
            identity.enter(self.joined.identity)
        except (KitError, OSError) as exc:
            self.joined = None
            self.status.say(_said(exc), "error")
            return None
        return self.joined.identity

    def continue_with(self) -> identity.Identity | None:
        if identity.entered() is not None:
            return identity.entered()
        try:
            ident = identity.enter(_registry().recover(self.code.value))
        except (KitError, OSError) as exc:
            self.status.say(_said(exc), "error")
            return None
        return ident


class LearnerCard(View):
    """The start page's answer to 'who am I here?': the learner, their recovery code once, a new code."""

    def __init__(self, ident: identity.Identity, joined: identity.Joined | None = None):
        self.identity = ident
        self.mark = key_mark(ident)
        self.who = html(message(f"You are working as '{ident.pseudonym}'. Your work is saved under a key in "
                                "this page's address: stay in this browser tab's pages, or use your "
                                "recovery code on another device.", "ok"))
        self.code = html()
        if joined is not None:
            self.show_code(joined.recovery_code, joined.name_in_use)
        self.new_code = button("Make a new recovery code", tooltip="The old code stops working")
        self.new_code.on_click(lambda _b: self.make_new_code())
        self.widget = box(self.mark, self.who, self.code, self.new_code)

    def show_code(self, code: str, name_in_use: bool = False) -> None:
        same = ("<p>Another learner here already uses this pseudonym; your work is kept apart from theirs. "
                "If that was you on another device, use your recovery code there instead.</p>") if name_in_use else ""
        self.code.value = (f"<p><strong>Your recovery code: <span class='kit-recovery-code' style='font-size:1.3em;letter-spacing:.1em'>"
                           f"{_html.escape(code)}</span></strong></p><p>Write it down now: it is shown only this once, and "
                           "with it you continue your work on another device.</p>" + same)

    def make_new_code(self) -> str | None:
        try:
            code = _registry().new_recovery_code(self.identity)
        except (KitError, OSError) as exc:
            self.code.value = message(_said(exc), "error")
            return None
        self.mark.value = key_mark(self.identity).value  # the old address is revoked: this page carries the new one
        self.show_code(code)
        return code


class PageLearner(View):
    """A part of a shared app's page that belongs to the page's learner (`.view` once known)."""

    def __init__(self, build: Callable[[str], View], problem: str | None = None):
        self._build = build
        self.view: View | None = None
        self.form: JoinForm | None = None
        self.widget = box()
        if not context.current().join_forms:
            self.form = JoinForm(problem)
            self.show(self.form.widget)
        else:
            self.waiting = html(message("Join on the form above (or continue with your recovery code); "
                                        "this part then opens here by itself.", "info"))
            self.show(self.waiting)
        identity.on_enter(self._open)

    def _open(self, ident: identity.Identity) -> None:
        if self.view is not None:
            return
        self.view = _built(self._build, ident)
        parts = [key_mark(ident)]
        if self.form is not None and self.form.joined is not None and not isinstance(self.view, LearnerCard):
            self.card = LearnerCard(ident, self.form.joined)  # joined here: the code is shown here, once
            parts.append(self.card.widget)
        self.show(*parts, self.view.widget)


def _built(build: Callable[[str], View], ident: identity.Identity) -> View:
    try:
        return build(ident.pseudonym)
    except KitError as exc:
        return Notice(str(exc), "error")


def _said(exc: Exception) -> str:
    """A sentence for a learner: the kit's own, or what the disk said."""
    if isinstance(exc, KitError):
        return str(exc)
    return (f"Your place in this workshop could not be saved ({getattr(exc, 'strerror', None) or exc}). "
            "Tell your facilitator: the app's folder cannot be written.")


def _registry() -> identity.Registry:
    reg = identity.registry()
    if reg is None:  # a programming error: the join form only appears in a shared app
        raise KitError("This page is not part of a shared app (kit app --shared).")
    return reg


def page_learner_view(build: Callable[[str], View]) -> View:
    """The view built for the page's learner, or the join form (or a wait for it) until the page has one."""
    arrived()
    try:
        ident = identity.page_identity()
    except KitError as exc:
        return PageLearner(build, str(exc))
    if ident is None:
        return PageLearner(build)
    view = _built(build, ident)
    holder: Any = View()  # a plain view that also carries the learner's view and key mark
    holder.view, holder.mark = view, key_mark(ident)
    holder.widget = box(holder.mark, view.widget)
    return holder


def arrived() -> None:
    """Wait, once, for the browser that takes this page: a pre-heated app page (Voila's ready-kernel
    pool) runs before anyone asks for it, and learns its address, with the learner key, only then.

    This is what voila.utils.wait_for_request does, without importing Voila's server into the kernel
    (two seconds of CPU for each page kept ready, mostly a grammar the server's schemas compile)."""
    if context.current().query is None and settings.voila_preheated():
        info = _request_info(settings.voila_request_address())
        if info is not None:
            settings.adopt_request(info)


def _request_info(address: str) -> dict[str, object] | None:
    """The one message Voila sends this kernel's query websocket when a browser takes the page (read on a
    loop of its own: the kernel's loop is running the cell that waits); None if it cannot be had."""
    async def hear() -> str | bytes | None:
        conn = await websocket_connect(address, connect_timeout=5)
        try:
            return await conn.read_message()
        finally:
            conn.close()

    heard: list[str | bytes | None] = []

    def run() -> None:
        loop = asyncio.new_event_loop()
        try:
            heard.append(loop.run_until_complete(hear()))
        except (OSError, TimeoutError, asyncio.TimeoutError, WebSocketError, HTTPClientError):
            pass  # no request to learn from: the page goes on as one without a learner key
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="kit-wait-for-request")
    thread.start()
    thread.join()
    try:
        info = json.loads(heard[0]) if heard and heard[0] is not None else None
    except ValueError:
        return None
    return info if isinstance(info, dict) else None


def page_picker() -> View:
    """The start page's learner part in a shared app: who you are here, or the join form."""
    return page_learner_view(lambda _who: LearnerCard(cast(identity.Identity, identity.entered()), _joined_here()))  # built once the page has its learner


def _joined_here() -> identity.Joined | None:
    """The join that happened on this page (its recovery code is shown once, here)."""
    for form in context.current().join_forms:
        if form.joined is not None:
            return form.joined
    return None

