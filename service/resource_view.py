"""What a resource page shows, built from the rows of the service's own lookups: labels instead of
raw IRIs, local links for this dataset's IRIs, and the quoted source text behind each statement."""
from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from .sparql_guard import where_group_start

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
INSP_PATH = "/def/inspection/"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"

# Label properties in order of preference.
LABEL_PROPS = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title",
               "http://xmlns.com/foaf/0.1/name", SKOS + "altLabel")


CITATION = "http://purl.org/dc/terms/bibliographicCitation"


def lookup_queries(insp: str) -> dict[str, str]:
    """The lookups for one resource; ?this is bound by a VALUES block the caller adds."""
    return {
        "out": "SELECT ?p ?o ?g WHERE { GRAPH ?g { ?this ?p ?o } } LIMIT 5000",
        "in": "SELECT DISTINCT ?s ?p WHERE { GRAPH ?g { ?s ?p ?this } } LIMIT 501",
        "spans": ("SELECT ?sp ?exact ?first ?last ?first_page ?last_page WHERE { ?this <" + insp + "sourceSpan> ?sp . "
                  "?sp <" + OA + "hasSelector> ?sel . ?sel <" + OA + "exact> ?exact . "
                  "OPTIONAL { ?sp <" + insp + "firstLine> ?first } "
                  "OPTIONAL { ?sp <" + insp + "lastLine> ?last } "
                  "OPTIONAL { ?sp <" + insp + "firstPage> ?first_page } "
                  "OPTIONAL { ?sp <" + insp + "lastPage> ?last_page } } ORDER BY ?sp"),
        "graph": "ASK { GRAPH ?this { ?s ?p ?o } }",
        "members": ("SELECT DISTINCT ?s ?type WHERE { GRAPH ?this { ?s a ?type } } "
                    "ORDER BY ?type ?s LIMIT 1001"),
        # Why a similarity link or a follow-up exists: its two statements, the link's score and
        # method, the evidence sentences and shared words, and any researcher's judgement.
        "why": ("SELECT ?src ?tgt ?link ?lsrc ?score ?method ?ssent ?tsent ?sscore ?terms ?basis "
                "?srcText ?tgtText ?verdict ?who ?why WHERE { "
                "{ ?this <" + insp + "linkSource> ?src ; <" + insp + "linkTarget> ?tgt . BIND(?this AS ?link) } "
                "UNION { ?this <" + insp + "followUpOf> ?src ; <" + insp + "followUpBy> ?tgt . "
                "OPTIONAL { ?this <" + insp + "basis> ?basis } "
                "OPTIONAL { ?link <" + insp + "linkSource> ?src ; <" + insp + "linkTarget> ?tgt } "
                "OPTIONAL { ?link <" + insp + "linkSource> ?tgt ; <" + insp + "linkTarget> ?src } } "
                "OPTIONAL { ?link <" + insp + "linkSource> ?lsrc } "
                "OPTIONAL { ?link <" + insp + "similarityScore> ?score } "
                "OPTIONAL { ?link <" + insp + "similarityMethod>/<" + SKOS + "prefLabel> ?method } "
                "OPTIONAL { ?link <" + insp + "sourceSentence> ?ssent } "
                "OPTIONAL { ?link <" + insp + "targetSentence> ?tsent } "
                "OPTIONAL { ?link <" + insp + "sentenceScore> ?sscore } "
                "OPTIONAL { ?link <" + insp + "sharedTerms> ?terms } "
                "OPTIONAL { ?src <" + insp + "text> ?srcText } OPTIONAL { ?tgt <" + insp + "text> ?tgtText } "
                "OPTIONAL { ?link <" + PROV + "wasDerivedFrom> ?j . ?j <" + insp + "judgement> ?verdict . "
                "OPTIONAL { ?j <" + RDFS + "comment> ?why } "
                "OPTIONAL { ?j <" + PROV + "wasAttributedTo>/<" + RDFS + "label> ?who } } "
                "} LIMIT 1"),
    }


