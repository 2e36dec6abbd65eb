"""What a force's page answers first: how has the force been judged over the years? Its graded
judgements by programme and year (a table, and a chart per grade scale: each programme's grades
on its own scale), its recommendations and causes of concern, the recurring issues it shares with
other forces, and its follow-ups. ?this is the force, bound by the caller."""
from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from .charts import Panel, grades_over_time
from .labels import shorten
from .theme_rule import THEME_PATH

_PREFIXES = """PREFIX insp: <{insp}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> """


def force_queries(insp: str, force: str) -> dict[str, str]:
    p = _PREFIXES.format(insp=insp)
    this = str(NamedNode(force))
    return {
        "judgements": p + """SELECT ?judgement ?year ?programme ?programmeLabel ?area ?areaLabel
            ?grade ?gradeLabel ?rank ?scale ?scaleLabel WHERE {
          ?judgement a insp:GradedJudgement ; insp:force ?this ; insp:programme ?programme ;
                     insp:assessmentArea ?area ; insp:grade ?grade ; insp:reportedIn/insp:year ?year .
          ?programme skos:prefLabel ?programmeLabel ; insp:gradeScale ?scale .
          ?area skos:prefLabel ?areaLabel . ?grade skos:prefLabel ?gradeLabel ; insp:rank ?rank .
          OPTIONAL { ?scale skos:prefLabel|rdfs:label ?scaleLabel0 }
          BIND(COALESCE(STR(?scaleLabel0), REPLACE(STR(?scale), "^.*/", "")) AS ?scaleLabel)
        } ORDER BY ?year ?programmeLabel ?areaLabel""",
        "scales": p + """SELECT DISTINCT ?scale ?grade ?gradeLabel ?rank WHERE {
          ?j a insp:GradedJudgement ; insp:force ?this ; insp:programme/insp:gradeScale ?scale .
          ?grade skos:inScheme ?scale ; insp:rank ?rank ; skos:prefLabel ?gradeLabel }""",
        "statements": p + """SELECT ?s ?kind ?text ?year WHERE {
          VALUES ?kind { insp:Recommendation insp:CauseOfConcern }
          ?s a ?kind ; insp:force ?this ; insp:text ?text ; insp:reportedIn/insp:year ?year .
        } ORDER BY ?year ?kind ?s""",
        # Subqueries see no outer binding, so the force is written into them (pyoxigraph's escaped
        # N-Triples form), and each side is grouped before the join: joining statement to
        # statement through the theme path took over 10 s for one force of the corpus.
        "shared": p + f"""SELECT ?theme ?label ?n (COUNT(DISTINCT ?other) AS ?others) WHERE {{
          {{ SELECT ?theme (COUNT(DISTINCT ?mine) AS ?n) WHERE {{
              VALUES ?kind {{ insp:AreaForImprovement insp:CauseOfConcern }}
              ?mine a ?kind ; insp:force {this} ; {THEME_PATH} ?theme }} GROUP BY ?theme }}
          {{ SELECT DISTINCT ?theme ?other WHERE {{
              VALUES ?kind {{ insp:AreaForImprovement insp:CauseOfConcern }}
              ?x a ?kind ; insp:force ?other ; {THEME_PATH} ?theme }} }}
          FILTER (?other != {this})
          ?theme skos:prefLabel ?label .
        }} GROUP BY ?theme ?label ?n ORDER BY DESC(?others) DESC(?n) ?label""",
        "followups": p + """SELECT ?earlier ?earlierYear ?earlierText ?later ?laterYear ?laterText
            ?basis WHERE {
          ?f a insp:FollowUp ; insp:followUpOf ?earlier ; insp:followUpBy ?later ; insp:basis ?basis .
          ?later insp:force ?this ; insp:reportedIn/insp:year ?laterYear .
          ?earlier insp:reportedIn/insp:year ?earlierYear .
          OPTIONAL { ?earlier insp:text ?earlierText } OPTIONAL { ?later insp:text ?laterText }
        } ORDER BY ?earlierYear ?laterYear ?earlier""",
    }


def _v(row: dict, key: str) -> str | None:
    t = row.get(key)
    return t[1] if t else None


@dataclass
class ForceView:
    judgements: list[dict] = field(default_factory=list)
    chart: Panel | None = None
    statements: list[dict] = field(default_factory=list)
    shared: list[dict] = field(default_factory=list)
    followups: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.judgements or self.statements or self.shared or self.followups)


def build_force_view(res: dict, local) -> ForceView:
    """res: the rows of force_queries; local(iri): the path this server answers it at."""
    view = ForceView()
    by_scale: dict[str, list[tuple[int, int, str, str]]] = {}
    scale_labels: dict[str, str] = {}
    for r in res["judgements"]:
        view.judgements.append({
            "path": local(_v(r, "judgement")), "year": _v(r, "year"),
            "programme": _v(r, "programmeLabel"), "programme_path": local(_v(r, "programme")),
            "area": _v(r, "areaLabel"), "area_path": local(_v(r, "area")),
            "grade": _v(r, "gradeLabel"), "grade_path": local(_v(r, "grade")),
            "rank": int(_v(r, "rank")), "scale": _v(r, "scaleLabel")})
        scale = _v(r, "scale")
        scale_labels[scale] = _v(r, "scaleLabel")
        by_scale.setdefault(scale, []).append((int(_v(r, "year")), int(_v(r, "rank")),
                                               _v(r, "gradeLabel"), _v(r, "areaLabel")))
    grades: dict[str, dict[int, str]] = {}
    for r in res["scales"]:
        grades.setdefault(_v(r, "scale"), {})[int(_v(r, "rank"))] = _v(r, "gradeLabel")
    if by_scale:
        order = sorted(by_scale, key=lambda sc: (min(j[0] for j in by_scale[sc]), scale_labels[sc]))
        view.chart = grades_over_time([(scale_labels[sc], sorted(grades.get(sc, {}).items()),
                                        by_scale[sc]) for sc in order])
    kinds = {"Recommendation": "Recommendation", "CauseOfConcern": "Cause of concern"}
    for r in res["statements"]:
        view.statements.append({"path": local(_v(r, "s")), "text": _v(r, "text"),
                                "year": _v(r, "year"),
                                "kind": kinds.get(_v(r, "kind").rsplit("/", 1)[-1], "")})
    for r in res["shared"]:
        view.shared.append({"path": "/themes/" + _v(r, "theme").rsplit("/", 1)[1],
                            "label": _v(r, "label"), "n": int(_v(r, "n")),
                            "others": int(_v(r, "others"))})
    for r in res["followups"]:
        view.followups.append({"earlier": local(_v(r, "earlier")), "earlier_year": _v(r, "earlierYear"),
                               "later": local(_v(r, "later")), "later_year": _v(r, "laterYear"),
                               "earlier_text": shorten(_v(r, "earlierText") or _v(r, "earlier")),
                               "later_text": shorten(_v(r, "laterText") or _v(r, "later")),
                               "basis": _v(r, "basis")})
    return view
