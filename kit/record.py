"""A learner's reflective record, built from the journal; also the workshop submission format.

The record is versioned JSON with a checksum. Learner free text (rationales, second
thoughts, debate positions, reflections, PCF evidence, exercise answers) is included only
when the learner opts in, and the learner appears by a pseudonymous id derived with a salt
kept on their computer. Reading a record back gives exactly the record that was written
(round trip).

Version 2 places debate comments on two scales (the learner's and the kit's coding), takes
PCF domains from the learner's own evidence, carries exercise answers, and no longer says
whether a learner stepped out. A version-1 record (a hand-in from the previous kit) is still
read: its one-scale placings are read on the two scales as format 1.1 reads a stance.

Version 3 adds, all optional (a version-2 record is read as it is): `counter`, how many things
the learner had saved when the record was made (their journal only grows, so a later record of
the same learner never has a smaller one: "newer" does not rest on a clock); `signer`, the name of
the learner key that signed it (workshop.py); and `gone` on a decision whose point or option the
pack no longer has (an educator edited the pack after the learner answered: the answer is kept,
never replaced by another option).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import __version__
from .debate import placing
from .errors import SubmissionError
from .events import CaseState, Event, LearnerState, replay_learner
from .files import Refused, loads_bounded, read_regular
from .journal import Journal
from .learner import check_learner, learner_id
from .models import STANCE_AS_SCALES, Pack
from .packs import find_pack, load_pack
from .reflection import cpd_fields, evidenced_domains
from .settings import exercises_dir

if TYPE_CHECKING:
    from .workshop import LearnerKey, WorkshopKey

FORMAT: Final = "reflective-practice-kit/record"
VERSION = 3
READS = (1, 2, 3)  # record versions this kit reads (version 1 is upgraded as it is read)
MAX_BYTES = 5 * 1024 * 1024
GONE_OPTION = "No longer in this case: the case was changed after you answered (your reasons are kept)"
GONE_POINT = "A decision point no longer in this case"
IDLE_CAP_SECONDS = 10 * 60  # a gap longer than this between actions counts as 10 minutes


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecisionRecord(_Model):
    """Pack texts (question, options, what happened, finding) are left out of compact hand-ins."""

    point_id: str
    when: str
    option_id: str
    actual_option_id: str
    supported_option_ids: list[str]
    matched_actual: bool
    matched_review: bool
    confidence: int = Field(ge=1, le=5)
    committed_at: str
    title: str | None = None  # the point's title (format 1.1); records name points by it, else by `when`
    question: str | None = None
    option_text: str | None = None
    actual_option_text: str | None = None
    what_happened: str | None = None
    review_finding: str | None = None
    rationale: str | None = None
    change_mind: str | None = None  # what would change my mind (learner text: only when opted in)
    relied_on: list[str] | None = None  # the considerations the learner ticked (vocabulary slugs, or "other")
    second_thoughts: list[str] | None = None
    gone: bool | None = None  # the point or option is no longer in the pack: kept as the learner answered


class CommentCode(_Model):
    """One placed comment on the two scales (0 not at all ... 3 a great deal), the learner's and the
    kit's coding. A `one_scale` value (-2 individuals ... +2 context) says the placing was made on
    the earlier single scale and the two ratings were read from it."""

    comment_id: str
    author: str
    accountability: int = Field(ge=0, le=3)
    context: int = Field(ge=0, le=3)
    one_scale: int | None = Field(default=None, ge=-2, le=2)
    holds_accountable: list[str]
    kit_accountability: int = Field(ge=0, le=3)
    kit_context: int = Field(ge=0, le=3)
    kit_one_scale: int | None = Field(default=None, ge=-2, le=2)
    kit_holds_accountable: list[str]


class DebateRecord(_Model):
    debate_id: str
    title: str
    codes: list[CommentCode]
    revealed: bool
    position: str | None = None
    other_side: str | None = None
    moved: str | None = None  # whether arguing the other side moved the learner's position


class ExerciseRecord(_Model):
    """The learner's latest saved answer to one exercise question, named in words."""

    exercise_id: str
    exercise: str
    question_id: str
    question: str
    answer: str
    saved_at: str


class CaseRecord(_Model):
    pack_id: str
    title: str
    points_total: int
    started_at: str
    last_activity_at: str
    minutes_active: float
    pcf_domains: list[str]  # the domains the learner wrote evidence for (version 1: the case's tags)
    decisions: list[DecisionRecord]
    debates: list[DebateRecord] = []
    attribution: dict[str, int] | None = None
    reflection: dict[str, str] | None = None
    pcf_evidence: dict[str, str] | None = None
    cpd: dict[str, str] | None = None


