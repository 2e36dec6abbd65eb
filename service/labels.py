"""Labels for the IRIs a page shows: a label property where the data has one, otherwise a label
made from what the thing is (a judgement: force, area and year; a finding: the start of its text),
so that no page lists things by their URL path."""
from __future__ import annotations

from pyoxigraph import NamedNode

from . import execution
from .resource_view import best_labels, labels_query
from .state import ServiceState

SHORT = 90  # characters of a statement's text that stand for it in a list


def composed_labels_query(iris: list[str], insp: str) -> str:
    values = " ".join(str(NamedNode(i)) for i in iris)
    skos = "http://www.w3.org/2004/02/skos/core#"
    return f"""SELECT ?x ?force ?area ?year ?text WHERE {{ VALUES ?x {{ {values} }}
      {{ ?x a <{insp}GradedJudgement> ; <{insp}force>/<{skos}prefLabel> ?force ;
            <{insp}assessmentArea>/<{skos}prefLabel> ?area ; <{insp}reportedIn>/<{insp}year> ?year }}
      UNION {{ ?x <{insp}text> ?text }} }}"""


def shorten(text: str, most: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most].rsplit(" ", 1)[0] + "…"


def composed_labels(rows: list[dict]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in rows:
        x = r["x"][1]
        if r.get("area"):
            out[x] = f"{r['force'][1]}, {r['year'][1]}: {r['area'][1]}"
        elif r.get("text") and x not in out:
            out[x] = shorten(r["text"][1])
    return out


async def fetch_labels(state: ServiceState, iris: set[str] | list[str], limit: int = 2000) -> dict[str, str]:
    wanted = sorted(iris)[:limit]
    if not wanted:
        return {}
    insp = f"{state.dataset.base}/def/inspection/"
    res = await execution.select(state, execution.PAGES,
                                 {"labels": labels_query(wanted),
                                  "composed": composed_labels_query(wanted, insp)}, max_rows=20_000)
    return {**composed_labels(res["composed"]), **best_labels(res["labels"])}
