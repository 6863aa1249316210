"""The kit command: validate, lint, list, new, schema, hash-name; exit codes and plain errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kit import __version__
from kit.cli import main
from tests.conftest import CASEPACKS, ROOT, repository_pack_ids


def run_kit(*args, cwd=ROOT):
    """Run the real console entry point in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "kit.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_validate_repository_packs_passes():
    """kit validate on casepacks/ exits 0 with a summary line."""
    r = run_kit("validate", "casepacks")
    assert r.returncode == 0, r.stderr
    n = len(repository_pack_ids())
    assert f"{n} of {n} pack(s) valid; 0 error(s)" in r.stdout


def test_validate_broken_pack_exits_1_with_a_line_per_problem(tmp_path, example_pack):
    """Errors go to stderr, one line each, with the file and line; no traceback."""
    f = example_pack / "pack.yaml"
    f.write_text(f.read_text().replace("stance: 2", "stance: 7").replace("level: supervision", "level: boss"))
    r = run_kit("validate", str(example_pack))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and all(str(f) in line for line in lines)
    assert "Traceback" not in r.stderr
    assert "0 of 1 pack(s) valid; 2 error(s)" in r.stdout


def test_validate_json_format(example_pack):
    """--format json gives a machine-readable report with each problem's parts."""
    f = example_pack / "pack.yaml"
    f.write_text(f.read_text().replace("stance: 2", "stance: 7"))
    out, code = _main_json("validate", str(example_pack))
    assert code == 1 and out["ok"] is False
    (problem,) = out["packs"][0]["problems"]
    assert problem["field"] == "debates[0].comments[1].stance" and problem["line"] > 0


def _main_json(*args):
    proc = run_kit(*args, "--format", "json")
    return json.loads(proc.stdout), proc.returncode


def test_validate_missing_path_is_plain_error(tmp_path):
    """A path that does not exist is one plain line and exit 1."""
    r = run_kit("validate", str(tmp_path / "nope"))
    assert r.returncode == 1 and "no such file or folder" in r.stderr and "Traceback" not in r.stderr


def test_lint_flags_identifying_text(example_pack):
    """kit lint exits 1 when a pack holds an e-mail address, and says where."""
    f = example_pack / "pack.yaml"
    f.write_text(f.read_text().replace("The case was closed", "Mail x.y@example.org. The case was closed"))
    r = run_kit("lint", str(example_pack))
    assert r.returncode == 1 and "e-mail address" in r.stderr and "what_happened" in r.stderr


def test_list_shows_every_pack():
    """kit list names every pack with its counts and themes."""
    rows, code = _main_json("list", "casepacks")
    assert code == 0
    assert sorted(r["id"] for r in rows) == repository_pack_ids()
    assert all(r["decision_points"] >= 3 and r["themes"] for r in rows)
    text = run_kit("list").stdout
    assert "decision points" in text and "robyn-front-door" in text


def test_new_creates_a_pack_from_the_template(tmp_path):
    """kit new copies the template with the id set; it validates only once filled."""
    r = run_kit("new", "my-case", "--dir", str(tmp_path))
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "my-case" / "pack.yaml").read_text()
    assert "id: my-case" in text
    r = run_kit("validate", str(tmp_path / "my-case"))
    assert r.returncode == 1 and "placeholder" in r.stderr


def test_new_refuses_bad_id_and_existing_folder(tmp_path):
    """kit new explains a bad id and never overwrites a folder."""
    r = run_kit("new", "My Case!", "--dir", str(tmp_path))
    assert r.returncode == 1 and "Try 'my-case'" in r.stderr
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    r = run_kit("new", "taken", "--dir", str(tmp_path))
    assert r.returncode == 1 and "already exists" in r.stderr
    assert (tmp_path / "taken" / "keep.txt").read_text() == "mine"


def test_schema_file_is_current():
    """casepacks/pack.schema.json matches the models (run 'kit schema' after changing them)."""
    r = run_kit("schema", "--check")
    assert r.returncode == 0, r.stderr
    schema = json.loads((CASEPACKS / "pack.schema.json").read_text())
    assert "decision_points" in schema["properties"]


def test_schema_check_detects_stale_file(tmp_path):
    """--check fails when the schema file differs from the models."""
    stale = tmp_path / "schema.json"
    stale.write_text("{}")
    assert main(["schema", "--check", "-o", str(stale)]) == 1


def test_hash_name_prints_sha256():
    """kit hash-name prints the denylist line for a name."""
    r = run_kit("hash-name", "Alex Fictional")
    assert r.returncode == 0 and len(r.stdout.strip()) == 64


def test_version_and_help():
    """--version and --help work and name the commands."""
    assert run_kit("--version").stdout.strip() == f"kit {__version__}"
    help_text = run_kit("--help").stdout
    for cmd in ("validate", "lint", "list", "new", "schema"):
        assert cmd in help_text


def test_unexpected_error_is_a_sentence_not_a_traceback(monkeypatch, capsys):
    """A bug inside a command still reaches the user as one sentence."""
    import kit.packs

    def boom(*a, **k):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(kit.packs, "validate_tree", boom)
    monkeypatch.delenv("KIT_DEBUG", raising=False)
    assert main(["validate", "casepacks"]) == 2
    err = capsys.readouterr().err
    assert "unexpected problem" in err and "KIT_DEBUG=1" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["validate", "--format", "xml"], ["frobnicate"]])
def test_bad_usage_exits_2(argv):
    """argparse's usage errors exit 2 with a usage line."""
    r = run_kit(*argv)
    assert r.returncode == 2 and "usage:" in r.stderr


def test_lint_reports_each_pack_s_tag_balance():
    """kit lint prints a line per bundled pack saying how far its cautions coincide with 'not consistent
    with the review', none of them total."""
    r = run_kit("lint", "casepacks")
    lines = [line for line in r.stdout.splitlines() if line.startswith("Tag balance: ")]
    assert len(lines) == len(repository_pack_ids())
    assert all("options with a caution are not consistent with the review" in line for line in lines)
    assert not any("total" in line for line in lines)
