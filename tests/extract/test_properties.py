"""Noise the PDF conversions carry must not change the extracted model."""
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_builder.extract import parse_bytes
from tests.conftest import CORPUS

FILES = sorted(CORPUS.glob("*.txt"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in FILES}
BASE = {name: parse_bytes(name, t.encode()) for name, t in TEXTS.items()}


def essence(model: dict) -> dict:
    """The model without positions and page counts, which noise (page headers) legitimately moves."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items()
                    if k not in ("location", "locations", "sha256", "characters", "lines", "source", "warnings",
                                 "pagination")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(model)


def boundaries(text: str) -> list[int]:
    """Offsets between paragraphs (a blank line before, or every line in one-line-per-paragraph texts)."""
    lines = text.split("\n")
    blank_mode = sum(1 for ln in lines if not ln.strip()) > 0.1 * len(lines)
    out, pos = [], 0
    for i, ln in enumerate(lines):
        if i and (not blank_mode or not lines[i - 1].strip()):
            out.append(pos)
        pos += len(ln) + 1
    return out


def noise_for(name: str) -> list[str]:
    """A report's running header is its own month; page numbers and blank lines can fall anywhere."""
    month = re.search(r"(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}",
                      TEXTS[name][:600])
    own = [month.group(0), f"*{month.group(0)}*"] if month else []
    return own + ["Page 12 of 40", "17", ""]
BULLETS = {"-", "\u2013", "\u2014", "\u2022", "*", "\u25aa"}
COMMON = dict(max_examples=int(__import__("os").environ.get("HMIC_KG_EXAMPLES", "12")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(**COMMON)
@given(name=st.sampled_from(sorted(TEXTS)), data=st.data())
def test_inserting_page_headers_and_blank_lines_changes_nothing(name, data):
    text = TEXTS[name]
    points = data.draw(st.lists(st.sampled_from(boundaries(text)), min_size=1, max_size=8, unique=True))
    noise = data.draw(st.lists(st.sampled_from(noise_for(name)), min_size=len(points), max_size=len(points)))
    out = text
    for pos, n in sorted(zip(points, noise), reverse=True):
        out = out[:pos] + (n + "\n" if n else "\n") + out[pos:]
    assert essence(parse_bytes(name, out.encode())) == essence(BASE[name])


@settings(**COMMON)
@given(name=st.sampled_from([n for n in sorted(TEXTS) if "peel" not in n]), width=st.integers(40, 120),
       data=st.data())
def test_rewrapping_paragraphs_changes_nothing(name, width, data):
    """Re-wrap a sample of long plain paragraphs at a random width (texts with blank-line paragraphs;
    one-line-per-paragraph web text has no wrap to tell from a paragraph break)."""
    lines = TEXTS[name].split("\n")
    long = [i for i, ln in enumerate(lines) if len(ln) > width + 20 and "\t" not in ln and not ln.lstrip().startswith(("#", "<", "*"))]
    chosen = set(data.draw(st.lists(st.sampled_from(long), min_size=1, max_size=20, unique=True)))
    out = []
    for i, ln in enumerate(lines):
        if i not in chosen:
            out.append(ln)
            continue
        # The line's indent stays (a nested bullet re-wrapped is still nested).
        indent = ln[:len(ln) - len(ln.lstrip(" "))]
        words, cur = ln.lstrip(" ").split(" "), indent
        wrapped = []
        for w in words:
            # A line may not begin with a dash: "post\n– covering DV" reads as a new bullet to a
            # person as well as to the extractor (found at width 87 in west-mercia-2007, line 598).
            if cur.strip() and len(cur) + 1 + len(w) > width and w not in BULLETS:
                wrapped.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}" if cur.strip() else cur + w
        wrapped.append(cur)
        out.append("\n".join(wrapped))
    assert essence(parse_bytes(name, "\n".join(out).encode())) == essence(BASE[name])


def strip_markup(text: str) -> str:
    text = re.sub(r"</?(?:b|p|ul|li|i)\b[^>]*>", "", text)
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.MULTILINE)
    text = text.replace("**", "")
    text = re.sub(r"(?<![\w*])\*(\S[^*\n]*?)\*(?!\w)", r"\1", text)
    return text


def test_markup_stripped_variant_extracts_the_same_model():
    for name, text in TEXTS.items():
        assert essence(parse_bytes(name, strip_markup(text).encode())) == essence(BASE[name]), name
