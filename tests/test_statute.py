"""The 56-day period of section 55(5A): the publication day is day 1."""

from __future__ import annotations

import datetime as dt

import pytest

from respgen import statute

D = dt.date


@pytest.mark.parametrize(
    "published, due",
    [
        (D(2020, 1, 10), D(2020, 3, 5)),  # the county lines report: 2020 is a leap year
        (D(2022, 11, 2), D(2022, 12, 27)),  # vetting, misconduct and misogyny
        (D(2022, 12, 1), D(2023, 1, 25)),  # digital forensics: across the new year
        (D(2021, 1, 10), D(2021, 3, 6)),  # the same day in a common year ends a day later
        (D(2024, 1, 5), D(2024, 2, 29)),  # ends on a leap day
        (D(2023, 1, 5), D(2023, 3, 1)),  # no leap day: 1 March
        (D(2024, 12, 31), D(2025, 2, 24)),  # from the last day of a year
        (D(2023, 3, 31), D(2023, 5, 25)),  # from a month end
        (D(2023, 7, 7), D(2023, 8, 31)),  # to a month end
        (D(2100, 1, 10), D(2100, 3, 6)),  # 2100 is not a leap year
        (D(2000, 1, 10), D(2000, 3, 5)),  # 2000 is
    ],
)
def test_deadline_is_the_last_day_of_the_56_day_period(published, due):
    assert statute.deadline(published) == due
    # Day 1 is the publication day, so the period from published to due holds exactly 56 days.
    assert (due - published).days + 1 == 56


def test_days_left_counts_down_to_zero_on_the_deadline_then_goes_negative():
    published = D(2020, 1, 10)
    assert statute.days_left(published, D(2020, 1, 10)) == 55
    assert statute.days_left(published, D(2020, 3, 5)) == 0
    assert statute.days_left(published, D(2020, 3, 8)) == -3


def test_days_late_is_zero_up_to_the_deadline():
    published = D(2022, 11, 2)
    assert statute.days_late(published, D(2022, 12, 27)) == 0
    assert statute.days_late(published, D(2022, 12, 1)) == 0
    assert statute.days_late(published, D(2022, 12, 28)) == 1
    assert statute.days_late(published, D(2023, 1, 6)) == 10


def test_dates_are_written_as_govuk_writes_them():
    assert statute.long_date(D(2020, 3, 5)) == "5 March 2020"
    assert statute.short_date(D(2022, 12, 27)) == "27 Dec 2022"


def test_citation_is_section_55_as_amended_in_2017():
    from respgen.words import respgen_words

    english, welsh = respgen_words("en"), respgen_words("cy")
    for key in ("letter.citation", "letter.statutory"):
        assert "ection 55 of the Police Act 1996" in english(key)  # "Section 55" at the start of the paragraph
        assert "section 37 of the Policing and Crime Act 2017" in english(key)
        assert "section 33" not in english(key).lower()
        assert "adran 55 o Ddeddf yr Heddlu 1996" in welsh(key) and "adran 37 o Ddeddf Plismona a Throseddu" in welsh(key)
        assert "adran 33" not in welsh(key)
