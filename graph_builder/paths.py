"""Where the project's data directories are. One helper, so nothing else builds paths from __file__."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("HMIC_KG_ROOT", Path(__file__).resolve().parent.parent))


def project_dir(name: str) -> Path:
    """A top-level data directory of the project: ontology, shapes, queries, corpus."""
    return ROOT / name
