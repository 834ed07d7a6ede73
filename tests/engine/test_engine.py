"""The engine as plain data in and out, on tmp content (the real content/ folder with our own
dialogs and menu). Texts from content/messages.yaml are compared with what the content holds,
never with literal words, so editors can change them freely."""

from __future__ import annotations

import dataclasses
from collections import deque
from html import escape

import pytest

from bot.app import Core
from bot.content.model import Content
from bot.engine import callbacks
from bot.engine.engine import Engine
from bot.engine.types import MAX_BUTTON_DATA, Button, Effect, Incoming, Reply, UserState
from tests.feather_testkit import DURATION_TEXTS, NOW, TITLES, build, errors, make_root, real_core


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Core:
    return build(make_root(tmp_path_factory.mktemp("engine")))


@pytest.fixture(scope="module")
def engine(core: Core) -> Engine:
    return core.engine


@pytest.fixture(scope="module")
def content(core: Core) -> Content:
    return core.content


def say(engine: Engine, text: str, state: UserState | None = None) -> Reply:
    return engine.handle(state or UserState(), Incoming(NOW, text=text))


def press(engine: Engine, data: str, state: UserState | None = None) -> Reply:
    return engine.handle(state or UserState(), Incoming(NOW, button=data))


def datas(reply: Reply, index: int = -1) -> list[str]:
    return [b.data for b in reply.messages[index].buttons]


def labels(reply: Reply, index: int = -1) -> list[str]:
    return [b.label for b in reply.messages[index].buttons]


def menu_datas(content: Content) -> list[str]:
    return [f"t:{theme.id}" for theme in content.menu]


def test_tmp_content_is_valid(core: Core) -> None:
    assert errors(core.problems) == []


# ---------------------------------------------------------------------------- commands


def test_start_welcomes_with_the_menu(engine: Engine, content: Content) -> None:
    reply = say(engine, "/start")
    assert len(reply.messages) == 1
    assert reply.messages[0].text in content.messages["welcome"]
    assert datas(reply) == ["t:theme_mc", "t:theme_loss", "t:theme_grief"]
    assert labels(reply) == [theme.label for theme in content.menu]
    assert reply.state.flow is None and reply.state.node is None
    assert reply.state.turn == 1


def test_start_with_a_payload_and_bot_name(engine: Engine, content: Content) -> None:
    reply = say(engine, "/start@FeatherBot from_a_link")
    assert reply.messages[0].text in content.messages["welcome"]


def test_menu(engine: Engine, content: Content) -> None:
    state = press(engine, "f:mc_duration").state
    reply = say(engine, "/menu", state)
    assert reply.messages[-1].text in content.messages["menu_prompt"]
    assert datas(reply) == menu_datas(content)
    assert reply.state.flow is None


def test_help(engine: Engine, content: Content) -> None:
    reply = say(engine, "/help")
    assert reply.messages[-1].text in content.messages["help"]
    assert datas(reply) == menu_datas(content)
    assert "help_shown" in reply.events


def test_help_typed_as_a_word(engine: Engine) -> None:
    assert "help_shown" in say(engine, "Help").events


@pytest.mark.parametrize("command, key", [("/about", "about"), ("/privacy", "privacy")])
def test_about_and_privacy(engine: Engine, content: Content, command: str, key: str) -> None:
    reply = say(engine, command)
    assert [m.text in content.messages[key] for m in reply.messages] == [True]
    assert datas(reply) == ["m"]
    assert labels(reply) == [content.text("label_menu")]


def test_mydata_asks_the_caller_for_the_data(engine: Engine) -> None:
    reply = say(engine, "/mydata")
    assert reply.messages == [] and reply.effects == [Effect("show_my_data")]


def test_unknown_command_shows_the_menu(engine: Engine, content: Content) -> None:
    reply = say(engine, "/frobnicate now")
    assert reply.messages[-1].text in content.messages["menu_prompt"]
    assert datas(reply) == menu_datas(content)


