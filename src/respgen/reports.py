"""The kinds of report HMICFRS publishes, and the shape of response file each starts with.

A force inspection (PEEL above all) grades the force and raises causes of
concern, each with its own recommendations, and areas for improvement, often
with no stand-alone recommendations. A thematic or national report makes
recommendations to many bodies at once, some of them not for this force.
"""

from __future__ import annotations

KINDS = {
    "PEEL inspection": "force",
    "Force inspection": "force",
    "Thematic inspection": "thematic",
    "National thematic inspection": "thematic",
    "Joint thematic inspection": "thematic",
    "Spotlight report": "thematic",
}


def shape(kind: str | None) -> str:
    """"force" or "thematic": the known kind ``kind`` names, else a guess from its words."""
    words = (kind or "").casefold()
    for name, found in KINDS.items():
        if words == name.casefold():
            return found
    return "force" if "peel" in words or "force" in words else "thematic"
