"""No personal data in anything the corpus build publishes (docs/personal-data.md): every file of
the build directory and every literal of the store is scanned for phone numbers, e-mail addresses
and the names found in the corpus by reading it; the masked texts still carry every quotation."""
import hashlib
import re
import sqlite3

import pyoxigraph as ox
import pytest

from graph_builder.extract.personal_data import MASK
from tests.conftest import CORPUS

OA = "http://www.w3.org/ns/oa#"
INSP = "https://w3id.org/hmic-kg/def/inspection/"

# Found by reading the corpus (docs/personal-data.md lists where): each must be gone everywhere.
NAMES = ["Jez Taylor", "Brian Simmons", "Alison McCausland", "McCausland", "Mark Smith", "Jo Nurse",
         "J Tozer", "Tozer", "Martin Lakeman", "Lakeman", "Felicity Gibling", "Felicity Gibbling",
         "Gibling", "Gibbling", "e.thompson"]
NUMBERS = ["01244 614572", "01244 612092", "01244 614826", "01905 331985", "01905 338819",
           "01905 338881", "07866 529846", "01905 747062", "0845 113 5000", "7800 2383", "614572",
           "612092", "614826", "331985", "338819", "338881", "529846", "747062", "481 Alison"]
# Written independently of the masking module's patterns: a UK number in any grouping, an address.
PHONE = re.compile(r"(?<![\w.,/-])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[ -]?\d{2,8}){1,3}(?![\w.,/-]?\d)")
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# Kept on purpose: the force's chief officers and police authority office holders as the public
# narrative names them, and the rank and role printed beside a masked contact.
KEPT = ["Paul Scott-Lee", "Chris Sims", "Councillor Diana Holl-Allen", "Lord Laming",
        "Sergeant ███ ██████, PCSO Project Manager – █████ ██████",
        "Assistant Chief Officer █████ ███████ – █████ ██████",
        "Detective Constable ███ ██████ ██████████ – █████ ██████",
        "Tel: ████ ███ ████ ext ████ ████", "Dr ████████ ███████"]


def _phones(text: str) -> list[str]:
    found = []
    for m in PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits.removeprefix("44")) >= 10:
            found.append(m.group())
    return found


def _leaks(text: str) -> list[str]:
    return ([n for n in NAMES + NUMBERS if n in text] + _phones(text) + EMAIL.findall(text))


def _text_files(built):
    for p in sorted(built.rglob("*")):
        if p.is_file() and "store" not in p.relative_to(built).parts:
            yield p


def _read(p) -> str:
    """A file's text; the full-text index (SQLite, binary) as every text value in it."""
    if p.suffix == ".sqlite":
        db = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            return "\n".join(str(v) for table in ("item", "text")
                             for row in db.execute(f"SELECT * FROM {table}") for v in row)
        finally:
            db.close()
    return p.read_text(encoding="utf-8")


def test_no_file_of_the_build_holds_a_phone_number_an_address_or_a_name(built):
    scanned = 0
    for p in _text_files(built):
        text = _read(p)
        # JSON and N-Triples may escape a character as \uXXXX: scanned as read and unescaped.
        text += "\n" + re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        assert not _leaks(text), f"{p.relative_to(built)}: {_leaks(text)[:5]}"
        scanned += 1
    names = {p.relative_to(built).as_posix() for p in _text_files(built)}
    assert {"exports/dataset.nq", "exports/dataset.trig", "exports/dataset.jsonld",
            "exports/csv/good_practice.csv", "exports/csv/findings.csv", "build.json",
            "search.sqlite"} <= names
    assert sum(n.startswith("texts/") for n in names) == 4 and any(n.startswith("cache/") for n in names)
    assert scanned == len(names)


def test_no_literal_in_the_store_holds_a_phone_number_an_address_or_a_name(built):
    store = ox.Store.read_only(str(built / "store"))
    literals = [row["o"].value for row in store.query(
        "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER isLiteral(?o) } }")]
    assert len(literals) > 5000
    leaks = [(lit[:80], _leaks(lit)) for lit in literals if _leaks(lit)]
    assert not leaks
    contents = [row["t"].value for row in store.query(
        f"SELECT ?t WHERE {{ GRAPH ?g {{ ?x <{INSP}content> ?t }} }}")]
    assert len(contents) == 4 and sum(c.count(MASK) for c in contents) > 300
    for kept in KEPT:
        assert any(kept in c for c in contents), kept


def test_the_masked_check_itself_finds_the_corpus_personal_data():
    # The scan above proves nothing if it cannot see what it looks for in the unmasked corpus.
    raw = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    assert len(_phones(raw)) == 11 and len(EMAIL.findall(raw)) == 6
    assert all(n in raw for n in NAMES + NUMBERS)


@pytest.fixture(scope="module")
def stored(built):
    store = ox.Store.read_only(str(built / "store"))
    texts = {row["sha"].value: row["t"].value for row in store.query(
        f"SELECT ?sha ?t WHERE {{ GRAPH ?g {{ ?x <{INSP}sha256> ?sha ; <{INSP}content> ?t }} }}")}
    return store, texts


def test_every_quote_is_the_stored_text_at_its_offsets(stored):
    store, texts = stored
    q = f"""SELECT ?sha ?start ?end ?exact WHERE {{ GRAPH ?g {{
              ?span <{OA}hasSource> ?t ; <{OA}hasSelector> ?p , ?q .
              ?t <{INSP}sha256> ?sha . ?p <{OA}start> ?start ; <{OA}end> ?end . ?q <{OA}exact> ?exact }} }}"""
    n = masked = 0
    for row in store.query(q):
        text = texts[row["sha"].value]
        exact = row["exact"].value
        assert text[int(row["start"].value):int(row["end"].value)] == exact
        n += 1
        masked += MASK in exact
    assert n > 1000 and masked >= 9   # the quotes of the good-practice boxes and two findings


def test_stored_texts_are_the_corpus_texts_masked_same_length_and_named_by_their_hash(built, stored):
    _, texts = stored
    originals = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    for sha, text in texts.items():
        assert hashlib.sha256(text.encode()).hexdigest() == sha
        assert (built / "texts" / f"{sha}.txt").read_text(encoding="utf-8") == text
        same = [o for o in originals if len(o) == len(text)
                and all(a == b or (b == MASK and not a.isspace()) for a, b in zip(o, text))]
        assert len(same) == 1
