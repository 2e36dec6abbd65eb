"""hmic-kg graph builder: report extraction, RDF mapping, reasoning, validation."""
__version__ = "0.1.0"
