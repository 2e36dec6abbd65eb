"""A statement's page says how to cite it and on which page of the published report it stands."""
import html

from .test_linked_data import page

# Cheshire 2007, the first area for improvement of Neighbourhood Policing, text line 484. Counted by
# hand: the running header "October 2007" stands alone on lines 8 (the cover's date), 14 (under the
# running title on line 12: page 2), 85, 111, 140, 213, 262, 294, 316, 338, 362, 386, 408, 432, 454
# and 474, the last before line 484: page 16.
FINDING = "/id/finding/cheshire/inspection-2007/neighbourhood-policing/area-for-improvement/1"


def test_statement_page_shows_its_citation_and_page(client):
    text = html.unescape(page(client, FINDING))
    assert ('Cite as: <cite>HM Inspectorate of Constabulary (HMIC), HMIC Inspection Report: Cheshire '
            'Constabulary, October 2007, p. 16</cite>') in text
    assert "Page 16 of the published report; report text lines 484" in text


def test_a_statement_without_page_evidence_is_cited_without_a_page(client):
    text = html.unescape(page(client, "/data/judgement/inspection-2007/west-mercia/performance-management"))
    assert "Cite as: <cite>HM Inspectorate of Constabulary (HMIC), HMIC Inspection Report: West Mercia " \
           "Constabulary, October 2007</cite>" in text
    assert "of the published report" not in text
