"""The facilitator dashboard's parts, each a view over the HTML the dashboard module draws; each
opens only on the facilitator's page (views.page.for_facilitator)."""

from __future__ import annotations

from .. import dashboard as d
from ..cohort import Cohort
from ..html import download_link
from ..settings import kit_home
from .base import Status, View, box, button, facilitator_support_notice_html, html
from .page import for_facilitator


class Section(View):
    def __init__(self, body: str):
        self.body = html(body)
        self.widget = box(self.body)


class Report(View):
    """The dashboard's opening report. Parts: `notice` (one line when learners see the kit's default support
    list, not the institution's; empty otherwise) and `body` (the report)."""

    def __init__(self, cohort: Cohort):
        self.notice = html(facilitator_support_notice_html())
        self.body = html(d.report_html(cohort))
        self.widget = box(self.notice, self.body)


def cohort_report(cohort: Cohort) -> View:
    return for_facilitator(lambda: Report(cohort))


def cohort_choices(cohort: Cohort) -> View:
    return for_facilitator(lambda: Section("".join(d.choices_html(cohort, pid, p.title) for pid, p in d.packs_by_id().items())))


def cohort_confidence(cohort: Cohort) -> View:
    return for_facilitator(lambda: Section(d.confidence_html(cohort)))


def cohort_debates(cohort: Cohort) -> View:
    return for_facilitator(lambda: Section(d.stances_html(cohort)))


def cohort_attributions(cohort: Cohort) -> View:
    return for_facilitator(lambda: Section(d.attributions_html(cohort)))


def cohort_rationales(cohort: Cohort) -> View:
    return for_facilitator(lambda: Section(d.rationales_html(cohort)))


class SummaryButton(View):
    """Write the one-file workshop summary (KIT_HOME/workshop-summary.html) and offer it for download."""

    def __init__(self, cohort: Cohort):
        self.cohort = cohort
        self.write = button("Write the workshop summary (one HTML file)")
        self.status = Status()
        self.link = html()
        self.write.on_click(lambda _b: self.write_summary())
        self.widget = box(self.write, self.status.widget, self.link)

    def write_summary(self) -> None:
        path = d.write_summary(self.cohort, kit_home() / "workshop-summary.html")
        self.status.say(f"Written to {path}.", "ok")
        self.link.value = download_link("workshop-summary.html", path.read_bytes(), "text/html")


def summary_button(cohort: Cohort) -> View:
    return for_facilitator(lambda: SummaryButton(cohort))
