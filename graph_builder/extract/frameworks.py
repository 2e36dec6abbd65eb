"""Assessment frameworks of each report family: the areas a report of that family may grade.

Used to name and group areas; an area printed in a report but missing here is still extracted
(with a warning), because the family is the design unit, not the list.
"""
from __future__ import annotations

import re
from functools import lru_cache

from graph_builder.iris import slug  # noqa: F401 - re-exported for the extractor's modules

BASELINE_2006_DOMAINS = {
    "1": "Citizen Focus", "2": "Reducing Crime", "3": "Investigating Crime", "4": "Promoting Safety",
    "5": "Providing Assistance", "6": "Resource Use", "7": "Leadership and Direction",
}
BASELINE_2006 = {
    "1A": "Fairness and Equality in Service Delivery", "1B": "Neighbourhood Policing and Problem Solving",
    "1C": "Customer Service and Accessibility", "1D": "Professional Standards",
    "2A": "Volume Crime Reduction",
    "3A": "Managing Critical Incidents and Major Crime", "3B": "Tackling Serious and Organised Criminality",
    "3C": "Volume Crime Investigation", "3D": "Improving Forensic Performance",
    "3E": "Criminal Justice Processes",
    "4A": "Reducing Anti-Social Behaviour", "4B": "Protecting Vulnerable People",
    "5A": "Contact Management", "5B": "Providing Specialist Operational Support", "5C": "Strategic Roads Policing",
    "6A": "Human Resource Management", "6B": "Training, Development and Organisational Learning",
    "6C": "Race and Diversity", "6D": "Managing Financial and Physical Resources",
    "6E": "Information Management", "6F": "National Intelligence Model",
    "7A": "Leadership", "7B": "Performance Management and Continuous Improvement",
}
# name -> (group, graded)
INSPECTION_2007 = {
    "Neighbourhood Policing": ("Neighbourhood Policing", True),
    "Performance Management": ("Performance Management", True),
    "Protecting Vulnerable People – Overview": ("Protecting Vulnerable People", False),
    "Protecting Vulnerable People – Child Abuse": ("Protecting Vulnerable People", True),
    "Protecting Vulnerable People – Domestic Violence": ("Protecting Vulnerable People", True),
    "Protecting Vulnerable People – Public Protection": ("Protecting Vulnerable People", True),
    "Protecting Vulnerable People – Missing Persons": ("Protecting Vulnerable People", True),
}
# Short names the summary tables use for the same areas.
INSPECTION_2007_SHORT = {
    "neighbourhood policing": "Neighbourhood Policing", "performance management": "Performance Management",
    "child abuse": "Protecting Vulnerable People – Child Abuse",
    "domestic violence": "Protecting Vulnerable People – Domestic Violence",
    "public protection": "Protecting Vulnerable People – Public Protection",
    "missing persons": "Protecting Vulnerable People – Missing Persons",
}
PEEL_PILLARS = ("Effectiveness", "Efficiency", "Legitimacy", "Leadership")


_DASH = re.compile(r"\s*[–—-]\s*")
_WS = re.compile(r"\s+")


@lru_cache(maxsize=4096)   # the same area names are compared again and again
def norm(name: str) -> str:
    """Comparison key for area names: case, dashes and spacing variants folded."""
    s = name.lower().replace("&", "and")
    s = _DASH.sub(" - ", s)
    return _WS.sub(" ", s).strip(" :")


# norm(full name) -> full name, first listed wins; built once rather than at every lookup.
_INSPECTION_2007_BY_KEY: dict[str, str] = {}
for _full in INSPECTION_2007:
    _INSPECTION_2007_BY_KEY.setdefault(norm(_full), _full)


def inspection_2007_area(name: str) -> str | None:
    key = norm(name)
    full = _INSPECTION_2007_BY_KEY.get(key)
    if full is not None:
        return full
    return INSPECTION_2007_SHORT.get(key)
