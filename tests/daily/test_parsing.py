"""Reading what people type: times of day, dates, time zones (tables), and content/cities.yaml."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.app import build_core
from bot.daily.timeparse import MonthDay, parse_date, parse_time
from bot.daily.zones import ZoneFinder, build_finder, cities_problems, load_places
from tests.feather_testkit import make_root

TIMES = [
    ("8:30", time(8, 30)),
    ("20:15", time(20, 15)),
    ("8pm", time(20, 0)),
    ("8 PM", time(20, 0)),
    ("half past seven", time(7, 30)),
    ("Half past 7!", time(7, 30)),
    ("half past seven in the evening", time(19, 30)),
    ("7.30am", time(7, 30)),
    ("7:30 p.m.", time(19, 30)),
    ("noon", time(12, 0)),
    ("midday", time(12, 0)),
    ("midnight", time(0, 0)),
    ("08:00", time(8, 0)),
    ("at 8 please", time(8, 0)),
    ("around 9pm", time(21, 0)),
    ("8 in the evening", time(20, 0)),
    ("quarter to nine", time(8, 45)),
    ("quarter past 8", time(8, 15)),
    ("twenty past six", time(6, 20)),
    ("10 minutes to 8", time(7, 50)),
    ("seven thirty", time(7, 30)),
    ("eight o'clock", time(8, 0)),
    ("ten pm", time(22, 0)),
    ("12am", time(0, 0)),
    ("12pm", time(12, 0)),
    ("20h15", time(20, 15)),
    ("0830", time(8, 30)),
    ("morning", time(8, 0)),
    ("lunchtime", time(12, 30)),
    ("evening", time(20, 0)),
    ("21", time(21, 0)),
]

NOT_TIMES = [
    "", "hello", "8 weeks", "i lost my baby at 8 weeks", "25:00", "8:75", "13am", "tomorrow",
    "i don't know", "maybe later", "how are you", "it was 12 weeks ago", "2 kids", "3 years",
    "half past", "why does it hurt so much", "/daily",
]


@pytest.mark.parametrize(("text", "expected"), TIMES)
def test_times_people_type(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", NOT_TIMES)
def test_things_that_are_not_times(text: str) -> None:
    assert parse_time(text) is None


DATES = [
    ("12 March", MonthDay(3, 12)),
    ("12th of March", MonthDay(3, 12)),
    ("March 12", MonthDay(3, 12)),
    ("mar 12th, 2024", MonthDay(3, 12)),
    ("2025-03-12", MonthDay(3, 12)),
    ("12/03", MonthDay(3, 12)),
    ("12.03.2025", MonthDay(3, 12)),
    ("03/25", MonthDay(3, 25)),  # day first unless that cannot be a date
    ("the 3rd of june 2024", MonthDay(6, 3)),
    ("29 feb", MonthDay(2, 29)),
    ("it was 5 May", MonthDay(5, 5)),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates_people_type(text: str, expected: MonthDay) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "12", "31/02", "30 February", "2025-13-01", "last spring",
                                  "i don't want to say"])
def test_things_that_are_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_a_date_travels_as_four_digits() -> None:
    assert MonthDay(3, 12).code() == "0312"
    assert MonthDay.from_code("0312") == MonthDay(3, 12)
    assert MonthDay.from_code("1332") is None


def test_29_february_is_remembered_on_the_28th_in_other_years() -> None:
    leap_day = MonthDay(2, 29)
    assert leap_day.falls_on(2, 29, leap_year=True)
    assert leap_day.falls_on(2, 28, leap_year=False)
    assert not leap_day.falls_on(2, 28, leap_year=True)


# ----------------------------------------------------------------------------------- zones


@pytest.fixture(scope="module")
def finder() -> ZoneFinder:
    return build_finder(PROJECT_ROOT)


ZONES = [
    ("london", "Europe/London"),
    ("London", "Europe/London"),
    ("I'm in London", "Europe/London"),
    ("central london", "Europe/London"),
    ("londn", "Europe/London"),
    ("new york", "America/New_York"),
    ("New York, USA", "America/New_York"),
    ("new yrok", "America/New_York"),
    ("NYC", "America/New_York"),
    ("sydney", "Australia/Sydney"),
    ("sydeny", "Australia/Sydney"),
    ("melbourne australia", "Australia/Melbourne"),
    ("Europe/Berlin", "Europe/Berlin"),
    ("europe/berlin", "Europe/Berlin"),
    ("america/new york", "America/New_York"),
    ("UTC", "UTC"),
    ("utc", "UTC"),
    ("Kolkata", "Asia/Kolkata"),
    ("mumbai", "Asia/Kolkata"),
    ("Bombay", "Asia/Kolkata"),
    ("Buenos Aires", "America/Argentina/Buenos_Aires"),
    ("Dublin, Ireland", "Europe/Dublin"),
    ("germany", "Europe/Berlin"),
    ("eastern time", "America/New_York"),
    ("EST", "America/New_York"),  # the IANA 'EST' zone has no daylight saving: never what they mean
    ("Berlin time", "Europe/Berlin"),
    ("Casey", "Antarctica/Casey"),  # any IANA place name is understood, listed in cities.yaml or not
]


@pytest.mark.parametrize(("text", "expected"), ZONES)
def test_places_people_type(finder: ZoneFinder, text: str, expected: str) -> None:
    found = finder.find(text)
    assert found is not None and found.zone == expected


@pytest.mark.parametrize("text", ["usa", "Australia", "i live in the US", "canada"])
def test_a_country_with_several_zones_offers_a_choice(finder: ZoneFinder, text: str) -> None:
    found = finder.find(text)
    assert found is not None and found.zone is None and len(found.choices) >= 3


NOT_PLACES = ["", "hello", "i don't know", "yes", "no", "ok", "thank you", "my baby", "it's been hard",
              "what time is it", "Springfield", "sad", "tired", "help", "stop", "never mind", "angel",
              "why did this happen to me"]


@pytest.mark.parametrize("text", NOT_PLACES)
def test_things_that_are_not_places(finder: ZoneFinder, text: str) -> None:
    assert finder.find(text) is None


def test_no_labelled_message_is_mistaken_for_a_place(finder: ZoneFinder) -> None:
    import yaml

    messages = yaml.safe_load((PROJECT_ROOT / "tests" / "data" / "labelled_messages.yaml").read_text())
    assert [m["text"] for m in messages if finder.find(m["text"])] == []


def test_cities_yaml_is_valid_and_big_enough() -> None:
    places, problems = load_places(PROJECT_ROOT)
    assert problems == []
    assert len(places.cities) >= 150
    assert cities_problems(PROJECT_ROOT) == []


def test_a_wrong_zone_in_cities_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "cities.yaml").write_text(
        "last_reviewed: 2026-11-25\ncities:\n  London: Europe/London\n  Atlantis: Ocean/Atlantis\n", encoding="utf-8")
    problems = cities_problems(tmp_path)
    assert [(p.where.file, p.where.line) for p in problems] == [("content/cities.yaml", 4)]
    assert "Ocean/Atlantis" in problems[0].message


def test_a_missing_cities_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    assert "missing" in cities_problems(tmp_path)[0].message


def test_build_core_reports_cities_problems(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    (root / "content" / "cities.yaml").write_text("last_reviewed: 2026-11-25\ncities:\n  X: Nowhere/Y\n",
                                                  encoding="utf-8")
    core = build_core(root, strict=False)
    assert any(p.where.file == "content/cities.yaml" and p.where.line == 3 for p in core.problems)
