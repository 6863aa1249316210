"""A learner's part in a reader-comment debate: code each comment, compare with the pack,
then state a position and the strongest case for the other side. No widgets here.

Codes can be changed until the learner asks to see the pack's coding; after that they are
locked, like decisions, so the comparison stays honest.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SessionError
from .events import DebateCode, DebatePosition, DebateRevealed, comment_target
from .models import Debate
from .session import CaseSession
from .vocabulary import STANCE_SCALE, load_vocabulary


@dataclass(frozen=True)
class Code:
    stance: int
    holds_accountable: tuple[str, ...]


class DebateSession:
    """One learner working through one debate of a case."""

    def __init__(self, case: CaseSession, debate_id: str | None = None):
        self.case = case
        debate = case.pack.debate(debate_id) if debate_id else (case.pack.debates or [None])[0]
        if debate is None:
            known = ", ".join(d.id for d in case.pack.debates) or "none"
            raise SessionError(f"This case has no debate '{debate_id or ''}'. Its debates: {known}.")
        self.debate: Debate = debate

    @property
    def codes(self) -> dict[str, Code]:
        return {cid: Code(c.stance if c.stance is not None else 0, c.holds_accountable)
                for cid, c in self.case.state.codes_for(self.debate.id).items()}

    @property
    def revealed(self) -> bool:
        return self.debate.id in self.case.state.debates_revealed

    @property
    def position(self) -> DebatePosition | None:
        return self.case.state.debate_positions.get(self.debate.id)

    def code(self, comment_id: str, stance: int, holds_accountable=()) -> Code:
        """Place one comment on the accountability-context scale and say whom it holds accountable."""
        self.case.require_acknowledged()
        if self.revealed:
            raise SessionError("You have already compared your coding with the pack's; it is now locked.")
        if self.debate.comment(comment_id) is None:
            raise SessionError(f"'{comment_id}' is not a comment in this debate.")
        if isinstance(stance, bool) or not isinstance(stance, int) or not -2 <= stance <= 2:
            raise SessionError("Place the comment on the scale from -2 (individuals) to +2 (context).")
        allowed = load_vocabulary().holds_accountable
        bad = [h for h in holds_accountable if h not in allowed]
        if bad:
            raise SessionError(f"'{bad[0]}' is not one of: {', '.join(allowed)}.")
        held = tuple(dict.fromkeys(holds_accountable))
        self.case.save(DebateCode(stance=stance, holds_accountable=held), comment_target(self.debate.id, comment_id))
        return Code(stance, held)

    def reveal(self):
        """Show the pack's coding beside the learner's; needs at least one comment coded."""
        if not self.codes:
            raise SessionError("Code at least one comment before comparing with the pack's coding.")
        if not self.revealed:
            self.case.save(DebateRevealed(), self.debate.id)
        return self.comparison()

    def comparison(self):
        """Per comment (a pandas DataFrame): your stance and the pack's, the gap, whom each held accountable."""
        import pandas as pd  # imported here: opening a debate should not wait for pandas
        if not self.revealed:
            raise SessionError("Compare your coding first: the pack's coding stays hidden until then.")
        mine = self.codes
        rows = []
        for c in self.debate.comments:
            code = mine.get(c.id)
            rows.append({
                "comment": c.id, "author": c.author,
                "your_stance": code.stance if code else None, "pack_stance": c.legacy_stance,
                "difference": (code.stance - c.legacy_stance) if code else None,
                "your_holds": ", ".join(code.holds_accountable) if code else "",
                "pack_holds": ", ".join(c.holds_accountable),
                "same_people": (set(code.holds_accountable) == set(c.holds_accountable)) if code else None,
            })
        df = pd.DataFrame(rows)
        df["your_stance"] = df["your_stance"].astype("Int64")
        df["difference"] = df["difference"].astype("Int64")
        return df

    def differences(self) -> list[str]:
        """Plain sentences for the comments where the learner and the pack differ most."""
        df = self.comparison()
        out = []
        for _, r in df[df["difference"].notna()].iterrows():
            if abs(int(r["difference"])) >= 2:
                out.append(f"{r['author']}: you placed it at {int(r['your_stance']):+d} "
                           f"({STANCE_SCALE[int(r['your_stance'])]}), the pack at {int(r['pack_stance']):+d} "
                           f"({STANCE_SCALE[int(r['pack_stance'])]}).")
            elif r["same_people"] is False:
                out.append(f"{r['author']}: you and the pack differ on who is held accountable "
                           f"(you: {r['your_holds'] or 'nobody'}; pack: {r['pack_holds'] or 'nobody'}).")
        return out

    def save_position(self, position: str, other_side: str = "") -> None:
        """The learner's own position, and the strongest case they can make for the other side."""
        self.case.require_acknowledged()
        position = (position or "").strip()
        if not position:
            raise SessionError("Write your own position before saving.")
        self.case.save(DebatePosition(position, (other_side or "").strip()), self.debate.id)
