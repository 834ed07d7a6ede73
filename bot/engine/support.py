"""Helplines for a person's country, written out from ``content/resources.yaml``."""

from __future__ import annotations

from html import escape

from bot.content.model import Content, Country, Service
from bot.engine import callbacks
from bot.engine.turn import Turn
from bot.engine.types import Button, OutMessage
from bot.engine.words import Words


def service_line(words: Words, service: Service) -> str:
    """One service in a short readable form; CONFLICT numbers carry their caution."""
    ways: list[str] = []
    if service.phone:
        ways.append(words.text("helpline_call", phone=service.phone))
    if service.text:
        ways.append(words.text("helpline_text", number=service.text))
    if service.email:
        ways.append(escape(service.email))
    if service.website:
        ways.append(f'<a href="{escape(service.website, quote=True)}">{escape(_site(service.website))}</a>')
    hours = f" ({escape(service.hours)})" if service.hours else ""
    note = f" {escape(service.note)}" if service.note else ""
    return f"• <b>{escape(service.name)}</b>{hours}: {escape(service.offers)} {', '.join(ways)}.{note}"


def _site(url: str) -> str:
    return url.removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")


def emergency_line(turn: Turn, country: Country) -> str:
    if country.emergency:
        return turn.text("support_emergency", emergency=country.emergency)
    return turn.text("support_emergency_local")


def crisis_lines(words: Words, country: Country) -> list[str]:
    return [service_line(words, s) for s in country.crisis_services]


def support_lines(words: Words, country: Country) -> list[str]:
    return [service_line(words, s) for s in country.support_services]


def country_for(content: Content, code: str | None) -> Country | None:
    return content.countries.get(code) if code else None


def support_messages(turn: Turn, crisis_only: bool = False) -> list[OutMessage]:
    """Helplines for the person's country; without a country, the universal advice and a choice."""
    words = turn.words
    country = country_for(words.content, turn.state.country)
    if country is None:
        return [OutMessage(turn.text("support_ask_country"), words.country_buttons())]
    lines = [turn.text("support_intro", country=country.name), emergency_line(turn, country), ""]
    lines += [turn.text("support_crisis_heading"), *crisis_lines(words, country)]
    if not crisis_only and support_lines(words, country):
        lines += ["", turn.text("support_other_heading"), *support_lines(words, country)]
    buttons = (Button(words.text("label_country"), callbacks.encode(callbacks.SPECIAL, "country")),
               words.menu_button())
    return [OutMessage("\n".join(lines), buttons)]
