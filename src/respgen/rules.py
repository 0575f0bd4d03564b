"""What the law asks of the content of a response, beyond the shape of the file."""

from __future__ import annotations

from .errors import Problem
from .source import ResponseSource


def review(source: ResponseSource) -> list[Problem]:
    """Errors and warnings about ``source`` (empty when all is well)."""
    return []