class Record(_Model):
    format: Literal["reflective-practice-kit/record"] = FORMAT
    version: int
    kit_version: str
    exported_at: str
    learner_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")  # never a path: it names files
    learner: str | None = None
    includes_text: bool
    cases: list[CaseRecord]
    pcf_domains_covered: list[str]
    minutes_active_total: float
    exercises: list[ExerciseRecord] = []
    counter: int | None = Field(default=None, ge=0, le=10**12)  # the learner's saved actions when made
    signer: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")  # learner key name
    checksum: str = ""
    workshop: str | None = Field(default=None, max_length=16)  # the workshop code it was signed for
    signature: str | None = Field(default=None, max_length=100)  # HMAC with the workshop's key (workshop.py)


# -- building a record from the journal ------------------------------------------------

def build_record(learner: str, case: str | None = None, *, include_text: bool = True,
                 include_name: bool = True, compact: bool = False, journal: Journal | None = None) -> Record:
    """Everything this learner did (in one case, or all), from the journal.

    compact leaves out the pack's own texts (the workshop already has the packs), which keeps
    hand-ins small enough to collect thousands in seconds.
    """
    learner = check_learner(learner)
    events = (journal or Journal()).events(learner)  # the kernel's journal: work held in memory too
    state = replay_learner(events)
    pack_ids = list(state.cases)
    if case is not None:
        wanted = case if case in pack_ids else load_pack(case).id
        pack_ids = [p for p in pack_ids if p == wanted]
        if not pack_ids:
            raise SubmissionError(f"'{learner}' has no saved work in the case '{wanted}' yet.")
    if not pack_ids and (case is not None or not state.answers):
        raise SubmissionError(f"There is no saved work for the pseudonym '{learner}'. "
                              "Check the spelling (it is case-sensitive), or KIT_HOME.")
    cases = []
    for pid in pack_ids:
        pack = find_pack(pid, state.cases[pid].pack_path)
        if pack is not None:  # a pack since removed or broken: its work stays in the journal, unexported
            cases.append(_case_record(pack, state.cases[pid], include_text, compact))
    domains = list(dict.fromkeys(d for c in cases for d in c.pcf_domains))
    rec = Record(version=VERSION, kit_version=__version__, exported_at=_now(), learner_id=learner_id(learner),
                 learner=learner if include_name else None, includes_text=include_text, cases=cases,
                 pcf_domains_covered=domains, minutes_active_total=round(sum(c.minutes_active for c in cases), 1),
                 exercises=exercise_records(state) if include_text and case is None else [], counter=len(events))
    return with_checksum(rec)


