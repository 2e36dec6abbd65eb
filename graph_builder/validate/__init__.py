"""Stage 5, SHACL validation, all inside the store: the Core shapes compiled to SPARQL (compile,
run, report), the SPARQL-based constraints run as written (sparql_constraints), the problem report
a person reads (validation), `hmic-kg validate` (files)."""
