"""Case pack format versions 1 and 1.1 as pydantic models (docs/casepack-format.md).

Structure and types are checked by pydantic; the format's own rules (one actual
option, slugs from the vocabulary, replies to earlier comments) are validators here,
so one run reports every problem. Slug checks read the vocabulary from the
validation context, so a pack is checked against the lists it will be shown with.

Version 1.1 adds optional fields only (a short title per point, what each option relies
on, markers for what the kit reconstructs, two-scale debate coding, workshop plans, an
outcome note, where to read the full review). A pack declaring version 1 loads exactly as
before; a 1.1 field in a pack that declares 1 is refused with a sentence saying so.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 1  # the contract every pack in the wild is written to
FORMAT_VERSIONS = ("1", "1.1")  # what this kit reads; the last is the newest
NEWEST = FORMAT_VERSIONS[-1]
MAX_TITLE_CHARS = 60
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PACK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
MAX_QUOTE_WORDS = 40
PLACEHOLDER = "TODO"


def suggest_slug(value: str) -> str:
    """'Visit Family!' -> 'visit-family'."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "my-id"


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a slug (lowercase letters, digits and single hyphens). Try '{hint}'.",
            {"value": value, "hint": suggest_slug(value)},
        )
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty_text", "is empty; write the text or remove the field.")
    if value.lstrip().startswith(PLACEHOLDER):
        raise PydanticCustomError(
            "placeholder", "still holds the template's placeholder ('{value}').", {"value": value[:60]}
        )
    return value


Slug = Annotated[str, AfterValidator(_slug)]
Text = Annotated[str, AfterValidator(_text)]


def version_key(version: str) -> tuple[int, ...]:
    """'1.1' -> (1, 1): versions compare as numbers, not text."""
    return tuple(int(p) for p in version.split("."))


def normal_version(value: Any) -> str | None:
    """A schema_version as written in YAML (1, 1.1, "1.1") as text, or None if it is not a version."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value.strip()):
        return value.strip()
    return None


def _since(version: str) -> AfterValidator:
    """A field that exists from format `version` on: refused in a pack that declares an older one."""

    def check(value: Any, info: ValidationInfo) -> Any:
        declared = (info.context or {}).get("schema_version")
        if value is not None and declared and version_key(declared) < version_key(version):
            raise PydanticCustomError(
                "needs_newer_format",
                "is a format {version} field, but this pack declares schema_version: {declared}. "
                "Set schema_version: {version} at the top of the pack.",
                {"version": version, "declared": declared},
            )
        return value

    return AfterValidator(check)


def _short(value: str) -> str:
    if len(value) > MAX_TITLE_CHARS:
        raise PydanticCustomError(
            "title_too_long", "has {n} characters; a point's title may have at most {max} (a few words).",
            {"n": len(value), "max": MAX_TITLE_CHARS},
        )
    return value


V11 = _since("1.1")
ShortTitle = Annotated[Text, AfterValidator(_short)]
KitReading = Annotated[
    Text,
    Field(description="Marks something the kit reconstructs rather than reads in its source: say what "
                      "the source says and what the kit infers. Learners see it as 'the kit's reading'."),
]


def _vocab_check(kind: str, label: str) -> AfterValidator:
    """A validator that refuses slugs missing from the vocabulary list `kind`."""

    def check(value: str, info: ValidationInfo) -> str:
        vocab = (info.context or {}).get("vocabulary")
        if vocab is None or value in vocab.lists.get(kind, {}):
            return value
        near = vocab.nearest(kind, value)
        hint = f" Did you mean '{near}'?" if near else ""
        raise PydanticCustomError(
            "unknown_slug",
            "'{value}' is not a known {label} in vocabulary.yaml.{hint}",
            {"value": value, "label": label, "hint": hint},
        )

    return AfterValidator(check)


Theme = Annotated[Slug, _vocab_check("themes", "theme")]
Level = Annotated[Slug, _vocab_check("levels", "contributing-factor level")]
PcfDomain = Annotated[Slug, _vocab_check("pcf_domains", "PCF domain")]
Accountable = Annotated[Slug, _vocab_check("holds_accountable", "holds_accountable value")]
Reasoning = Annotated[Slug, _vocab_check("reasoning", "reasoning pattern")]
Scale = Annotated[StrictInt, Field(ge=0, le=3)]


def _unique_ids(items: list[Any], what: str) -> list[Any]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise PydanticCustomError(
                "duplicate_id",
                "id '{id}' is used twice (again at item {i}); ids must be unique in {what}.",
                {"id": item.id, "i": i, "what": what},
            )
        seen.add(item.id)
    return items


class Model(BaseModel):
    """Unknown fields are refused so that a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Article(Model):
    publisher: Text
    title: Text
    date: dt.date | None = None
    url: str | None = None


