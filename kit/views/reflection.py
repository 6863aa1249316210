"""The end of a case: where I place the reasons, Gibbs reflection, PCF evidence, CPD entry, and export."""

from __future__ import annotations

import html as _html
from pathlib import Path

from ..errors import KitError
from ..files import why, write_atomic
from ..html import MIME, download_link
from ..reflection import (
    CPD,
    CPD_ACTIVITIES,
    CPD_STANDARD,
    GIBBS,
    PCF_EVIDENCE_HINT,
    cpd_defaults,
    cpd_text,
    save_attribution,
    save_cpd,
    save_pcf_evidence,
    save_reflection,
)
from ..session import CaseSession
from ..vocabulary import RATING_SCALE, load_vocabulary
from .base import (
    AfterTheGate,
    Saver,
    Status,
    View,
    box,
    button,
    html,
    shared_session,
    text_area,
)
from .page import for_learner
from .parts import line_field, rating_row


class AttributionForm(View):
    """How much each level contributed, in the learner's view (one rating per vocabulary level)."""

    def __init__(self, case: CaseSession):
        vocab = load_vocabulary()
        saved = case.state.attribution or {}
        options = [(f"{v} {label}", v) for v, label in RATING_SCALE.items()]
        self.ratings = {lv: rating_row(vocab.label("levels", lv), options, int(saved.get(lv, 0))) for lv in vocab.levels}
        self.saver = Saver("Save where I place the reasons", lambda v: save_attribution(case, v), self.ratings,
                           saved="Where you place the reasons is kept with your work.")
        self.widget = box(html("<h3>Where do you place the reasons?</h3><p>How much did each level contribute to "
                               "what happened, in your view? There is no right answer; the workshop compares views.</p>"),
                          *self.ratings.values(), self.saver.widget)


class GibbsForm(View):
    def __init__(self, case: CaseSession):
        saved = case.state.reflection or {}
        self.stages = {k: text_area(label, prompt, saved.get(k, "")) for k, label, prompt in GIBBS}
        self.saver = Saver("Save my reflection", lambda v: save_reflection(case, v), self.stages,
                           saved="Your reflection is kept with your work; each save is kept, and your record shows the latest.")
        self.widget = box(html("<h3>Reflection (Gibbs' cycle)</h3><p>Six stages, each optional. Write as much or "
                               "as little as helps you.</p>"), *self.stages.values(), self.saver.widget)


class PcfEvidenceForm(View):
    """The learner's own evidence against each PCF domain; the record lists only domains with evidence."""

    def __init__(self, case: CaseSession):
        vocab = load_vocabulary()
        saved = case.state.pcf_evidence or {}
        self.evidence = {d: text_area(vocab.label("pcf_domains", d), PCF_EVIDENCE_HINT, saved.get(d, ""), rows=2)
                         for d in vocab.slugs("pcf_domains")}
        touched = ", ".join(vocab.label("pcf_domains", d) for d in case.pack.pcf_domains)
        self.saver = Saver("Save my PCF evidence", lambda v: save_pcf_evidence(case, v), self.evidence,
                           saved="Your PCF evidence is kept with your work; your record lists the domains you wrote for.")
        self.widget = box(html("<h3>Evidence against the Professional Capabilities Framework</h3><p>Write a few "
                               "sentences under any domain where your work in this case shows that capability: "
                               "what you decided or wrote, and why it shows it. Leave the others empty. Your "
                               "record lists only the domains you write evidence for."
                               + (f" The case's decision points touch {_html.escape(touched)}, if that helps "
                                  "you start." if touched else "") + "</p>"),
                          *self.evidence.values(), self.saver.widget)


