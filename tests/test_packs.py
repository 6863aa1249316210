"""Loading and validating case packs: every rule of format v1 is a located, plain error."""

from __future__ import annotations

import shutil

import pytest

from kit import load_pack, load_packs
from kit.errors import KitError, PackError
from kit.packs import resolve, validate_file, validate_tree
from tests.conftest import CASEPACKS, EXAMPLE, repository_pack_ids


def test_repository_packs_all_validate():
    """Every pack shipped in casepacks/ loads with no error."""
    reports = validate_tree([CASEPACKS])
    assert [str(p) for r in reports for p in r.errors] == []
    assert {r.pack.id for r in reports} == set(repository_pack_ids())


def test_repository_packs_are_the_five_cases():
    """The five cases from the source articles are present."""
    ids = set(repository_pack_ids())
    assert {
        "nadiya-plans-ended-early",
        "robyn-front-door",
        "baby-c-closed-without-visit",
        "child-l-and-j-torn-lip",
        "three-siblings-neglect",
    } <= ids


def test_pack_written_elsewhere_loads_from_its_path(example_pack):
    """A pack written to the format page outside the repository loads by folder or file path."""
    by_folder = load_pack(example_pack)
    by_file = load_pack(example_pack / "pack.yaml")
    assert by_folder.id == by_file.id == "example-baby-k"
    assert by_folder.point("housing-referral").actual_option.id == "close"
    assert [o.id for o in by_folder.point("manager-sign-off").supported_options] == ["return", "discuss"]
    assert by_folder.debates[0].comments[1].reply_to == "c1"
    assert str(by_folder.source.articles[0].date) == "2017-05-02"


def test_pack_by_id_resolves_in_packs_folder():
    """A bare pack id is looked up in casepacks/."""
    assert resolve("robyn-front-door") == CASEPACKS / "robyn-front-door" / "pack.yaml"


def test_unknown_pack_id_suggests_nearest():
    """A mistyped id names the nearest pack."""
    with pytest.raises(PackError, match="Did you mean 'robyn-front-door'"):
        load_pack("robyn-frontdoor")


def test_folder_name_mismatch_warns_alone_and_errors_in_a_collection(tmp_path):
    """Loaded from its own path a renamed folder only warns; in a folder of packs it is an error."""
    dest = tmp_path / "renamed"
    shutil.copytree(EXAMPLE, dest)
    alone = validate_file(dest)
    assert alone.ok and "differs from its folder name" in alone.warnings[0].problem
    (coll,) = validate_tree([tmp_path])
    assert not coll.ok and coll.errors[0].field == "id"


def test_template_fails_until_filled_then_validates(tmp_path):
    """The educator template refuses its TODO placeholders and validates once they are filled."""
    dest = tmp_path / "my-new-pack"
    shutil.copytree(CASEPACKS / "_template", dest)
    report = validate_file(dest)
    assert not report.ok
    assert any("placeholder" in p.problem for p in report.errors)
    text = (dest / "pack.yaml").read_text()
    text = text.replace("id: TODO-pack-id", "id: my-new-pack")
    text = text.replace('"TODO: ', '"Filled: ').replace("TODO: ", "Filled: ")
    (dest / "pack.yaml").write_text(text)
    filled = validate_file(dest)
    assert filled.ok, [str(p) for p in filled.errors]
    assert filled.pack.id == "my-new-pack"


def test_load_packs_skips_template_and_reports_all_broken(tmp_path):
    """load_packs loads a folder of packs; one broken pack makes it raise, naming that pack."""
    shutil.copytree(EXAMPLE, tmp_path / "example-baby-k")
    shutil.copytree(CASEPACKS / "_template", tmp_path / "_template")
    assert [p.id for p in load_packs(tmp_path)] == ["example-baby-k"]
    (tmp_path / "broken-pack").mkdir()
    (tmp_path / "broken-pack" / "pack.yaml").write_text("schema_version: 1\nid: broken-pack\n")
    with pytest.raises(PackError) as info:
        load_packs(tmp_path)
    assert "broken-pack/pack.yaml" in str(info.value)


# --- Every broken rule: (scenario, edit to the example pack, field, words in the message, line marker)
# The line marker is text on the line the error must cite (found in the edited file).

def sub(old, new, count=1):
    def edit(text):
        assert old in text, old
        return text.replace(old, new, count)
    return edit


