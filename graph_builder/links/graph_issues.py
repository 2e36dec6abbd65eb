"""Recurring issues and researchers' judgements as N-Triples lines of the links graph.

A recurring issue (`insp:RecurringIssue`, /id/recurring-issue/{key}) lists its member statements,
the forces they are about, first and last year, the kinds of statement, the forces it came back
for, and each reported resolution (`insp:Resolution`: the force, the statement that raised the
issue last, the later positive statement). A judgement (`insp:CurationJudgement`, a prov:Entity at
/data/curation/{key}) names the two statements (or the statement and the theme), the verdict, who
made it (a prov:Agent), when and why.
"""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from graph_builder.iris import Minter, slug
from graph_builder.links.curation import Judgement
from graph_builder.links.recurring import RecurringIssue
from graph_builder.ntriples import nt_term


def issues_ntriples(issues: list[RecurringIssue], judgements: tuple[Judgement, ...], m: Minter) -> str:
    insp = m.insp
    t = {k: nt_term(v) for k, v in {
        "type": RDF.type, "issue": insp.RecurringIssue, "label": RDFS.label, "member": insp.member,
        "force": insp.force, "first": insp.firstYear, "last": insp.lastYear, "kind": insp.memberKind,
        "count": insp.forceCount, "recurred": insp.recurredFor, "resolution": insp.resolution,
        "res": insp.Resolution, "raised": insp.raisedBy, "resolved": insp.resolvedBy,
        "cj": insp.CurationJudgement, "verdict": insp.judgement, "jsrc": insp.judgedSource,
        "jtgt": insp.judgedTarget, "jtheme": insp.judgedTheme, "by": PROV.wasAttributedTo,
        "at": PROV.generatedAtTime, "comment": RDFS.comment, "agent": PROV.Agent}.items()}
    integer = f"^^<{XSD.integer}>"
    out = []
    for issue in issues:
        node = nt_term(m.u("id", "recurring-issue", issue.key))
        out += [f"{node} {t['type']} {t['issue']} .\n",
                f"{node} {t['label']} {nt_term(Literal(issue.label, lang='en'))} .\n",
                f'{node} {t["count"]} "{len(issue.forces)}"{integer} .\n']
        out += [f"{node} {t['member']} {nt_term(URIRef(s))} .\n" for s in issue.members]
        out += [f"{node} {t['force']} {nt_term(URIRef(f))} .\n" for f in issue.forces]
        out += [f"{node} {t['kind']} {nt_term(Literal(k))} .\n" for k in issue.kinds]
        out += [f"{node} {t['recurred']} {nt_term(URIRef(f))} .\n" for f in issue.recurred_for]
        if issue.first_year is not None:
            out += [f'{node} {t["first"]} "{issue.first_year}"{integer} .\n',
                    f'{node} {t["last"]} "{issue.last_year}"{integer} .\n']
        for n, r in enumerate(issue.resolutions, 1):
            res = nt_term(m.u("id", "recurring-issue", issue.key, "resolution", str(n)))
            out += [f"{node} {t['resolution']} {res} .\n", f"{res} {t['type']} {t['res']} .\n",
                    f"{res} {t['force']} {nt_term(URIRef(r.force))} .\n",
                    f"{res} {t['raised']} {nt_term(URIRef(r.raised_by))} .\n",
                    f"{res} {t['resolved']} {nt_term(URIRef(r.resolved_by))} .\n"]
    for j in judgements:
        node = nt_term(m.u("data", "curation", j.key))
        agent = nt_term(m.u("id", "curator", slug(j.who) or "anonymous"))
        out += [f"{node} {t['type']} {t['cj']} .\n",
                f"{node} {t['verdict']} {nt_term(Literal(j.judgement))} .\n",
                f"{node} {t['jsrc']} {nt_term(URIRef(j.source))} .\n",
                f"{node} {t['by']} {agent} .\n", f"{agent} {t['type']} {t['agent']} .\n",
                f"{agent} {t['label']} {nt_term(Literal(j.who))} .\n",
                f"{node} {t['at']} {nt_term(Literal(j.date, datatype=XSD.date))} .\n",
                f"{node} {t['comment']} {nt_term(Literal(j.why, lang='en'))} .\n"]
        if j.target:
            out.append(f"{node} {t['jtgt']} {nt_term(URIRef(j.target))} .\n")
        if j.theme:
            out.append(f"{node} {t['jtheme']} {nt_term(URIRef(j.theme))} .\n")
    return "".join(out)
