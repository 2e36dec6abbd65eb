"""Stage 5, SHACL validation: shapes compiled to SPARQL and run in the store, the problem report, `hmic-kg validate`."""
