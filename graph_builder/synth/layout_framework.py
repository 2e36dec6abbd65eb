"""Layouts of the framework families: HMIC inspections 2007-09 (the October 2007 areas) and baseline
assessments 2004-06 (the 23 frameworks of 2006), as the shipped reports print them."""
from __future__ import annotations

from graph_builder.extract.frameworks import BASELINE_2006, BASELINE_2006_DOMAINS, INSPECTION_2007

from .context import Ctx
from .grades import EGFP, national_distribution, pick_direction, pick_grade

_DOMAIN_LABEL = {"1": "Domain A", "2": "Domain 1", "3": "Domain 2", "4": "Domain 3", "5": "Domain 4",
                 "6": "Domain B", "7": None}
_SHORT = {"Neighbourhood Policing": "Neighbourhood Policing", "Performance Management": "Performance management",
          "Protecting Vulnerable People – Child Abuse": "Child abuse",
          "Protecting Vulnerable People – Domestic Violence": "Domestic violence",
          "Protecting Vulnerable People – Public Protection": "Public protection",
          "Protecting Vulnerable People – Missing Persons": "Missing persons"}
_GROUP_ROWS = [("Neighbourhood Policing", ["Neighbourhood Policing"]),
               ("Performance management", ["Performance Management"]),
               ("Protecting vulnerable people", ["Protecting Vulnerable People – Child Abuse",
                                                 "Protecting Vulnerable People – Domestic Violence",
                                                 "Protecting Vulnerable People – Public Protection",
                                                 "Protecting Vulnerable People – Missing Persons"])]
_RANKS = ["Detective Inspector", "Chief Inspector", "Superintendent", "Sergeant", "Inspector",
          "Detective Chief Inspector", "Police Constable"]
_SURNAMES = ["Ashdown", "Bellamy", "Carver", "Dunmore", "Elliston", "Fairweather", "Greaves", "Hollis",
             "Ingram", "Jessop", "Kirkland", "Lomax", "Marsden", "Norcott", "Oakley", "Pritchard"]
_ROLES = ["project manager", "public protection unit", "performance review unit", "neighbourhood policing team",
          "corporate development department", "crime management unit"]


def _findings(c: Ctx, area: str, key: str, kind: str, n: int, avoid: set, fallback: list[str]) -> list[str]:
    pools = c.pools.findings[c.family]
    pool = list(pools.get(key, {}).get(kind, []))
    for k in fallback:
        if len(pool) >= n * 2:
            break
        pool += pools.get(k, {}).get(kind, [])
    return c.splice(pool, n, avoid)


def _items(c: Ctx, texts: list[str], bullets: bool, kind: str, area: str,
           recs: list[tuple[int, int, str]] | None = None) -> None:
    for i, t in enumerate(texts):
        if bullets:
            c.w.bullet(t)
        else:
            c.w.para(t)
        c.record["findings"].append({"kind": kind, "area": area, "text": t})
        for after, number, rec in recs or []:
            if after == i:
                c.w.heading(f"RECOMMENDATION {number}", 5)
                c.w.para(rec, splittable=False)


def _good_practice(c: Ctx, area: str, heading: str, n: int, with_area: bool) -> None:
    boxes = c.rng.sample(c.pools.good_practice, k=min(n, len(c.pools.good_practice)))
    if not boxes:
        return
    c.w.heading(heading, 3)
    for src, box in boxes:
        b = {k: c.fix(src, v) for k, v in box.items()}
        if with_area:
            c.w.field("INSPECTION AREA", area)
        c.w.field("TITLE", b["title"])
        got = {"title": b["title"], "area": area}
        for label, key in (("PROBLEM", "problem"), ("SOLUTION", "solution"), ("OUTCOME(S)", "outcome")):
            if key not in b:
                got[key] = None
                continue
            if c.rng.random() < 0.3 and len(b[key]) < 400:
                c.w.field(label, b[key])
            else:
                c.w.field(label)
                c.w.para(b[key])
            got[key] = b[key]
        rank = c.rng.choice(_RANKS)
        c.w.field("FORCE CONTACT", f"{rank} {c.rng.choice('ABCDEJKMPRS')} {c.rng.choice(_SURNAMES)}, "
                                   f"{c.rng.choice(_ROLES)} – 0{c.rng.randint(1200, 1999)} {c.rng.randint(100000, 999999)}")
        c.record["good_practice"].append(got)


