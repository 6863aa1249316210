"""The reflective record: reflection, PCF evidence and CPD, exercise answers, export in three
formats with escaping and in words, and the JSON submission format (versioned, checksummed,
opt-in text, round trip, the previous version still read)."""

from __future__ import annotations

import json
import re
from html import escape

import pytest

from kit.answers import save_answer
from kit.debate import DebateSession
from kit.errors import SessionError, SubmissionError
from kit.export import export_record, md_escape, render, to_html, to_markdown
from kit.record import build_record, parse_record, read_record, to_json
from kit.reflection import (
    CPD_ACTIVITIES,
    cpd_defaults,
    cpd_text,
    save_attribution,
    save_cpd,
    save_pcf_evidence,
    save_reflection,
)
from kit.session import open_case
from tests.conftest import FIXTURES

V1_RECORD = FIXTURES.parent / "records" / "v1-record.json"  # written by the kit before record version 2

EVIL = "<script>alert('x')</script> <b>bold</b> **md** [link](http://evil.example) # heading"


@pytest.fixture
def worked(kit_home, example_pack):
    """A learner who decided two points, debated, reflected and wrote a CPD entry."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale=EVIL, change_mind="A word from another agency.")
    case.second_thought("housing-referral", "second " + EVIL)
    case.decide("manager-sign-off", "sign", confidence=2, rationale="busy day, no time to visit", change_mind="A word from another agency.")
    d = DebateSession(case)
    d.code("c1", 2, 2, ["practitioners", "managers"])
    d.reveal()
    d.save_position("My position " + EVIL, "Other side: the worker saw the family and could have asked for help.")
    d.save_moved("Moved a little")
    case.step_out()
    save_reflection(case, {"description": "What happened", "feelings": "Uneasy"})
    save_pcf_evidence(case, {"knowledge": "I applied the law.", "values-and-ethics": "  "})
    save_cpd(case, {**cpd_defaults(case), "activity_type": CPD_ACTIVITIES["self-directed"], "learning": "Visit first"})
    save_attribution(case, {"organisation": 3, "individual": 1})
    return case


def test_record_holds_everything(worked):
    """Cases, decisions beside outcomes, second thoughts, debate, reflection, CPD, PCF, time."""
    rec = build_record("Robin")
    (c,) = rec.cases
    assert [d.point_id for d in c.decisions] == ["housing-referral", "manager-sign-off"]
    first = c.decisions[0]
    assert first.rationale == EVIL and first.matched_review and not first.matched_actual
    assert first.what_happened == "The case was closed without a visit."
    assert first.second_thoughts == ["second " + EVIL]
    code = c.debates[0].codes[0]
    assert (code.accountability, code.context, code.one_scale) == (2, 2, None)
    assert (code.kit_accountability, code.kit_context, code.kit_one_scale) == (3, 0, -2)  # a v1 pack's stance
    assert c.debates[0].revealed and c.debates[0].moved == "Moved a little"
    assert [k.comment_id for k in c.debates[0].codes] == ["c1"]  # c2 was not placed: not in the record
    assert c.reflection == {"description": "What happened", "feelings": "Uneasy"}
    assert c.cpd["learning"] == "Visit first" and "standard 4" in c.cpd["standard"]
    assert c.attribution == {"organisation": 3, "individual": 1}
    assert c.pcf_evidence == {"knowledge": "I applied the law."}
    # PCF domains come from the learner's evidence, not the pack's tags (critical reflection)
    assert c.pcf_domains == ["knowledge"] and rec.pcf_domains_covered == ["knowledge"]
    assert c.minutes_active >= 0 and rec.learner == "Robin"
    assert "stepped" not in to_json(rec)


def test_time_spent_caps_idle_gaps():
    """A long pause between actions counts as ten minutes, not hours."""
    from kit.journal import Event
    from kit.record import active_minutes

    stamps = ["2026-01-01T10:00:00+00:00", "2026-01-01T10:05:00+00:00", "2026-01-01T15:00:00+00:00"]
    assert active_minutes([Event("r", "p", "x", created_at=s) for s in stamps]) == 15.0


def test_reflection_and_cpd_refuse_nonsense(kit_home, example_pack):
    """Empty reflections, unknown stages and bad attribution weights are refused plainly."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    with pytest.raises(SessionError, match="at least one stage"):
        save_reflection(case, {"description": " "})
    with pytest.raises(SessionError, match="Unknown reflection stage"):
        save_reflection(case, {"vibes": "x"})
    with pytest.raises(SessionError, match="from 0"):
        save_attribution(case, {"policy": 7})
    with pytest.raises(SessionError, match="Write what you learnt"):
        save_cpd(case, cpd_defaults(case) | {"description": "", "activity_type": CPD_ACTIVITIES["workshop"]})


