"""A learner's part in a reader-comment debate: place each comment on two scales, compare with
the kit's coding, then state a position with the strongest case for the other side, and say
whether arguing it moved them. No widgets here.

Accountability and context are not opposites, so a comment is placed on two scales, 0 (not at
all) to 3 (a great deal): how far it holds individuals accountable, and how far it points to
context and system. A comment the learner has not placed is not placed: it is never counted
at the middle. Placings can be changed until the learner asks to see the kit's coding; after
that they are locked, like decisions, so the comparison stays honest.

Journals from before the two scales hold one-scale placings (-2 individuals ... +2 context);
they are read on the two scales as format 1.1 reads a version-1 stance, and labelled as such.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import SessionError
from .events import DebateCode, DebatePosition, DebateRevealed, comment_target
from .models import STANCE_AS_SCALES, Comment, Debate
from .session import CaseSession
from .vocabulary import RATING_SCALE, STANCE_SCALE, load_vocabulary

if TYPE_CHECKING:
    import pandas as pd

# The two scales, in the words learners read.
SCALES = {
    "accountability": "how far it holds individuals accountable",
    "context": "how far it points to context and system",
}


@dataclass(frozen=True)
class Code:
    """A learner's placing of one comment: both scales (0-3) and whom it holds accountable.

    `one_scale` is the placing on the older single scale (-2 ... +2) when the code came from a
    kit before the two scales; the two ratings are then read from it."""

    accountability: int
    context: int
    holds_accountable: tuple[str, ...] = ()
    one_scale: int | None = None


def placing(code: DebateCode) -> Code | None:
    """A saved code on the two scales, or None if it places the comment on neither."""
    if code.accountability is not None and code.context is not None:
        return Code(code.accountability, code.context, code.holds_accountable)
    if code.stance in STANCE_AS_SCALES:
        a, c = STANCE_AS_SCALES[code.stance]
        return Code(a, c, code.holds_accountable, code.stance)
    return None


def rating(value: int | None) -> str:
    """A rating in words ('a little'), or 'not placed'."""
    return RATING_SCALE.get(value, "not placed") if value is not None else "not placed"


def one_scale_words(stance: int) -> str:
    return f"{stance:+d} ({STANCE_SCALE[stance]})" if stance else f"0 ({STANCE_SCALE[0]})"


def people(slugs: Iterable[str]) -> str:
    """Whom a comment holds accountable, in the vocabulary's words."""
    vocab = load_vocabulary()
    return ", ".join(vocab.label("holds_accountable", s) for s in slugs) or "nobody named"


