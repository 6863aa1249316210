"""Workshop plans add up: each plan's points fit its time at the kit's own per-point estimate
(kit.packs.estimated_minutes), with an opening, a break in a long session and a close given its
real length (the outcome, a reflection and signposting to support); and each pack README's
timetable for a plan is the same plan, minute for minute.

A README timetable is the first table under a heading naming the plan (`## ... (plan `ID`)`),
one row per slot: `| 0-5 min | what happens |`. A row names a decision point by its title (or
its id); a row that names points gets at least the kit's minutes for each."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from kit.models import Pack, Plan
from kit.packs import estimated_minutes, load_pack
from tests.conftest import ROOT

PACK_DIRS = sorted(p.parent for p in (ROOT / "casepacks").glob("*/pack.yaml") if not p.parent.name.startswith("_"))
PLANS = [(d.name, plan.id) for d in PACK_DIRS for plan in load_pack(d).plans or []]

OPENING = 5  # content note, opt-out and ground rules, before anything else
LONG = 90  # a plan longer than this has a break and a full close
BREAK = 10
CLOSE = {False: 10, True: 20}  # outcome, reflection, signposting: short plan / long plan


def reading(pack: Pack) -> int:
    """The kit's minutes for reading a case before its first point."""
    return estimated_minutes(pack.model_copy(update={"decision_points": []}))


def per_point(pack: Pack) -> int:
    """The kit's minutes for one decision point."""
    return estimated_minutes(pack.model_copy(update={"decision_points": pack.decision_points[:1]})) - reading(pack)


def needed(pack: Pack, plan: Plan) -> int:
    """What a plan needs at least: the kit's estimate for its points, an opening, a close and, in a
    long session, a break."""
    long = plan.minutes > LONG
    return OPENING + reading(pack) + per_point(pack) * len(plan.points) + CLOSE[long] + (BREAK if long else 0)


@dataclass
class Slot:
    start: int
    end: int
    text: str

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def has(self, *words: str) -> bool:
        return any(w in self.text.lower() for w in words)


ROW = re.compile(r"^\|\s*(\d+)\s*-\s*(\d+) min\s*\|(.*)\|\s*$")


def timetable(readme: str, plan_id: str) -> list[Slot]:
    """The rows of the first table under the heading that names the plan (empty if none)."""
    sections = re.split(r"^## ", readme, flags=re.MULTILINE)
    section = next((s for s in sections if f"(plan `{plan_id}`)" in (s.splitlines() or [""])[0]), "")
    rows = [ROW.match(line) for line in section.splitlines()]
    return [Slot(int(m[1]), int(m[2]), m[3].strip()) for m in rows if m]


def points_named(pack: Pack, slot: Slot) -> list[str]:
    """The decision points a slot names (by title or id), in the order it names them."""
    found = []
    for p in pack.decision_points:
        at = [slot.text.find(s) for s in (p.title, f"`{p.id}`") if s and s in slot.text]
        if at:
            found.append((min(at), p.id))
    return [pid for _, pid in sorted(found)]


def timetable_problems(pack: Pack, plan: Plan, slots: list[Slot]) -> list[str]:
    """Where a README timetable does not add up, or is not the plan: one sentence each."""
    if not slots:
        return [f"no timetable under a heading naming (plan `{plan.id}`)"]
    out = []
    if slots[0].start != 0 or slots[-1].end != plan.minutes:
        out.append(f"runs {slots[0].start}-{slots[-1].end} min; the plan has {plan.minutes}")
    for a, b in zip(slots, slots[1:], strict=False):
        if b.start != a.end:
            out.append(f"gap or overlap between {a.start}-{a.end} and {b.start}-{b.end} min")
    if slots[0].minutes < OPENING:
        out.append(f"the opening has {slots[0].minutes} min; it needs {OPENING}")
    named, close = [], 0
    for s in slots:
        points = points_named(pack, s)
        named += points
        if points and s.minutes < per_point(pack) * len(points):
            out.append(f"{s.start}-{s.end} min holds {len(points)} points in {s.minutes} min; "
                       f"the kit estimates {per_point(pack) * len(points)}")
        if not points and s.has("summary", "timeline") and s.minutes < reading(pack):
            out.append(f"reading the summary and timeline has {s.minutes} min; the kit estimates {reading(pack)}")
        if not points and s.has("outcome", "reflection", "signposting"):
            close += s.minutes
    if named != plan.points:
        out.append(f"names the points {named}; the plan has {plan.points}")
    long = plan.minutes > LONG
    if close < CLOSE[long]:
        out.append(f"the close (outcome, reflection, signposting) has {close} min; it needs {CLOSE[long]}")
    for word in ("outcome", "reflection", "signposting"):
        if not any(s.has(word) and not points_named(pack, s) for s in slots):
            out.append(f"no slot for the {word}")
    if long and not any(s.has("break") and s.minutes >= BREAK for s in slots):
        out.append(f"no break of {BREAK} min")
    return out