class Source(Model):
    review: Text
    year: StrictInt | None = Field(default=None, ge=1900, le=2100)
    articles: list[Article] = Field(min_length=1)
    full_review: Annotated[Text | None, V11] = Field(
        default=None, description="1.1: where the full review can be read (e.g. the NSPCC national case review repository).")
    full_review_url: Annotated[str | None, V11] = None


class Anonymisation(Model):
    pseudonyms: list[Text] = []
    notes: Text | None = None
    not_names: list[Text] = Field(
        default=[], description="Capitalised words in the pack that are not personal names (for kit lint)."
    )


class Person(Model):
    id: Slug
    role: Text


class TimelineEntry(Model):
    when: Text
    what: Text
    kit_reading: Annotated[KitReading | None, V11] = None


class KnownFact(Model):
    """1.1: a fact on the table at a decision point, with a note when the kit reconstructs it."""

    text: Text
    kit_reading: Annotated[KitReading | None, V11] = None


def _known_fact(value: Any) -> Any:
    """A known fact is a line of text (format 1) or, from 1.1, a mapping {text, kit_reading}."""
    return {"text": value} if isinstance(value, str) else value


Known = Annotated[KnownFact, BeforeValidator(_known_fact)]


class Option(Model):
    id: Slug
    text: Text
    feedback: Text | None = None
    actual: StrictBool = False
    review_supported: StrictBool = False
    relies_on: Annotated[list[Reasoning] | None, V11] = Field(
        default=None, description="1.1: reasoning patterns this choice relies on (slugs from vocabulary.yaml reasoning).")
    kit_reading: Annotated[KitReading | None, V11] = None


class ContributingFactor(Model):
    level: Level
    factor: Text
    polarity: Literal["unsafe", "supportive"] | None = None
    known_then: StrictBool | None = None
    kit_reading: Annotated[KitReading | None, V11] = None


class DecisionPoint(Model):
    id: Slug
    title: Annotated[ShortTitle | None, V11] = Field(
        default=None, description="1.1: a few words naming the moment, with no outcome in them.")
    when: Text
    agency: Text | None = Field(default=None, description="Whose decision this was, e.g. 'Police'.")
    situation: Text
    known_at_the_time: list[Known] = []
    question: Text
    options: list[Option] = Field(min_length=2)
    what_happened: Text
    review_finding: Text
    review_quote: Text | None = None
    contributing_factors: list[ContributingFactor] = Field(min_length=1)
    themes: list[Theme] = []
    pcf_domains: list[PcfDomain] = []
    reflection_prompts: list[Text] = []

    @field_validator("options")
    @classmethod
    def _options_rules(cls, options: list[Option]) -> list[Option]:
        _unique_ids(options, "a decision point's options")
        actual = [o.id for o in options if o.actual]
        if not actual:
            raise PydanticCustomError(
                "no_actual", "no option is marked actual: true (mark what was really done)."
            )
        if len(actual) > 1:
            raise PydanticCustomError(
                "many_actual",
                "{n} options are marked actual ({ids}); exactly one may be.",
                {"n": len(actual), "ids": ", ".join(actual)},
            )
        if not any(o.review_supported for o in options):
            raise PydanticCustomError(
                "no_review_supported",
                "no option is marked review_supported: true (at least one must be).",
            )
        return options

    @field_validator("review_quote")
    @classmethod
    def _quote_short(cls, quote: str | None) -> str | None:
        if quote is not None and len(quote.split()) > MAX_QUOTE_WORDS:
            raise PydanticCustomError(
                "quote_too_long",
                "has {n} words; a review_quote may have at most {max} (paraphrase the rest).",
                {"n": len(quote.split()), "max": MAX_QUOTE_WORDS},
            )
        return quote

    @property
    def actual_option(self) -> Option:
        return next(o for o in self.options if o.actual)

    def label(self, index: int) -> str:
        """What learners call this point: its title, or 'Point n' for a pack without titles."""
        return self.title or f"Point {index + 1}"

    @property
    def supported_options(self) -> list[Option]:
        return [o for o in self.options if o.review_supported]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


