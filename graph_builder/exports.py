"""The build's downloadable exports (docs/contracts.md, "Built dataset directory")."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from .exports_prefixes import prefixes_for
from .mapping import Minter
from .ontology_docs import ontology_html
from .reference import ontology_graph

# Tidy tables: one row per thing, one column per variable, labels beside URIs (pandas/R ready).
TABLES = {
    "judgements": """
        SELECT ?force_id ?force ?programme ?year ?area ?area_code ?grade ?grade_rank ?direction_of_travel
               ?grade_source ?judgement ?report ?source_line WHERE {
          ?judgement a insp:GradedJudgement ; insp:force ?f ; insp:programme ?p ; insp:assessmentArea ?a ;
             insp:grade ?g ; insp:gradeSource ?grade_source ; insp:reportedIn ?report .
          # The first line of the judgement's spans; a FILTER NOT EXISTS over the other spans took
          # 170 s at 650 reports.
          { SELECT ?judgement (MIN(?l) AS ?source_line) WHERE { ?judgement a insp:GradedJudgement ; insp:sourceSpan/insp:firstLine ?l } GROUP BY ?judgement }
          ?f insp:forceId ?force_id ; skos:prefLabel ?force . ?p skos:prefLabel ?programme ; insp:year ?year .
          ?a skos:prefLabel ?area . OPTIONAL { ?a skos:notation ?area_code }
          ?g skos:prefLabel ?grade ; insp:rank ?grade_rank .
          OPTIONAL { ?judgement insp:directionOfTravel/skos:prefLabel ?direction_of_travel }
        } ORDER BY ?force_id ?year ?judgement""",
    "findings": """
        SELECT ?force_id ?programme ?year ?area ?kind ?ordinal ?topic ?text ?finding ?report ?source_line WHERE {
          VALUES (?cls ?kind) { (insp:Strength "strength") (insp:WorkInProgress "work in progress")
                                (insp:AreaForImprovement "area for improvement") (insp:CauseOfConcern "cause of concern") }
          ?finding a ?cls ; insp:force/insp:forceId ?force_id ; insp:programme ?p ; insp:assessmentArea/skos:prefLabel ?area ;
             insp:ordinal ?ordinal ; insp:text ?text ; insp:reportedIn ?report ; insp:sourceSpan/insp:firstLine ?source_line .
          ?p skos:prefLabel ?programme ; insp:year ?year .
          OPTIONAL { ?finding insp:topic ?topic }
        } ORDER BY ?force_id ?year ?finding""",
    "recommendations": """
        SELECT ?force_id ?programme ?year ?number ?area ?text ?deadline ?addresses ?recommendation ?report ?source_line WHERE {
          ?recommendation a insp:Recommendation ; insp:force/insp:forceId ?force_id ; insp:programme ?p ;
             insp:text ?text ; insp:reportedIn ?report .
          ?p skos:prefLabel ?programme ; insp:year ?year .
          { SELECT ?recommendation (MIN(?l) AS ?source_line) WHERE { ?recommendation a insp:Recommendation ; insp:sourceSpan/insp:firstLine ?l } GROUP BY ?recommendation }
          OPTIONAL { ?recommendation insp:ordinal ?number }
          OPTIONAL { ?recommendation insp:assessmentArea/skos:prefLabel ?area }
          OPTIONAL { ?recommendation insp:deadline ?deadline }
          OPTIONAL { ?recommendation insp:addresses ?addresses }
        } ORDER BY ?force_id ?year ?number ?recommendation""",
    "good_practice": """
        SELECT ?force_id ?programme ?year ?title ?area ?problem ?solution ?outcome ?contact_role ?good_practice ?report ?source_line WHERE {
          ?good_practice a insp:GoodPracticeExample ; insp:force/insp:forceId ?force_id ; insp:programme ?p ;
             dcterms:title ?title ; insp:reportedIn ?report ; insp:sourceSpan/insp:firstLine ?source_line .
          ?p skos:prefLabel ?programme ; insp:year ?year .
          OPTIONAL { ?good_practice insp:assessmentArea/skos:prefLabel ?area }
          OPTIONAL { ?good_practice insp:problem ?problem } OPTIONAL { ?good_practice insp:solution ?solution }
          OPTIONAL { ?good_practice insp:outcome ?outcome } OPTIONAL { ?good_practice insp:contactRole ?contact_role }
        } ORDER BY ?force_id ?year ?good_practice""",
}


def graph_file_name(graph_iri: str, base: str) -> str:
    rest = graph_iri.removeprefix(base + "/graph/")
    return rest.replace("/", "-") + ".ttl"


def write_exports(store: ox.Store, out: Path, base: str, store_dir: Path | None = None) -> dict:
    """Writes every export of `store` into `out`; with store_dir, also the persistent store the
    service opens, bulk-loaded from the canonical N-Quads (a build in an on-disk store cost more
    than building in memory and loading the result once)."""
    out.mkdir(parents=True)
    (out / "graphs").mkdir()
    (out / "csv").mkdir()
    prefixes = prefixes_for(str(Minter(base).insp))
    # Canonical N-Quads: no blank nodes anywhere, so sorted lines are the canonical form. Sorted
    # by GNU sort in the C locale (byte order, which for UTF-8 is code point order), within a
    # bounded buffer: sorting 3 million lines in Python held them all twice over.
    unsorted = out / "dataset.unsorted.nq"
    store.dump(str(unsorted), format=ox.RdfFormat.N_QUADS)
    subprocess.run(["sort", "-S", "256M", "-T", str(out), "-o", str(out / "dataset.nq"), str(unsorted)],
                   check=True, env={**os.environ, "LC_ALL": "C"})
    unsorted.unlink()
    quads = len(store)  # the dump's line count: no quad is written twice
    # The on-disk store loads in its own fresh process (graph_builder/store_loader.py says why)
    # while the other exports are written.
    loader = None if store_dir is None else subprocess.Popen(
        [sys.executable, "-m", "graph_builder.store_loader", str(out / "dataset.nq"), str(store_dir)],
        cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        counts = _write_rest(store, out, base, prefixes, quads)
    except BaseException:
        if loader is not None:
            loader.kill()
            loader.wait()
        raise
    if loader is not None:
        _, err = loader.communicate()
        if loader.returncode != 0:
            raise OSError(f"loading the on-disk store failed: {err.decode(errors='replace').strip()[-500:]}")
    return counts


def _write_rest(store: ox.Store, out: Path, base: str, prefixes: dict, quads: int) -> dict:
    store.dump(str(out / "dataset.trig"), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    store.dump(str(out / "dataset.jsonld"), format=ox.RdfFormat.JSON_LD, prefixes=prefixes)
    (out / "context.jsonld").write_text(json.dumps({"@context": prefixes}, indent=2, sort_keys=True), encoding="utf-8")
    for g in sorted(store.named_graphs(), key=lambda n: n.value):
        # Read by the graph index and serialised apart: Store.dump(from_graph=...) took 0.24 s a
        # graph at 650 reports, 2.5 minutes for all of them.
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, g)]
        ox.serialize(triples, str(out / "graphs" / graph_file_name(g.value, base)), format=ox.RdfFormat.TURTLE,
                     prefixes=prefixes)
    counts = {"quads": quads}
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