@pytest.mark.parametrize(("pack_dir", "plan_id"), PLANS)
def test_each_plan_fits_its_time(pack_dir, plan_id):
    """A plan's points, at the kit's own estimate, fit its minutes with an opening, a close of real
    length and (in a long plan) a break."""
    pack = load_pack(ROOT / "casepacks" / pack_dir)
    plan = pack.plan(plan_id)
    need, have = needed(pack, plan), plan.minutes
    assert need <= have, f"{pack_dir} plan '{plan_id}': {len(plan.points)} points need {need} min; it has {have}"


@pytest.mark.parametrize(("pack_dir", "plan_id"), PLANS)
def test_each_readme_timetable_is_its_plan_and_adds_up(pack_dir, plan_id):
    """The README's timetable for the plan starts at 0, ends at the plan's minutes with no gap,
    names the plan's points in the plan's order, gives each at least the kit's minutes, and gives
    the reading, the close and the break their length."""
    pack = load_pack(ROOT / "casepacks" / pack_dir)
    readme = (ROOT / "casepacks" / pack_dir / "README.md").read_text(encoding="utf-8")
    problems = timetable_problems(pack, pack.plan(plan_id), timetable(readme, plan_id))
    assert not problems, f"{pack_dir}/README.md, plan '{plan_id}': " + "; ".join(problems)


def test_every_bundled_pack_has_plans():
    """The check above has something to check: every bundled pack carries its two plans."""
    assert len(PACK_DIRS) == 5 and all(len(load_pack(d).plans or []) == 2 for d in PACK_DIRS)


def _nadiya() -> Pack:
    return load_pack(ROOT / "casepacks" / "nadiya-plans-ended-early")


def test_a_plan_with_too_many_points_is_caught():
    """Eleven points in two hours (the kit estimates 98 minutes for them alone) do not fit."""
    pack = _nadiya()
    every = Plan(id="all", title="All", minutes=120, points=[p.id for p in pack.decision_points])
    assert len(every.points) == 11 and needed(pack, every) > every.minutes


def test_a_timetable_that_squeezes_is_caught():
    """A row that gives two points less than the kit's minutes, a five-minute close, a gap and a
    point the plan does not have are each named."""
    pack = _nadiya()
    first, second, third = pack.decision_points[:3]
    plan = Plan(id="t", title="T", minutes=60, points=[first.id, second.id])
    readme = f"""## Running it (plan `t`)

| Time | Step |
|---|---|
| 0-5 min | Content note. |
| 5-15 min | Summary and timeline. |
| 15-25 min | "{first.title}" and "{second.title}". |
| 25-50 min | "{third.title}". |
| 51-55 min | Debate. |
| 55-60 min | Outcome, reflection and signposting. |
"""
    problems = " ".join(timetable_problems(pack, plan, timetable(readme, "t")))
    assert "holds 2 points in 10 min" in problems
    assert "gap or overlap between 25-50 and 51-55" in problems
    assert "names the points" in problems
    assert "the close (outcome, reflection, signposting) has 5 min; it needs 10" in problems


def test_a_missing_timetable_is_caught():
    """A README with no section naming the plan says so."""
    pack = _nadiya()
    assert timetable_problems(pack, pack.plans[0], timetable("## Something else\n", pack.plans[0].id)) == [
        f"no timetable under a heading naming (plan `{pack.plans[0].id}`)"]