RULES = [
    ("no_actual_option", sub("        actual: true\n      - id: visit", "      - id: visit"),
     "decision_points[0].options", "no option is marked actual", "    options:"),
    ("two_actual_options", sub("        review_supported: true\n      - id: phone",
                               "        review_supported: true\n        actual: true\n      - id: phone"),
     "decision_points[0].options", "2 options are marked actual", "    options:"),
    ("no_review_supported", sub("        review_supported: true\n      - id: phone", "      - id: phone"),
     "decision_points[0].options", "no option is marked review_supported", "    options:"),
    ("unknown_theme", sub("themes: [feedback-to-referrer]", "themes: [feedback-to-refferer]"),
     "decision_points[0].themes[0]", "Did you mean 'feedback-to-referrer'", "themes: [feedback-to-refferer]"),
    ("unknown_level", sub("level: supervision", "level: supervison"),
     "decision_points[1].contributing_factors[0].level", "Did you mean 'supervision'", "level: supervison"),
    ("unknown_pcf_domain", sub("pcf_domains: [critical-reflection-and-analysis]", "pcf_domains: [critical-thinking]"),
     "decision_points[0].pcf_domains[0]", "not a known PCF domain", "pcf_domains: [critical-thinking]"),
    ("unknown_accountable", sub("holds_accountable: [practitioners]", "holds_accountable: [practitioner]"),
     "debates[0].comments[0].holds_accountable[0]", "Did you mean 'practitioners'", "[practitioner]"),
    ("option_id_not_slug", sub("- id: visit", "- id: Visit!"),
     "decision_points[0].options[1].id", "Try 'visit'", "- id: Visit!"),
    ("id_with_slash", sub("id: example-baby-k", "id: ../example"),
     "id", "'../example' is not a slug", "id: ../example"),
    ("id_with_capitals", sub("id: example-baby-k", "id: Example-Baby-K"),
     "id", "Try 'example-baby-k'", "id: Example-Baby-K"),
    ("pack_id_too_short", sub("id: example-baby-k", "id: ab"),
     "id", "3-60 characters", "id: ab"),
    ("duplicate_option_ids", sub("- id: phone", "- id: visit"),
     "decision_points[0].options", "id 'visit' is used twice", "    options:"),
    ("duplicate_point_ids", sub("- id: police-callout", "- id: housing-referral"),
     "decision_points", "id 'housing-referral' is used twice", "decision_points:"),
    ("reply_to_unknown_comment", sub("reply_to: c1", "reply_to: c9"),
     "debates[0].comments", "replies to 'c9', which is not an earlier comment", "    comments:"),
    ("stance_out_of_range", sub("stance: 2", "stance: 3"),
     "debates[0].comments[1].stance", "less than or equal to 2", "stance: 3"),
    ("stance_not_integer", sub("stance: 2", "stance: 1.5"),
     "debates[0].comments[1].stance", "must be a whole number", "stance: 1.5"),
    ("quote_too_long", sub('review_quote: "an outline of the process followed"',
                           "review_quote: \"" + " ".join(["word"] * 41) + "\""),
     "decision_points[0].review_quote", "has 41 words", "review_quote:"),
    ("unknown_field_typo", sub("    situation: >", "    sitaution: >"),
     "decision_points[0].sitaution", "Did you mean 'situation'", "sitaution:"),
    ("missing_field", sub('outcome: "The children live with a relative."\n', ""),
     "outcome", "required but missing", "schema_version: 1"),
    ("too_few_points", lambda t: t[: t.index("  - id: police-callout")] + t[t.index("debates:"):],
     "decision_points", "at least 3", "decision_points:"),
    ("wrong_type_list", sub("themes: [feedback-to-referrer, information-sharing]", "themes: feedback-to-referrer"),
     "themes", "must be a list", "themes: feedback-to-referrer"),
    ("wrong_type_text", sub('title: "Baby K: a case closed before anyone visited"', "title: 42"),
     "title", "must be text, but found the number 42", "title: 42"),
    ("wrong_type_bool", sub("        actual: true\n      - id: visit", "        actual: yes please\n      - id: visit"),
     "decision_points[0].options[0].actual", "must be true or false", "actual: yes please"),
    ("bad_date", sub("date: 2017-05-02", "date: 2017-13-45"),
     "source.articles[0].date", "must be a date", "date: 2017-13-45"),
    ("newer_version", sub("schema_version: 1", "schema_version: 2"),
     "", "format version 2; this kit reads versions 1 and 1.1", "schema_version: 2"),
    ("empty_text", sub('outcome: "The children live with a relative."', 'outcome: "  "'),
     "outcome", "is empty", "outcome:"),
    ("duplicate_key", sub("title: \"Baby K", "title: \"x\"\ntitle: \"Baby K"),
     "title", "appears twice", 'title: "Baby K'),
]


@pytest.mark.parametrize("scenario, edit, field, words, marker", RULES, ids=[r[0] for r in RULES])
def test_each_broken_rule_names_file_line_and_field(tmp_path, scenario, edit, field, words, marker):
    """Each broken rule gives one plain message with the file, the line and the field path."""
    folder = tmp_path / scenario
    folder.mkdir()
    text = edit((EXAMPLE / "pack.yaml").read_text())
    f = folder / "pack.yaml"
    f.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if marker in t)
    report = validate_file(folder)
    assert not report.ok
    matching = [p for p in report.errors if words in p.problem + " " + p.hint]
    assert matching, [str(p) for p in report.errors]
    problem = matching[0]
    assert problem.path.endswith(f"{scenario}/pack.yaml")
    assert problem.field == field
    assert problem.line == line, str(problem)
    assert str(problem).startswith(f"{problem.path}:{line}: ")


