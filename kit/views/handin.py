"""Hand in for a workshop: to the shared folder, or as a download when there is none."""

from __future__ import annotations

from ..errors import KitError
from ..handin import handin_record, submit
from ..html import download_link
from ..record import to_json
from ..settings import WORKSHOP_KEY, exchange_dir
from ..workshop import parse_key, workshop_key
from .base import Status, View, box, button, html
from .page import for_learner
from .parts import checkbox, line_field


class HandinForm(View):
    """Opt in to sharing written text, then hand in (or download if no exchange folder).

    The hand-in comes from this kernel's journal, so work held in memory is handed in too.
    If no workshop key is set for this kit, a learner may paste the key line their educator
    gave them; the hand-in is then signed with it."""

    def __init__(self, learner: str):
        self.learner = learner
        self.share = checkbox("Include my written reasons and reflections (only if you are happy for your "
                              "educator and group to read them)")
        self.key = line_field("Workshop key (only if your educator gave you one)", "paste the key line here")
        if WORKSHOP_KEY.raw():
            self.key.layout.display = "none"
        self.hand_in = button("Hand in to the workshop", primary=True)
        self.status = Status()
        self.link = html()
        self.hand_in.on_click(lambda _b: self.submit())
        self.widget = box(html("<p>Your choices and confidence are shared under a code, not your name. Your written "
                               "text is shared only if you tick the box.</p>"),
                          self.share, self.key, self.hand_in, self.status.widget, self.link)

    def submit(self) -> None:
        try:
            key = parse_key(self.key.value, "That workshop key") if self.key.value.strip() else workshop_key()
            signed = f", signed for workshop {key.code}" if key else ""
            if exchange_dir():
                path = submit(self.learner, share_text=self.share.value, key=key)
                self.status.say(f"Handed in{signed}. Your educator will see it as {path.name}.", "ok")
                return
            rec = handin_record(self.learner, self.share.value, key)
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.status.say(f"There is no shared workshop folder here: download the file{signed} and give it to "
                        "your educator.")
        self.link.value = download_link(f"{rec.learner_id}.json", to_json(rec).encode("utf-8"), "application/json")


def submit_view(learner: str | None = None) -> View:
    return for_learner(HandinForm, learner)
