"""A case pack as one file, to hand to a colleague: `kit pack export` and `kit pack import`.

A zip from someone else is not trusted. Import reads it into memory within limits (number of
files, size of each and of all, no links, no folders, no path that could land outside the
packs folder), validates and lints the pack before anything is written, refuses an id that is
already taken (or renames it, when asked) and then adds the folder in one step.
"""

from __future__ import annotations

import io
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

from . import roundtrip, settings
from .errors import KitError, PackError
from .files import write_atomic
from .lint import lint_data
from .models import PACK_ID_RE, suggest_slug
from .packs import PACK_FILE, resolve, validate_file, validate_located
from .vocabulary import load_vocabulary
from .yamlfile import MAX_BYTES, load

MAX_FILES = 20
MAX_TOTAL = 4 * MAX_BYTES
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")  # one plain file name, no folders


def _files(folder: Path) -> list[Path]:
    """The files of a pack folder a colleague needs: regular files only, no links, no hidden files."""
    out = []
    for f in sorted(folder.iterdir()):
        if f.name.startswith(".") or f.is_symlink() or not f.is_file() or not NAME.match(f.name):
            continue
        if f.stat().st_size > MAX_BYTES:
            raise KitError(f"{f} is {f.stat().st_size:,} bytes; a file in a shared pack may be at most "
                           f"{MAX_BYTES:,} bytes. Remove it from the folder, or make it smaller.")
        out.append(f)
    return out[:MAX_FILES]


def export_pack(pack: str | Path, output: str | Path) -> Path:
    """Write one pack (id or folder) as a zip a colleague can import; only a pack that validates."""
    f = resolve(pack)
    report = validate_file(f)
    if not report.ok:
        raise KitError(f"{report.path} does not validate, so it is not exported: {report.errors[0]} "
                       "Run kit validate for every problem.")
    if report.pack is None:  # never without an error: a pack that does not load is one
        raise KitError(f"{report.path} could not be read as a case pack, so it is not exported.")
    pack_id = report.pack.id
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for member in _files(f.parent):
            z.write(member, f"{pack_id}/{member.name}")
    out = Path(output).expanduser()
    if out.suffix.lower() != ".zip":
        raise KitError(f"{out} should end in .zip (for example {pack_id}.zip).")
    return write_atomic(out, buffer.getvalue())


def _read_members(zip_path: Path) -> dict[str, bytes]:
    """The zip's files by name, read within limits; one sentence for anything unsafe or too big."""
    shown = zip_path.name
    try:
        z = zipfile.ZipFile(zip_path)
    except FileNotFoundError:
        raise KitError(f"There is no file {zip_path}.") from None
    except (zipfile.BadZipFile, OSError):
        raise KitError(f"{shown} is not a zip file a pack was exported to (kit pack export writes one).") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_FILES + 1:
            raise KitError(f"{shown} holds {len(infos)} entries; a pack holds at most {MAX_FILES} files.")
        tops = {i.filename.replace("\\", "/").split("/", 1)[0] for i in infos if "/" in i.filename.replace("\\", "/")}
        out: dict[str, bytes] = {}
        total = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            if info.is_dir():
                continue
            parts = name.split("/")
            inner = parts[-1] if len(parts) == 2 and len(tops) == 1 else name
            if name.startswith("/") or ".." in parts or ":" in name or not NAME.match(inner):
                raise KitError(f"{shown} holds '{name}', a path outside the pack's own folder; nothing was added. "
                               "Ask for the pack again, exported with kit pack export.")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise KitError(f"{shown} holds '{name}' as a link; a pack holds plain files only, so nothing was added.")
            if info.file_size > MAX_BYTES:
                raise KitError(f"{shown}: '{name}' is {info.file_size:,} bytes unpacked; a file in a pack may be at "
                               f"most {MAX_BYTES:,} bytes. Nothing was added.")
            try:
                with z.open(info) as member:
                    data = member.read(MAX_BYTES + 1)  # the size a zip declares may be false: read no more
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, NotImplementedError):
                raise KitError(f"{shown}: '{name}' is damaged or does not match what the zip says of it; "
                               "nothing was added. Ask for the pack again.") from None
            total += len(data)
            if len(data) > MAX_BYTES or total > MAX_TOTAL:
                raise KitError(f"{shown}: '{name}' unpacks to more than {MAX_BYTES:,} bytes; nothing was added.")
            out[inner] = data
    if PACK_FILE not in out:
        raise KitError(f"{shown} holds no {PACK_FILE}, so it is not a case pack; nothing was added.")
    return out


def import_pack(zip_path: str | Path, packs_dir: str | Path | None = None, *, rename: str | None = None) -> Path:
    """Add the pack in a zip to the packs folder, after validating and linting it; returns its folder."""
    zip_path = Path(zip_path).expanduser()
    base = Path(packs_dir) if packs_dir else settings.packs_dir()
    members = _read_members(zip_path)
    try:
        text = members[PACK_FILE].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KitError(f"{zip_path.name}: {PACK_FILE} is not UTF-8 text; nothing was added.") from None
    if rename:
        if not PACK_ID_RE.match(rename):
            raise KitError(f"'{rename}' is not a pack id (3-60 lowercase letters, digits, hyphens). "
                           f"Try '{suggest_slug(rename)}'.")
        data = roundtrip.load(text)
        data["id"] = rename
        text = roundtrip.dump(data)
        members[PACK_FILE] = text.encode("utf-8")
    shown = f"{zip_path.name}: {PACK_FILE}"
    try:
        located = load(Path(shown), text)
    except PackError as exc:
        raise KitError(f"The pack in {zip_path.name} was not added: {exc.problems[0]}") from None
    pack, problems = validate_located(located, shown, load_vocabulary())
    if pack is not None:
        problems += lint_data(located.data, shown, located.line_of)
    errors = [p for p in problems if p.severity == "error"]
    if pack is None or errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise KitError(f"The pack in {zip_path.name} was not added, because it does not pass kit lint: "
                       f"{errors[0]}{more}. Ask the colleague who sent it to fix it on the authoring page.")
    dest = base / pack.id
    if dest.exists() or dest.is_symlink():
        raise KitError(f"A case with the id '{pack.id}' is already in {base}, so nothing was added. To keep both, "
                       f"import it under another id: kit pack import {zip_path} --as {pack.id}-2")
    base.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=base))
    try:
        for name, content in members.items():
            write_atomic(staging / name, content)
        staging.rename(dest)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return dest
