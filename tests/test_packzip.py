"""Sharing a pack as one file (kit pack export / import): a zip from a colleague is checked before
anything is added, and nothing in it can land outside the packs folder."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from kit.authorapp import PAGE, prepare
from kit.cli import main
from kit.errors import KitError
from kit.packs import validate_file
from kit.packzip import MAX_BYTES, export_pack, import_pack
from tests.conftest import CASEPACKS, EXAMPLE


@pytest.fixture
def packs(tmp_path) -> Path:
    root = tmp_path / "colleague-packs"
    root.mkdir()
    shutil.copy(CASEPACKS / "vocabulary.yaml", root / "vocabulary.yaml")
    return root


def exported(tmp_path) -> Path:
    return export_pack(EXAMPLE, tmp_path / "example.zip")


def test_export_then_import_gives_the_same_pack(tmp_path, packs, capsys):
    """One file out, one pack in: the colleague's copy is byte for byte the pack, and validates."""
    assert main(["pack", "export", str(EXAMPLE), "-o", str(tmp_path / "example.zip")]) == 0
    assert "kit pack import example.zip" in capsys.readouterr().out
    names = zipfile.ZipFile(tmp_path / "example.zip").namelist()
    assert names == ["example-baby-k/pack.yaml"]
    assert main(["pack", "import", str(tmp_path / "example.zip"), "--packs", str(packs)]) == 0
    assert (packs / "example-baby-k" / "pack.yaml").read_bytes() == (EXAMPLE / "pack.yaml").read_bytes()
    assert validate_file(packs / "example-baby-k", in_collection=True).ok


def test_an_existing_id_is_refused_in_a_sentence_or_renamed(tmp_path, packs):
    z = exported(tmp_path)
    import_pack(z, packs)
    before = (packs / "example-baby-k" / "pack.yaml").read_bytes()
    with pytest.raises(KitError, match="already in .* nothing was added.*--as example-baby-k-2"):
        import_pack(z, packs)
    assert (packs / "example-baby-k" / "pack.yaml").read_bytes() == before
    dest = import_pack(z, packs, rename="example-baby-k-2")
    assert dest.name == "example-baby-k-2" and validate_file(dest, in_collection=True).ok
    text = (dest / "pack.yaml").read_text()
    assert "id: example-baby-k-2" in text and text.count("\n") == before.decode().count("\n")


def _zip(path: Path, members: dict[str, bytes], link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return path


GOOD = (EXAMPLE / "pack.yaml").read_bytes()


@pytest.mark.parametrize("members, link, words", [
    ({"p/pack.yaml": GOOD, "p/../../evil.txt": b"x"}, None, "outside the pack's own folder"),
    ({"pack.yaml": GOOD, "/tmp/evil.txt": b"x"}, None, "outside the pack's own folder"),
    ({"p/pack.yaml": GOOD, "p/sub/deeper.txt": b"x"}, None, "outside the pack's own folder"),
    ({"p/pack.yaml": GOOD}, "p/README.md", "as a link"),
    ({"p/pack.yaml": GOOD, "p/big.txt": b"x" * (MAX_BYTES + 1)}, None, "bytes unpacked"),
    ({"p/README.md": b"# notes"}, None, "holds no pack.yaml"),
    ({"p/pack.yaml": GOOD.replace(b"actual: true", b"actual: false")}, None, "does not pass kit lint"),
    ({"p/pack.yaml": GOOD.replace(b"Commenter A", b"Jo Bloggs")}, None, "does not pass kit lint"),
])
def test_a_hostile_or_broken_zip_adds_nothing(tmp_path, packs, members, link, words):
    """Zip-slip paths, links, oversize members, a zip without a pack and a pack that fails kit lint
    are each refused in a sentence, and the packs folder is as it was."""
    z = _zip(tmp_path / "bad.zip", members, link)
    before = sorted(p.name for p in packs.iterdir())
    with pytest.raises(KitError, match=words):
        import_pack(z, packs)
    assert sorted(p.name for p in packs.iterdir()) == before
    assert not (tmp_path / "evil.txt").exists()


def test_a_zip_that_lies_about_its_size_adds_nothing(tmp_path, packs):
    """A member whose directory entry claims a small size but unpacks larger is read no further than
    it claims, found damaged, and refused in a sentence."""
    z = _zip(tmp_path / "liar.zip", {"p/pack.yaml": GOOD, "p/notes.txt": b"a" * (MAX_BYTES + 10)})
    raw = bytearray(z.read_bytes())
    entry = raw.rindex(b"PK\x01\x02")  # the last central entry is notes.txt
    assert raw[entry + 46:entry + 57] == b"p/notes.txt"
    raw[entry + 24:entry + 28] = (10).to_bytes(4, "little")  # its uncompressed size
    z.write_bytes(bytes(raw))
    with pytest.raises(KitError, match="damaged"):
        import_pack(z, packs)
    assert not (packs / "example-baby-k").exists()


def test_not_a_zip_is_one_sentence(tmp_path, packs):
    bad = tmp_path / "notes.zip"
    bad.write_text("hello")
    assert main(["pack", "import", str(bad), "--packs", str(packs)]) == 1


def test_export_refuses_an_invalid_pack(tmp_path, example_pack):
    f = example_pack / "pack.yaml"
    f.write_text(f.read_text().replace("actual: true", "actual: false"))
    with pytest.raises(KitError, match="does not validate, so it is not exported"):
        export_pack(example_pack, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_the_authoring_page_is_served_from_a_folder_of_its_own(tmp_path):
    """kit author serves one notebook from its own folder: not notebooks/ or exercises/, which the
    learners' app serves."""
    folder = prepare(str(EXAMPLE), tmp_path / "page")
    assert sorted(p.name for p in folder.iterdir()) == [PAGE]
    source = (folder / PAGE).read_text()
    assert "author_page(" in source and str(EXAMPLE) in source


def test_kit_author_with_no_such_pack_is_one_sentence(capsys):
    """kit author names a pack it cannot find in a sentence, before any server starts."""
    assert main(["author", "no-such-pack-here", "--port", "1"]) == 1
    assert "no pack with this id or path" in capsys.readouterr().err
