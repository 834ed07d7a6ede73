"""Every number in content/resources.yaml is on the checked helplines sheet, in the same form.

A wrong number can hurt someone in crisis. The sheet (../shared/reference/helplines.md) lives
beside the repository in CI and on developers' machines, but not in production, so this is a test
rather than a ``--check`` rule; it skips, saying why, when the sheet is not there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest

from bot import PROJECT_ROOT
from bot.content.loader import load_content
from bot.content.model import Content, Country, Service

SHEET = PROJECT_ROOT.parent / "shared" / "reference" / "helplines.md"
CONFLICT_NOTE = "check their website for current hours and number"

needs_sheet = pytest.mark.skipif(
    not SHEET.exists(),
    reason=f"the helplines sheet is not here ({SHEET}); it is needed to check the numbers in "
    "content/resources.yaml",
)


@dataclass(frozen=True)
class Row:
    section: str
    service: str
    number: str
    website: str
    mark: str
    line: int


@dataclass(frozen=True)
class Sheet:
    rows: tuple[Row, ...]
    sections: dict[str, str]  # heading -> the whole section's text

    def section_rows(self, heading: str) -> list[Row]:
        return [row for row in self.rows if row.section == heading]


def parse_sheet(text: str) -> Sheet:
    """The sheet's tables: one :class:`Row` per service, under its country heading."""
    rows: list[Row] = []
    sections: dict[str, list[str]] = {}
    heading = ""
    columns: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("## "):
            heading, columns = line[3:].strip(), []
            sections[heading] = []
            continue
        if heading:
            sections[heading].append(line)
        if not line.startswith("|") or not heading:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not columns:
            columns = [cell.lower() for cell in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        row = dict(zip(columns, cells, strict=False))
        rows.append(
            Row(
                heading,
                row.get("service", ""),
                row.get("number", row.get("where", "")),
                row.get("website", row.get("where", "")),
                row.get("mark", ""),
                number,
            )
        )
    return Sheet(tuple(rows), {key: "\n".join(value) for key, value in sections.items()})


def appears(number: str, text: str) -> bool:
    """``number`` written exactly so in ``text``, not as part of a longer number or word."""
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(number)}(?![0-9A-Za-z])", text) is not None


def host(url: str | None) -> str:
    if not url:
        return ""
    name = urlparse(url if "//" in url else f"https://{url}").netloc.lower()
    return name.removeprefix("www.")


def country_section(sheet: Sheet, country: Country) -> str:
    names = {country.name.casefold(), *country.aliases}
    for heading in sheet.sections:
        if heading.casefold() in names:
            return heading
    raise AssertionError(f"country {country.code} ({country.name}) has no section in the sheet")


def row_for(sheet: Sheet, heading: str, service: Service) -> Row | None:
    """The sheet's row for a service, matched by its website."""
    wanted = host(service.website)
    if not wanted:
        return None
    return next((row for row in sheet.section_rows(heading) if host(row.website) == wanted), None)


