"""Write the learner notebooks from the packs and keep their navigation current.

    python scripts/build_notebooks.py

Case notebooks are the same few thin cells for every pack, so they are generated: add a
pack to CASES below (or pass PACK to any case notebook) and run this again. Every notebook
is stored unrun and tidy (scripts/tidy_notebooks.py: no outputs, code collapsed, the
one-line start instruction first); this also tidies the hand-written exercises/. nbval checks
that each notebook runs; what an output must say is checked by tests/test_notebooks.py.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from tidy_notebooks import FOLDERS  # noqa: E402

from kit.packs import estimated_minutes, load_pack  # noqa: E402
from kit.settings import facilitator_dir, notebooks_dir  # noqa: E402
from kit.tidy import KERNELSPEC, tidy  # noqa: E402
from kit.vocabulary import load_vocabulary  # noqa: E402

NOTEBOOKS = notebooks_dir()
FACILITATOR = facilitator_dir()  # the facilitator's pages: never copied or served to learners

# (notebook file, pack id) in course order
CASES = [
    ("01_nadiya.ipynb", "nadiya-plans-ended-early"),
    ("02_robyn.ipynb", "robyn-front-door"),
    ("03_baby_c.ipynb", "baby-c-closed-without-visit"),
    ("04_child_l_and_j.ipynb", "child-l-and-j-torn-lip"),
    ("05_three_siblings.ipynb", "three-siblings-neglect"),
]
START = "00_start_here.ipynb"
# Notebooks after the cases, in order, if they exist (written by hand, navigation kept here); the
# dashboard and the room console are the facilitator's, kept in facilitator/ with navigation of their own.
ACCOUNTABILITY = "06_accountability_vs_context.ipynb"
WORKSHOP_ROOM = "07_workshop_room.ipynb"
DASHBOARD = "90_facilitator_dashboard.ipynb"
ROOM_CONSOLE = "91_room_console.ipynb"
KERNEL = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
# The first line of a collapsed cell is all JupyterLab shows of it: words, not the pack's id.
PACK_NOTE = "# The case this page opens (an educator may set another pack's id or folder here)"


FACILITATOR_PAGES = [(ROOM_CONSOLE, "Room console"), (DASHBOARD, "Facilitator dashboard")]


def order() -> list[str]:
    """The learner notebooks in course order (the facilitator's pages are not among them)."""
    return [START, *[f for f, _ in CASES], ACCOUNTABILITY, WORKSHOP_ROOM]


def nav_cell(name: str, where: str):
    if name in dict(FACILITATOR_PAGES):  # the facilitator's pages link to each other only
        text = " | ".join(title if f == name else f"[{title}]({f})" for f, title in FACILITATOR_PAGES)
    else:
        files = order()
        i = files.index(name)
        prev = f"[&larr; previous]({files[i - 1]})" if i > 0 else "&larr; previous"
        nxt = f"[next &rarr;]({files[i + 1]})" if i + 1 < len(files) else "next &rarr;"
        text = f"{prev} | [contents]({START}#The-cases) | {nxt}"
    cell = new_markdown_cell(text)
    cell.metadata["tags"] = ["nav", f"nav-{where}"]
    return cell


def md(text: str):
    return new_markdown_cell(text.strip())


def code(text: str, *tags: str):
    cell = new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def finish(name: str, cells):
    """The stored notebook: tidy, with cell ids that stay the same from one build to the next."""
    nb = tidy(new_notebook(cells=cells, metadata=KERNEL))
    stem = name.split("_")[0]
    for i, cell in enumerate(nb.cells[1:], 1):
        cell.id = f"nb{stem}-{i:02d}"
    return nb


def case_notebook(name: str, pack_id: str):
    pack = load_pack(pack_id)
    vocab = load_vocabulary()
    n = len(pack.decision_points)
    minutes = estimated_minutes(pack)
    themes = ", ".join(vocab.label("themes", t).lower() for t in pack.themes)
    debate = (" It also has a reader-comment debate on accountability and context, which you can "
              "work through in the debates notebook.") if pack.debates else ""
    cells = [
        nav_cell(name, "top"),
        md(f"""
# {pack.title}

**Time:** about {minutes} minutes ({n} decision points). You can stop at any point: your work is
saved as you go, and the case opens where you left it next time.

## Questions
- What did the professionals know at each point, and what could they not know yet?
- Knowing only that, what would I have done, and why?
- What in the team, the organisation and the wider system shaped the decisions that were made?

## Objectives
- Decide at each of the {n} points using only what was known then, and give your reasons.
- Compare your decisions with what was done and with what the review found.
- Name contributing factors at the levels of the individual, the team, the organisation, the
  agencies working together, and national policy.
- Notice how knowing the outcome (hindsight) changes how a decision looks.

## Content note
{" ".join(pack.content_note.split())} You can step out of this case at any time without giving a reason; the
case itself starts with this note again and a *Step out* button, and shows where to find support.
"""),
        md(f"""
## How this works

Everything here is buttons and boxes: nothing needs you to write or change code.

At each decision point you read the situation as it looked **at the time**, choose what you
would do, say how confident you are, why, and what would change your mind, then **commit**.
Your first answer is then locked, so it stays an honest record of what you thought before you
knew the outcome. You tick what your reasons rested on; only then do you see what happened, why
the decision may have made sense at the time, and what the review found. You can add a *second
thought* afterwards; it is kept beside your first answer, not instead of it. At the end of the
case your own reasons are set beside the reasoning of the options you chose, with a question
where they differ.

Themes in this case: {themes}.{debate}
"""),
        code(f'{PACK_NOTE}\nPACK = "{pack_id}"', "parameters"),
        md("## The case\n\nRead the content note first. Choose *I have read this* to open the case."),
        code("import kit\n\nkit.case_view(PACK)"),
        md("""
## Debate

Where the case has a reader-comment debate, it opens here once you have committed every
decision (the comments were written knowing the outcome), or earlier if you choose *Show the
debate anyway*. Place each comment on two scales (how far it holds individuals accountable, how
far it points to context and system), compare with the kit's coding, then write your own
position with the strongest case for the other side, and say whether arguing it moved you.
"""),
        code("kit.debate_view(PACK)"),
        md("""
## Reflect, and export your record

When you have finished (or want to stop for now): say where you place the reasons, reflect
with Gibbs' six stages, draft a CPD entry, and export your record for your portfolio.
"""),
        code("kit.record_view(PACK)"),
        md(f"""
## Hand in to the workshop

If your educator runs a workshop from this case, hand in here: your choices and confidence go
under a code, not your name, and your written reasons only if you tick the box. In a live
workshop your facilitator may instead give you a room code: join on the
[workshop room]({WORKSHOP_ROOM}) page.
"""),
        code("kit.submit_view()"),
        md("""
## Key points
- A decision is judged fairly against what was known and what was possible at the time, not
  against the outcome.
- Reviews look for the reasons in the system (workload, supervision, procedures, how agencies
  share information) as well as in individual judgement.
- Comparing your choices with the review is for reflection, not a mark: notice where you were
  most confident, and why.
- Take what you noticed into your reflective record, and talk it through with your practice
  educator or a peer.
"""),
        nav_cell(name, "bottom"),
    ]
    return finish(name, cells)


def start_notebook():
    vocab = load_vocabulary()
    rows = []
    for name, pack_id in CASES:  # a list, not a wide table: it reads on a phone as on a desktop
        p = load_pack(pack_id)
        themes = ", ".join(vocab.label("themes", t) for t in p.themes[:5])
        note = " ".join(p.content_note.split())
        rows.append(f"- **[{p.title}]({name})**: {len(p.decision_points)} decision points, about "
                    f"{estimated_minutes(p)} minutes. Themes: {themes}.<br>\n  *Content note:* {note}")
    table = "\n".join(rows)
    cells = [
        nav_cell(START, "top"),
        md("""
# Start here: learning from case reviews

**Time:** about 15 minutes.

## Questions
- What is this kit, and how does working through a case go?
- Why is my first answer locked?
- Where do I find support if a case is hard to read?

## Objectives
- Choose a pseudonym to save your work under.
- Check that your setup works.
- Choose a case to start with.

## Content note
The cases come from published reviews of real events in England in which children were
seriously harmed, including injuries to babies, neglect, domestic abuse and sexual abuse. No
case describes injuries in detail, and each case begins with its own content note. You can
step out of any case, at any point, without giving a reason.
"""),
        md("""
## What this kit is

When a child is seriously harmed and services were involved, a **case review** (a serious case
review, now a child safeguarding practice review) looks at what happened and why. Reviews name
*missed opportunities*: moments when a different decision might have protected the child.

Each case here lets you stand at those moments yourself:

1. You read the situation **as it looked at the time**: no outcome, no review wording.
2. You choose what you would do, rate your confidence from 1 to 5, and write your reasons and
   what would change your mind.
3. You **commit**. Your first answer is locked, and you tick what your reasons rested on.
4. Only then you see what happened, the reasons the decision may have made sense at the time,
   and what the review found.
5. At any point you can compare your choices with what was done and what the review supports.

**Why lock the first answer?** Once we know how a story ended, the warning signs look obvious
(*hindsight bias*), and we judge decisions by their results rather than by what was reasonable
then (*outcome bias*). Reviews try to understand why actions made sense to the people involved
(*local rationality*). Locking your first answer keeps an honest record of your own thinking
before you knew the outcome, so you can learn from the difference.

The kit compares; it does not mark you, and it does not tell you who was to blame.
"""),
        md("## Support\n\nIf anything here is difficult, you do not have to continue."),
        code("import kit\n\nkit.support_box()"),
        md("""
## Choose a pseudonym

Pick any name that is **not** your real name. Your decisions are saved under it on this
computer, and every case notebook uses it.
"""),
        code("kit.learner_picker()"),
        md("## Check your setup\n\nEach line should say **OK**. If one does not, it says what to do."),
        code("kit.self_check()"),
        md(f"""
## The cases

Open a case by its title. Each takes 30 to 140 minutes; you can stop and come back.

{table}
"""),
        md(f"""
## Exercises

Shorter activities on one skill each, drawing on the cases. Your answers are saved like your
decisions; what was done and what the reviews found open only after you have saved your own
answer.

{exercises_table()}
"""),
        md(f"""
## In a workshop

If your facilitator runs a live workshop, they give you a room code: join on the
[workshop room]({WORKSHOP_ROOM}) page. The room opens one point at a time and shows what
happened once the room has decided.
"""),
        md("""
## Key points
- Work through a case in order; your first answer at each point is locked.
- Judge decisions by what was known at the time; the review had hindsight.
- Your work is saved as you go, under your pseudonym.
- Step out whenever you need to, and use the support above.
"""),
        nav_cell(START, "bottom"),
    ]
    return finish(START, cells)


def exercises_table() -> str:
    """The exercises, each linked by its title and time (read from the notebooks themselves)."""
    rows = ["| Exercise | Time |", "|---|---|"]
    for f in sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(f, as_version=4)
        head = next(c.source for c in nb.cells if c.cell_type == "markdown" and re.search(r"^# ", c.source, re.M))
        title = re.search(r"^# (.+)$", head, re.M).group(1).strip()
        time = re.search(r"\*\*Time:\*\*\s*([^.\n]+)", head)
        rows.append(f"| [{title}](../exercises/{f.name}) | {time.group(1).strip() if time else ''} |")
    return "\n".join(rows)


def workshop_room_notebook():
    cells = [
        nav_cell(WORKSHOP_ROOM, "top"),
        md("""
# Workshop room: decide together, one point at a time

**Time:** as long as the workshop; your facilitator sets the pace.

## Questions
- How did the others in the room decide, and why?
- What changes when we all commit before anyone sees what happened?

## Objectives
- Join your facilitator's room with its code.
- Decide at each point the room opens, with your reasons, before anyone sees what happened.
- Discuss the room's spread of choices and the review's findings.

## Content note
The room works through one of the five cases (serious harm to children). The case opens with
its own content note, and you can step out at any point without giving a reason.
"""),
        md("""
## How a room works

Type the code your facilitator gives you and choose **Join the room**. The facilitator opens
each decision point in turn; decide as you would on your own, with your reasons, and commit.
When the room has decided, the facilitator shows what happened; after the room has talked, what
the review found; at the end, what became of the children. Your page updates by itself. The
facilitator may ask you to talk in pairs and vote again: your first decision stays as you made it.
The room sees how many chose each option, never who chose what; your reasons are shown (without
your name) only when you tick the box beside that vote. When the room's points are done, the
case's debate opens below the case.
"""),
        code("import kit\n\nkit.join_room()"),
        md("## Hand in\n\nAt the end, hand in for the workshop summary if your facilitator asks you to."),
        code("kit.submit_view()"),
        md("""
## Key points
- Everyone commits before anyone sees what happened: the room's spread is honest.
- The split in the room is a starting point for discussion, not a score.
- Your work in the room is saved in your own record like any other.
"""),
        nav_cell(WORKSHOP_ROOM, "bottom"),
    ]
    return finish(WORKSHOP_ROOM, cells)


def room_console_notebook():
    cells = [
        nav_cell(ROOM_CONSOLE, "top"),
        md("""
# Room console: pace a live workshop

**For practice educators.** Put this page on the projector. The room works through one of the five
cases (serious harm to children); shared reasons may be personal, so read them with care. Learners'
names never appear here.
"""),
        code('ROOM = ""', "parameters"),
        code("import kit\n\nkit.join_card()"),
        code("kit.room_console(ROOM)"),
        md("""
## Questions
- How many have decided, and how does the room split?
- When is the room ready to see what happened, and then what the review found?

## Objectives
- Open a room for one case with a plan's points (or all of them) and give the room its code.
- Open each point, watch the room decide, ask for a second vote after talking in pairs, then release
  what happened, the review's finding and, at the end, what became of the children.
- Close the room and hand out its one-page handout.

## Content note
The room works through one of the five cases (serious harm to children). Shared reasons may be
personal: read them to the room with care. Learners' names never appear here.

**Which room.** This page shows your open room (after a reload, or in a second tab, too), or a form
to open one. Learners join only through one shared app (`kit workshop start`, or `kit app --shared`)
or a JupyterHub whose workshop folder holds the rooms. In JupyterLab, to show another room, set ROOM
in the page's first code cell to that room's folder or code.

## Key points
- Ask why each option made sense at the time before you release what happened.
- Release the review's finding after the room has talked about what was done.
- Close with support: some learners may have found the case hard.
"""),
        nav_cell(ROOM_CONSOLE, "bottom"),
    ]
    return finish(ROOM_CONSOLE, cells)


def accountability_notebook():
    debates = [(pid, load_pack(pid)) for _, pid in CASES]
    debates = [(pid, p) for pid, p in debates if p.debates]
    cells = [
        nav_cell(ACCOUNTABILITY, "top"),
        md("""
# Accountability or context? Across all the cases

**Time:** about 60 minutes, or a 90-minute group session.

## Questions
- When a child is harmed while services are involved, who is accountable: the individuals who
  decided, or the workload, staffing, turnover and funding they decided within?
- Where do the reviews place the reasons, and where do I?
- How do readers of the reviews argue about it, and how strong are their arguments?

## Objectives
- Work through the reader-comment debates: place each argument, then state your own position and
  the strongest case against it (PCF: critical reflection and analysis; values and ethics).
- Compare where the reviews locate contributing factors, case by case (PCF: contexts and organisations).
- Set your own attributions beside the reviews' and explain the difference.

## Content note
This notebook draws on all five cases: serious harm to children, including injuries to babies,
neglect, domestic abuse and sexual abuse, and strong opinions about professionals. Each debate
opens with its case's content note. You can step out at any time without giving a reason.
"""),
        code("import kit\n\nkit.support_box()"),
        md("""
## The debates

Readers argued under the published reports. Their comments are paraphrased and anonymised
(Commenter A, B, ...). Each debate opens once you have finished its case, because the comments
were written knowing the outcome; you can also choose *Show the debate anyway*. You place each
comment on two scales, since a comment can hold individuals accountable and point to context at
once. The kit's coding of each comment is one reading, not the answer.
"""),
    ]
    for pid, p in debates:
        cells += [md(f"### {p.title}"), code(f'kit.debate_view("{pid}")')]
    cells += [
        md("""
## Where the reviews place the reasons

Each decision point in the cases lists contributing factors by level: the individual, the team
and supervision, the organisation, agencies working together, national policy, tools and
procedures, and what the family brought. Counting them shows where each review looked.
"""),
        code("kit.accountability_overview()"),
        md("""
## Where you place them

At the end of each case you can say how much each level contributed (*Where do you place the
reasons?*). Here your view sits beside each review's, with your placing of the debate comments.
"""),
        code("kit.my_attributions()"),
        md("""
## The reasoning in your own choices

Across every case you worked through, the kit sets your own reasons, and what you said they
rested on, beside the reasoning of the options you chose; then it names the patterns in your path
through each case (Munro's failure to revise, start-again syndrome, confidence drift) and in your
choices (the rule of optimism, professional curiosity, ...), with a question about each. It is
not a mark: ask where accountability and context each show in your reasons.
"""),
        code("kit.my_reasoning()"),
        md("""
## For group discussion

- Social Work England's standard 3 asks each social worker to be accountable for the quality of
  their practice and decisions; PCF domain 8 (contexts and organisations) asks them to work within,
  and influence, the organisation around them. How do the two fit together in these cases?
- Which factors in one case were within the control of the person deciding, given what was known
  then? Which were not?
- Reviews are meant for system learning, not to hold individuals to account. Does that make it too
  easy to blame "the system"? Or too easy to blame individuals when resources are cut?
- National workforce statistics (the Department for Education publishes them each year) show high
  turnover, vacancies and use of agency staff in children's social work. How should that change
  what we expect of one worker on one day?
- Argue the side you disagree with, as well as you can.
"""),
        md("""
## Key points
- Reviews look for reasons at every level; counting them is a start, not a verdict.
- Accountability and context are not opposites: people decide, and they decide within systems.
- Judge a decision by what was known and possible at the time, not by its outcome.
- A good argument takes the strongest form of the other side seriously.
"""),
        nav_cell(ACCOUNTABILITY, "bottom"),
    ]
    return finish(ACCOUNTABILITY, cells)


def dashboard_notebook():
    cells = [
        nav_cell(DASHBOARD, "top"),
        md("""
# Facilitator dashboard: how did the room decide?

**For practice educators.** **Time:** a few seconds to run; use it live in a workshop.

## Questions
- How did the group choose at each decision point, against what was done and what the review supports?
- Was the group most confident where it agreed with the review, or where it did not?
- How did the group place the debate comments, and where does it place the reasons?

## Objectives
- Load a group's hand-ins, see which were skipped and why.
- Put the split on the screen, point by point, and talk it through.
- Hand out a one-file summary after the session.

## Content note
The charts and shared rationales refer to all five cases (serious harm to children). Learners'
shared reasons may be personal: read them to the room only with care.

**Where the hand-ins come from.** Set `SUBMISSIONS` below to the folder of hand-ins (for example the
shared `KIT_EXCHANGE` folder on your JupyterHub). Left empty, it uses `KIT_EXCHANGE` if that is set,
or else a **synthetic demo cohort** for rehearsal, clearly labelled as such. To make your own demo:
`kit demo-cohort --n 30 --out demo-cohort`.
"""),
        code('SUBMISSIONS = ""', "parameters"),
        code("import kit\n\ncohort = kit.load_cohort(SUBMISSIONS)\nkit.cohort_report(cohort)"),
        md("## How the group chose, point by point\n\nEach bar is the share of the group that chose what was "
           "done, an option the review supports, or something else. The words under each chart say the same."),
        code("kit.cohort_choices(cohort)"),
        md("## Confidence against agreement with the review"),
        code("kit.cohort_confidence(cohort)"),
        md("## Debates: the group against the kit's coding"),
        code("kit.cohort_debates(cohort)"),
        md("## Where the group places the reasons"),
        code("kit.cohort_attributions(cohort)"),
        md("## Reasons learners chose to share\n\nOnly from learners who ticked *include my written reasons*."),
        code("kit.cohort_rationales(cohort)"),
        md("## Hand-out\n\nOne HTML file with every chart and its words, to print or share after the session."),
        code("kit.summary_button(cohort)"),
        md("""
## Key points
- The split in the room is the starting point for discussion, not a score.
- Ask the group why each option made sense at the time before showing what the review found.
- Confidence where the group differed from the review is worth exploring gently.
- Close with support: some learners may have found the cases hard.
"""),
        nav_cell(DASHBOARD, "bottom"),
    ]
    return finish(DASHBOARD, cells)


def build() -> list[Path]:
    """Write every generated notebook and refresh navigation in the others; returns the paths."""
    NOTEBOOKS.mkdir(exist_ok=True)
    written = []
    nbformat.write(start_notebook(), NOTEBOOKS / START)
    written.append(NOTEBOOKS / START)
    for name, pack_id in CASES:
        nbformat.write(case_notebook(name, pack_id), NOTEBOOKS / name)
        written.append(NOTEBOOKS / name)
    for name, make in ((ACCOUNTABILITY, accountability_notebook), (WORKSHOP_ROOM, workshop_room_notebook)):
        nbformat.write(make(), NOTEBOOKS / name)
        written.append(NOTEBOOKS / name)
    for name, make in ((DASHBOARD, dashboard_notebook), (ROOM_CONSOLE, room_console_notebook)):
        nbformat.write(make(), FACILITATOR / name)
        written.append(FACILITATOR / name)
    return written


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    for path in build():
        print(f"wrote {path.relative_to(ROOT)}")
    from tidy_notebooks import main as tidy_main

    return tidy_main([str(f) for f in FOLDERS])


if __name__ == "__main__":
    sys.exit(main())
