"""The shared building blocks every view is made of (kit/views/parts.py, kit/html.py): the option
list, the live status line, the frame with the stylesheet, form rows and accessible tables."""

from __future__ import annotations

import re

import pytest
import traitlets

from kit.compare import how_it_compares
from kit.html import Markup, table_html
from kit.settings import data_dir
from kit.tables import factors_table, outcomes_table, points_table, readable
from kit.views.base import Status, View, box, html
from kit.views.case import case_view
from kit.views.parts import (
    Choice,
    Live,
    Stylesheet,
    frame,
    line_field,
    rating_row,
    stylesheet,
    text_field,
)


def test_choice_is_driven_through_value_like_a_widget():
    """An option list starts with nothing chosen, takes a value from its options, names the chosen
    words, and refuses a value that is not an option (the value stays as it was)."""
    c = Choice([("Visit the family", "visit"), ("Close the case", "close")], description="What do you do?")
    assert c.value is None and c.label is None
    c.value = "close"
    assert (c.value, c.label) == ("close", "Close the case")
    with pytest.raises(traitlets.TraitError, match="not one of the options of 'What do you do\\?'"):
        c.value = "Close the case"
    assert c.value == "close"
    c.value = None  # cleared again
    assert c.label is None


def test_choice_keeps_number_values_and_syncs_what_the_page_needs():
    """Confidence values stay numbers; the page gets the options, the legend and the value, and the
    radio buttons come before their words with one name per group (in the widget's script)."""
    c = Choice([("1 - not at all confident", 1), ("5 - very confident", 5)], value=5, inline=True)
    assert c.value == 5 and isinstance(c.value, int)
    state = c.get_state()
    assert state["options"] == [("1 - not at all confident", 1), ("5 - very confident", 5)]
    assert state["value"] == 5 and state["inline"] is True
    js = c._esm
    assert 'input.type = "radio"' in js and "input.name = name" in js and "label.append(input, words)" in js
    assert "fieldset" in js and "legend" in js
    assert "Math.random" in js  # radios that shared a name across groups unchecked each other


def test_status_line_is_a_live_region_and_says_its_kind_in_words():
    """A status line says what kind of message it is in words, and is cleared to nothing; its
    widget stays on the page as a live region (role status, polite)."""
    s = Status()
    assert isinstance(s.widget, Live) and s.text == ""
    s.say("Your decision is committed and saved.", "ok")
    assert s.text == "Saved: Your decision is committed and saved."
    s.say("Choose one of the options.", "error")
    assert s.text.startswith("Cannot do that yet: ") and s.widget.kind == "error"
    s.clear()
    assert s.text == ""
    assert 'setAttribute("role", "status")' in s.widget._esm and '"aria-live", "polite"' in s.widget._esm


def test_every_view_is_shown_in_the_frame_with_the_one_stylesheet(kit_home, example_pack):
    """A view displays inside an element with the kit's class, beside the one stylesheet widget of
    the kernel, whose CSS is kit/data/kit.css; the view's own widget is unchanged."""
    view = View()
    view.widget = box(html("<p>hello</p>"))
    bundle = view._repr_mimebundle_()
    model = bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert view._frame.model_id == model and "kit" in view._frame._dom_classes
    assert view._frame.children == (stylesheet(), view.widget)
    assert stylesheet() is stylesheet() and isinstance(stylesheet(), Stylesheet)
    assert stylesheet()._css == (data_dir() / "kit.css").read_text(encoding="utf-8")
    case = case_view(example_pack, learner="Robin")
    case._repr_mimebundle_()
    assert case._frame.children[1] is case.widget
    assert frame(case.widget) is not case._frame  # a new frame each time one is asked for


