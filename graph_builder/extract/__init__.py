"""Report extraction: report texts to a faithful, source-anchored document model."""
from .model import parse_bytes, parse_file, parse_source

__all__ = ["parse_bytes", "parse_file", "parse_source"]