def _glossary(c: Ctx, heading: str) -> None:
    c.w.heading(heading, 2)
    entries = c.rng.sample(sorted(c.pools.glossary.items()), k=min(len(c.pools.glossary), c.rng.randint(30, 70)))
    entries.sort(key=lambda e: (e[0].upper(), e[0]))
    layout = c.rng.choice(("tab", "tab", "spaces", "space"))
    letter = None
    block: list[list[str]] = []

    def flush():
        if block:
            c.w.table(block) if layout == "tab" else c.w.raw(*[f"{a}{sep}{x}" for a, sep, x in block])
            block.clear()
    for abbr, exp in entries:
        exp = c.fix("", exp)
        if abbr[0].upper() != letter:
            flush()
            letter = abbr[0].upper()
            if c.rng.random() < 0.7:
                c.w.heading(letter, 5)
        if layout == "tab":
            block.append([abbr, exp])
        else:
            single = layout == "space" and _single_ok(abbr)
            block.append((abbr, " " if single else "  ", exp))
        c.record["glossary"].append({"abbreviation": abbr, "expansion": exp})
    flush()


def _single_ok(abbr: str) -> bool:
    from graph_builder.extract.glossary import _ACRONYM
    return bool(_ACRONYM.match(abbr))


def _front(c: Ctx, intro_heading: str, sub: list[str]) -> None:
    c.w.heading(intro_heading, 2)
    paras = c.take(c.pools.front[c.family], c.rng.randint(4, 9))
    heads = list(sub)
    for i, p in enumerate(paras):
        if heads and i and c.rng.random() < 0.4:
            c.w.heading(heads.pop(0), 3)
        c.w.para(p)
    c.w.heading("Force Overview and Context", 2)
    heads = ["Geographical description of force area", "Demographic profile of force area"]
    heads += c.rng.sample(["Strategic priorities", "Structural description", "Major achievements",
                           f"Force developments since {c.year - 1}", "Impact of workforce modernisation",
                           "Major challenges for the future"], k=c.rng.randint(2, 4))
    pop = c.rng.randint(4, 40) * 100_000
    c.w.para(f"{c.names.name} serves a resident population of approximately {pop:,} and covers an area of "
             f"{c.rng.randint(150, 4000):,} square miles. It employs {c.rng.randint(900, 6000):,} police officers, "
             f"{c.rng.randint(600, 4000):,} police staff and {c.rng.randint(100, 600)} PCSOs.")
    over = c.take(c.pools.overview, c.rng.randint(4, 10))
    for i, p in enumerate(over):
        if heads and (i == 0 or c.rng.random() < 0.45):
            c.w.heading(heads.pop(0), 3)
        c.w.para(p)


