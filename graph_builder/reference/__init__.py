"""Reference data every stage reads: the 43 forces, the ontology, frameworks and theme files as graphs."""
