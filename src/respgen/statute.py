"""Section 55 of the Police Act 1996: the deadline, and dates as respgen's messages write them.

The words the letter cites are in each language's wording (``respgen.words``,
``letter.citation`` and ``letter.statutory``), fixed there once: published
responses often get them wrong (one well-known example cites "section 33",
which is about police areas).
"""

from __future__ import annotations

import datetime as dt

# s.55(5A): "before the end of the period of 56 days beginning with the day on
# which the report is published". The publication day is day 1.
PERIOD_DAYS = 56


def deadline(published: dt.date) -> dt.date:
    """The last day on which the comments may be published."""
    return published + dt.timedelta(days=PERIOD_DAYS - 1)


def long_date(day: dt.date) -> str:
    """A date as GOV.UK writes it: 5 March 2020; a due month or quarter as the officer wrote it."""
    written = getattr(day, "written", None)
    return written if written else f"{day.day} {day:%B %Y}"


def days_left(published: dt.date, today: dt.date) -> int:
    """Days from ``today`` to the deadline: 0 on the last day, negative once it has passed."""
    return (deadline(published) - today).days


def days_late(published: dt.date, day: dt.date) -> int:
    """How many days after the deadline ``day`` falls (0 when it is on time)."""
    return max(0, (day - deadline(published)).days)


def short_date(day: dt.date) -> str:
    """A date for a narrow table column: 5 Mar 2020."""
    written = getattr(day, "written", None)
    return written if written else f"{day.day} {day:%b %Y}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
