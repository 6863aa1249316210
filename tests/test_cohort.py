"""Workshops: handing in, collecting (bad submissions listed and skipped, nothing altered),
the demo cohort and the dashboard's tables and views."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from kit.cli import main
from kit.cohort import collect
from kit.dashboard import load_cohort, report_html, summary_html
from kit.demo import demo_cohort
from kit.errors import KitError
from kit.handin import submit
from kit.packs import load_pack, load_packs
from kit.record import checksum_ok
from kit.session import open_case
from kit.views.handin import submit_view


def _packs(example_pack):
    """The facilitator's packs: the kit's own and the fictional example the learners used."""
    return [*load_packs(), load_pack(example_pack)]


def _learner(name, example_pack, option="visit", rationale="My reason for this choice here"):
    case = open_case(example_pack, learner=name)
    case.acknowledge()
    case.decide("housing-referral", option, confidence=4, rationale=rationale, change_mind="A word from another agency.")
    return case


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_submit_writes_new_files_and_never_overwrites(kit_home, example_pack, tmp_path):
    """Each hand-in is a new file; text only with opt-in."""
    _learner("Robin", example_pack)
    ex = tmp_path / "exchange"
    a = submit("Robin", folder=ex)
    b = submit("Robin", folder=ex, share_text=True)
    assert a != b and len(list(ex.glob("*.json"))) == 2
    assert "My reason" not in a.read_text() and "My reason" in b.read_text()


def test_submit_without_exchange_explains(kit_home, example_pack, monkeypatch):
    """No KIT_EXCHANGE: the CLI says so plainly; the widget offers a download instead."""
    monkeypatch.delenv("KIT_EXCHANGE", raising=False)
    _learner("Robin", example_pack)
    with pytest.raises(KitError, match="No workshop folder"):
        submit("Robin")
    view = submit_view("Robin")
    view.hand_in.click()
    assert "download" in view.status.text.lower() and "base64," in view.link.value


def test_submit_view_hands_in_to_exchange(kit_home, example_pack, tmp_path, monkeypatch):
    """With KIT_EXCHANGE set, the button writes the hand-in there."""
    monkeypatch.setenv("KIT_EXCHANGE", str(tmp_path / "ex"))
    _learner("Robin", example_pack)
    view = submit_view("Robin")
    view.hand_in.click()
    assert "Handed in" in view.status.text
    assert len(list((tmp_path / "ex").glob("*.json"))) == 1


@pytest.fixture
def exchange(kit_home, example_pack, tmp_path):
    """Three learners' good hand-ins plus one of every kind of bad file."""
    ex = tmp_path / "exchange"
    for name, option in (("Ash", "visit"), ("Bo", "close"), ("Cy", "phone")):
        _learner(name, example_pack, option)
        submit(name, folder=ex, share_text=True)
    good = sorted(ex.glob("*.json"))
    text = good[0].read_text()
    (ex / "truncated.json").write_text(text[: len(text) // 2])
    (ex / "malformed.json").write_text("{not json")
    data = json.loads(text)
    data["cases"][0]["decisions"][0]["confidence"] = 1
    (ex / "tampered.json").write_text(json.dumps(data))
    newer = json.loads(text)
    newer["version"] = 99
    (ex / "newer.json").write_text(json.dumps(newer))
    wrong = json.loads(text)
    wrong["cases"] = "lots"
    wrong["checksum"] = ""  # re-sign so that only the type is wrong
    blank = (json.dumps(wrong, indent=2, ensure_ascii=False) + "\n").encode()
    signed = blank.replace(b'"checksum": ""', b'"checksum": "sha256:' + hashlib.sha256(blank).hexdigest().encode() + b'"')
    assert checksum_ok(signed)
    (ex / "wrong-types.json").write_bytes(signed)
    (ex / "duplicate.json").write_text(text)
    (ex / "evil-id.json").write_text(text.replace('"learner_id": "', '"learner_id": "../../x'))
    with open(ex / "huge.json", "wb") as fh:
        fh.truncate(6 * 1024 * 1024)
    os.symlink(good[1], ex / "link.json")
    (ex / "notes.txt").write_text("not a submission")
    return ex


def test_collect_lists_and_skips_each_bad_file(exchange, example_pack):
    """Each bad submission is skipped with its reason; the good ones load; nothing is changed."""
    before = _digest(exchange)
    cohort = collect(exchange, packs=_packs(example_pack))
    assert cohort.size == 3
    reasons = {s.file: s.reason for s in cohort.skipped}
    assert "truncated" in reasons["truncated.json"] and "malformed" in reasons["malformed.json"]
    assert "checksum" in reasons["tampered.json"] and "checksum" in reasons["evil-id.json"]
    assert "newer kit" in reasons["newer.json"], reasons
    assert "wrong content at cases" in reasons["wrong-types.json"]
    duplicates = [f for f, r in reasons.items() if r.startswith("duplicate of")]
    assert len(duplicates) == 1 and "duplicate.json" in duplicates + [reasons[duplicates[0]].split()[-1]]
    assert "too large" in reasons["huge.json"]
    assert "not a regular file" in reasons["link.json"]
    assert "notes.txt" not in reasons
    assert _digest(exchange) == before


def test_collect_keeps_newest_hand_in_per_learner(kit_home, example_pack, tmp_path):
    """A learner who hands in twice counts once, with the newer record."""
    ex = tmp_path / "ex"
    case = _learner("Robin", example_pack)
    submit("Robin", folder=ex)
    case.decide("manager-sign-off", "return", confidence=2, rationale="My reason for this choice here", change_mind="A word from another agency.")
    submit("Robin", folder=ex)
    cohort = collect(ex, packs=_packs(example_pack))
    assert cohort.size == 1 and len(cohort.records[0].decisions) == 2
    assert "older hand-in" in cohort.skipped[0].reason


def test_cohort_tables(exchange, example_pack):
    """Choices, confidence and rationales are computed from the submissions."""
    cohort = collect(exchange, packs=_packs(example_pack))
    ch = cohort.choices().set_index("option")
    assert ch.loc["visit", "learners"] == 1 and bool(ch.loc["close", "was_done"]) is True
    assert bool(ch.loc["visit", "review_supported"]) is True
    assert ch["share"].sum() == pytest.approx(1, abs=0.01)
    assert set(cohort.rationales()["option"]) == {"visit", "close", "phone"}
    conf = cohort.confidence()
    assert conf["decisions"].sum() == 3


def test_collect_cli_reports_skips(exchange, example_pack, tmp_path, capsys):
    """kit collect prints a line per skipped file and a summary; --summary writes the hand-out."""
    out = tmp_path / "summary.html"
    assert main(["collect", str(exchange), "--summary", str(out), "--packs", str(example_pack.parent)]) == 0
    captured = capsys.readouterr()
    assert "skipped tampered.json: checksum" in captured.err
    assert "3 submission(s) loaded" in captured.out
    assert out.read_text().count("<section>") >= 5
    assert main(["collect", str(tmp_path / "nowhere")]) == 1


def test_demo_cohort_is_labelled_and_reproducible(tmp_path):
    """demo-cohort writes valid, clearly synthetic submissions; the same seed gives the same cohort."""
    a = demo_cohort(5, tmp_path / "a", seed=3)
    b = demo_cohort(5, tmp_path / "b", seed=3)
    assert [p.read_text() for p in a] == [p.read_text() for p in b]
    cohort = collect(tmp_path / "a")
    assert cohort.size == 5 and cohort.is_demo and cohort.skipped == []
    assert "DEMO DATA" in report_html(cohort)


def test_dashboard_for_one_learner_and_case_nobody_did(kit_home, example_pack, tmp_path):
    """A group of one works; a case nobody did is shown as such, not as an error."""
    ex = tmp_path / "ex"
    case = open_case("robyn-front-door", learner="Solo")
    case.acknowledge()
    case.decide(case.current_point.id, case.current_point.options[0].id, confidence=3,
                rationale="My reason for this choice here", change_mind="A word from another agency.")
    submit("Solo", folder=ex)
    cohort = collect(ex)
    html = summary_html(cohort)
    assert "Nobody in this group has committed a decision in this case yet." in html
    assert "1</strong> learner(s) loaded" in html
    assert html.count("data:image/svg+xml;base64,") >= 2


def test_load_cohort_falls_back_to_a_demo(kit_home, monkeypatch):
    """With no folder and no KIT_EXCHANGE, the dashboard rehearses on a labelled demo cohort."""
    monkeypatch.delenv("KIT_EXCHANGE", raising=False)
    cohort = load_cohort("")
    assert cohort.is_demo and cohort.size == 30


def test_dashboard_handles_a_large_group(tmp_path):
    """500 learners (read in parallel) load exactly as they do one by one."""
    import kit.cohort

    demo_cohort(500, tmp_path / "big", seed=5)
    (tmp_path / "big" / "broken.json").write_text("{")
    parallel = collect(tmp_path / "big")
    assert parallel.size == 500 and [s.file for s in parallel.skipped] == ["broken.json"]
    assert parallel.choices()["learners"].sum() == len(parallel.decisions())
    kit.cohort.PARALLEL_FROM = 10**9
    try:
        serial = collect(tmp_path / "big")
    finally:
        kit.cohort.PARALLEL_FROM = 400
    assert parallel.records == serial.records


def test_dashboard_names_cases_points_options_and_levels_in_words(tmp_path):
    """What the room sees on the projector and in the handout names cases by their titles, points by
    their labels, options by their words and levels by the vocabulary's words: never an id or slug."""
    import re

    from tests.browser.looks import internal_ids  # ids that read as ids, not as words

    demo_cohort(12, tmp_path / "demo", seed=2)
    page = summary_html(collect(tmp_path / "demo"))
    words = re.sub(r'src="data:[^"]+"', "", page)  # the charts' images are drawn from the same words
    assert not {i for i in internal_ids() if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", words)}
    assert load_packs()[0].title in page and "Multi-agency working" in page