def test_several_problems_reported_in_one_run(tmp_path):
    """A pack with three unrelated mistakes reports all three at once."""
    text = (EXAMPLE / "pack.yaml").read_text()
    for edit in (sub("themes: [feedback-to-referrer]", "themes: [feedbak]"),
                 sub("stance: 2", "stance: 9"),
                 sub("    situation: >", "    sitaution: >")):
        text = edit(text)
    (tmp_path / "pack.yaml").write_text(text)
    fields = {p.field for p in validate_file(tmp_path).errors}
    assert {"decision_points[0].themes[0]", "debates[0].comments[1].stance",
            "decision_points[0].sitaution"} <= fields


# --- Bad files: each gets its own clear message and never a bare Python exception.

BAD_FILES = [
    ("not_yaml", b"title: [unclosed\nid: x\n", "is not valid YAML", 2),
    ("list_not_mapping", b"- one\n- two\n", "top level must be a mapping", 1),
    ("scalar_not_mapping", b"just some words\n", "top level must be a mapping", 1),
    ("empty_file", b"", "is empty", None),
    ("only_comments", b"# nothing here\n", "holds no YAML document", None),
    ("non_utf8", "title: caf\u00e9\n".encode("latin-1"), "is not UTF-8", 1),
    ("python_tag", b"schema_version: !!python/object/apply:os.system ['echo hi']\n",
     "YAML tag the kit does not allow", 1),
    ("alias_bomb", b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
     + b"".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                f"*{chr(97 + i)}, *{chr(97 + i)}]\n".encode() for i in range(9)),
     "expands to more than", None),
    ("control_character", b"schema_version: 1\ntitle: a\x07b\n", "control character", 2),
    ("deep_nesting", b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply", None),
    ("deep_mapping", ("\n".join(" " * i + f"k{i}:" for i in range(200)) + " 1\n").encode(),
     "nested too deeply", None),
]


@pytest.mark.parametrize("scenario, content, words, line", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_clear_message(tmp_path, scenario, content, words, line):
    """A file that is not a pack at all gets one clear sentence, naming the file."""
    (tmp_path / "pack.yaml").write_bytes(content)
    report = validate_file(tmp_path)
    assert not report.ok and report.pack is None
    (problem,) = report.errors
    assert words in problem.problem, str(problem)
    assert problem.path.endswith("pack.yaml")
    if line is not None:
        assert problem.line == line, str(problem)
    with pytest.raises(PackError, match=words.split("(")[0][:20]):
        load_pack(tmp_path)


def test_file_over_one_mib_is_refused_without_reading_it_all(tmp_path):
    """A pack over 1 MiB is refused with its size in the message."""
    (tmp_path / "pack.yaml").write_bytes(b"# padding\n" * 110_000)
    (problem,) = validate_file(tmp_path).errors
    assert "1 MiB" in problem.problem and "1,100,000 bytes" in problem.problem


def test_folder_without_pack_yaml(tmp_path):
    """A folder that holds no pack.yaml says so and what a pack is."""
    with pytest.raises(PackError) as info:
        load_pack(tmp_path)
    assert "has no pack.yaml" in str(info.value)
    (problem,) = validate_file(tmp_path).errors
    assert "there is no pack.yaml here" in problem.problem


def test_pack_errors_are_kit_errors():
    """Callers can catch every user-facing error with one class."""
    assert issubclass(PackError, KitError)


def test_dates_stay_text_until_the_model_parses_them(example_pack):
    """YAML dates are not turned into datetimes by the loader (only the date field parses them)."""
    text = (example_pack / "pack.yaml").read_text().replace('when: "Spring 2015"', "when: 2015-04-01", 1)
    (example_pack / "pack.yaml").write_text(text)
    assert load_pack(example_pack).decision_points[0].when == "2015-04-01"


def test_extra_mapping_is_allowed(example_pack):
    """Educators may keep their own fields under a top-level extra: mapping."""
    f = example_pack / "pack.yaml"
    f.write_text(f.read_text() + "extra:\n  course: SW101\n  anything: [1, 2]\n")
    assert load_pack(example_pack).extra == {"course": "SW101", "anything": [1, 2]}


def test_unreadable_path_is_a_clear_error(tmp_path):
    """A path that does not exist is reported, not raised as FileNotFoundError."""
    report = validate_file(tmp_path / "nowhere")
    assert "no such file or folder" in report.errors[0].problem
    assert report.errors[0].path.endswith("nowhere")