def inspection(c: Ctx) -> None:
    w, r = c.w, c.rng
    month = {2007: "October", 2008: "July", 2009: "March"}.get(c.year, "October")
    w.title(["HMIC Inspection Report", c.names.name])
    w.para(f"{month} {c.year}", splittable=False, breakable=False)
    w.raw(c.marker)
    areas = list(INSPECTION_2007)
    w.heading("Contents", 2)
    for x in (["Introduction to HMIC Inspections", "Force Overview and Context", "Findings",
               "National summary of judgements", "Force summary of judgements"] + areas):
        w.raw(x)
    grades = {}
    dists = {}
    for a in areas:
        group, graded = INSPECTION_2007[a]
        if graded:
            dists[a] = national_distribution(c.seed, c.programme, a, c.pools.distributions)
            grades[a] = pick_grade(r, dists[a])
    closing = r.random() < 0.5
    if closing:
        w.raw("Recommendations")
    w.raw("Appendix: Glossary of Terms and Abbreviations")
    _front(c, "Introduction to HMIC Inspections", ["Programmed frameworks", "Risk-based frameworks",
                                                   "The grading process", "Developing practice",
                                                   "Future HMIC inspection activity"])
    w.heading("Findings", 2)
    w.heading("National summary of judgements", 3)
    rows = [["", *EGFP]]
    bold = set()
    for label, members in _GROUP_ROWS:
        bold.add((len(rows), 0))
        rows.append([label, "", "", "", ""])
        rows += [[_SHORT[m], *(str(dists[m][g]) for g in EGFP)] for m in members]
    w.table(rows, bold=bold)
    w.heading("Force summary of judgements", 3)
    rows, bold = [], set()
    for label, members in _GROUP_ROWS:
        bold |= {(len(rows), 0), (len(rows), 1)}
        rows.append([label, "Grade"])
        rows += [[_SHORT[m], grades[m]] for m in members]
    w.table(rows, bold=bold)
    bullets = w.style != "plain" or r.random() < 0.3
    avoid: set = set()
    rec_no = 0
    closing_recs: list[tuple[str, int, str]] = []
    rec_pool = c.pools.recommendations + [(s, t.replace("The force should", "The constabulary should", 1))
                                          for s, t in c.pools.peel_afi]
    for a in areas:
        group, graded = INSPECTION_2007[a]
        w.heading(a, 2)
        area = {"name": a, "code": None, "graded": graded, "grade": grades.get(a),
                "direction_of_travel": None, "national_distribution": dists.get(a)}
        c.record["areas"].append(area)
        if graded:
            glued = r.random() < c.w.noise.glued
            if glued:
                c.w.noise.kinds.add("glued-grade")
                w.raw("GRADE")
                label = "National grade distribution"
                w.raw(grades[a].upper() + (f"**{label}**" if w.style == "markdown" else label))
            else:
                w.grade_line(grades[a])
                w.heading("National grade distribution", 3)
            w.table([list(EGFP), [str(dists[a][g]) for g in EGFP]])
        fallback = [x for x in areas if INSPECTION_2007[x][0] == group and x != a]
        nat = c.pools.national_context[c.family].get(a, [])
        if nat:
            w.heading("National contextual factors", 3)
            for p in c.take(nat, r.randint(1, 2)):
                w.para(p)
        w.heading("Contextual factors" + (" overview" if not graded and r.random() < 0.5 else ""), 3)
        ctx = c.pools.context[c.family].get(a, []) + [x for f in fallback for x in c.pools.context[c.family].get(f, [])]
        for p in c.take(ctx, r.randint(1, 4)):
            w.para(p)
        sizes = {"strength": r.randint(3, 14), "work-in-progress": r.choice((0, 2, 3, 5, 7)),
                 "area-for-improvement": r.choice((0, 1, 2, 4, 6, 9))}
        if grades.get(a) == "Poor":
            sizes["area-for-improvement"] = max(4, sizes["area-for-improvement"])
        for kind, heading in (("strength", "Strengths"), ("work-in-progress", "Work in progress"),
                              ("area-for-improvement", "Areas for improvement")):
            n = sizes[kind]
            if not n:
                continue
            texts = _findings(c, a, a, kind, n, avoid, fallback)
            if not texts:
                continue
            w.heading(heading, 3)
            recs = []
            if kind == "area-for-improvement" and r.random() < 0.45:
                for after in sorted(r.sample(range(len(texts)), k=min(len(texts), r.randint(1, 2)))):
                    rec_no += 1
                    text = c.take(rec_pool, 1, avoid)[0]
                    recs.append((after, rec_no, text))
                    c.record["recommendations"].append({"number": rec_no, "area": a, "text": text})
                    closing_recs.append((group, rec_no, text))
            _items(c, texts, bullets, kind, a, recs)
        if r.random() < 0.35:
            _good_practice(c, a, "Developing Practice", r.choice((1, 1, 2)), r.random() < 0.3)
    if closing and closing_recs:
        w.heading("Recommendations", 2)
        last = None
        for group, number, text in closing_recs:
            if group != last:
                w.heading(group, 3)
                last = group
            w.heading(f"Recommendation {number}", 4)
            w.para(text, splittable=False)
    _glossary(c, "Appendix: Glossary of Terms and Abbreviations")


