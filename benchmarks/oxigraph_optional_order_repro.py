"""Minimal reproducer for Oxigraph (pyoxigraph 0.5.13): required triple patterns written after an
OPTIONAL and a BIND are evaluated on their own, without the bindings of the patterns before them,
and joined afterwards. Here the two label patterns after the BIND share no variable, so alone they
are every label times every label (20,104 squared); written before the OPTIONAL they are lookups.
The two queries return the same 500 rows. docs/scale.md has the text filed with it.

    python benchmarks/oxigraph_optional_order_repro.py
"""
import time, pyoxigraph as ox
EX = "http://example.com/"
n = lambda x: ox.NamedNode(EX + x)
s = ox.Store()
quads = []
for i in range(500):
    j = n(f"j{i}")
    quads += [ox.Quad(j, n("area"), n(f"a{i % 100}")), ox.Quad(j, n("grade"), n(f"g{i % 4}")),
              ox.Quad(j, n("force"), n(f"x{i % 43}"))]
    if i % 2:
        quads.append(ox.Quad(j, n("source"), ox.Literal(f"s{i}")))
for k in range(100):
    quads.append(ox.Quad(n(f"a{k}"), n("label"), ox.Literal(f"area {k}")))
for k in range(4):
    quads.append(ox.Quad(n(f"g{k}"), n("label"), ox.Literal(f"grade {k}")))
for k in range(20000):  # other labelled things, as in any real graph
    quads.append(ox.Quad(n(f"x{k}"), n("label"), ox.Literal(f"thing {k}")))
s.extend(quads)
written = """PREFIX ex: <http://example.com/>
SELECT ?j ?al ?gl ?src WHERE {
  ?j ex:force/ex:label ?f ; ex:area ?a ; ex:grade ?g .
  OPTIONAL { ?j ex:source ?src }
  BIND(STR(?a) AS ?as)
  ?a ex:label ?al .
  ?g ex:label ?gl .
}"""
moved = """PREFIX ex: <http://example.com/>
SELECT ?j ?al ?gl ?src WHERE {
  ?j ex:force/ex:label ?f ; ex:area ?a ; ex:grade ?g .
  ?a ex:label ?al .
  ?g ex:label ?gl .
  OPTIONAL { ?j ex:source ?src }
  BIND(STR(?a) AS ?as)
}"""
for name, q in (("as written", written), ("required first", moved)) * 2:
    t = time.perf_counter(); rows = len(list(s.query(q))); print(name, rows, f"{(time.perf_counter() - t) * 1000:.0f} ms")