def _case_record(pack: Pack, state: CaseState, text: bool, compact: bool = False) -> CaseRecord:
    drecs = []
    touched: dict[str, None] = {}
    for p in pack.decision_points:
        d = state.decisions.get(p.id)
        if not d or state.held(p.id):  # a workshop room has not released its finding yet
            continue
        touched.update(dict.fromkeys(p.pcf_domains))
        chosen = p.option(d.option_id)  # None: an option the pack no longer has, kept as the learner chose it
        texts = {} if compact else {
            "title": p.title, "question": p.question, "option_text": chosen.text if chosen else GONE_OPTION,
            "actual_option_text": p.actual_option.text, "what_happened": p.what_happened,
            "review_finding": p.review_finding}
        drecs.append(DecisionRecord(
            point_id=p.id, when=p.when, option_id=d.option_id, actual_option_id=p.actual_option.id,
            supported_option_ids=[o.id for o in p.supported_options], matched_actual=bool(chosen and chosen.actual),
            matched_review=bool(chosen and chosen.review_supported), confidence=d.confidence or 3,
            committed_at=d.committed_at, rationale=d.rationale if text else None,
            change_mind=(d.change_mind or None) if text else None,
            relied_on=list(state.relied_on[p.id]) if p.id in state.relied_on else None,
            second_thoughts=state.second_thoughts.get(p.id, []) if text else None, gone=None if chosen else True,
            **texts))
    known = {p.id for p in pack.decision_points}
    for pid, d in state.decisions.items():  # answers at points the pack no longer has: kept, after the rest
        if pid not in known:
            drecs.append(DecisionRecord(
                point_id=pid, when=GONE_POINT, option_id=d.option_id, actual_option_id="", supported_option_ids=[],
                matched_actual=False, matched_review=False, confidence=d.confidence or 3,
                committed_at=d.committed_at, rationale=d.rationale if text else None,
                second_thoughts=state.second_thoughts.get(pid, []) if text else None, gone=True,
                option_text=None if compact else GONE_OPTION, actual_option_text=None if compact else GONE_POINT))
    debates = []
    for db in pack.debates:
        codes = state.codes_for(db.id)
        mine = []
        for c in db.comments:
            code = placing(codes[c.id]) if c.id in codes else None
            if code is None:  # not placed: left out, never counted at the middle
                continue
            kit_a, kit_c = c.scales
            mine.append(CommentCode(
                comment_id=c.id, author=c.author, accountability=code.accountability, context=code.context,
                one_scale=code.one_scale, holds_accountable=list(code.holds_accountable),
                kit_accountability=kit_a, kit_context=kit_c, kit_one_scale=c.stance if c.scales_derived else None,
                kit_holds_accountable=list(c.holds_accountable)))
        pos = state.debate_positions.get(db.id)
        if mine or pos:
            debates.append(DebateRecord(debate_id=db.id, title=db.title, codes=mine,
                                        revealed=db.id in state.debates_revealed,
                                        position=pos.position if pos and text else None,
                                        other_side=pos.other_side if pos and text else None,
                                        moved=pos.moved if pos and pos.moved and text else None))
    return CaseRecord(
        pack_id=pack.id, title=pack.title, points_total=len(pack.decision_points),
        started_at=state.started_at, last_activity_at=state.last_activity_at,
        minutes_active=active_minutes(state.events),
        pcf_domains=evidenced_domains(state.pcf_evidence), decisions=drecs, debates=debates,
        attribution=state.attribution, reflection=_texts(state.reflection) if text else None,
        pcf_evidence=_texts(state.pcf_evidence) if text else None,
        cpd=(cpd_fields(state.cpd) or None) if text else None)


def _texts(fields: dict[str, str] | None) -> dict[str, str] | None:
    if not fields:
        return None
    return {k: v for k, v in fields.items() if v.strip()} or None


# -- exercise answers, named in words ---------------------------------------------------

def exercise_records(state: LearnerState) -> list[ExerciseRecord]:
    """The latest saved answer to each exercise question, in exercise and question order, each
    named by the exercise's title and the question's words."""
    out = []
    for target in sorted(state.answers, key=_answer_order):
        exercise, _, question = target.partition("/")
        title, prompts = exercise_words(exercise)
        out.append(ExerciseRecord(
            exercise_id=exercise, exercise=title, question_id=question,
            question=state.prompts.get(target) or prompts.get(question) or _question_words(question),
            answer=state.answers[target][-1], saved_at=state.answered_at.get(target, "")))
    return out


def _answer_order(target: str) -> tuple[str, int, str]:
    exercise, _, question = target.partition("/")
    digits = re.findall(r"\d+", question)
    return (exercise, int(digits[0]) if digits else 0, question)


def _question_words(question: str) -> str:
    digits = re.fullmatch(r"q(\d+)", question)
    return f"Question {int(digits.group(1))}" if digits else question.replace("-", " ").replace("_", " ").capitalize()


def exercise_words(exercise: str) -> tuple[str, dict[str, str]]:
    """An exercise's title and its questions' words, read from its notebook (the first heading and
    each `answer_box` call); words made from the id when the notebook is not there."""
    match = re.fullmatch(r"(\d+)_([a-z0-9_]+)", exercise)
    fallback = (f"Exercise {int(match.group(1))}: {match.group(2).replace('_', ' ').capitalize()}" if match
                else exercise.replace("_", " ").replace("-", " ").capitalize())
    path = exercises_dir() / f"{exercise}.ipynb"
    if not re.fullmatch(r"[\w-]+", exercise) or not path.is_file():
        return fallback, {}
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return fallback, {}
    title, prompts = fallback, {}
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "markdown" and title == fallback:
            heading = re.search(r"^# (.+)$", source, re.MULTILINE)
            title = heading.group(1).strip() if heading else title
        elif cell.get("cell_type") == "code" and "answer_box" in source:
            prompts.update(_prompts_in(source, exercise))
    return title, prompts


