"""The readable views of recurring issues: a page per theme and the force-by-year matrix."""
import re

B = "https://w3id.org/hmic-kg"


def test_theme_index_lists_the_thesaurus(client):
    r = client.get("/themes/")
    assert r.status_code == 200
    assert 'href="/themes/public-protection"' in r.text and "Missing persons" in r.text


def test_public_protection_page_lists_cheshire_recommendation_3(client):
    # Cheshire 2007, Recommendation 3 (l.1466): "...appropriate awareness of the MAPPA process ...
    # (including risk management and ViSOR)".
    r = client.get("/themes/public-protection")
    assert r.status_code == 200
    assert "Cheshire Constabulary, 2007" in r.text
    assert 'href="/id/recommendation/cheshire/inspection-2007/3"' in r.text
    assert "appropriate awareness of the MAPPA process" in r.text
    # grouped by force and year: each group heading is "Force, year"
    assert re.search(r"<h2>West Mercia Police, 2007</h2>", r.text)


def test_unknown_theme_is_404_and_slug_is_not_injected(client):
    assert client.get("/themes/no-such-theme").status_code == 404
    r = client.get("/themes/%3Cscript%3E")
    assert r.status_code == 404 and "<script>" not in r.text


def test_recurring_matrix_has_forces_by_year_and_a_recurring_theme(client):
    r = client.get("/recurring")
    assert r.status_code == 200
    # Both 2007 reports raise neighbourhood-policing issues as areas for improvement
    # (Cheshire l.554 supervisors' training; West Mercia l.302 onwards), so it recurs across forces.
    assert 'href="/themes/neighbourhood-policing"' in r.text
    assert "Cheshire Constabulary<br>2007" in r.text and "West Mercia Police<br>2007" in r.text