def test_stylesheet_covers_what_the_issue_names():
    """The stylesheet has a visible focus ring, form rows at one left edge, tables that stack on a
    phone, a dark-theme palette, a print layout, and keeps JupyterLab's own interface untouched."""
    css = (data_dir() / "kit.css").read_text(encoding="utf-8")
    assert re.search(r":focus-visible[^{]*\{[^}]*outline: 3px solid", css)
    assert "@media (max-width: 640px)" in css and "@media print" in css
    assert '[data-jp-theme-light="false"] .kit' in css
    assert "font: inherit" in css  # typed text is not monospace
    bare = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = [r.strip() for r in re.findall(r"(?:^|[{}])\s*([^{}@;]+)\{", bare) if r.strip()]
    outside = [r for r in rules if not all(part.strip().startswith((".kit", "body[data-voila]", "[data-jp-theme"))
                                           for part in r.split(","))]
    assert len(rules) > 60 and outside == [], outside  # every rule is scoped to the kit (or to the Voila page)


def test_form_rows_are_labelled_and_say_their_kind():
    """Text boxes, one-line boxes and lists carry their label and the class that lines them up."""
    t = text_field("Your reasons", "Why?", rows=3)
    line = line_field("Date", short=True)
    row = rating_row("Organisation", [("0 not at all", 0), ("3 a great deal", 3)], 3)
    assert (t.description, t.placeholder, t.rows, t.continuous_update) == ("Your reasons", "Why?", 3, False)
    assert "kit-field" in t._dom_classes and {"kit-field", "kit-short"} <= set(line._dom_classes)
    assert "kit-row" in row._dom_classes and row.label == "3 a great deal"


def test_table_is_accessible_and_escapes_everything():
    """Headings have their scope, each cell its column's name (for a phone's cards), the first cell
    heads its row; text is escaped, lists become lists, nothing becomes 'not stated'; Markup is kept."""
    out = table_html(["Point", "Your choice", "Options"],
                     [["<b>Point 1</b>", None, ["a & b", "c"]], [Markup("<em>Point 2</em>"), "x", []]],
                     caption="Your choices")
    assert '<caption>Your choices</caption>' in out and '<th scope="col">Your choice</th>' in out
    assert '<th scope="row">&lt;b&gt;Point 1&lt;/b&gt;</th>' in out
    assert '<td data-label="Your choice"><em>not stated</em></td>' in out
    assert "<li>a &amp; b</li>" in out and "<em>none</em>" in out and "<th scope=\"row\"><em>Point 2</em></th>" in out
    assert 'class="kit-table kit-stack"' in out and 'class="kit-table"' in table_html(["A"], [["1"]], stack=False)


def test_readable_tables_name_cases_points_and_levels_never_by_id():
    """The tables exercises show: cases by title, points by label, levels in words, true or false as
    yes or no, headings in words; no id or slug is left, and no stray line break."""
    ids = {"baby-c-closed-without-visit", "housing-referral", "organisation", "multi-agency"}
    f = readable(factors_table(["baby-c-closed-without-visit"]))
    assert list(f.columns) == ["Case", "Decision point", "When", "Level", "Contributing factor", "Kind of factor",
                               "Known at the time?"]
    shown = " ".join(str(v) for v in f.to_numpy().ravel())
    assert "Baby C: a referral from housing during a pregnancy" in shown and "A referral from housing about a home" in shown
    assert "Multi-agency working" in shown and set(f["Known at the time?"]) <= {"yes", "no", "not stated"}
    assert not {w for w in re.findall(r"[a-z]+(?:-[a-z]+)+", shown)} & ids
    o = readable(outcomes_table(["robyn-front-door"]), ["point", "what_was_done"])
    assert list(o.columns) == ["Decision point", "What was done"] and not any("\n" in v for v in o["What was done"])
    p = readable(points_table(["robyn-front-door"]), ["point", "themes"])
    assert "bruising-contact" not in set(p["Decision point"]) and all(isinstance(t, list) for t in p["Themes"])


def test_how_a_choice_compares_is_a_sentence():
    """How a choice compares is said in words, with the review 'as reported'."""
    assert how_it_compares(True, False) == ("The same as what was done; not among the options consistent "
                                            "with the review's findings as reported.")
    assert how_it_compares(False, True) == "Different from what was done; consistent with the review's findings as reported."
