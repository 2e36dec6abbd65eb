"""The PEEL layout (web-page text of the 2018/19 effectiveness pillar), whatever the year: pillar,
headline question, five questions each with areas for improvement or a cause of concern and its
recommendations, then detailed findings whose prose states the grade; 'Summary for question N'
glued to the next question's title."""
from __future__ import annotations

from .context import Ctx
from .grades import pick_peel_grade

PILLAR = "Effectiveness"
HEADLINE = "How effectively does the force reduce crime and keep people safe?"
QUESTIONS = [
    ("How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?",
     "preventing crime and tackling anti-social behaviour", "keeping people safe and preventing crime"),
    ("How effective is the force at investigating crime and reducing re-offending?",
     "investigating crime and reducing re-offending", "investigating crime"),
    ("How effective is the force at protecting those who are vulnerable from harm, and supporting victims?",
     "protecting vulnerable people and supporting victims", "protecting vulnerable people"),
    ("How effective is the force at tackling serious and organised crime?",
     "tackling serious and organised crime", "tackling serious and organised crime"),
    ("How effective are the force’s specialist capabilities?", None, None),
]
DETAIL = "We set out our detailed findings below. These are the basis for our judgment of the force’s performance in this area."
LEAD_IN = "To address this cause of concern, we recommend that within {when} the force should:"


def _grade_sentence(c: Ctx, grade: str, act: str, noun: str) -> str:
    who = c.rng.choice(("The force", c.names.name))
    if grade == "Good":
        return f"{who} is good at {act}."
    if grade == "Outstanding":
        return f"{who} is outstanding at {act}."
    if grade == "Inadequate":
        return f"{who} is inadequate at {act}."
    if who == "The force":
        return f"The force’s approach to {noun} requires improvement."
    return f"{who} requires improvement in {act}."


def peel(c: Ctx) -> None:
    w, r = c.w, c.rng
    yy = (c.year + 1) % 100
    w.title([f"{c.names.stem} PEEL {c.year}/{yy:02d}"])
    w.raw(c.marker)
    w.heading(PILLAR, 1)
    w.raw(HEADLINE)
    avoid: set = set()
    narrative = list(c.pools.peel_narrative)
    subheads = list(c.pools.peel_subheadings)
    recs_pool = c.pools.peel_recs + [(s, t[len("The force should "):].rstrip(".")) for s, t in c.pools.peel_afi
                                     if t.startswith("The force should ")]
    for n, (question, act, noun) in enumerate(QUESTIONS, 1):
        if n == 1:
            w.heading(question, 2)
        else:
            w.raw(f"Summary for question {n - 1}{question}")
        graded = act is not None
        grade = pick_peel_grade(r) if graded else None
        stated = graded and r.random() < 0.9
        c.record["areas"].append({"name": question, "code": f"Q{n}", "graded": graded,
                                  "grade": grade if stated else None, "direction_of_travel": None,
                                  "national_distribution": None})
        if graded and (grade in ("Requires improvement", "Inadequate") and r.random() < 0.6 or grade == "Inadequate"):
            w.heading("Cause of concern", 3)
            coc = c.take(c.pools.peel_coc, r.randint(1, 2), avoid)
            text = " ".join(coc)
            w.para(text, splittable=False)
            c.record["findings"].append({"kind": "cause-of-concern", "area": question, "text": text})
            w.heading("Recommendations", 3)
            w.para(LEAD_IN.format(when=r.choice(("six months", "three months", "12 months"))), splittable=False)
            recs = c.take(recs_pool, r.randint(2, 6), avoid)
            for i, t in enumerate(recs):
                t = t[0].lower() + t[1:]
                t += "." if i == len(recs) - 1 else ("; and" if i == len(recs) - 2 else ";")
                w.bullet(t, splittable=False)
                c.record["recommendations"].append({"number": len(c.record["recommendations"]) + 1,
                                                    "area": question, "text": t})
        elif graded and grade != "Outstanding" and r.random() < 0.75:
            afis = c.take(c.pools.peel_afi, r.randint(1, 4), avoid)
            w.heading("Area for improvement" if len(afis) == 1 else "Areas for improvement", 3)
            for t in afis:
                w.bullet(t, splittable=False)
                c.record["findings"].append({"kind": "area-for-improvement", "area": question, "text": t})
        w.raw(DETAIL)
        paras = c.take(narrative, r.randint(6, 12), avoid)
        heads = r.sample(subheads, k=min(len(subheads), r.randint(1, 3)))
        where = r.randrange(len(paras)) if stated else None
        for i, p in enumerate(paras):
            if heads and (i == 0 or r.random() < 0.3):
                w.heading(heads.pop(0), 4)
            if i == where:
                s = _grade_sentence(c, grade, act, noun)
                p = f"{s} {p}" if r.random() < 0.7 else f"{p} {s}"
            w.para(p)
            c.record["findings"].append({"kind": "detailed-finding", "area": question, "text": p})
    w.raw("Summary for question 5")
