"""The letter view: what both documents say, decided in one place."""

import datetime as dt
from pathlib import Path

from respgen.letter.view import letter
from respgen.project import Project
from respgen.reading.source import read_office, read_response

ROOT = Path(__file__).resolve().parents[2]


def _letter(name):
    project = Project(ROOT)
    source = read_response(ROOT / "responses" / name)
    return letter(source.response, read_office(project.office_file), project.templates)


def test_statutory_paragraph_cites_section_55_and_states_the_deadline():
    view = _letter("2020-01-10-both-sides-of-the-coin.yaml")
    assert view.statutory.startswith("Section 55 of the Police Act 1996 (as amended by section 37 of the Policing and Crime Act 2017)")
    assert "section 33" not in view.statutory.lower()
    assert "published on 10 January 2020" in view.statutory
    assert "due by 5 March 2020" in view.statutory
    assert "Home Secretary" in view.statutory and "Inspectors of Constabulary" in view.statutory


def test_title_and_details_follow_the_published_response():
    view = _letter("2020-01-10-both-sides-of-the-coin.yaml")
    assert view.title.startswith("Police and Crime Commissioner’s response to: Both sides of the coin")
    assert [(d.label, d.value) for d in view.details][1:] == [
        ("Date published", "10 January 2020"),
        ("Type of inspection", "National inspection"),
        ("Response due by", "5 March 2020"),
    ]
    # A letter of 2020 names Her Majesty's Inspectorate; one after September 2022, His.
    assert "Her Majesty’s Inspectorate" in view.intro
    assert "His Majesty’s Inspectorate" in _letter("2022-11-02-vetting-misconduct-and-misogyny.yaml").intro


def test_items_not_for_this_force_are_shown_as_for_other_bodies():
    view = _letter("2022-11-02-vetting-misconduct-and-misogyny.yaml")
    recommendations = view.findings[0]
    assert recommendations.heading == "Recommendations"
    first = recommendations.rows[0]
    assert first.ref == "1" and not first.applies
    assert "for other bodies" in first.addressed_to.lower()
    third = recommendations.rows[1]
    assert third.due == "30 April 2023" and third.progress == "Complete"
    assert [s.heading for s in view.findings] == ["Recommendations", "Areas for improvement"]


def test_recipients_are_the_home_secretary_and_hmicfrs():
    view = _letter("2020-01-10-both-sides-of-the-coin.yaml")
    roles = [r.role for r in view.recipients]
    assert roles == ["Home Secretary", "HM Chief Inspector of Constabulary"]
    # The office names no holder, so the role heads each address block.
    assert [r.name for r in view.recipients] == roles
    assert "2 Marsham Street" in view.recipients[0].address
    assert view.date == dt.date(2020, 2, 20) and view.date_text == "20 February 2020"


def test_an_item_for_other_bodies_says_why_no_action_is_taken():
    view = _letter("2022-11-02-vetting-misconduct-and-misogyny.yaml")
    rows = {row.ref: row for row in view.findings[0].rows}
    assert rows["1"].response[0].text == "This recommendation is not for this force, so the force will take no action on it."
    assert rows["3"].response[0].text.startswith("The Constabulary has reviewed every vetting decision")