# A format-1 stance (-2 individuals ... +2 context) read on the two scales of 1.1:
# (how far it holds individuals accountable, how far it points to context and system), 0-3 each.
STANCE_AS_SCALES = {-2: (3, 0), -1: (2, 1), 0: (2, 2), 1: (1, 2), 2: (0, 3)}


class Comment(Model):
    id: Slug
    author: Text
    role: Text | None = None
    reply_to: Slug | None = None
    text: Text
    stance: StrictInt | None = Field(default=None, ge=-2, le=2)
    accountability: Annotated[Scale | None, V11] = Field(
        default=None, description="1.1: how far the comment holds individuals accountable (0 not at all ... 3 a great deal).")
    context: Annotated[Scale | None, V11] = Field(
        default=None, description="1.1: how far the comment points to context and system (0 not at all ... 3 a great deal).")
    holds_accountable: list[Accountable] = []

    @model_validator(mode="after")
    def _coded(self) -> Comment:
        if self.stance is None and (self.accountability is None or self.context is None):
            raise PydanticCustomError(
                "uncoded_comment",
                "comment '{id}' needs a stance (-2 to 2), or from format 1.1 both accountability and context (0-3).",
                {"id": self.id},
            )
        return self

    @property
    def scales(self) -> tuple[int, int]:
        """(accountability, context), each 0-3: as coded, or read from the format-1 stance."""
        if self.accountability is not None and self.context is not None:
            return self.accountability, self.context
        return STANCE_AS_SCALES[self.stance]  # type: ignore[index]

    @property
    def scales_derived(self) -> bool:
        """True when the two scales are read from a format-1 stance rather than coded."""
        return self.accountability is None or self.context is None


class Debate(Model):
    id: Slug
    title: Text
    source: Text | None = None
    comments: list[Comment] = Field(min_length=1)
    prompts: list[Text] = []

    @field_validator("comments")
    @classmethod
    def _thread_rules(cls, comments: list[Comment]) -> list[Comment]:
        _unique_ids(comments, "a debate's comments")
        earlier: set[str] = set()
        for i, c in enumerate(comments):
            if c.reply_to is not None and c.reply_to not in earlier:
                raise PydanticCustomError(
                    "bad_reply",
                    "comments[{i}] '{id}' replies to '{to}', which is not an earlier comment in this thread.",
                    {"i": i, "id": c.id, "to": c.reply_to},
                )
            earlier.add(c.id)
        return comments

    def comment(self, comment_id: str) -> Comment | None:
        return next((c for c in self.comments if c.id == comment_id), None)


class Plan(Model):
    """1.1: a workshop plan a facilitator can open a room with (the points it uses, in order)."""

    id: Slug
    title: Text
    minutes: StrictInt = Field(ge=5, le=600)
    points: list[Slug] = Field(min_length=1)
    why: Text | None = Field(default=None, description="Why these points: what the plan keeps and what it leaves out.")


def _pack_id(value: str) -> str:
    _slug(value)
    if not PACK_ID_RE.match(value):
        raise PydanticCustomError(
            "pack_id", "'{value}' must be 3-60 characters of lowercase letters, digits and hyphens.",
            {"value": value},
        )
    return value


