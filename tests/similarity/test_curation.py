"""Researchers' judgements (corpus curation.csv) applied over any score, kept as provenance."""
import shutil

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from graph_builder.errors import HmicKgError
from graph_builder.extract import parse_file
from graph_builder.iris import DEFAULT_BASE, Minter
from graph_builder.links.curation import read_curation
from graph_builder.links.graph import find_links, links_ntriples
from tests.conftest import CORPUS

M = Minter()
B = "https://w3id.org/hmic-kg/id/"
# Linked by text at 0.216 and labelled a hard negative (labelled_pairs.json): Cheshire 2007 "domestic
# violence is not included in the BCU control strategies" vs West Mercia 2007 "child abuse
# investigation ... nor does it feature specifically in the force control strategy".
LINKED = (B + "finding/cheshire/inspection-2007/protecting-vulnerable-people-domestic-violence/area-for-improvement/2",
          B + "finding/west-mercia/inspection-2007/protecting-vulnerable-people-child-abuse/area-for-improvement/7")
# Not linked (0.06): West Midlands 2006 "no formal abstraction policy for its neighbourhood policing
# teams" vs West Mercia 2018 "does not routinely deploy neighbourhood officers to non-emergency
# incidents ... this does happen, particularly at times of peak demand".
UNLINKED = (B + "finding/west-mercia/peel-2018/effectiveness-q1/detailed-finding/3",
            B + "finding/west-midlands/baseline-2006/neighbourhood-policing-and-problem-solving/area-for-improvement/1")
HEADER = "source,target,judgement,theme,who,date,why\n"


@pytest.fixture(scope="module")
def models():
    return [parse_file(p) for p in sorted(CORPUS.glob("*.txt"))]


def _links(models, curation=()):
    return {(k.source, k.target) for k in find_links(models, DEFAULT_BASE, curation).links}


def test_a_curation_entry_flips_a_link_in_the_next_build(models, tmp_path):
    before = _links(models)
    assert LINKED in before and UNLINKED not in before
    path = tmp_path / "curation.csv"
    path.write_text(HEADER
                    + f"{LINKED[0]},{LINKED[1]},different-issue,,A Researcher,2026-12-01,\"DV vs child abuse, not one issue\"\n"
                    + f"{UNLINKED[0]},{UNLINKED[1]},same-issue,,A Researcher,2026-12-01,abstraction of neighbourhood officers\n")
    curation = read_curation(path)
    after = _links(models, curation)
    assert LINKED not in after and UNLINKED in after
    assert after - {UNLINKED} == before - {LINKED}


def test_the_later_row_is_the_decision(models, tmp_path):
    path = tmp_path / "curation.csv"
    path.write_text(HEADER
                    + f"{LINKED[0]},{LINKED[1]},different-issue,,A,2026-12-01,first thought\n"
                    + f"{LINKED[1]},{LINKED[0]},same-issue,,B,2026-12-02,second thought\n")
    assert LINKED in _links(models, read_curation(path))


def test_judgements_are_kept_as_provenance(models, tmp_path):
    path = tmp_path / "curation.csv"
    path.write_text(HEADER + f"{UNLINKED[0]},{UNLINKED[1]},same-issue,,A Researcher,2026-12-01,same issue\n")
    found = find_links(models, DEFAULT_BASE, read_curation(path))
    g = Graph().parse(data=links_ntriples(found.links, found.followups, found.citations, DEFAULT_BASE, found),
                      format="nt")
    (j,) = g.subjects(RDF.type, M.insp.CurationJudgement)
    assert str(g.value(j, M.insp.judgement)) == "same-issue"
    agent = g.value(j, PROV.wasAttributedTo)
    assert (agent, RDF.type, PROV.Agent) in g
    (link,) = g.subjects(PROV.wasDerivedFrom, j)
    assert g.value(link, M.insp.linkSource) == URIRef(UNLINKED[0])
    # honoured over the score: the shortcut is there although the score is below the threshold
    assert (URIRef(UNLINKED[0]), M.insp.similarTo, URIRef(UNLINKED[1])) in g


@pytest.mark.parametrize("row, message", [
    ("x,y,same-issue,,A,2026-12-01,why\n", "source must be a statement IRI"),
    (f"{LINKED[0]},{LINKED[1]},similar,,A,2026-12-01,why\n", "judgement must be one of"),
    (f"{LINKED[0]},{LINKED[1]},same-issue,,,2026-12-01,why\n", "who and why are required"),
    (f"{LINKED[0]},{LINKED[1]},same-issue,,A,1 Dec,why\n", "date must be YYYY-MM-DD"),
    (f"{LINKED[0]},,wrong-tag,,A,2026-12-01,why\n", "names a theme IRI"),
    (f"{LINKED[0]},{LINKED[1]},same-issue,,A,2026-12-01,why,extra\n", "more fields"),
])
def test_bad_rows_are_refused_with_file_and_line(tmp_path, row, message):
    path = tmp_path / "curation.csv"
    path.write_text(HEADER + row)
    with pytest.raises(HmicKgError, match=f"curation.csv:2: .*{message}"):
        read_curation(path)


def test_a_bad_header_is_refused(tmp_path):
    path = tmp_path / "curation.csv"
    path.write_text("a,b\n")
    with pytest.raises(HmicKgError, match="curation.csv:1: the header"):
        read_curation(path)


def test_the_corpus_curation_file_is_read(tmp_path):
    assert read_curation(CORPUS / "curation.csv")
    shutil.copy(CORPUS / "curation.csv", tmp_path / "curation.csv")
    assert read_curation(tmp_path / "curation.csv") == read_curation(CORPUS / "curation.csv")
    assert read_curation(tmp_path / "missing.csv") == ()
