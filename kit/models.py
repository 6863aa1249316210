"""Case pack format version 1 as pydantic models (the contract in casepack-format.md).

Structure and types are checked by pydantic; the format's own rules (one actual
option, slugs from the vocabulary, replies to earlier comments) are validators here,
so one run reports every problem. Slug checks read the vocabulary from the
validation context, so a pack is checked against the lists it will be shown with.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 1
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


def _vocab_check(kind: str, label: str):
    """A validator that refuses slugs missing from the vocabulary list `kind`."""

    def check(value: str, info: ValidationInfo) -> str:
        vocab = (info.context or {}).get("vocabulary")
        if vocab is None or value in vocab.lists[kind]:
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


def _unique_ids(items: list, what: str) -> list:
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


class Option(Model):
    id: Slug
    text: Text
    feedback: Text | None = None
    actual: StrictBool = False
    review_supported: StrictBool = False


class ContributingFactor(Model):
    level: Level
    factor: Text
    polarity: Literal["unsafe", "supportive"] | None = None
    known_then: StrictBool | None = None


class DecisionPoint(Model):
    id: Slug
    when: Text
    agency: Text | None = Field(default=None, description="Whose decision this was, e.g. 'Police'.")
    situation: Text
    known_at_the_time: list[Text] = []
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

    @property
    def supported_options(self) -> list[Option]:
        return [o for o in self.options if o.review_supported]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class Comment(Model):
    id: Slug
    author: Text
    role: Text | None = None
    reply_to: Slug | None = None
    text: Text
    stance: StrictInt = Field(ge=-2, le=2)
    holds_accountable: list[Accountable] = []


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


def _pack_id(value: str) -> str:
    _slug(value)
    if not PACK_ID_RE.match(value):
        raise PydanticCustomError(
            "pack_id", "'{value}' must be 3-60 characters of lowercase letters, digits and hyphens.",
            {"value": value},
        )
    return value


class Pack(Model):
    schema_version: Literal[1]
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
    extra: dict[str, Any] = Field(default={}, description="Anything else, free form; the kit ignores it.")

    @model_validator(mode="before")
    @classmethod
    def _version_first(cls, data: Any) -> Any:
        if isinstance(data, dict) and "schema_version" in data and data["schema_version"] != SCHEMA_VERSION:
            v = data["schema_version"]
            if isinstance(v, int) and not isinstance(v, bool) and v > SCHEMA_VERSION:
                raise PydanticCustomError(
                    "newer_version",
                    "this pack is format version {v}; this kit reads version {mine}. Upgrade the kit.",
                    {"v": v, "mine": SCHEMA_VERSION},
                )
        return data

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

    @property
    def pcf_domains(self) -> list[str]:
        """Every PCF domain the case's decision points touch, in first-use order."""
        seen: dict[str, None] = {}
        for p in self.decision_points:
            seen.update(dict.fromkeys(p.pcf_domains))
        return list(seen)


def json_schema() -> dict:
    """The JSON Schema editors use to check packs as they are typed."""
    schema = Pack.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Case pack (format version 1)"
    return schema
