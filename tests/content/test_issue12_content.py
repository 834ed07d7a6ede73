"""Issue 12's content decisions, checked on the real content so an edit cannot quietly undo them:
the front door, comfort before numbers, partners never compared with women, sources without our
own titles, helplines by country."""

from __future__ import annotations

import re

import pytest

from bot import PROJECT_ROOT
from bot.content.loader import load_content
from bot.content.model import Content

FIGURE = re.compile(r"\d|%|\bin 100\b|\bper ?cent\b")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(PROJECT_ROOT).content


def test_the_menu_leads_with_a_loss_and_feelings_and_offers_the_cells_plainly(content: Content) -> None:
    labels = [theme.label for theme in content.menu]
    assert labels[:2] == ["I've had a loss", "How I'm feeling"]
    assert "Cells a pregnancy leaves" in labels
    assert not any("your baby's cells" in label.lower() for label in labels)
    assert content.menu[0].flows[0] == "loss_story"


def test_loss_story_has_examples_of_every_kind_and_role(content: Content) -> None:
    examples = " ".join(e.text for e in content.flows["loss_story"].examples)
    assert len(content.flows["loss_story"].examples) >= 60
    for word in ("miscarr", "mmc", "chemical", "ectopic", "molar", "stillb", "born sleeping",
                 "lived for", "tfmr", "twin", "my wife", "im the dad", "grand", "friend"):
        assert word in examples, word


@pytest.mark.parametrize("flow_id", ["grief_feelings", "grief_partner", "grief_validation"])
def test_the_first_message_acknowledges_before_any_figure(content: Content, flow_id: str) -> None:
    flow = content.flows[flow_id]
    assert all(not FIGURE.search(text) for text in flow.start.texts), flow.start.where


@pytest.mark.parametrize("flow_id", ["grief_feelings", "grief_partner"])
def test_figures_sit_behind_what_research_says(content: Content, flow_id: str) -> None:
    flow = content.flows[flow_id]
    with_figures = {node.id for node in flow.nodes if any(FIGURE.search(t) for t in node.texts)}
    assert with_figures == {"research"}
    leads_there = [b for node in flow.nodes for b in node.buttons if b.goto == "research"]
    assert leads_there and all(b.label == "What research says" for b in leads_there)


def test_partners_are_never_compared_with_the_women(content: Content) -> None:
    texts = [t for node in content.flows["grief_partner"].nodes for t in node.texts]
    assert not any(re.search(r"\bwom[ae]n\b", t, re.IGNORECASE) for t in texts)


def test_sources_show_no_title_we_wrote(content: Content) -> None:
    ours = [s for s in content.sources.values() if "(descriptive title)" in s.title]
    assert ours, "the check below would test nothing"
    for source in ours:
        assert source.title.replace("(descriptive title)", "").strip() not in source.short()
    for source in content.sources.values():
        assert source.authors in source.short()
        if source.doi:
            assert f"doi:{source.doi}" in source.short()


def test_uk_charities_are_not_named_to_everyone_in_the_loss_flows(content: Content) -> None:
    texts = [t for flow in content.flows.values() for node in flow.nodes for t in node.texts]
    for charity in ("Miscarriage Association", "Sands supports", "Tommy's midwives"):
        assert not any(charity in t for t in texts), charity


def test_kids_help_phone_is_not_an_adult_crisis_line(content: Content) -> None:
    services = {s.id: s for country in content.countries.values() for s in country.services}
    assert services["kids_help_phone_ca"].crisis is False
    assert services["crisis988_ca"].crisis is True


def test_northern_ireland_is_not_sent_to_nhs_111_alone(content: Content) -> None:
    uk = content.countries["GB"]
    assert "northern ireland" in uk.aliases
    assert "Northern Ireland" in uk.urgent_medical and "out-of-hours" in uk.urgent_medical
