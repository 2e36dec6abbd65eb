"""Synthetic corpus generator: realistic report texts recombined from patterns in the shipped corpus,
each with the extraction it should give (hmic-kg synth)."""
from .generate import SynthError, capacity, plan, report, synthesise

__all__ = ["SynthError", "capacity", "plan", "report", "synthesise"]
