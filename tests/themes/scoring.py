"""Theme tagging measured against the hand-labelled sample (labelled_themes.json).

    python -m tests.themes.scoring            # precision/recall by half, kind and theme
    python -m tests.themes.scoring --errors   # also every false positive and false negative

Run from the project root. Precision and recall are micro-averaged over (statement, theme) pairs
and macro-averaged over the groups (themes or statement kinds) that have at least one labelled
or predicted pair. Matching is exact: a grouping does not stand in for its narrower theme.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from graph_builder.extract import parse_file
from graph_builder.iris import DEFAULT_BASE
from graph_builder.to_rdf.mapping import map_report

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "corpus"
LABELS = HERE / "labelled_themes.json"
INSP = DEFAULT_BASE + "/def/inspection/"
THEME = DEFAULT_BASE + "/def/theme/"
KINDS = ("Strength", "WorkInProgress", "AreaForImprovement", "CauseOfConcern", "Recommendation",
         "GoodPracticeExample")


@lru_cache(maxsize=1)
def corpus_statements() -> dict[str, dict]:
    """Every finding, recommendation and good-practice item as the build maps it: IRI -> kind,
    area IRI (or None), title (good practice) and the text the tagger reads."""
    out = {}
    for path in sorted(CORPUS.glob("*.txt")):
        ds = map_report(parse_file(path), path.read_text())
        for kind in KINDS:
            for s in ds.subjects(RDF.type, URIRef(INSP + kind)):
                area = ds.value(s, URIRef(INSP + "assessmentArea"))
                topic = ds.value(s, URIRef(INSP + "topic"))
                out[str(s)] = {"kind": kind, "area": str(area) if area is not None else None,
                               "heading": str(topic) if topic is not None else None,
                               "text": str(ds.value(s, URIRef(INSP + "text")))}
    return out


def labelled() -> list[dict]:
    return json.loads(LABELS.read_text())["statements"]


def predictions(tagger, items: list[dict]) -> dict[str, set[str]]:
    stmts = corpus_statements()
    out = {}
    for it in items:
        s = stmts[it["iri"]]
        out[it["iri"]] = {t[len(THEME):] for t in tagger.tag_item(s["text"], s["area"], s["heading"])}
    return out


def _pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)


def score(items: list[dict], pred: dict[str, set[str]], group=None) -> dict:
    """{'micro': (p, r), 'macro': (p, r), 'groups': {g: (p, r, tp, fp, fn)}}; group(item, theme)
    names the group of a pair (default: the theme)."""
    group = group or (lambda it, theme: theme)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    tp = fp = fn = 0
    for it in items:
        gold, got = set(it["themes"]), pred[it["iri"]]
        for t in gold | got:
            c = counts[group(it, t)]
            if t in gold and t in got:
                c[0] += 1
                tp += 1
            elif t in got:
                c[1] += 1
                fp += 1
            else:
                c[2] += 1
                fn += 1
    groups = {g: (*_pr(*c), *c) for g, c in sorted(counts.items())}
    macro_p = sum(v[0] for v in groups.values()) / len(groups) if groups else 1.0
    macro_r = sum(v[1] for v in groups.values()) / len(groups) if groups else 1.0
    return {"micro": _pr(tp, fp, fn), "macro": (macro_p, macro_r), "groups": groups,
            "pairs": (tp, fp, fn)}


def halves(items: list[dict]) -> dict[str, list[dict]]:
    return {"dev": [i for i in items if i["half"] == "dev"],
            "held-out": [i for i in items if i["half"] == "held-out"], "whole": items}


def report(tagger, errors: bool = False) -> str:
    items = labelled()
    pred = predictions(tagger, items)
    lines = ["| sample | statements | pairs (tp/fp/fn) | micro P | micro R | macro P (themes) | macro R (themes) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, part in halves(items).items():
        s = score(part, pred)
        lines.append(f"| {name} | {len(part)} | {'/'.join(map(str, s['pairs']))} | {s['micro'][0]:.3f} | "
                     f"{s['micro'][1]:.3f} | {s['macro'][0]:.3f} | {s['macro'][1]:.3f} |")
    by_kind = score(items, pred, group=lambda it, t: it["kind"])
    lines += ["", "| statement kind (whole sample) | P | R | tp | fp | fn |", "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {k} | {v[0]:.3f} | {v[1]:.3f} | {v[2]} | {v[3]} | {v[4]} |" for k, v in by_kind["groups"].items()]
    lines.append(f"| macro over kinds | {by_kind['macro'][0]:.3f} | {by_kind['macro'][1]:.3f} | | | |")
    by_theme = score(items, pred)
    lines += ["", "| theme (whole sample) | P | R | tp | fp | fn |", "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {k} | {v[0]:.3f} | {v[1]:.3f} | {v[2]} | {v[3]} | {v[4]} |" for k, v in by_theme["groups"].items()]
    if errors:
        stmts = corpus_statements()
        lines.append("")
        for it in items:
            gold, got = set(it["themes"]), pred[it["iri"]]
            if gold != got:
                lines.append(f"[{it['half']}] {it['iri']}\n  +{sorted(got - gold)} -{sorted(gold - got)}\n"
                             f"  {stmts[it['iri']]['text'][:300]}")
    return "\n".join(lines)


if __name__ == "__main__":
    from graph_builder.to_rdf.themes import default_tagger
    sys.stdout.write(report(default_tagger(), errors="--errors" in sys.argv) + "\n")