@pytest.fixture(scope="module")
def sheet() -> Sheet:
    if not SHEET.exists():
        pytest.skip(f"the helplines sheet is not here ({SHEET})")
    return parse_sheet(SHEET.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(PROJECT_ROOT).content


def _services(content: Content) -> list[tuple[Country, Service]]:
    return [
        (country, service) for country in content.countries.values() for service in country.services
    ]


# ---------------------------------------------------------------------------- against the sheet


@needs_sheet
def test_every_phone_and_text_number_is_on_the_sheet_in_the_same_form(
    sheet: Sheet, content: Content
) -> None:
    wrong = []
    for country, service in _services(content):
        heading = country_section(sheet, country)
        row = row_for(sheet, heading, service)
        for kind, value in (("phone", service.phone), ("text", service.text)):
            if not value:
                continue
            if row is not None:
                if not appears(value, row.number):
                    wrong.append(
                        f"{service.where} {service.id}: {kind} '{value}' is not in the sheet's "
                        f"row for {row.service} (helplines.md:{row.line}: '{row.number}')"
                    )
            elif not appears(value, sheet.sections[heading]):
                wrong.append(
                    f"{service.where} {service.id}: {kind} '{value}' is nowhere in the sheet's "
                    f"section '{heading}'"
                )
    assert wrong == [], "numbers not on the helplines sheet:\n" + "\n".join(wrong)


@needs_sheet
def test_emergency_numbers_match_the_sheet(sheet: Sheet, content: Content) -> None:
    wrong = []
    for country in content.countries.values():
        if not country.emergency:
            continue
        heading = country_section(sheet, country)
        rows = [row for row in sheet.section_rows(heading) if row.service.lower() == "emergency"]
        if not rows or not any(row.number == country.emergency for row in rows):
            got = rows[0].number if rows else "no Emergency row"
            wrong.append(
                f"{country.where} {country.code}: emergency '{country.emergency}', sheet: '{got}'"
            )
    assert wrong == [], "\n".join(wrong)


@needs_sheet
def test_every_service_row_of_the_sheet_is_matched_by_its_website(
    sheet: Sheet, content: Content
) -> None:
    """A service with a website must find its row: otherwise the number checks above are weaker."""
    unmatched = [
        f"{service.where} {service.id} ({service.website})"
        for country, service in _services(content)
        if service.website and row_for(sheet, country_section(sheet, country), service) is None
    ]
    assert unmatched == [], "services whose website is not in their country's table:\n" + "\n".join(
        unmatched
    )


@needs_sheet
def test_marks_agree_with_the_sheet(sheet: Sheet, content: Content) -> None:
    wrong = []
    for country, service in _services(content):
        row = row_for(sheet, country_section(sheet, country), service)
        if row is None:
            continue
        sheet_mark = row.mark.upper()
        if "NOT FOUND" in sheet_mark and service.mark != "NOT_FOUND":
            wrong.append(
                f"{service.where} {service.id}: the sheet says NOT FOUND, resources say {service.mark}"
            )
        if "CONFLICT" in sheet_mark and service.mark != "CONFLICT":
            wrong.append(
                f"{service.where} {service.id}: the sheet says CONFLICT, resources say {service.mark}"
            )
        if (
            service.mark in ("NOT_FOUND", "CONFLICT")
            and service.mark.replace("_", " ") not in sheet_mark
        ):
            wrong.append(
                f"{service.where} {service.id}: marked {service.mark}, the sheet says {row.mark}"
            )
    assert wrong == [], "\n".join(wrong)


# ---------------------------------------------------------------------------- the marks' rules


def test_conflict_entries_carry_the_note(content: Content) -> None:
    conflicts = [service for _, service in _services(content) if service.mark == "CONFLICT"]
    assert conflicts, "expected at least one CONFLICT entry (Miscarriage Association)"
    for service in conflicts:
        assert service.note and CONFLICT_NOTE in service.note.casefold(), (
            f"{service.where} {service.id} is CONFLICT: its note must say '{CONFLICT_NOTE}'"
        )
        assert service.website, (
            f"{service.where} {service.id} is CONFLICT: the website is the way in"
        )


def test_not_found_entries_have_no_number(content: Content) -> None:
    not_found = [service for _, service in _services(content) if service.mark == "NOT_FOUND"]
    assert not_found
    for service in not_found:
        assert not service.phone and not service.text, (
            f"{service.where} {service.id} is NOT_FOUND: show the website only, never a number"
        )
        assert service.website, f"{service.where} {service.id} is NOT_FOUND: it needs its website"


# ---------------------------------------------------------------------------- the parser itself


def test_parse_sheet_and_appears() -> None:
    text = (
        "## Nowhere\n| service | offers | number | hours | website | mark |\n|---|---|---|---|---|---|\n"
        "| Help | x | 0800 111 222; text HI to 1234 | 24/7 | help.org | V1 |\n"
    )
    (row,) = parse_sheet(text).rows
    assert (row.section, row.service, row.website, row.mark, row.line) == (
        "Nowhere",
        "Help",
        "help.org",
        "V1",
        4,
    )
    assert appears("0800 111 222", row.number) and appears("HI to 1234", row.number)
    assert appears("111", row.number)  # so numbers are matched within their own row, not anywhere
    assert not appears("800 111 222", row.number) and not appears("123", row.number)
    assert host("https://www.help.org/contact") == "help.org" == host("help.org")