def with_this(query: str, iri: str) -> str:
    """Binds ?this to iri; str(NamedNode) is pyoxigraph's own escaped N-Triples form."""
    term = str(NamedNode(iri))
    try:
        at = where_group_start(query)
    except ValueError:
        at = query.index("{") + 1
    return f"{query[:at]} VALUES ?this {{ {term} }} {query[at:]}"


def rdf_query(insp: str, is_graph: bool) -> str:
    """The RDF served for a resource: its statements with their source spans, or a graph's content."""
    if is_graph:
        return "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?this { ?s ?p ?o } }"
    return ("CONSTRUCT { ?this ?p ?o . ?sp ?spp ?spo . ?sel ?selp ?selo } WHERE { "
            "{ ?this ?p ?o } UNION { ?this <" + insp + "sourceSpan> ?sp . ?sp ?spp ?spo } UNION "
            "{ ?this <" + insp + "sourceSpan> ?sp2 . ?sp2 <" + OA + "hasSelector> ?sel . "
            "?sel ?selp ?selo } }")


def labels_query(iris: list[str]) -> str:
    values = " ".join(str(NamedNode(i)) for i in iris)
    props = " ".join(f"<{p}>" for p in LABEL_PROPS)
    return (f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {props} }} "
            "?x ?p ?l }")


def best_labels(rows: list[dict]) -> dict[str, str]:
    ranked: dict[str, tuple[int, str]] = {}
    for row in rows:
        x, p, lit = row["x"][1], row["p"][1], row["l"]
        if lit is None or lit[0] != "literal":
            continue
        lang = lit[3] or ""
        rank = LABEL_PROPS.index(p) * 3 + (0 if lang.startswith("en") else 1 if not lang else 2)
        if x not in ranked or rank < ranked[x][0]:
            ranked[x] = (rank, lit[1])
    return {x: label for x, (_, label) in ranked.items()}


@dataclass
class Link:
    iri: str
    label: str
    href: str | None  # None: shown as text (not a web link we are willing to emit)
    local: bool


@dataclass
class Value:
    link: Link | None = None
    text: str | None = None
    lang: str | None = None
    datatype: Link | None = None


@dataclass
class ResourceView:
    iri: str
    label: str
    types: list[Link] = field(default_factory=list)
    properties: list[tuple[Link, list[Value]]] = field(default_factory=list)
    incoming: list[tuple[Link, Link]] = field(default_factory=list)
    incoming_truncated: bool = False
    quotes: list[dict] = field(default_factory=list)
    graphs: list[Link] = field(default_factory=list)
    is_graph: bool = False
    members: list[tuple[Link, Link]] = field(default_factory=list)
    members_truncated: bool = False
    citation: str | None = None   # the ready citation (dcterms:bibliographicCitation), shown as "Cite as"
    why: dict | None = None


def fallback_label(iri: str) -> str:
    tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail.replace("-", " ") or iri


def local_label(path: str) -> str:
    """A readable stand-in for one of our IRIs without a label: its path, e.g.
    'finding: west-mercia / inspection-2007 / performance-management / strength / 11'."""
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] in ("id", "data", "def", "graph"):
        parts = parts[1:]
    if parts and parts[0] == "inspection" and len(parts) == 2:
        return parts[1]  # ontology terms read best as their own names
    if len(parts) < 2:
        return " / ".join(parts) or path
    return f"{parts[0]}: {' / '.join(parts[1:])}"


class Linker:
    def __init__(self, base: str, labels: dict[str, str]):
        self.base = base
        self.labels = labels

    def link(self, iri: str) -> Link:
        local = iri.startswith(self.base + "/")
        label = self.labels.get(iri) or (local_label(iri[len(self.base):]) if local
                                         else fallback_label(iri))
        if local:
            return Link(iri, label, iri[len(self.base):], True)
        # Only web links become hrefs: a javascript: or data: IRI in hostile data stays text.
        href = iri if iri.startswith(("http://", "https://")) else None
        return Link(iri, label, href, False)


def iris_in(results: dict) -> set[str]:
    found = set()
    for key in ("out", "in", "members", "why"):
        for row in results.get(key) or []:
            for term in row.values():
                if term and term[0] == "iri":
                    found.add(term[1])
                if term and term[0] == "literal" and term[2]:
                    found.add(term[2])
    return found


