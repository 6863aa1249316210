"""A synthetic cohort for rehearsing a workshop: clearly labelled, built from the real packs.

Every learner id starts with 'demo-', every shared rationale says it is synthetic, and the
dashboard shows a banner. Choices lean towards what was done or what the review supports,
as a real room tends to split, with varied confidence and debate placings.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import __version__, settings
from .cohort import DEMO_PREFIX
from .files import write_atomic
from .models import Pack
from .packs import load_packs
from .record import (
    VERSION,
    CaseRecord,
    CommentCode,
    DebateRecord,
    DecisionRecord,
    Record,
    to_json,
    with_checksum,
)
from .vocabulary import load_vocabulary

REASONS = ["(synthetic) I would want to see the child before deciding.",
           "(synthetic) The parents were cooperating, so a lighter touch seemed proportionate.",
           "(synthetic) Workload was high and the risk looked lower than other cases.",
           "(synthetic) I would check with the other agencies first.",
           "(synthetic) The history worried me more than today's account."]


def demo_record(i: int, packs: list[Pack], rng: random.Random) -> Record:
    start = datetime(2026, 1, 12, 9, 30, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 600))
    share = rng.random() < 0.4
    cases = []
    for pack in packs:
        if rng.random() > 0.75:
            continue
        decisions, t = [], start
        for p in pack.decision_points:
            t += timedelta(minutes=rng.randint(3, 12))
            pool = [p.actual_option] * 3 + p.supported_options * 3 + list(p.options)
            chosen = rng.choice(pool)
            decisions.append(DecisionRecord(  # compact, as a real hand-in is: no pack texts
                point_id=p.id, when=p.when, option_id=chosen.id, actual_option_id=p.actual_option.id,
                supported_option_ids=[o.id for o in p.supported_options], matched_actual=chosen.actual,
                matched_review=chosen.review_supported, confidence=rng.randint(1, 5), committed_at=t.isoformat(),
                rationale=rng.choice(REASONS) if share else None, second_thoughts=[] if share else None))
        debates = [DebateRecord(debate_id=d.id, title=d.title, revealed=True, codes=[
            CommentCode(comment_id=c.id, author=c.author,
                        accountability=max(0, min(3, c.scales[0] + rng.choice([-1, 0, 0, 1]))),
                        context=max(0, min(3, c.scales[1] + rng.choice([-1, 0, 0, 1]))),
                        holds_accountable=list(c.holds_accountable), kit_accountability=c.scales[0],
                        kit_context=c.scales[1], kit_one_scale=c.stance if c.scales_derived else None,
                        kit_holds_accountable=list(c.holds_accountable)) for c in d.comments])
            for d in pack.debates if rng.random() < 0.6]
        attribution = {lv: rng.randint(0, 3) for lv in load_vocabulary().levels} if rng.random() < 0.8 else None
        minutes = round((t - start).total_seconds() / 60, 1)
        cases.append(CaseRecord(pack_id=pack.id, title=pack.title, points_total=len(pack.decision_points),
                                started_at=start.isoformat(), last_activity_at=t.isoformat(), minutes_active=minutes,
                                pcf_domains=pack.pcf_domains, decisions=decisions,
                                debates=debates, attribution=attribution))
    rec = Record(version=VERSION, kit_version=__version__, exported_at=(start + timedelta(hours=3)).isoformat(),
                 learner_id=f"{DEMO_PREFIX}{i:04d}", learner=f"Demo learner {i}" if share else None,
                 includes_text=share, cases=cases,
                 pcf_domains_covered=list(dict.fromkeys(d for c in cases for d in c.pcf_domains)),
                 minutes_active_total=round(sum(c.minutes_active for c in cases), 1))
    return with_checksum(rec)


def demo_cohort(n: int, out: str | Path, seed: int = 1, packs_dir: str | Path | None = None) -> list[Path]:
    """Write n synthetic submissions into out (created if needed); returns their paths."""
    rng = random.Random(seed)
    packs = load_packs(packs_dir or settings.packs_dir())
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, n + 1):
        path = folder / f"{DEMO_PREFIX}{i:04d}.json"
        write_atomic(path, to_json(demo_record(i, packs, rng)))
        paths.append(path)
    return paths
