"""The build: corpus discovery, the worker step and its cache, staging, the store loader, the forked children, the process timeline (timeline.py)."""