def _prompts_in(source: str, exercise: str) -> dict[str, str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "answer_box"
                and len(node.args) >= 3 and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                for a in node.args[:3]) and cast(ast.Constant, node.args[0]).value == exercise):
            out[cast(str, cast(ast.Constant, node.args[1]).value)] = cast(str, cast(ast.Constant, node.args[2]).value)  # str Constants, checked above
    return out


def active_minutes(events: list[Event]) -> float:
    """Time between a learner's actions, each gap capped so a coffee break does not count."""
    times = sorted(_parse(e.created_at) for e in events)
    seconds = sum(min((b - a).total_seconds(), IDLE_CAP_SECONDS) for a, b in zip(times, times[1:], strict=False))
    return round(seconds / 60, 1)


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# -- checksum, writing and reading -----------------------------------------------------
# The checksum is SHA-256 of the file's own bytes with the checksum value left empty, so it
# is checked without re-serialising (fast for thousands of hand-ins) and any edit shows.

_KEY = b'"checksum": "'
_SNIFF = re.compile(rb'"format":\s*"([^"]{0,60})",\s*"version":\s*(-?\d{1,9})(?!\d)')  # a short version only


def _dump(rec: Record) -> str:
    """Fields left empty (None) are not written: smaller hand-ins, and the same bytes on re-export."""
    return json.dumps(rec.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False) + "\n"


def with_checksum(rec: Record) -> Record:
    blank = _dump(rec.model_copy(update={"checksum": ""})).encode("utf-8")
    return rec.model_copy(update={"checksum": "sha256:" + hashlib.sha256(blank).hexdigest()})


def to_json(rec: Record) -> str:
    return _dump(rec)


# -- signing with a workshop key ---------------------------------------------------------
# The signature is an HMAC of the file's bytes with both the checksum and the signature left
# empty; the checksum then covers the signature too. Checked on the bytes, like the checksum.

_SIG_KEY = b'"signature": "'
SIGNED, UNSIGNED, WRONGLY_SIGNED = "signed", "unsigned", "wrongly signed"


def sign(rec: Record, key: WorkshopKey | LearnerKey) -> Record:
    """The record signed with a learner key (workshop.LearnerKey: its name goes in `signer`) or a
    workshop key (workshop.WorkshopKey), checksum renewed."""
    blank = rec.model_copy(update={"workshop": key.code, "signer": getattr(key, "name", None), "signature": "",
                                   "checksum": ""})
    signature = key.mac(_dump(blank).encode("utf-8"))
    return with_checksum(blank.model_copy(update={"signature": signature}))


def _value_span(raw: bytes, marker: bytes) -> tuple[int, int] | None:
    at = raw.rfind(marker)
    if at < 0:
        return None
    start = at + len(marker)
    end = raw.find(b'"', start)
    return (start, end) if end >= 0 else None


def signature_status(raw: bytes, rec: Record, key: WorkshopKey) -> str:
    """SIGNED when the bytes carry a signature this key makes, UNSIGNED when they carry none,
    else WRONGLY_SIGNED (another workshop's key, or changed after signing)."""
    if not rec.signature:
        return UNSIGNED
    if rec.workshop != key.code:
        return WRONGLY_SIGNED
    checker: WorkshopKey | LearnerKey = key
    if rec.signer is not None:  # signed with a learner key: made again from the workshop's secret
        from .workshop import learner_key

        checker = learner_key(key, rec.signer)
    spans = sorted(filter(None, (_value_span(raw, _KEY), _value_span(raw, _SIG_KEY))), reverse=True)
    blank = raw
    for start, end in spans:  # the later value first, so the earlier span stays put
        blank = blank[:start] + blank[end:]
    return SIGNED if checker.verifies(blank, rec.signature) else WRONGLY_SIGNED


def checksum_ok(raw: bytes) -> bool:
    """True when the bytes hash to the checksum they carry (the value blanked while hashing)."""
    at = raw.rfind(_KEY)
    if at < 0:
        return False
    start = at + len(_KEY)
    end = raw.find(b'"', start)
    value = raw[start:end].decode("ascii", "replace")
    blank = raw[:start] + raw[end:]
    return value == "sha256:" + hashlib.sha256(blank).hexdigest()


