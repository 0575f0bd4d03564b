"""Section 55 of the Police Act 1996: the deadline and the words the letter cites.

The citation is one fixed string: published responses often get it wrong
(one well-known example cites "section 33", which is about police areas).
"""

from __future__ import annotations

import datetime as dt

CITATION = "section 55 of the Police Act 1996 (as amended by section 37 of the Policing and Crime Act 2017)"

# s.55(5A): "before the end of the period of 56 days beginning with the day on
# which the report is published". The publication day is day 1.
PERIOD_DAYS = 56


def deadline(published: dt.date) -> dt.date:
    """The last day on which the comments may be published."""
    return published + dt.timedelta(days=PERIOD_DAYS - 1)


def long_date(day: dt.date) -> str:
    """A date as GOV.UK writes it: 5 March 2020."""
    return f"{day.day} {day:%B %Y}"
