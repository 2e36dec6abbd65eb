"""Full-text search: the build's index answers as a substring scan of the texts would, ranked and
highlighted; hostile or mistaken search text is a 400, never a 500 and never SQL."""
from __future__ import annotations

import random
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Store

from service.app import create_app
from service.config import Settings
from service.search import MARK_END, MARK_START, SearchIndex, Term, parse, to_fts5

B = "https://w3id.org/hmic-kg"
STATEMENT_KINDS = {f"{B}/def/inspection/{k}" for k in (
    "Strength", "WorkInProgress", "AreaForImprovement", "CauseOfConcern", "Recommendation",
    "GoodPracticeExample", "ForceFact", "PriorGradeCitation")}


@pytest.fixture(scope="module")
def texts(built) -> dict[str, str]:
    """Every statement's text, read from the store (not from the index)."""
    store = Store.read_only(str(built / "store"))
    kinds = " ".join(f"<{k}>" for k in STATEMENT_KINDS)
    query = (f"SELECT ?s ?t WHERE {{ VALUES ?k {{ {kinds} }} ?s a ?k ; <{B}/def/inspection/text> ?t }}")
    out = {sol["s"].value: sol["t"].value for sol in store.query(query, use_default_graph_as_union=True)}
    del store
    return out


@pytest.fixture(scope="module")
def index(built) -> SearchIndex:
    return SearchIndex(built / "search.sqlite")


def found(index: SearchIndex, text: str) -> set[str]:
    """Statements the index finds for text (all pages; glossary terms and themes left out)."""
    rows, total = index.search(text, 100_000, 0)
    assert len(rows) == total
    return {r["item"] for r in rows if r["kind"] in STATEMENT_KINDS}


def scan(texts: dict[str, str], phrase: str) -> set[str]:
    return {s for s, t in texts.items() if phrase.lower() in t.lower()}


def phrases(texts: dict[str, str], n: int, seed: int, words: bool) -> list[str]:
    """n phrases cut from the statement texts: whole words (1-5 of them) or any characters."""
    rng = random.Random(seed)
    subjects = sorted(texts)
    out = []
    while len(out) < n:
        t = texts[rng.choice(subjects)]
        if words:
            starts = [0] + [i + 1 for i, c in enumerate(t) if c == " "]
            i = rng.randrange(len(starts))
            j = min(len(starts) - 1, i + rng.randint(1, 5))
            p = t[starts[i]:starts[j] - 1 if j > i else len(t)].strip()
        else:
            i = rng.randrange(len(t))
            p = t[i:i + rng.randint(3, 25)]
        if len(p.strip()) >= 3 and '"' not in p:
            out.append(p)
    return out


@pytest.mark.parametrize("words", [True, False], ids=["word-phrases", "character-phrases"])
def test_phrase_search_equals_a_substring_scan(index, texts, words):
    checked = 0
    for p in phrases(texts, 300, seed=5 if words else 6, words=words):
        expected = scan(texts, p)
        assert found(index, f'"{p}"') == expected, p
        checked += len(expected)
    assert checked > 300  # the phrases are found, not only absent


def test_words_operators_equal_their_set_algebra(index, texts):
    rng = random.Random(8)
    words = sorted({w for t in texts.values() for w in t.split() if len(w) >= 4 and '"' not in w
                    and not w.startswith("-") and w not in ("AND", "OR")})
    for _ in range(60):
        a, b = rng.choice(words), rng.choice(words)
        assert found(index, f"{a} {b}") == scan(texts, a) & scan(texts, b), (a, b)
        assert found(index, f"{a} OR {b}") == scan(texts, a) | scan(texts, b), (a, b)
        assert found(index, f"{a} -{b}") == scan(texts, a) - scan(texts, b), (a, b)


def test_climbie_audit_by_hand(client):
    # West Midlands 2006 l.775 "a previous Climbié audit", l.776 "annual Climbié audits",
    # l.820 "a Climbié audit in 2004"; the phrase with the capital C matches case-insensitively.
    r = client.get("/queries/search", params={"text": '"climbié AUDIT"'})
    assert r.status_code == 200
    got = r.json()["results"]["bindings"]
    assert sorted(int(b["line"]["value"]) for b in got) == [775, 776, 820]
    for b in got:
        assert f"{MARK_START}Climbié audit{MARK_END}" in b["snippet"]["value"]
        assert b["item"]["value"].startswith(f"{B}/id/finding/west-midlands/baseline-2006/")
        assert b["forceLabel"]["value"] == "West Midlands Police" and b["year"]["value"] == "2006"
    # Ranked: scores never rise down the page.
    scores = [float(b["score"]["value"]) for b in got]
    assert scores == sorted(scores, reverse=True)


def test_glossary_and_themes_are_searched(client):
    # Cheshire l.1759: "ViSOR Violent and Sex Offenders Register"; the glossary term is found by
    # its abbreviation (title) and by its expansion (body).
    for text in ("visor", '"sex offenders register"'):
        got = client.get("/queries/search", params={"text": text, "limit": 1000}).json()
        kinds = {b["kindLabel"]["value"] for b in got["results"]["bindings"]}
        assert "Glossary term" in kinds, text


