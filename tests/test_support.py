"""Support: the institution's list (support.yaml or Markdown) or the kit's UK default, and a broken
file never stops a learner."""

from __future__ import annotations

import pytest

from kit.settings import data_dir
from kit.support import (
    DEFAULT_NOTICE,
    default_list_notice,
    default_support,
    load_support,
    read_support_file,
    support_text,
)
from kit.views.base import support_body_html

UK_NUMBERS = {"Samaritans": "116 123", "NAPAC": "0808 801 0331", "National Domestic Abuse Helpline": "0808 2000 247",
              "NSPCC": "0808 800 5000", "Childline": "0800 1111", "Emergency": "999",
              "Forced Marriage Unit": "020 7008 0151"}


def test_default_is_the_uk_list_shipped_as_data(kit_home):
    """With nothing set, the kit's own support.yaml is shown: practice educator, wellbeing service and the
    UK lines with their numbers."""
    s = load_support()
    assert s.source == str(data_dir() / "support.yaml") and not s.problem and not s.markdown
    names = [c.name for c in s.contacts]
    assert names[0].startswith("Your practice educator") and "wellbeing" in names[1]
    for name, number in UK_NUMBERS.items():
        (contact,) = [c for c in s.contacts if c.name.startswith(name)]
        assert number in contact.how
    assert "Refuge" in " ".join(names)
    (line,) = [c for c in s.contacts if c.name.startswith("Rape Crisis England & Wales")]
    assert "sexual violence or abuse, including child sexual abuse" in line.what_for
    assert line.link == "https://247sexualabusesupport.org.uk"
    (fmu,) = [c for c in s.contacts if c.name.startswith("Forced Marriage Unit")]
    assert fmu.link == "https://www.gov.uk/guidance/forced-marriage"
    assert "NAPAC" in support_text() and "You can stop at any point" in support_text()


def test_an_institutions_support_yaml_replaces_the_default(kit_home):
    """support.yaml in KIT_HOME is the institution's list: it replaces the kit's."""
    kit_home.mkdir(parents=True)
    (kit_home / "support.yaml").write_text(
        "intro: Our course's support.\n"
        "contacts:\n"
        "  - name: Student wellbeing\n    for: talking things through\n    how: room 101 or 01234 567890\n"
        "    link: https://wellbeing.example.ac.uk\n")
    s = load_support()
    assert s.intro == "Our course's support." and [c.name for c in s.contacts] == ["Student wellbeing"]
    assert s.contacts[0].link == "https://wellbeing.example.ac.uk"
    assert "Samaritans" not in support_text()


def test_kit_support_file_may_be_markdown(kit_home, tmp_path, monkeypatch):
    """KIT_SUPPORT_FILE naming a Markdown file shows it as written."""
    md = tmp_path / "local.md"
    md.write_text("# Support\n\nRing the course office on extension 42.\n")
    monkeypatch.setenv("KIT_SUPPORT_FILE", str(md))
    assert support_text().startswith("# Support\n\nRing the course office")
    assert "extension 42" in support_body_html()


@pytest.mark.parametrize("name, content, why", [
    ("support.yaml", "contacts: [\n", "line"),
    ("support.yaml", "- just a list\n", "must be a mapping"),
    ("support.yaml", "contacts: []\n", "at least one entry"),
    ("support.yaml", "contacts:\n  - name: Office\n    for: help\n", "contact 1 has no 'how'"),
    ("support.yaml", "contacts:\n  - name: Office\n    for: help\n    how: call\n    phone: 1\n", "'phone'"),
    ("support.yaml", "helplines:\n  - name: x\n", "'helplines'"),
    ("support.yaml", "contacts:\n  - name: Office\n    for: help\n    how: call\n    link: javascript:alert(1)\n",
     "web address"),
    ("support.md", "   \n", "empty"),
    ("support.yaml", b"\xff\xfe not text", "not UTF-8"),
])
def test_a_broken_support_file_shows_the_default_and_one_sentence(kit_home, name, content, why):
    """A support file the kit cannot use never raises: the default list is shown, with one sentence for
    the educator naming the file and why."""
    kit_home.mkdir(parents=True)
    f = kit_home / name
    f.write_bytes(content if isinstance(content, bytes) else content.encode())
    s = load_support()
    assert s.contacts == default_support().contacts
    assert s.problem.startswith(f"For the educator: the support file {f} could not be used (")
    assert why in s.problem and s.problem.count(". ") == 0
    assert s.problem in support_text() and "Samaritans" in support_text()
    assert "Warning" in support_body_html()


def test_a_missing_support_file_named_by_the_setting_falls_back(kit_home, tmp_path, monkeypatch):
    """KIT_SUPPORT_FILE naming a file that is not there shows the default with a sentence."""
    monkeypatch.setenv("KIT_SUPPORT_FILE", str(tmp_path / "nowhere.yaml"))
    s = load_support()
    assert "nowhere.yaml could not be used (there is no support file here)" in s.problem
    assert s.contacts == default_support().contacts


