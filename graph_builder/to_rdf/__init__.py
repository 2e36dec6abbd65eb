"""Stage 2, parse model -> RDF: a report's named graph (mapping), its themes (themes), the dataset description (description)."""
