"""Stage 6, output formats only: N-Quads, TriG, Turtle per graph, JSON-LD, CSV tables, ontology HTML."""