def test_the_cpd_activity_type_is_chosen_never_preset_for_a_learner_alone(kit_home, example_pack):
    """Working alone, the CPD entry starts with no activity type and saving without one says what to choose;
    an exercise plan presets the one it names, a workshop room presets the facilitated workshop, and an
    unknown type is refused in a sentence."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    assert "activity_type" not in cpd_defaults(case)
    with pytest.raises(SessionError, match="Choose the type of activity.*facilitated workshop with peer discussion"):
        save_cpd(case, cpd_defaults(case) | {"learning": "Visit first."})
    assert case.state.cpd is None
    assert cpd_defaults(case, "supervision")["activity_type"] == CPD_ACTIVITIES["supervision"]
    case.room = object()  # a case worked in a workshop room (a RoomSession has its room)
    assert cpd_defaults(case)["activity_type"].startswith("A facilitated workshop with peer discussion")
    with pytest.raises(SessionError, match="not a type of CPD activity"):
        cpd_defaults(case, "reading")


def test_html_escapes_learner_text(worked):
    """A rationale holding <script> and HTML shows as text in the HTML export."""
    html = to_html(build_record("Robin"))
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert html.count('src="data:image/svg+xml;base64,') == 1  # chart embedded: one file, no network
    assert "@page { size: A4" in html
    assert not re.search(r'(src|href)="https?://', html)


def test_markdown_escapes_learner_text(worked):
    """In Markdown, learner text cannot become a link, heading, emphasis or HTML."""
    md = to_markdown(build_record("Robin"))
    assert "<script>" not in md and "[link](http" not in md and "**md**" not in md
    assert "&lt;script&gt;" in md and r"\*\*md\*\*" in md and r"\[link\](http" in md
    assert md_escape("# x") == r"\# x"


def test_markdown_escapes_only_where_markdown_needs_it():
    """Sentences keep their full stops, brackets and hyphens; what Markdown would read (a heading,
    quote or list at a line's start, emphasis, code, links, table cells, HTML) is escaped."""
    assert md_escape("I applied the law (s.47), a well-being check - twice!") == (
        "I applied the law (s.47), a well-being check - twice!")
    assert md_escape("# not a heading\n- not a list\n12. not numbered\n> not quoted") == (
        "\\# not a heading  \n\\- not a list  \n12\\. not numbered  \n&gt; not quoted")
    assert md_escape("*em* _em_ `code` [a](b) a|b ~~x~~ <b>") == (
        r"\*em\* \_em\_ \`code\` \[a\](b) a\|b \~\~x\~\~ &lt;b&gt;")


def test_markdown_record_comes_from_its_template(worked, tmp_path, monkeypatch):
    """The Markdown record is rendered from kit/templates/record.md.j2 (beside the HTML one), not by
    hand: a copy of the templates with a changed heading changes the export."""
    import shutil

    from kit import export

    shutil.copytree(export.templates_dir(), tmp_path / "templates")
    md = tmp_path / "templates" / "record.md.j2"
    md.write_text(md.read_text().replace("# Reflective record", "# My portfolio record"))
    monkeypatch.setattr(export, "templates_dir", lambda: tmp_path / "templates")
    assert to_markdown(build_record("Robin")).startswith("# My portfolio record\n")


def test_json_keeps_text_exact_and_is_valid_json(worked):
    """JSON holds the learner's text exactly (escaped by the encoder) and parses back."""
    data = json.loads(render(build_record("Robin"), "json"))
    assert data["cases"][0]["decisions"][0]["rationale"] == EVIL
    assert data["format"] == "reflective-practice-kit/record" and data["version"] == 3


def test_free_text_only_when_opted_in(worked):
    """Without opt-in the record carries choices and confidence but no free text and no name."""
    rec = build_record("Robin", include_text=False, include_name=False)
    d = rec.cases[0].decisions[0]
    assert d.rationale is None and d.second_thoughts is None and d.confidence == 4
    assert rec.cases[0].reflection is None and rec.cases[0].debates[0].position is None
    assert rec.cases[0].pcf_evidence is None and rec.cases[0].pcf_domains == ["knowledge"]
    assert rec.cases[0].debates[0].moved is None
    assert rec.learner is None and rec.learner_id.startswith("l-") and not rec.includes_text
    assert "Robin" not in to_json(rec) and "script" not in to_json(rec)


def test_learner_id_is_stable_and_pseudonymous(worked):
    """The same learner gets the same id on this computer; the id does not contain the name."""
    a, b = build_record("Robin"), build_record("Robin")
    assert a.learner_id == b.learner_id and "robin" not in a.learner_id.lower()


def test_round_trip_export_import_export(worked, tmp_path):
    """Export to JSON, import, export again: the same bytes."""
    path = export_record("Robin", fmt="json", output=tmp_path / "r.json")
    text = path.read_text()
    again = to_json(read_record(path))
    assert again == text


def test_tampered_record_is_refused(worked, tmp_path):
    """Changing any value after export breaks the checksum."""
    path = export_record("Robin", fmt="json", output=tmp_path / "r.json")
    data = json.loads(path.read_text())
    data["cases"][0]["decisions"][0]["confidence"] = 5
    with pytest.raises(SubmissionError, match="checksum"):
        parse_record(json.dumps(data).encode())


@pytest.mark.parametrize("mutate, words", [
    (lambda t: t[: len(t) // 2], "truncated JSON"),
    (lambda t: t.replace('"version": 3', '"version": 4'), "record version 4; this kit reads 3"),
    (lambda t: t.replace('"confidence": 4', '"confidence": "high"'), "checksum does not match"),
    (lambda t: "[1, 2]", "not a kit record"),
    (lambda t: t.replace("reflective-practice-kit/record", "something-else"), "not a kit record"),
])
def test_bad_records_get_clear_errors(worked, tmp_path, mutate, words):
    """Truncated, newer, edited or foreign files are refused with a reason (wrong types: test_cohort)."""
    text = export_record("Robin", fmt="json", output=tmp_path / "r.json").read_text()
    with pytest.raises(SubmissionError, match=words):
        parse_record(mutate(text).encode())


def test_export_one_case_and_unknown_learner(worked, kit_home):
    """--case limits the record to one case; unknown learners and cases get plain messages."""
    other = open_case("robyn-front-door", learner="Robin")
    other.acknowledge()
    assert {c.pack_id for c in build_record("Robin").cases} == {"example-baby-k", "robyn-front-door"}
    assert [c.pack_id for c in build_record("Robin", "example-baby-k").cases] == ["example-baby-k"]
    with pytest.raises(SubmissionError, match="no saved work in the case"):
        build_record("Robin", "baby-c-closed-without-visit")
    with pytest.raises(SubmissionError, match="no saved work for the pseudonym"):
        build_record("Nobody")


def test_cli_export(worked, tmp_path):
    """kit export writes the file it names, in each format."""
    from kit.cli import main

    for fmt in ("md", "html", "json"):
        out = tmp_path / f"rec.{fmt}"
        assert main(["export", "--learner", "Robin", "--format", fmt, "-o", str(out)]) == 0
        assert out.stat().st_size > 500
    assert main(["export", "--learner", "Nobody", "-o", str(tmp_path / "x.md")]) == 1


def test_previous_version_record_is_still_read(kit_home):
    """A hand-in written by the kit before record version 2 is read: its one-scale placings (the
    learner's and the pack's) on the two scales with the one-scale values kept, no 'stepped out',
    and no PCF domains (version 1 took them from the case's tags, not the learner's evidence)."""
    raw = V1_RECORD.read_bytes()
    assert b'"version": 1' in raw and b'"stepped_out": true' in raw
    rec = read_record(V1_RECORD)
    assert rec.version == 3 and rec.checksum in raw.decode()
    (case,) = rec.cases
    a, b = case.debates[0].codes
    assert (a.accountability, a.context, a.one_scale, a.kit_accountability, a.kit_context, a.kit_one_scale) == (
        2, 1, -1, 3, 0, -2)
    assert (b.accountability, b.context, b.one_scale, b.kit_holds_accountable) == (1, 2, 1, ["organisation", "government"])
    assert case.pcf_domains == [] and rec.pcf_domains_covered == [] and "pcf_domains" not in case.cpd
    assert case.cpd["learning"] == "Visit before closing." and case.decisions[0].option_id == "visit"
    md, html = to_markdown(rec), to_html(rec)
    for text in (md, html):
        assert "earlier single scale" in text and "stepped" not in text.lower()


def test_previous_version_record_edited_is_refused():
    """A version-1 record changed after export is refused like any other."""
    raw = V1_RECORD.read_text().replace('"confidence": 4', '"confidence": 5')
    with pytest.raises(SubmissionError, match="checksum"):
        parse_record(raw.encode())


def test_exports_read_in_words(worked):
    """Levels, PCF domains and whom a comment holds accountable read as words in Markdown and HTML;
    the debate is on two scales with the kit's coding; nothing says the learner stepped out."""
    rec = build_record("Robin")
    md, html = to_markdown(rec), to_html(rec)
    for text in (md, html):
        assert "Organisation: a great deal" in text and "Individual practitioner: a little" in text
        assert "Knowledge" in text and "critical-reflection-and-analysis" not in text
        assert "holds individuals accountable a fair amount" in text and "the kit's coding" in text.lower()
        assert "Practitioners, Managers" in text
        assert "individual: a little" not in text and "stepped" not in text.lower() and "pack's" not in text
        assert "moved me" in text and "Moved a little" in text
    assert "I applied the law." in md and "law\\." not in md and "I applied the law." in html


def test_cpd_entry_as_plain_text_in_every_export(worked):
    """The CPD entry is also plain text in Social Work England's fields, in the Markdown and HTML
    exports; learner text cannot close the Markdown block around it."""
    case = worked
    text = cpd_text(case.state.cpd)
    assert text.startswith("Type of activity:\nSelf-directed learning")
    assert "What you learnt:\nVisit first" in text and "<" not in text and "**" not in text
    assert "PCF" not in text and "Standard:\nSocial Work England professional standard 4" in text
    save_cpd(case, {**cpd_defaults(case), "activity_type": CPD_ACTIVITIES["self-directed"],
                    "learning": "```\n# not a heading " + EVIL})
    rec = build_record("Robin")
    md, html = to_markdown(rec), to_html(rec)
    fence = "````"  # one backtick longer than the learner's run
    assert f"{fence}text\n" in md and "\n```\n# not a heading" in md
    assert md.split(f"{fence}text\n")[1].split(f"\n{fence}")[0] == cpd_text(case.state.cpd)
    assert '<pre class="cpd">' in html and "&lt;script&gt;" in html and "<script>" not in html


def test_exercise_answers_in_the_record_named_in_words(kit_home, example_pack):
    """The latest saved answer to each exercise question goes into the whole record (text opted in),
    named by the exercise's title and the question's words; a learner who has only done exercises
    can still export."""
    save_answer("02_thresholds", "q2", "Robin", "first try")
    save_answer("02_thresholds", "q2", "Robin", "second try", prompt="Robyn, father's disclosure")
    save_answer("02_thresholds", "q10", "Robin", "later question")
    save_answer("01_spotting_hindsight", "q4", "Robin", "knew little")  # saved before prompts were kept
    rec = build_record("Robin")
    assert rec.cases == []
    got = [(x.exercise, x.question, x.answer) for x in rec.exercises]
    assert got == [
        ("Exercise 1: Spotting hindsight in how a situation is written", "Knew / could have found out / could not know",
         "knew little"),
        ("Exercise 2: Thresholds: sorting first contacts by level of need", "Robyn, father's disclosure", "second try"),
        ("Exercise 2: Thresholds: sorting first contacts by level of need", "Question 10", "later question"),
    ]
    md, html = to_markdown(rec), to_html(rec)
    assert "## Exercises" in md and "second try" in md and "first try" not in md and "q2" not in md
    assert "<h2>Exercises</h2>" in html and "Robyn, father&#39;s disclosure" in html
    assert build_record("Robin", include_text=False).exercises == []
    open_case(example_pack, learner="Robin").acknowledge()
    assert build_record("Robin", "example-baby-k").exercises == []
    again = parse_record(to_json(rec).encode())
    assert again.exercises == rec.exercises


def test_what_the_reasons_rested_on_is_in_the_record_and_every_export(kit_home):
    """The considerations a learner ticked, and what would change their mind, are in the record and read
    in words in Markdown and HTML; points are named by their titles, the chart's labels whole; a decision
    from before the kit asked (no ticks) exports without them."""
    case = open_case("robyn-front-door", learner="Robin")
    case.acknowledge()
    first, second = case.pack.decision_points[:2]
    case.decide(first.id, first.options[0].id, confidence=4, rationale="The history of bruising worried me.",
                change_mind="A clear account from the hospital.")
    case.rely_on(first.id, ["history-informed", "other"])
    case.decide(second.id, second.options[0].id, confidence=3, rationale="Reasons from an older kit, kept.",
                change_mind="A word from another agency.")
    case.reveal(second.id)  # revealed before any ticks: an old journal's point
    rec = build_record("Robin")
    d1, d2 = rec.cases[0].decisions
    assert d1.relied_on == ["history-informed", "other"] and d1.change_mind == "A clear account from the hospital."
    assert d1.title == first.title and d2.relied_on is None
    assert build_record("Robin", include_text=False).cases[0].decisions[0].change_mind is None
    assert parse_record(to_json(rec).encode()).cases[0].decisions[0].relied_on == ["history-informed", "other"]
    md, html = to_markdown(rec), to_html(rec)
    for text in (md, html):
        assert "The history: what had happened before; Something not on this list" in text
        assert "history-informed" not in text
    assert f"### 1. {md_escape(first.title)}" in md
    assert f"<h3>1. {escape(first.title)}</h3>" in html
    assert "What would change my mind</dt><dd>A clear account from the hospital.</dd>" in html