def test_support_text_is_escaped_in_html(kit_home):
    """An institution's text holding HTML is shown as text; links open in a new tab."""
    kit_home.mkdir(parents=True)
    (kit_home / "support.yaml").write_text(
        "contacts:\n  - name: \"<script>x</script>\"\n    for: help\n    how: call\n    link: https://a.example\n")
    page = support_body_html()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'href="https://a.example" target="_blank" rel="noopener"' in page


def test_the_shipped_default_reads_without_problems():
    """The kit's own support.yaml is valid in its own format."""
    s = read_support_file(data_dir() / "support.yaml")
    assert len(s.contacts) == 10 and all(c.name and c.what_for and c.how for c in s.contacts)


# The notice for facilitators when learners see the kit's default list, not the institution's.

def test_the_default_list_notice_says_how_to_set_the_institutions_own(kit_home, tmp_path, monkeypatch):
    """With no support file set, the notice is one line naming KIT_SUPPORT_FILE; with the institution's own
    file it is empty; with a file the kit cannot use it is the sentence saying why."""
    assert default_list_notice() == DEFAULT_NOTICE
    assert "KIT_SUPPORT_FILE" in DEFAULT_NOTICE and "\n" not in DEFAULT_NOTICE
    assert DEFAULT_NOTICE.count(". ") == 0 and DEFAULT_NOTICE.startswith("For the educator:")
    md = tmp_path / "ours.md"
    md.write_text("Ring the course office.\n")
    monkeypatch.setenv("KIT_SUPPORT_FILE", str(md))
    assert default_list_notice() == ""
    md.write_text("   \n")
    assert default_list_notice() == load_support().problem
    assert "could not be used (it is empty)" in default_list_notice()


def test_the_facilitator_dashboard_shows_the_notice_only_for_the_default_list(kit_home, monkeypatch):
    """The dashboard's opening report carries the notice while learners see the kit's default list, and
    drops it once the institution's own list is set."""
    from kit.dashboard import load_cohort
    from kit.views.dashboard import cohort_report

    monkeypatch.delenv("KIT_EXCHANGE", raising=False)
    cohort = load_cohort("")
    report = cohort_report(cohort)
    assert "KIT_SUPPORT_FILE" in report.notice.value and "Warning" in report.notice.value
    assert report.notice in report.widget.children
    kit_home.mkdir(parents=True, exist_ok=True)
    (kit_home / "support.yaml").write_text("contacts:\n  - name: Course office\n    for: help\n    how: ext 42\n")
    assert cohort_report(cohort).notice.value == ""


def test_kit_room_open_prints_the_notice_only_for_the_default_list(kit_home, tmp_path, capsys, monkeypatch):
    """`kit room open` ends with the notice while the default list is showing, and not otherwise."""
    from kit.cli import main

    pack = "robyn-front-door"
    monkeypatch.setenv("KIT_ROOMS", str(tmp_path / "rooms"))
    assert main(["room", "open", "--pack", pack]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == DEFAULT_NOTICE
    kit_home.mkdir(parents=True, exist_ok=True)
    (kit_home / "support.yaml").write_text("contacts:\n  - name: Course office\n    for: help\n    how: ext 42\n")
    assert main(["room", "open", "--pack", pack]) == 0
    assert "KIT_SUPPORT_FILE" not in capsys.readouterr().out


def _page_text(widget) -> str:
    """Every piece of text a widget tree shows (HTML values, labels, descriptions), children included."""
    parts = [str(getattr(widget, name, "") or "") for name in ("value", "description", "placeholder")]
    for child in getattr(widget, "children", ()):
        parts.append(_page_text(child))
    return "\n".join(p for p in parts if isinstance(p, str))


def test_a_learner_page_never_shows_the_notice(kit_home, example_pack):
    """A learner working through a whole case with the default list (content note, points, reveals, the
    outcome, stepping out) never sees the facilitator's notice, though the list itself is shown."""
    from kit.session import open_case
    from kit.views.case import CaseView

    assert default_list_notice() == DEFAULT_NOTICE
    view = CaseView(open_case(example_pack, learner="Robin"))
    seen = [_page_text(view.widget)]
    view.go_on.click()
    for point, option in [("housing-referral", "close"), ("manager-sign-off", "return"), ("police-callout", "refer")]:
        pv = view.points[point]
        pv.choice.value, pv.confidence.value, pv.rationale.value = option, 3, "I would want to see the home first."
        pv.change_mind.value = "A word from the health visitor."
        pv.commit.click()
        pv.relied_on.ticks["other"].value = True  # what the reasons rested on, before the reveal
        pv.relied_on.save.click()
        seen.append(_page_text(view.widget))
    view.step_out_button.click()
    seen.append(_page_text(view.widget))
    text = "\n".join(seen)
    assert "Samaritans" in text and "What happened" in text
    assert "KIT_SUPPORT_FILE" not in text and "For the educator" not in text