def read_record(path: str | Path, max_bytes: int = MAX_BYTES) -> Record:
    """Read and verify a record or submission, or raise SubmissionError saying why not."""
    return parse_record(read_bytes(path, max_bytes), str(path))


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A submission file's bytes, refused unread if it is not a regular file (a link, a named
    pipe, a device) or is too large (files.read_regular)."""
    try:
        return read_regular(path, max_bytes)
    except Refused as exc:
        raise SubmissionError(f"{path}: {exc.reason}.", reason=exc.reason) from None


def parse_record(raw: bytes, name: str = "submission") -> Record:
    """Verify and load a record's bytes; every refusal says why (SubmissionError.reason)."""
    def fail(reason: str, advice: str = "") -> NoReturn:
        raise SubmissionError(f"{name}: {reason}.{' ' + advice if advice else ''}", reason=reason)

    head = _SNIFF.search(raw[:400])
    if head and head.group(1) == FORMAT.encode() and int(head.group(2)) > VERSION:
        fail(f"made by a newer kit (record version {int(head.group(2))}; this kit reads {VERSION})", "Upgrade the kit.")
    if not head or head.group(1) != FORMAT.encode() or not checksum_ok(raw):
        _explain(raw, fail)  # the slow path, only for files that are not intact records
        fail("checksum does not match: the file was changed after export")
    version = int(head.group(2))
    if version not in READS:
        fail(f"record version {version} is not one this kit reads")
    try:
        rec = Record.model_validate_json(raw) if version != 1 else Record.model_validate(upgrade_v1(_loads(raw, fail)))
    except ValidationError as exc:
        e = exc.errors()[0]
        fail(f"wrong content at {'.'.join(str(x) for x in e['loc'])}: {e['msg']}")
    if rec.version != (VERSION if version == 1 else version):
        fail(f"record version {rec.version} is not one this kit reads")
    rec.version = VERSION  # versions 2 and 3 differ only in optional fields
    if version == 1:  # version 1 also tagged the CPD entry with the case's PCF domains
        for case in rec.cases:
            if case.cpd:
                case.cpd.pop("pcf_domains", None)
    return rec


def _loads(raw: bytes, fail: Callable[..., NoReturn]) -> Any:
    try:
        return loads_bounded(raw)
    except Refused:  # not UTF-8, not JSON, or beyond a limit: say which
        _explain(raw, fail)
        fail("not a kit record")


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A version-1 record's data in version 2's shape (it keeps the checksum it was handed in with).

    One-scale placings (-2 individuals ... +2 context), the learner's and the pack's, are read on
    the two scales as format 1.1 reads a stance, the one-scale value kept beside them. Version 1's
    PCF domains were the case's tags, not evidence the learner wrote, so none are carried over;
    whether the learner stepped out is dropped (the record never says so)."""
    if not isinstance(data, dict):
        return data
    for case in data.get("cases") or []:
        if not isinstance(case, dict):
            continue
        case.pop("stepped_out", None)
        case["pcf_domains"] = []
        for debate in case.get("debates") or []:
            if isinstance(debate, dict) and isinstance(debate.get("codes"), list):
                debate["codes"] = [_code_v1(k) if isinstance(k, dict) else k for k in debate["codes"]]
    return {**data, "version": VERSION, "pcf_domains_covered": []}


def _code_v1(code: dict[str, Any]) -> dict[str, Any]:
    code = dict(code)
    mine, kit = code.pop("stance", None), code.pop("pack_stance", None)
    if mine not in STANCE_AS_SCALES or kit not in STANCE_AS_SCALES:  # left for validation to name
        return {**code, "stance": mine, "pack_stance": kit}
    (a, c), (ka, kc) = STANCE_AS_SCALES[mine], STANCE_AS_SCALES[kit]
    return {"comment_id": code.get("comment_id"), "author": code.get("author"), "accountability": a, "context": c,
            "one_scale": mine, "holds_accountable": code.get("holds_accountable", []), "kit_accountability": ka,
            "kit_context": kc, "kit_one_scale": kit, "kit_holds_accountable": code.get("pack_holds_accountable", [])}


def _explain(raw: bytes, fail: Callable[..., NoReturn]) -> None:
    """Why bytes that failed the fast checks are not a record (truncated, not JSON, foreign)."""
    try:
        data = loads_bounded(raw)
    except Refused as exc:
        fail(exc.reason, "It may have been cut off: ask the learner to export it again."
             if exc.reason.startswith("malformed") else "")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        fail(f"not a kit record (no 'format': '{FORMAT}')")
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        fail(f"made by a newer kit (record version {version}; this kit reads {VERSION})", "Upgrade the kit.")
