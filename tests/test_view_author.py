"""The authoring page (kit/views/author.py), driven as an educator uses it: typing into its rows,
ticking, choosing, clicking; problems appear beside their fields, the preview uses the real case
view in a journal of its own, and only a case with nothing to fix is published."""

from __future__ import annotations

import shutil

import pytest

from kit.cli import main
from kit.journal import FILE_NAME
from kit.views.author import AuthorPage, author_page
from tests.conftest import CASEPACKS

SOURCE = ("The review found that the duty team closed the referral without a home visit because the "
          "family had moved twice in a year and nobody had asked the housing officer what she had seen.")


@pytest.fixture
def page(tmp_path, kit_home) -> AuthorPage:
    root = tmp_path / "packs"
    root.mkdir()
    shutil.copy(CASEPACKS / "vocabulary.yaml", root / "vocabulary.yaml")
    view = author_page(str(root))
    assert isinstance(view, AuthorPage)
    return view


def type_in(page: AuthorPage, field: str, value) -> None:
    page.rows.rows[field].value = value


def write_point(page: AuthorPage, n: int) -> None:
    page.section.value = "points"
    page.add_point.click()
    i = page.point.value
    p = f"decision_points[{i}]"
    type_in(page, f"{p}.title", f"Moment {n} at the front door")
    type_in(page, f"{p}.when", f"Spring {2014 + n}")
    type_in(page, f"{p}.situation", "A housing officer rings about a pregnant tenant who seems frightened.")
    type_in(page, f"{p}.question", "You are the duty social worker. What do you do next?")
    type_in(page, f"{p}.options[0].text", "Record the call and close it with advice to the caller.")
    type_in(page, f"{p}.options[0].actual", True)
    type_in(page, f"{p}.options[1].text", "Arrange a home visit with a colleague within the week.")
    type_in(page, f"{p}.options[1].review_supported", True)
    type_in(page, f"{p}.options[1].relies_on", ["professional-curiosity"])
    type_in(page, f"{p}.what_happened", "The call was logged and closed the same day.")
    type_in(page, f"{p}.review_finding", "The review said a visit would have let someone see the home.")
    type_in(page, f"{p}.contributing_factors[0].level", "organisation")
    type_in(page, f"{p}.contributing_factors[0].factor", "Ten-day timescales were closely watched.")


def test_a_case_built_on_the_page_publishes_and_passes_kit_lint(page, kit_home):
    """From empty to published through the page's parts alone, meeting a problem beside its field, a
    copied run marked, and a preview before and after commit that leaves the educator's journal alone."""
    type_in(page, "title", "Baby Q: a referral from housing")
    assert page.rows.rows["id"].value == "baby-q"
    assert "is empty" in page.rows.rows["summary"].problems.value  # beside the field, as it is
    type_in(page, "summary", "A teaching case about a referral from a housing officer during a pregnancy.")
    assert page.rows.rows["summary"].problems.value == ""
    type_in(page, "content_note", "Serious injury to a baby; domestic abuse.")
    type_in(page, "outcome", "The baby was later hurt at home.")
    page.section.value = "source"
    type_in(page, "source.review", "Serious case review: Baby Q, Exampleshire Safeguarding Children Board")
    type_in(page, "source.year", "2019")
    type_in(page, "source.articles[0].publisher", "Community Care")
    type_in(page, "source.articles[0].title", "Review finds referral was closed early")
    page.source_text.value = SOURCE
    page.section.value = "background"
    type_in(page, "anonymisation.pseudonyms", "Q")
    for n in (1, 2):
        write_point(page, n)
    assert "needs at least 3, but has 2" in page._lists["decision_points"].value
    write_point(page, 3)
    assert "decision_points" not in page.summary.value
    type_in(page, "decision_points[2].what_happened",
            "They closed the referral without a home visit because the family had moved twice in a year.")
    shown = page.rows.rows["decision_points[2].what_happened"].problems.value
    assert "copies 16 words in a row" in shown and "<mark>closed the referral without" in shown
    page.publish.click()
    assert "not published: 1 problem" in page.status.text
    type_in(page, "decision_points[2].what_happened", "The call was logged and the case closed that day.")
    assert page.rows.rows["decision_points[2].what_happened"].problems.value == ""

    page.section.value = "preview"
    page.preview.point.value = 1
    page.preview.before.click()
    view = page.preview.view
    assert "Decision point 2 of 3: Moment 2 at the front door" in view.header.value
    assert not view.commit.disabled and view.reveal_box.children == ()
    page.preview.after.click()
    assert "What happened" in page.preview.view.reveal.value
    assert not (kit_home / FILE_NAME).exists()  # the educator's own journal is untouched

    page.save.click()
    assert page.status.text.startswith("Saved:") and (kit_home / "drafts" / "baby-q" / "source.txt").exists()
    page.publish.click()
    assert "Published" in page.status.text, page.status.text
    assert main(["lint", str(page.draft.home)]) == 0


def test_points_move_and_are_removed_on_a_second_click(page):
    for n in (1, 2):
        write_point(page, n)
    page.point.value = 1
    page.move_up.click()
    assert page.point.value == 0 and page.point.options[0][0] == "1. Moment 2 at the front door"
    page.remove_point.click()
    assert len(page.draft.get(("decision_points",))) == 2 and "again" in page.remove_point.description
    page.remove_point.click()
    assert [p["title"] for p in page.draft.get(("decision_points",))] == ["Moment 1 at the front door"]


def test_a_debate_from_pasted_comments_is_anonymised_and_coded(page):
    page.section.value = "debates"
    page.pasted.value = "JaneDoe99 says:\nPractitioners must answer for this.\n\nMark T:\n@JaneDoe99 they had forty cases."
    page.make_debate.click()
    assert page.draft.get(("debates", 0, "comments", 1, "author")) == "Commenter B"
    assert page.draft.get(("debates", 0, "comments", 1, "reply_to")) == "c1"
    assert "needs a stance" in page._lists["debates[0].comments[0]"].value  # beside the comment it is about
    type_in(page, "debates[0].comments[0].accountability", 3)
    type_in(page, "debates[0].comments[0].context", 0)
    assert page._lists["debates[0].comments[0]"].value == "" and "comment 'c1' needs" not in page.summary.value


def test_an_existing_pack_opens_and_an_edit_reaches_only_its_field(tmp_path, kit_home):
    home = tmp_path / "robyn-front-door"
    shutil.copytree(CASEPACKS / "robyn-front-door", home)
    page = author_page(str(home))
    assert page.summary.value.count("To fix") == 0 and "nothing to fix" in page.summary.value
    page.section.value = "points"
    type_in(page, "decision_points[0].options[1].feedback", "Shorter feedback.")
    page.publish.click()
    text = (home / "pack.yaml").read_text()
    assert "feedback: \"Shorter feedback.\"" in text or "Shorter feedback." in text
    assert (home / "README.md").read_text() == (CASEPACKS / "robyn-front-door" / "README.md").read_text()