def test_translation_quotes_every_user_term():
    assert to_fts5(parse('police "stop and search" OR s60 -NEAR')) == \
        '(("police") AND ("stop and search" OR "s60")) NOT "NEAR"'
    # A term holding a quote cannot come out of parse, but would be doubled, as FTS5 escapes it.
    assert to_fts5([[Term('a"b', False)]]) == '(("a""b"))'
    assert to_fts5(parse('col:umn^ abc* (xy yz)')) == '(("col:umn^") AND ("abc*") AND ("(xy") AND ("yz)"))'


@pytest.mark.parametrize("text, says", [
    ('"unclosed phrase', "not closed"),
    ("OR police", "needs a term before it"),
    ("police OR", "needs a term after it"),
    ("police OR OR crime", "needs a term before it"),
    ("-police", "at least one term that is not negated"),
    ("police OR -crime", "negated term cannot be part of OR"),
    ("uk", "shorter than 3 characters"),
    ('"ab"', "shorter than 3 characters"),
    ("   ", "is required"),
    ("x" * 501, "at most 500"),
    ("a\x00bcd", "NUL"),
    (" ".join(["word"] * 17), "more than 16 terms"),
])
def test_bad_search_text_is_400_with_a_message(client, text, says):
    r = client.get("/queries/search", params={"text": text})
    assert r.status_code == 400, r.text
    assert says in r.json()["detail"]


HOSTILE = ["'; DROP TABLE item; --", "')) OR 1=1 --", "NEAR(police crime)", "police*", "body:police",
           "^police", '"police" AND "crime"', "text MATCH 'x'", "{body title}: police", "\\u0000abc",
           "%%%", "___", "é́́́", "🚓🚓🚓", "-- -", '""""', "\\", "(((", "police NOT crime",
           "police AND", "* * *", "\x01\x02\x03", "\ud7ff\ue000\ufffd"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_is_answered_or_refused_never_failed(client, text):
    r = client.get("/queries/search", params={"text": text})
    assert r.status_code in (200, 400), r.text
    if r.status_code == 400:
        assert r.json()["detail"]


@pytest.mark.parametrize("text", [
    "';; DROP TABLE item; ---x", "NEAR(police crime)", "police*", "body:police", "^police",
    '"police" AND "crime"', "text MATCH 'xyz'", "{body title}: police", "\\u0000abc",
    "%%%", "___", "é́́́", "🚓🚓🚓",
])
def test_fts5_syntax_in_user_text_is_only_text(client, index, texts, text):
    r = client.get("/queries/search", params={"text": text, "limit": 1000})
    assert r.status_code == 200, r.text
    # Taken literally, as words: the answer is what a substring scan finds.
    got = {b["item"]["value"] for b in r.json()["results"]["bindings"]} & set(texts)
    terms = [t for g in parse(text) for t in g]
    expected = set(texts)
    for t in terms:
        expected &= scan(texts, t.text)
    assert got == expected
    assert index.search("force", 1, 0)[1] > 0  # the index is intact


def test_a_build_without_an_index_searches_the_graph_as_a_phrase(built, queries_dir, tmp_path):
    old = tmp_path / "old-build"
    shutil.copytree(built, old, ignore=shutil.ignore_patterns("search.sqlite", "cache"))
    settings = Settings(data_dir=old, queries_dir=queries_dir, workers=1, warm=False)
    with TestClient(create_app(settings)) as c:
        r = c.get("/queries/search", params={"text": "climbié audit"})
        assert r.status_code == 200, r.text
        assert sorted(int(b["line"]["value"]) for b in r.json()["results"]["bindings"]) == [775, 776, 820]
        assert r.json()["total"] == 3


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        self.requests = 0


class _RecordingHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.server.requests += 1
        self.send_response(500)
        self.end_headers()


def test_search_with_an_external_store_reads_the_builds_index(built_dir, queries_dir):
    store = _Recorder()
    thread = threading.Thread(target=store.serve_forever, daemon=True)
    thread.start()
    try:
        settings = Settings(data_dir=built_dir, queries_dir=queries_dir, store_url=
                            f"http://127.0.0.1:{store.server_address[1]}/sparql", workers=1, warm=False)
        with TestClient(create_app(settings)) as c:
            r = c.get("/queries/search", params={"text": '"Climbié audit"'})
            assert r.status_code == 200, r.text
            assert r.json()["total"] == 3
        assert store.requests == 0  # answered from --data's search.sqlite, not by the store
    finally:
        store.shutdown()
        store.server_close()


def test_search_box_links_results_to_their_pages(client):
    r = client.get("/search", params={"text": '"climbié audit"'})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.count("<mark>Climbié audit</mark>") == 3
    assert "3 matches, 1–3 shown" in r.text
    path = "/id/finding/west-midlands/baseline-2006/protecting-vulnerable-people/area-for-improvement/3"
    assert f'href="{path}"' in r.text
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Climbié audit" in page.text


def test_search_box_pages_and_escapes(client):
    r = client.get("/search", params={"text": "force", "limit": 5})
    assert 'rel="next"' in r.text and 'rel="prev"' not in r.text
    r = client.get("/search", params={"text": "force", "limit": 5, "offset": 5})
    assert 'rel="prev"' in r.text
    r = client.get("/search", params={"text": '<script>alert(1)</script>'})
    assert r.status_code == 200 and "<script>alert(1)" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    r = client.get("/search", params={"text": '"unclosed'})
    assert r.status_code == 400 and "is not closed" in r.text
    assert client.get("/search").status_code == 200  # the empty box
