"""The build's downloadable formats (docs/contracts.md, "Built dataset directory"): files written
from a finished store. Knows nothing of the build's processes."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyoxigraph as ox

from graph_builder.export.ontology_docs import ontology_html
from graph_builder.export.prefixes import prefixes_for
from graph_builder.iris import Minter
from graph_builder.reference.graphs import ontology_graph

# Tidy tables: one row per thing, one column per variable, labels beside URIs (pandas/R ready).
TABLES = {
    "judgements": """
        SELECT ?force_id ?force ?programme ?year ?area ?area_code ?grade ?grade_rank ?direction_of_travel
               ?grade_source ?judgement ?report ?source_line ?page ?citation WHERE {
          ?judgement a insp:GradedJudgement ; insp:force ?f ; insp:programme ?p ; insp:assessmentArea ?a ;
             insp:grade ?g ; insp:gradeSource ?grade_source ; insp:reportedIn ?report .
          # The first line of the judgement's spans; a FILTER NOT EXISTS over the other spans took
          # 170 s at 650 reports.
          { SELECT ?judgement (MIN(?l) AS ?source_line) WHERE { ?judgement a insp:GradedJudgement ; insp:sourceSpan/insp:firstLine ?l } GROUP BY ?judgement }
          ?f insp:forceId ?force_id ; skos:prefLabel ?force . ?p skos:prefLabel ?programme ; insp:year ?year .
          ?a skos:prefLabel ?area . OPTIONAL { ?a skos:notation ?area_code }
          ?g skos:prefLabel ?grade ; insp:rank ?grade_rank .
          OPTIONAL { ?judgement insp:directionOfTravel/skos:prefLabel ?direction_of_travel }
          OPTIONAL { ?judgement insp:sourceSpan/insp:firstPage ?page }
          OPTIONAL { ?judgement dcterms:bibliographicCitation ?citation }
        } ORDER BY ?force_id ?year ?judgement""",
    "findings": """
        SELECT ?force_id ?programme ?year ?area ?kind ?ordinal ?topic ?text ?finding ?report ?source_line ?page ?citation WHERE {
          VALUES (?cls ?kind) { (insp:Strength "strength") (insp:WorkInProgress "work in progress")
                                (insp:AreaForImprovement "area for improvement") (insp:CauseOfConcern "cause of concern")
                                (insp:DetailedFinding "detailed finding") }
          ?finding a ?cls ; insp:force/insp:forceId ?force_id ; insp:programme ?p ; insp:assessmentArea/skos:prefLabel ?area ;
             insp:ordinal ?ordinal ; insp:text ?text ; insp:reportedIn ?report ; insp:sourceSpan/insp:firstLine ?source_line .
          ?p skos:prefLabel ?programme ; insp:year ?year .
          OPTIONAL { ?finding insp:topic ?topic }
          OPTIONAL { ?finding insp:sourceSpan/insp:firstPage ?page }
          OPTIONAL { ?finding dcterms:bibliographicCitation ?citation }
        } ORDER BY ?force_id ?year ?finding""",
    "recommendations": """
        SELECT ?force_id ?programme ?year ?number ?area ?text ?deadline ?addresses ?recommendation ?report ?source_line ?page ?citation WHERE {
          ?recommendation a insp:Recommendation ; insp:force/insp:forceId ?force_id ; insp:programme ?p ;
             insp:text ?text ; insp:reportedIn ?report .
          ?p skos:prefLabel ?programme ; insp:year ?year .
          { SELECT ?recommendation (MIN(?l) AS ?source_line) WHERE { ?recommendation a insp:Recommendation ; insp:sourceSpan/insp:firstLine ?l } GROUP BY ?recommendation }
          OPTIONAL { SELECT ?recommendation (MIN(?pg) AS ?page) WHERE { ?recommendation a insp:Recommendation ; insp:sourceSpan/insp:firstPage ?pg } GROUP BY ?recommendation }
          OPTIONAL { ?recommendation dcterms:bibliographicCitation ?citation }
          OPTIONAL { ?recommendation insp:ordinal ?number }
          OPTIONAL { ?recommendation insp:assessmentArea/skos:prefLabel ?area }
          OPTIONAL { ?recommendation insp:deadline ?deadline }
          OPTIONAL { ?recommendation insp:addresses ?addresses }
        } ORDER BY ?force_id ?year ?number ?recommendation""",
    "good_practice": """
        SELECT ?force_id ?programme ?year ?title ?area ?problem ?solution ?outcome ?contact_role ?good_practice ?report ?source_line ?page ?citation WHERE {
          ?good_practice a insp:GoodPracticeExample ; insp:force/insp:forceId ?force_id ; insp:programme ?p ;
             dcterms:title ?title ; insp:reportedIn ?report ; insp:sourceSpan/insp:firstLine ?source_line .
          ?p skos:prefLabel ?programme ; insp:year ?year .
          OPTIONAL { ?good_practice insp:assessmentArea/skos:prefLabel ?area }
          OPTIONAL { ?good_practice insp:problem ?problem } OPTIONAL { ?good_practice insp:solution ?solution }
          OPTIONAL { ?good_practice insp:outcome ?outcome } OPTIONAL { ?good_practice insp:contactRole ?contact_role }
          OPTIONAL { ?good_practice insp:sourceSpan/insp:firstPage ?page }
          OPTIONAL { ?good_practice dcterms:bibliographicCitation ?citation }
        } ORDER BY ?force_id ?year ?good_practice""",
}


def graph_file_name(graph_iri: str, base: str) -> str:
    rest = graph_iri.removeprefix(base + "/graph/")
    return rest.replace("/", "-") + ".ttl"


def write_formats(store: ox.Store, out: Path, base: str) -> dict:
    """Every download but the canonical N-Quads (which the build merges from its sorted parts:
    pipeline/timeline.py) into `out`; the number of rows of each CSV table."""
    (out / "graphs").mkdir(parents=True)
    (out / "csv").mkdir()
    prefixes = prefixes_for(str(Minter(base).insp))
    header = "".join(f"@prefix {k}: <{v}> .\n" for k, v in prefixes.items()).encode()
    # TriG is each graph's Turtle inside a graph block, so it is put together from the per-graph
    # files rather than serialised a second time.
    with (out / "dataset.trig").open("wb") as trig:
        trig.write(header)
        for g in sorted(store.named_graphs(), key=lambda n: n.value):
            ttl = out / "graphs" / graph_file_name(g.value, base)
            store.dump(str(ttl), format=ox.RdfFormat.TURTLE, from_graph=g, prefixes=prefixes)
            trig.write(f"{g} {{\n".encode())
            with ttl.open("rb") as fh:
                for line in fh:
                    if not line.startswith(b"@prefix "):
                        trig.write(line)
                        break
                shutil.copyfileobj(fh, trig)
            trig.write(b"}\n")
    store.dump(str(out / "dataset.jsonld"), format=ox.RdfFormat.JSON_LD, prefixes=prefixes)
    (out / "context.jsonld").write_text(json.dumps({"@context": prefixes}, indent=2, sort_keys=True), encoding="utf-8")
    counts = {}
    header = "".join(f"PREFIX {k}: <{v}>\n" for k, v in prefixes.items())
    for name, query in TABLES.items():
        rows = store.query(header + query, use_default_graph_as_union=True)
        cols = [v.value for v in rows.variables]
        n = 0
        with (out / "csv" / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for sol in rows:
                w.writerow(["" if sol[c] is None else sol[c].value for c in cols])
                n += 1
        counts[name] = n
    (out / "ontology.html").write_text(ontology_html(ontology_graph(base)), encoding="utf-8")
    return counts