class Pack(Model):
    schema_version: str = Field(json_schema_extra={"enum": [1, 1.1, "1.1"]})
    id: Annotated[str, AfterValidator(_pack_id)]
    title: Text
    summary: Text
    content_note: Text
    source: Source
    anonymisation: Anonymisation
    themes: list[Theme] = []
    people: list[Person] = []
    timeline: list[TimelineEntry] = []
    decision_points: list[DecisionPoint] = Field(min_length=3)
    debates: list[Debate] = []
    recommendations: list[Text] = []
    outcome: Text
    outcome_note: Annotated[Text | None, V11] = Field(
        default=None, description="1.1: what the outcome describes (e.g. injuries), shown before a learner chooses to read it.")
    plans: Annotated[list[Plan] | None, V11] = Field(
        default=None, description="1.1: workshop plans; a facilitator can open a room with one.")
    extra: dict[str, Any] = Field(default={}, description="Anything else, free form; the kit ignores it.")

    @model_validator(mode="before")
    @classmethod
    def _version_first(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "schema_version" not in data:
            return data
        raw = data["schema_version"]
        v = normal_version(raw)
        if v in FORMAT_VERSIONS:
            return {**data, "schema_version": v}
        if v is not None and version_key(v) > version_key(NEWEST):
            raise PydanticCustomError(
                "newer_version",
                "this pack is format version {v}; this kit reads versions {mine}. Upgrade the kit.",
                {"v": v, "mine": " and ".join(FORMAT_VERSIONS)},
            )
        raise PydanticCustomError(
            "bad_version", "schema_version must be 1 or 1.1 (found {v!r}).", {"v": raw})

    @field_validator("plans")
    @classmethod
    def _plans_name_points(cls, plans: list[Plan] | None, info: ValidationInfo) -> list[Plan] | None:
        points = info.data.get("decision_points")
        if not plans or points is None:  # the points have their own errors
            return plans
        _unique_ids(plans, "plans")
        ids = [p.id for p in points]
        for plan in plans:
            unknown = [p for p in plan.points if p not in ids]
            if unknown:
                raise PydanticCustomError(
                    "plan_unknown_point",
                    "plan '{plan}' names '{point}', which is not a decision point here. The points are: {ids}.",
                    {"plan": plan.id, "point": unknown[0], "ids": ", ".join(ids)},
                )
        return plans

    @field_validator("people")
    @classmethod
    def _people_unique(cls, people: list[Person]) -> list[Person]:
        return _unique_ids(people, "people")

    @field_validator("decision_points")
    @classmethod
    def _points_unique(cls, points: list[DecisionPoint]) -> list[DecisionPoint]:
        return _unique_ids(points, "decision_points")

    @field_validator("debates")
    @classmethod
    def _debates_unique(cls, debates: list[Debate]) -> list[Debate]:
        return _unique_ids(debates, "debates")

    def point(self, point_id: str) -> DecisionPoint | None:
        return next((p for p in self.decision_points if p.id == point_id), None)

    def debate(self, debate_id: str) -> Debate | None:
        return next((d for d in self.debates if d.id == debate_id), None)

    def plan(self, plan_id: str) -> Plan | None:
        return next((p for p in self.plans or [] if p.id == plan_id), None)

    def point_label(self, point_id: str) -> str:
        """A point's name for learners (its title, or 'Point n'); never its id."""
        for i, p in enumerate(self.decision_points):
            if p.id == point_id:
                return p.label(i)
        return "a point no longer in this case"

    @property
    def pcf_domains(self) -> list[str]:
        """Every PCF domain the case's decision points touch, in first-use order."""
        seen: dict[str, None] = {}
        for p in self.decision_points:
            seen.update(dict.fromkeys(p.pcf_domains))
        return list(seen)


def json_schema() -> dict[str, Any]:
    """The JSON Schema editors use to check packs as they are typed."""
    schema = Pack.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Case pack (format versions {' and '.join(FORMAT_VERSIONS)})"
    return schema
