"""Ready-made citations: a report as a researcher cites it, and a statement with its page.

"HMIC, HMIC Inspection Report Cheshire Constabulary, October 2007, p. 12". Publisher, title and
date come from the corpus manifest's description of the published document where it gives them,
else from the text; the page from the statement's spans where the text shows pages
(extract/pages.py). A report without page evidence (a web page) is cited without a page.
"""
from __future__ import annotations

from graph_builder.extract.pages import page_label

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
# rdflib's DCTERMS.format is str.format on the namespace object, not the term.
DCTERMS_FORMAT = "http://purl.org/dc/terms/format"
PUBLISHER = {"baseline-assessment": "HMIC", "inspection-2007": "HMIC", "peel": "HMICFRS"}


def _date(issued: str | None, year: int | None) -> str | None:
    if issued and len(issued) >= 7 and issued[5:7].isdigit() and 1 <= int(issued[5:7]) <= 12:
        return f"{MONTHS[int(issued[5:7]) - 1]} {issued[:4]}"
    if issued and issued[:4].isdigit():
        return issued[:4]
    return str(year) if year else None


def report_citation(report: dict) -> str:
    src = report.get("published_source") or {}
    parts = [src.get("publisher") or PUBLISHER.get(report["family"], "HMIC"),
             src.get("title") or report.get("title") or "inspection report",
             _date(src.get("issued") or report.get("published"), report.get("year"))]
    return ", ".join(p for p in parts if p)


def pages_of(locations: list[dict]) -> str | None:
    """'p. 4', 'pp. 4–5', or for a statement printed in two places 'pp. 4, 30–31'."""
    spans = sorted({(loc["page"], loc.get("last_page", loc["page"])) for loc in locations if loc.get("page")})
    if not spans:
        return None
    if len(spans) == 1:
        return page_label(*spans[0])
    return "pp. " + ", ".join(str(a) if a == b else f"{a}\u2013{b}" for a, b in spans)


def statement_citation(report: dict, locations: list[dict]) -> str:
    pages = pages_of(locations)
    return report_citation(report) + (f", {pages}" if pages else "")


def describe_source(g, rep, report: dict, insp) -> None:
    """The published document on the report node: its citation, address, format, ISBN, pages."""
    from rdflib import Literal, URIRef

    from graph_builder.iris import DCTERMS, SDO, XSD
    g.add((rep, DCTERMS.bibliographicCitation, Literal(report_citation(report))))
    src = report.get("published_source") or {}
    if src.get("url"):
        g.add((rep, DCTERMS.source, URIRef(src["url"])))
        g.add((rep, SDO.url, URIRef(src["url"])))
    if src.get("format"):
        g.add((rep, URIRef(DCTERMS_FORMAT), Literal(src["format"])))
    if src.get("description"):
        g.add((rep, DCTERMS.description, Literal(src["description"])))
    for isbn in report.get("isbns", []):
        g.add((rep, SDO.isbn, Literal(isbn)))
    pag = report.get("pagination")
    if pag:
        g.add((rep, SDO.numberOfPages, Literal(pag["pages"], datatype=XSD.integer)))
        g.add((rep, insp.pagesCountedFrom, Literal(pag["counted_from"])))
