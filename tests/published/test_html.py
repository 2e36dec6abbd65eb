"""Saved HTML publication pages: the report in <main> is read with html.parser to the same model as
the text; the site around it (navigation, scripts, footer) is not read; bad pages are refused."""
import pytest

from graph_builder.errors import ReportError
from graph_builder.extract import parse_bytes, parse_file
from graph_builder.extract.html_source import html_text, is_html_page

from .conftest import FILES, essence


@pytest.mark.parametrize("name", [f.stem for f in FILES])
def test_the_model_from_the_page_is_the_model_from_the_text(html_corpus, name):
    from_text = parse_file(next(f for f in FILES if f.stem == name))
    from_page = parse_file(html_corpus / f"{name}.html")
    assert essence(from_page) == essence(from_text)
    # The page keeps the running headers the text carries (made from a PDF conversion): same pages.
    assert from_page["report"]["pagination"] == from_text["report"]["pagination"]


def test_the_site_around_the_report_is_not_read(html_corpus):
    text = html_text("p.html", (html_corpus / "west-mercia-2018-peel-effectiveness.html").read_bytes())
    assert "Publications" not in text and "Crown copyright" not in text and "dataLayer" not in text
    assert text.startswith("West Mercia PEEL 2018\n")


def test_blocks_lists_tables_and_entities():
    page = (b"<!doctype html><html><head><title>t</title><style>p{}</style></head><body>"
            b"<nav><a href='/'>Home</a></nav><main><h2>Strengths</h2><p>One &amp; two\n  lines.</p>"
            b"<ul><li>first</li><li>second<ul><li>inner</li></ul></li></ul><ol start='3'><li>three</li><li>four</ol>"
            b"<table><tr><th>Excellent</th><th>Good</th></tr><tr><td>6</td><td></td></tr></table>"
            b"<p>A <b>bold</b> word<br>and a break.<b> </b></p><script>var x='<p>no</p>';</script></main>"
            b"<footer>f</footer></body></html>")
    assert html_text("p.html", page) == ("## Strengths\n\nOne & two lines.\n\n- first\n- second\n  - inner\n\n3. three\n4. four\n\n"
                                         "Excellent\tGood\n6\t\n\nA **bold** word\nand a break.\n")


def test_a_text_conversion_with_a_few_tags_is_still_read_as_text():
    assert not is_html_page(b"HMIC Inspection Report\n<b>Kent Police</b>\n<li>item</li>\n")
    assert is_html_page(b"\xef\xbb\xbf  <!DOCTYPE html>\n<html>")
    assert is_html_page(b"<html lang='en'><body>")


def test_a_page_with_no_report_text_is_refused_naming_the_file():
    with pytest.raises(ReportError, match=r"empty\.html: is a web page with no report text"):
        parse_bytes("empty.html", b"<!doctype html><html><body><nav>menu</nav><script>x()</script></body></html>")


def test_a_page_not_in_utf8_is_refused_naming_the_file_and_line():
    with pytest.raises(ReportError, match=r"latin\.html:2: is a web page that is not valid UTF-8"):
        parse_bytes("latin.html", b"<!doctype html>\n<html><main><p>caf\xe9</p></main></html>")


def test_deeply_nested_markup_is_read_without_recursion():
    page = b"<!doctype html><html><main>" + b"<div>" * 100_000 + b"<p>Deep.</p>" + b"</div>" * 100_000 + b"</main></html>"
    assert html_text("deep.html", page) == "Deep.\n"


def test_stray_end_tags_under_deep_nesting_stay_linear():
    import time
    page = b"<!doctype html><html><main>" + b"<div>" * 50_000 + b"</span>" * 50_000 + b"<p>Deep.</p></main></html>"
    t0 = time.process_time()
    assert html_text("stray.html", page) == "Deep.\n"
    # Quadratic would be 2.5e9 steps (minutes); linear is well under a second even on a loaded host.
    assert time.process_time() - t0 < 20