# ---------------------------------------------------------------------------- country


def test_country_then_typing_uk_sets_gb(engine: Engine, content: Content) -> None:
    asked = say(engine, "/country")
    assert asked.state.pending == "country"
    assert asked.messages[0].text in content.messages["country_ask"]
    assert "c:GB" in datas(asked)
    reply = say(engine, "uk", asked.state)
    assert reply.state.country == "GB"
    assert reply.state.pending is None
    assert "country_set" in reply.events
    gb = content.countries["GB"]
    assert gb.name in reply.messages[0].text
    helplines = "\n".join(m.text for m in reply.messages)
    assert all(escape(service.name) in helplines for service in gb.crisis_services)


@pytest.mark.parametrize("typed", ["UK", "United Kingdom", "britain"])
def test_country_names_and_aliases(engine: Engine, typed: str) -> None:
    reply = say(engine, typed, say(engine, "/country").state)
    assert reply.state.country == "GB"


@pytest.mark.parametrize("typed, code", [
    ("the uk", "GB"), ("in the UK", "GB"), ("untied kingdom", "GB"), ("Scotland", "GB"),
    ("U.S.", "US"), ("usa", "US"), ("united states of america", "US"), ("Éire", "IE"),
    ("new zeland", "NZ"), ("aus", "AU"), ("somewhere else", "XX"),
])
def test_find_country(engine: Engine, typed: str, code: str) -> None:
    assert engine.countries.find(typed) == code


@pytest.mark.parametrize("typed", ["no", "n", "na", "a", "i", "ok", "idk", "not sure", "why", "🙂", ""])
def test_answers_that_are_not_countries(engine: Engine, typed: str) -> None:
    """Short answers used to be read as part of a name ("no" as in "northern ireland": the UK)."""
    assert engine.countries.find(typed) is None
    reply = say(engine, typed, say(engine, "/country").state)
    assert reply.state.country is None and reply.state.pending is None


def test_country_button(engine: Engine) -> None:
    reply = press(engine, "c:GB", say(engine, "/country").state)
    assert reply.state.country == "GB" and reply.state.pending is None


def test_not_a_country_lets_go_of_the_question(engine: Engine) -> None:
    reply = say(engine, "how long do the cells stay", say(engine, "/country").state)
    assert reply.state.pending is None and reply.state.country is None
    assert reply.state.flow == "mc_duration"


def test_a_command_cancels_the_country_question(engine: Engine) -> None:
    reply = say(engine, "/menu", say(engine, "/country").state)
    assert reply.state.pending is None


# ---------------------------------------------------------------------------- buttons


def test_theme_button_lists_its_flows(engine: Engine, content: Content) -> None:
    reply = press(engine, "t:theme_mc")
    assert reply.messages[0].text in content.messages["theme_prompt"]
    assert datas(reply) == ["f:mc_duration", "f:mc_where", "f:mc_what", "m"]
    assert labels(reply)[:2] == [TITLES["mc_duration"], TITLES["mc_where"]]


def test_flow_button_shows_the_first_node(engine: Engine, content: Content) -> None:
    reply = press(engine, "f:mc_duration")
    assert len(reply.messages) == 1
    assert reply.messages[0].text in DURATION_TEXTS
    assert labels(reply) == ["Tell me more", "Where in the body?", content.text("label_sources"),
                             content.text("label_menu")]
    assert datas(reply) == ["n:mc_duration/more", "f:mc_where", "s:mc_duration/start", "m"]
    assert (reply.state.flow, reply.state.node, reply.state.last_topic) == ("mc_duration", "start",
                                                                             "mc_duration")
    assert reply.events == ["topic:mc_duration"]


def test_node_button_shows_the_node(engine: Engine) -> None:
    reply = press(engine, "n:mc_duration/more")
    assert reply.messages[0].text == "Duration deeper answer."
    assert datas(reply) == ["n:mc_where/start", "x:support", "x:country", "n:mc_duration/start",
                            "s:mc_duration/more", "m"]
    assert reply.state.node == "more"


