"""Assembling list items (findings, recommendations) from units: broken lines joined, items kept apart."""
from __future__ import annotations

from dataclasses import dataclass, field

from .units import Unit
from .vocabulary import ends_sentence


def location(units: list[Unit]) -> dict:
    return {"first_line": units[0].first, "last_line": units[-1].last,
            "start": units[0].start, "end": units[-1].end}


@dataclass
class Item:
    units: list[Unit] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    topic: str | None = None

    @property
    def text(self) -> str:
        return " ".join(self.parts).strip()

    @property
    def location(self) -> dict:
        return location(self.units)


class ItemList:
    """Items of one section. The section's style (bulleted or one paragraph per item) is set by its
    first item: in a bulleted list a plain paragraph can only be a bullet broken by a page break."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.style: str | None = None

    def add(self, unit: Unit, topic: str | None = None) -> None:
        last = self.items[-1] if self.items else None
        if unit.bullet is not None:
            if unit.bullet > 0 and last is not None:
                last.units.append(unit)
                last.parts.append(unit.text)
                return
            self.style = self.style or "bullet"
            self.items.append(Item([unit], [unit.text], topic))
            return
        if last is not None and last.topic == topic and self._continues(last, unit):
            last.units.append(unit)
            last.parts.append(unit.text)
            return
        self.style = self.style or "paragraph"
        self.items.append(Item([unit], [unit.text], topic))

    def _continues(self, last: Item, unit: Unit) -> bool:
        if self.style == "bullet":
            return True
        return not ends_sentence(last.text) or unit.text[:1].islower()