class CpdForm(View):
    """A CPD entry in Social Work England's fields, then as plain text to paste into its online form."""

    def __init__(self, case: CaseSession, activity: str | None = None):
        saved = case.state.cpd or cpd_defaults(case, activity)
        self.fields = {k: self._field(k, label, hint, saved.get(k, "")) for k, label, hint in CPD}
        self.saver = Saver("Save my CPD entry", self._save, self.fields,
                           saved="Your CPD entry is kept with your work; the plain text below is ready to copy.")
        self._case = case
        self.plain = text_area("Plain text for Social Work England's online form", value=cpd_text(case.state.cpd),
                               rows=10)
        self.plain_part = box(html("<p>Copy each part into the matching field of Social Work England's online "
                                   "form (select the text, then copy). Your record includes it too.</p>"), self.plain)
        self.widget = box(html(f"<h3>CPD entry</h3><p>In the fields Social Work England asks for, tagged to "
                               f"{_html.escape(CPD_STANDARD)}. Social Work England asks for at least two pieces "
                               "of CPD each registration year, at least one including reflection with a peer.</p>"),
                          *self.fields.values(), self.saver.widget, self.plain_part)
        self._refresh()

    @staticmethod
    def _field(key: str, label: str, hint: str, value: str):
        if key == "date":
            return line_field(label, hint, value, short=True)
        if key == "activity_type":  # chosen, never preset for a learner alone (an older entry's words kept)
            kinds = list(CPD_ACTIVITIES.values()) + ([value] if value and value not in CPD_ACTIVITIES.values() else [])
            return rating_row(label, [(hint, ""), *[(k, k) for k in kinds]], value)
        return text_area(label, hint, value, rows=3)

    def _save(self, values: dict[str, str]) -> None:
        save_cpd(self._case, values)
        self._refresh()

    def _refresh(self) -> None:
        self.plain.value = cpd_text(self._case.state.cpd)
        self.plain_part.layout.display = None if self.plain.value else "none"


class ExportForm(View):
    """Export the record: offered as a download link, and a copy saved in KIT_HOME/exports.

    The record comes from this kernel's journal, so work held in memory (a full or read-only
    disk) is in it; the link is offered even when no copy can be saved on disk."""

    def __init__(self, learner: str, case: str | None = None):
        self.learner = learner
        self.format = rating_row("Format", [("A web page to print or keep (HTML)", "html"), ("Markdown", "md"),
                                            ("Data for a workshop or another tool (JSON)", "json")], "html")
        self.scope = rating_row("Include", [("This case", case), ("All my cases", None)] if case
                                else [("All my cases", None)], case)
        self.button = button("Export my record", primary=True)
        self.status = Status()
        self.link = html()
        self.button.on_click(lambda _b: self.export())
        self.widget = box(html("<h3>Export your record</h3><p>For your portfolio or CPD: your decisions and reasons "
                               "beside what happened and what the review found, your debate positions and "
                               "reflections.</p>"), self.format, self.scope, self.button, self.status.widget, self.link)

    def export(self) -> None:
        from ..export import default_export_path, render_export

        try:
            name, data = render_export(self.learner, self.scope.value, self.format.value)
        except KitError as exc:
            self.status.say(str(exc), "error")
            self.link.value = ""
            return
        # the link says what it is in words; the file's name (which holds the case's id) is only the file's
        self.link.value = download_link(name, data, MIME[self.format.value], f"Download your record: {self.format.label}")
        path = default_export_path(name)
        try:
            write_atomic(path, data)
        except OSError as exc:
            self.status.say("Your record is ready: download it with the link below and keep it safe. The kit's own "
                            f"copy could not be saved ({why(exc, path)}).", "warning")
            return
        self.status.say("Your record is ready: download it with the link below. The kit also keeps a copy "
                        "with your saved work.", "ok")


class RecordView(View):
    """The end-of-case activities for a pack: attribution, reflection, CPD entry and export."""

    def __init__(self, case: CaseSession, activity: str | None = None):
        self.case = case
        self.attribution, self.gibbs, self.pcf = AttributionForm(case), GibbsForm(case), PcfEvidenceForm(case)
        self.cpd, self.export = CpdForm(case, activity), ExportForm(case.learner, case.pack.id)
        self.widget = box(self.attribution.widget, self.gibbs.widget, self.pcf.widget, self.cpd.widget,
                          self.export.widget)


def record_view(pack: str | Path, learner: str | None = None, activity: str | None = None) -> View:
    """Reflect and export: where I place the reasons, Gibbs, PCF evidence, a CPD entry, and the record.
    `activity` presets the CPD entry's type for an exercise plan ("workshop", "supervision" or
    "self-directed"); without it the learner chooses."""

    def build(who: str) -> View:
        session = shared_session(pack, who)
        return AfterTheGate(session, lambda: RecordView(session, activity), "your reflection")

    return for_learner(build, learner)