def test_a_node_without_sources_has_no_sources_button(engine: Engine) -> None:
    assert datas(press(engine, "f:loss_fault")) == ["m", "m"]  # its own "Back to the menu", then Menu


def test_sources_button_lists_the_sources(engine: Engine, content: Content) -> None:
    node = content.flows["mc_duration"].node("more")
    reply = press(engine, "s:mc_duration/more")
    lines = reply.messages[0].text.split("\n")
    assert lines[0] in content.messages["sources_intro"]
    assert lines[1:] == [f"• {escape(content.sources[s].short())}" for s in node.sources]
    assert len(lines) == 3
    assert datas(reply) == ["n:mc_duration/more", "m"]
    assert labels(reply)[0] == TITLES["mc_duration"]


def test_support_and_country_buttons(engine: Engine, content: Content) -> None:
    support = press(engine, "x:support")
    assert support.messages[0].text in content.messages["support_ask_country"]
    assert "c:GB" in datas(support)
    with_country = press(engine, "x:support", UserState(country="GB"))
    assert content.countries["GB"].name in with_country.messages[0].text
    assert press(engine, "x:country").state.pending == "country"


@pytest.mark.parametrize("data", [
    "", "zz", "n:nope/nope", "f:missing", "n:mc_duration/missing", "t:theme_nope", "c:ZZ",
    "s:mc_duration/nope", "s:nope", "x:nowhere", "x:dailyx", "n:../../etc/passwd", "x" * 100,
    "m:" + "a" * 70, "é", "DROP TABLE chats", "n", "f:", "n:mc_duration/start/extra",
])
def test_unknown_or_forged_button(engine: Engine, content: Content, data: str) -> None:
    reply = press(engine, data)
    assert [m.text in content.messages["unknown_button"] for m in reply.messages] == [True]
    assert datas(reply) == menu_datas(content)
    assert reply.events == ["unknown_button"]


# ---------------------------------------------------------------------------- free text


def test_free_text_opens_the_matching_flow(engine: Engine) -> None:
    reply = say(engine, "how long do the cells stay")
    assert reply.messages[0].text in DURATION_TEXTS
    assert reply.state.last_topic == "mc_duration"


def test_short_follow_up_uses_the_last_topic(engine: Engine) -> None:
    state = press(engine, "f:mc_where").state
    assert say(engine, "how long", state).state.flow == "mc_duration"
    assert say(engine, "how long").state.flow is None


def test_gibberish_gets_not_sure_with_the_menu(engine: Engine, content: Content) -> None:
    reply = say(engine, "blorp fnarg wibble")
    assert reply.messages[0].text in content.messages["not_sure_no_ideas"]
    assert datas(reply) == menu_datas(content)
    assert reply.events == ["not_sure"]
    assert reply.state.flow is None


def test_not_sure_suggests_the_likely_flows(engine: Engine, content: Content) -> None:
    reply = say(engine, "wibble years blorp")
    assert reply.messages[0].text in content.messages["not_sure"]
    assert datas(reply)[0] == "f:mc_duration"
    assert datas(reply)[-len(content.menu):] == menu_datas(content)
    assert reply.events == ["not_sure"]


# ---------------------------------------------------------------------------- variants, forget


def test_text_variants_rotate(engine: Engine) -> None:
    state = UserState()
    seen = []
    for _ in range(4):
        reply = press(engine, "f:mc_duration", state)
        state = reply.state
        seen.append(reply.messages[0].text)
    assert set(seen[:3]) == set(DURATION_TEXTS)
    assert seen[3] == seen[0]


def test_message_variants_rotate(core: Core) -> None:
    messages = {**core.content.messages, "menu_prompt": ("First way.", "Second way.")}
    engine = Engine(dataclasses.replace(core.content, messages=messages), core.normaliser,
                    core.matcher, core.safety)
    first = say(engine, "/menu")
    second = say(engine, "/menu", first.state)
    third = say(engine, "/menu", second.state)
    assert {first.messages[0].text, second.messages[0].text} == {"First way.", "Second way."}
    assert third.messages[0].text == first.messages[0].text