class DebateSession:
    """One learner working through one debate of a case."""

    def __init__(self, case: CaseSession, debate_id: str | None = None):
        self.case = case
        debate = case.pack.debate(debate_id) if debate_id else (case.pack.debates[0] if case.pack.debates else None)
        if debate is None:
            known = ", ".join(d.id for d in case.pack.debates) or "none"
            raise SessionError(f"This case has no debate '{debate_id or ''}'. Its debates: {known}.")
        self.debate: Debate = debate

    @property
    def codes(self) -> dict[str, Code]:
        """The learner's placing of each comment they have placed (unplaced comments are absent)."""
        out = {}
        for cid, saved in self.case.state.codes_for(self.debate.id).items():
            code = placing(saved)
            if code is not None:
                out[cid] = code
        return out

    @property
    def revealed(self) -> bool:
        return self.debate.id in self.case.state.debates_revealed

    @property
    def position(self) -> DebatePosition | None:
        return self.case.state.debate_positions.get(self.debate.id)

    @property
    def started(self) -> bool:
        """True once the learner has placed a comment, compared or saved a position."""
        return bool(self.codes) or self.revealed or self.position is not None

    @property
    def kit_from_one_scale(self) -> bool:
        """True when the kit's coding of any comment was read from a format-1 single-scale stance."""
        return any(c.scales_derived for c in self.debate.comments)

    def code(self, comment_id: str, accountability: int, context: int, holds_accountable: Collection[str] = ()) -> Code:
        """Place one comment on both scales (0 not at all ... 3 a great deal) and say whom it holds accountable."""
        self.case.require_acknowledged()
        if self.revealed:
            raise SessionError("You have already compared your placings with the kit's coding; they are now locked.")
        comment = self.debate.comment(comment_id)
        if comment is None:
            raise SessionError(f"'{comment_id}' is not a comment in this debate.")
        for value, scale in ((accountability, "accountability"), (context, "context")):
            if isinstance(value, bool) or not isinstance(value, int) or value not in RATING_SCALE:
                raise SessionError(f"Rate {SCALES[scale]} from 0 (not at all) to 3 (a great deal) "
                                   f"for {comment.author}.")
        allowed = load_vocabulary().holds_accountable
        bad = [h for h in holds_accountable if h not in allowed]
        if bad:
            raise SessionError(f"'{bad[0]}' is not one of: {', '.join(allowed)}.")
        held = tuple(dict.fromkeys(holds_accountable))
        self.case.save(DebateCode(holds_accountable=held, accountability=accountability, context=context),
                       comment_target(self.debate.id, comment_id))
        return Code(accountability, context, held)

    def reveal(self) -> pd.DataFrame:
        """Show the kit's coding beside the learner's; needs at least one comment placed."""
        if not self.codes:
            raise SessionError("Place at least one comment on both scales before comparing with the kit's coding.")
        if not self.revealed:
            self.case.save(DebateRevealed(), self.debate.id)
        return self.comparison()

    def comparison(self) -> pd.DataFrame:
        """Per comment (a pandas DataFrame): your two ratings and the kit's, the gaps, whom each held
        accountable. Comments you did not place have no ratings and no gaps."""
        import pandas as pd  # imported here: opening a debate should not wait for pandas
        if not self.revealed:
            raise SessionError("Compare your placings first: the kit's coding stays hidden until then.")
        mine = self.codes
        rows = []
        for c in self.debate.comments:
            code = mine.get(c.id)
            kit_a, kit_c = c.scales
            rows.append({
                "comment": c.id, "author": c.author, "placed": code is not None,
                "your_accountability": code.accountability if code else None,
                "your_context": code.context if code else None,
                "your_one_scale": code.one_scale if code else None,
                "kit_accountability": kit_a, "kit_context": kit_c, "kit_from_one_scale": c.scales_derived,
                "accountability_gap": (code.accountability - kit_a) if code else None,
                "context_gap": (code.context - kit_c) if code else None,
                "your_holds": list(code.holds_accountable) if code else [],
                "kit_holds": list(c.holds_accountable),
                "same_people": (set(code.holds_accountable) == set(c.holds_accountable)) if code else None,
            })
        df = pd.DataFrame(rows)
        for col in ("your_accountability", "your_context", "your_one_scale", "accountability_gap", "context_gap"):
            df[col] = df[col].astype("Int64")
        return df

    def differences(self) -> list[str]:
        """Plain sentences for the placed comments where the learner and the kit's coding differ most."""
        out = []
        for c in self.debate.comments:
            code = self.codes.get(c.id)
            if code is None:
                continue
            out += _differences(c, code)
        return out

    def notes(self) -> list[str]:
        """What the learner should know about how either coding was made (one-scale readings)."""
        out = []
        derived = [c.author for c in self.debate.comments if c.scales_derived]
        if derived:
            out.append("The kit's coding of " + ("this debate" if len(derived) == len(self.debate.comments)
                                                 else ", ".join(derived))
                       + " was made on one scale, from individuals accountable to context and system, "
                         "and is read here on the two scales, so it cannot say that a comment does both.")
        if any(code.one_scale is not None for code in self.codes.values()):
            out.append("Some of your placings were made on the kit's earlier single scale; they are read "
                       "here on the two scales in the same way.")
        if len(self.codes) < len(self.debate.comments):
            out.append(f"You placed {len(self.codes)} of {len(self.debate.comments)} comments; the others "
                       "are shown as not placed and are not compared.")
        return out

    def save_position(self, position: str, other_side: str) -> None:
        """The learner's own position, saved only with the strongest case they can make for the other side
        (a few sentences at least: STEELMAN says what a good one does)."""
        self.case.require_acknowledged()
        position, other_side = (position or "").strip(), (other_side or "").strip()
        if not position:
            raise SessionError("Write your own position before saving.")
        if not other_side:
            raise SessionError("Write the strongest case for the other side first: your position is saved with it.")
        if len(other_side.split()) < MIN_OTHER_SIDE_WORDS:
            raise SessionError(f"Make the case for the other side more fully (at least {MIN_OTHER_SIDE_WORDS} words): "
                               + STEELMAN)
        earlier = self.position
        self.case.save(DebatePosition(position, other_side, earlier.moved if earlier else ""), self.debate.id)

    def save_moved(self, moved: str) -> None:
        """After arguing the other side: whether, and how, the learner's position moved."""
        self.case.require_acknowledged()
        earlier = self.position
        if earlier is None:
            raise SessionError("Save your position and the case for the other side first.")
        moved = (moved or "").strip()
        if not moved:
            raise SessionError("Say whether your position moved (and how), or what held it, before saving.")
        self.case.save(DebatePosition(earlier.position, earlier.other_side, moved), self.debate.id)


MIN_OTHER_SIDE_WORDS = 12  # the strongest case for the other side: a couple of sentences at least
STEELMAN = ("A good case for the other side states that view's strongest reason in its own terms, as someone who "
            "holds it would put it, and names what would have to be true for that view to be the sound one.")


def _differences(c: Comment, code: Code) -> list[str]:
    out = []
    kit = dict(zip(("accountability", "context"), c.scales, strict=True))
    for scale in ("accountability", "context"):
        mine = getattr(code, scale)
        if abs(mine - kit[scale]) >= 2:
            out.append(f"{c.author}, on {SCALES[scale]}: you said {rating(mine)}, "
                       f"the kit's coding {rating(kit[scale])}.")
    if set(code.holds_accountable) != set(c.holds_accountable):
        out.append(f"{c.author}: you and the kit's coding differ on who is held accountable "
                   f"(you: {people(code.holds_accountable)}; the kit's coding: {people(c.holds_accountable)}).")
    return out
