"""Support: the institution's list (support.yaml or Markdown) or the kit's UK default, and a broken
file never stops a learner."""

from __future__ import annotations

import pytest

from kit.settings import data_dir
from kit.support import default_support, load_support, read_support_file, support_text
from kit.views.base import support_body_html

UK_NUMBERS = {"Samaritans": "116 123", "NAPAC": "0808 801 0331", "National Domestic Abuse Helpline": "0808 2000 247",
              "NSPCC": "0808 800 5000", "Childline": "0800 1111", "Emergency": "999"}


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
    assert len(s.contacts) == 8 and all(c.name and c.what_for and c.how for c in s.contacts)