def build_view(iri: str, base: str, results: dict, labels: dict[str, str]) -> ResourceView:
    linker = Linker(base, labels)
    view = ResourceView(iri=iri, label=linker.link(iri).label)
    by_pred: dict[str, list[Value]] = {}
    graphs: list[str] = []
    for row in results["out"]:
        p, o, g = row["p"][1], row["o"], row["g"]
        if g and g[0] == "iri" and g[1] not in graphs:
            graphs.append(g[1])
        if p == RDF_TYPE and o[0] == "iri":
            if all(t.iri != o[1] for t in view.types):
                view.types.append(linker.link(o[1]))
            continue
        values = by_pred.setdefault(p, [])
        if o[0] == "iri":
            value = Value(link=linker.link(o[1]))
        elif o[0] == "literal":
            dt = o[2]
            plain = dt in (None, "http://www.w3.org/2001/XMLSchema#string",
                           "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
            value = Value(text=o[1], lang=o[3], datatype=None if plain else linker.link(dt))
        else:
            value = Value(text=f"_:{o[1]}")
        if value not in values:
            values.append(value)
    cites = by_pred.get(CITATION) or []
    view.citation = cites[0].text if cites else None
    view.properties = sorted(((linker.link(p), vals) for p, vals in by_pred.items()),
                             key=lambda item: item[0].label.lower())
    incoming = results["in"]
    view.incoming_truncated = len(incoming) > 500
    view.incoming = sorted(((linker.link(r["s"][1]), linker.link(r["p"][1]))
                            for r in incoming[:500] if r["s"][0] == "iri"),
                           key=lambda pair: (pair[1].label.lower(), pair[0].label.lower()))
    view.quotes = [{"text": r["exact"][1],
                    "first": r["first"][1] if r.get("first") else None,
                    "last": r["last"][1] if r.get("last") else None,
                    "first_page": r["first_page"][1] if r.get("first_page") else None,
                    "last_page": r["last_page"][1] if r.get("last_page") else None,
                    "span": linker.link(r["sp"][1])} for r in results["spans"]]
    view.graphs = [linker.link(g) for g in graphs]
    view.is_graph = bool(results.get("graph"))
    members = results.get("members") or []
    view.members_truncated = len(members) > 1000
    view.members = [(linker.link(r["s"][1]), linker.link(r["type"][1]))
                    for r in members[:1000] if r["s"][0] == "iri"]
    why = results.get("why") or []
    if why:
        view.why = explain(why[0], linker)
    return view


def _value(row: dict, key: str) -> str | None:
    term = row.get(key)
    return term[1] if term else None


def _marked(text: str | None, sentence: str | None) -> dict:
    """A statement's text cut around its evidence sentence, so the page can mark the sentence
    (the template escapes every part)."""
    text = text or ""
    at = text.find(sentence) if sentence else -1
    if at < 0:
        return {"before": text, "sentence": "", "after": "", "evidence": sentence or ""}
    return {"before": text[:at], "sentence": sentence, "after": text[at + len(sentence):],
            "evidence": sentence}


def explain(row: dict, linker: Linker) -> dict:
    """The 'why' panel of a link or follow-up page: both statements side by side with the
    evidence sentence of each marked, the score components and any judgement."""
    src, tgt = _value(row, "src"), _value(row, "tgt")
    ssent, tsent = _value(row, "ssent"), _value(row, "tsent")
    if _value(row, "lsrc") not in (None, src):  # a follow-up whose link runs the other way
        ssent, tsent = tsent, ssent
    return {
        "left": {"link": linker.link(src), **_marked(_value(row, "srcText"), ssent)},
        "right": {"link": linker.link(tgt), **_marked(_value(row, "tgtText"), tsent)},
        "link": linker.link(_value(row, "link")) if _value(row, "link") else None,
        "score": _value(row, "score"), "sentence_score": _value(row, "sscore"),
        "method": _value(row, "method"), "terms": _value(row, "terms"), "basis": _value(row, "basis"),
        "verdict": _value(row, "verdict"), "who": _value(row, "who"), "why": _value(row, "why"),
    }