def test_forget_asks_then_forgets(engine: Engine, content: Content) -> None:
    state = UserState(country="GB", last_topic="mc_duration", flow="mc_duration", node="start", turn=7)
    asked = say(engine, "/forget", state)
    assert asked.messages[0].text in content.messages["forget_confirm"]
    assert datas(asked) == ["fg:y", "fg:n"]
    assert labels(asked) == [content.text("label_forget_yes"), content.text("label_forget_no")]
    assert asked.effects == []
    done = press(engine, "fg:y", asked.state)
    assert done.effects == [Effect("forget")]
    assert done.events == ["forget"]
    assert done.messages[0].text in content.messages["forget_done"]
    assert (done.state.country, done.state.last_topic, done.state.flow) == (None, None, None)


def test_forget_cancelled(engine: Engine, content: Content) -> None:
    reply = press(engine, "fg:n", say(engine, "/forget", UserState(country="GB")).state)
    assert reply.effects == []
    assert reply.messages[0].text in content.messages["forget_cancelled"]
    assert reply.state.country == "GB"


# ---------------------------------------------------------------------------- properties


def test_handle_does_not_change_the_state_it_was_given(engine: Engine) -> None:
    state = UserState(pending="country", pending_data={"a": "b"})
    before = state.to_dict()
    press(engine, "f:mc_duration", state)
    say(engine, "uk", state)
    assert state.to_dict() == before


def test_deterministic(engine: Engine) -> None:
    for text in ("/start", "how long do the cells stay", "blorp", "uk", "/help"):
        assert say(engine, text, UserState(turn=3)) == say(engine, text, UserState(turn=3))
    assert press(engine, "f:mc_duration") == press(engine, "f:mc_duration")


def crawl(engine: Engine, limit: int = 3000) -> list[Button]:
    """Every button reachable from the commands and a few texts, each pressed once."""
    starts = [say(engine, t) for t in ("/start", "/menu", "/help", "/country", "/forget", "/about",
                                       "/privacy", "how long do the cells stay", "blorp fnarg",
                                       "wibble years blorp")]
    starts.append(say(engine, "/help", UserState(country="GB")))
    queue = deque(b for reply in starts for m in reply.messages for b in m.buttons)
    seen: dict[str, Button] = {}
    while queue and len(seen) < limit:
        button = queue.popleft()
        if button.data in seen:
            continue
        seen[button.data] = button
        reply = press(engine, button.data, UserState(country="GB"))
        queue.extend(b for m in reply.messages for b in m.buttons)
    return list(seen.values())


def assert_buttons_fit(buttons: list[Button]) -> None:
    for button in buttons:
        assert len(button.data.encode("utf-8")) <= MAX_BUTTON_DATA, button
        press_ = callbacks.decode(button.data)
        assert press_ is not None, button
        assert callbacks.encode(press_.verb, press_.arg) == button.data
        assert button.label.strip(), button


def test_every_button_fits_and_decodes(engine: Engine, content: Content) -> None:
    buttons = crawl(engine)
    assert_buttons_fit(buttons)
    found = {b.data for b in buttons}
    assert {f"f:{flow}" for flow in ("mc_duration", "mc_where", "mc_what")} <= found
    assert {"n:mc_duration/more", "s:mc_duration/more", "x:support", "fg:y", "c:GB"} <= found


def test_every_button_of_the_real_content_fits_and_decodes() -> None:
    """On the real dialogs as they are now (errors allowed: colleagues are still writing)."""
    core = real_core()
    buttons = crawl(core.engine)
    assert_buttons_fit(buttons)
    shown = {b.data for b in buttons}
    assert {f"f:{f}" for theme in core.content.menu for f in theme.flows if f in core.content.flows} <= shown
