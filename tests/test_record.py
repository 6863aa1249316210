"""The reflective record: reflection and CPD, export in three formats with escaping, and the
JSON submission format (versioned, checksummed, opt-in text, round trip)."""

from __future__ import annotations

import json
import re

import pytest

from kit.debate import DebateSession
from kit.errors import SessionError, SubmissionError
from kit.export import export_record, md_escape, render, to_html, to_markdown
from kit.record import build_record, parse_record, read_record, to_json
from kit.reflection import cpd_defaults, save_attribution, save_cpd, save_reflection
from kit.session import open_case

EVIL = "<script>alert('x')</script> <b>bold</b> **md** [link](http://evil.example) # heading"


@pytest.fixture
def worked(kit_home, example_pack):
    """A learner who decided two points, debated, reflected and wrote a CPD entry."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale=EVIL)
    case.second_thought("housing-referral", "second " + EVIL)
    case.decide("manager-sign-off", "sign", confidence=2, rationale="busy day, no time to visit")
    d = DebateSession(case)
    d.code("c1", 0, ["practitioners", "managers"])
    d.reveal()
    d.save_position("My position " + EVIL, "Other side")
    save_reflection(case, {"description": "What happened", "feelings": "Uneasy"})
    save_cpd(case, {**cpd_defaults(case), "learning": "Visit first"})
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
    assert c.debates[0].codes[0].pack_stance == -2 and c.debates[0].revealed
    assert c.reflection == {"description": "What happened", "feelings": "Uneasy"}
    assert c.cpd["learning"] == "Visit first" and "standard 4" in c.cpd["standard"]
    assert c.attribution == {"organisation": 3, "individual": 1}
    assert rec.pcf_domains_covered == ["critical-reflection-and-analysis"]
    assert c.minutes_active >= 0 and rec.learner == "Robin"


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
        save_cpd(case, cpd_defaults(case) | {"description": ""})


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
    assert "&lt;script&gt;" in md and r"\*\*md\*\*" in md and r"\[link\]\(http" in md
    assert md_escape("# x") == r"\# x"


def test_json_keeps_text_exact_and_is_valid_json(worked):
    """JSON holds the learner's text exactly (escaped by the encoder) and parses back."""
    data = json.loads(render(build_record("Robin"), "json"))
    assert data["cases"][0]["decisions"][0]["rationale"] == EVIL
    assert data["format"] == "reflective-practice-kit/record" and data["version"] == 1


def test_free_text_only_when_opted_in(worked):
    """Without opt-in the record carries choices and confidence but no free text and no name."""
    rec = build_record("Robin", include_text=False, include_name=False)
    d = rec.cases[0].decisions[0]
    assert d.rationale is None and d.second_thoughts is None and d.confidence == 4
    assert rec.cases[0].reflection is None and rec.cases[0].debates[0].position is None
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
    (lambda t: t.replace('"version": 1', '"version": 2'), "record version 2; this kit reads 1"),
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
