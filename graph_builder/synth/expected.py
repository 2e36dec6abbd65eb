"""Comparing an extracted document model with the generator's record of what it wrote.

Only fields the generator controls are compared; texts are compared with whitespace normalised.
"""
from __future__ import annotations

import re


def norm(s):
    return re.sub(r"\s+", " ", s).strip() if isinstance(s, str) else s


def project(model: dict) -> dict:
    """The compared fields of an extractor model (or of an expected record, which has the same shape)."""
    rep = model["report"]
    return {
        "report": {k: rep.get(k) for k in ("family", "programme", "year", "published")},
        "force": {"id": model["force"]["id"]},
        "areas": [{"name": norm(a["name"]), "code": a["code"], "graded": a["graded"], "grade": a["grade"],
                   "direction_of_travel": a["direction_of_travel"],
                   "national_distribution": a["national_distribution"]} for a in model["areas"]],
        "findings": [{"kind": f["kind"], "area": norm(f["area"]), "text": norm(f["text"])} for f in model["findings"]],
        "recommendations": [{"number": x.get("number"), "area": norm(x.get("area")), "text": norm(x["text"])}
                            for x in model["recommendations"]],
        "good_practice": [{k: norm(g.get(k)) for k in ("title", "area", "problem", "solution", "outcome")}
                          for g in model["good_practice"]],
        "glossary": [{"abbreviation": norm(g["abbreviation"]), "expansion": norm(g["expansion"])}
                     for g in model["glossary"]],
    }


def differences(model: dict, expected: dict, limit: int = 10) -> list[str]:
    """Human-readable differences, field by field; empty when the model agrees with expected."""
    got, want = project(model), project(expected)
    out: list[str] = []
    for key in want:
        g, e = got[key], want[key]
        if g == e:
            continue
        if isinstance(e, list):
            if len(g) != len(e):
                out.append(f"{key}: {len(g)} extracted, {len(e)} expected")
            for i, (a, b) in enumerate(zip(g, e)):
                if a != b:
                    fields = [k for k in b if a.get(k) != b.get(k)]
                    out.append(f"{key}[{i}] {fields}: extracted {_short(a, fields)} expected {_short(b, fields)}")
                    break
        else:
            out.append(f"{key}: extracted {g} expected {e}")
    return out[:limit]


def _short(d: dict, fields: list[str]) -> str:
    return str({k: (v[:90] if isinstance(v, str) else v) for k, v in d.items() if k in fields})