def baseline(c: Ctx) -> None:
    w, r = c.w, c.rng
    month = "June" if c.year == 2004 else "October"
    if w.style == "plain":
        w.title([c.names.name, f"Baseline Assessment {month} {c.year}"])
    else:
        w.heading(c.names.name, 2)
        w.heading(f"Baseline Assessment {month} {c.year}", 3)
    w.raw(c.marker)
    codes = list(BASELINE_2006)
    w.heading("Contents", 2)
    for x in ["Introduction to Baseline Assessment", "Force Overview and Context", "Summary of Judgements"]:
        w.raw(x)
    for d, label in BASELINE_2006_DOMAINS.items():
        w.raw(f"{d} {label}")
    w.raw("Appendix 1 Glossary of Terms and Abbreviations")
    dists, grades, dirs = {}, {}, {}
    for code in codes:
        name = BASELINE_2006[code]
        dists[code] = national_distribution(c.seed, c.programme, name, c.pools.distributions)
        grades[code] = pick_grade(r, dists[code])
        dirs[code] = "Not graded" if code in ("1D", "7A") and r.random() < 0.6 else pick_direction(r)
    _front(c, "Introduction to Baseline Assessment", [])
    rows = [["Summary of Judgements", "Grade", "Direction of Travel"]]
    bold = {(0, 0), (0, 1), (0, 2)}
    for d, label in BASELINE_2006_DOMAINS.items():
        bold.add((len(rows), 0))
        rows.append([label, "", ""])
        for code in [x for x in codes if x[0] == d]:
            bold |= {(len(rows), 1), (len(rows), 2)}
            rows.append([BASELINE_2006[code], grades[code], _dot(dirs[code])])
    w.table(rows, bold=bold)
    bullets = w.style != "plain" or r.random() < 0.6
    avoid: set = set()
    gp_left = r.randint(0, 4)
    for d, label in BASELINE_2006_DOMAINS.items():
        dl = _DOMAIN_LABEL[d]
        w.heading(f"{d} {label}" + (f" ({dl})" if dl else ""), 1)
        for code in [x for x in codes if x[0] == d]:
            name = BASELINE_2006[code]
            w.heading(f"{code} {name}", 2)
            w.table([["Grade", "Direction of Travel"], [grades[code], _dot(dirs[code])]], bold_header=True,
                     bold={(1, 0), (1, 1)})
            c.record["areas"].append({"name": name, "code": code, "graded": True, "grade": grades[code],
                                      "direction_of_travel": dirs[code], "national_distribution": dists[code]})
            w.heading("National Grade Distribution", 3)
            order = list(reversed(EGFP))
            w.table([order, [str(dists[code][g]) for g in order]])
            fallback = [x for x in codes if x[0] == d and x != code] + codes
            ctx = c.pools.context[c.family].get(code, []) + [
                x for f in fallback[:4] for x in c.pools.context[c.family].get(f, [])]
            if r.random() < 0.3:
                w.heading("National Position", 3)
                for p in c.take(ctx, 1):
                    w.para(p)
            w.heading("Contextual Factors", 3)
            for p in c.take(ctx, 1):
                w.para(p)
            for kind, n in (("strength", r.randint(2, 6)), ("area-for-improvement", r.choice((0, 1, 1, 2, 3, 5)))):
                if not n:
                    continue
                texts = _findings(c, name, code, kind, n, avoid, fallback)
                if not texts:
                    continue
                if kind == "strength":
                    w.heading("Strengths", 3)
                else:
                    h = "Area for Improvement" if len(texts) == 1 else "Areas for Improvement"
                    w.heading(h + (":" if r.random() < 0.15 else ""), 3)
                _items(c, texts, bullets, kind, name)
            if gp_left and r.random() < 0.2:
                gp_left -= 1
                _good_practice(c, name, "GOOD PRACTICE", 1, False)
    _glossary(c, "Appendix 1 Glossary of Terms and Abbreviations")


def _dot(d: str) -> str:
    return "Not Graded" if d == "Not graded" else d
