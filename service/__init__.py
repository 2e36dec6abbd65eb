"""The hmic-kg HTTP service: SPARQL 1.1 Protocol endpoint, query catalogue and linked-data pages."""
