"""Cross-file checks that need the whole content (and the matcher): Feather's content validator.

Each check returns problems with file and line; ``--check`` prints them, the bot refuses to start
on errors. Kept as small named functions so a new rule is one more function in ``CHECKS``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Mapping
from html.parser import HTMLParser
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.content import style
from bot.content.loader import Loaded
from bot.content.model import NAME_SLOT, ROLES, SPECIAL_TARGETS, TOPICS, Content, Flow, Node
from bot.content.problems import Problem
from bot.content.yamlsrc import Where
from bot.engine import callbacks
from bot.engine.dates import names_problems
from bot.engine.words import Words
from bot.matching.terms import terms
from bot.text import Normaliser
from bot.understanding import Vocabulary
from bot.understanding.vocabulary import KINDS

MAX_MESSAGE = 4096
MIN_EXAMPLES = 12
MAX_TITLE = 40
ALIKE = 96.0
"""Two examples in different topics at least this similar (after normalising) are reported."""

REQUIRED_MESSAGES: tuple[str, ...] = (
    "welcome", "menu_prompt", "theme_prompt", "help", "about", "not_sure", "not_sure_no_ideas",
    "sources_intro", "unknown_button", "error", "non_text", "voice", "group_only", "privacy",
    "mydata_intro", "mydata_empty", "forget_confirm", "forget_done", "forget_cancelled",
    "country_ask", "country_set", "country_not_found", "support_intro", "support_crisis_heading",
    "support_other_heading", "support_ask_country", "label_menu", "label_sources",
    "label_back_to_talking", "label_more_support", "label_im_safe", "label_forget_yes",
    "label_forget_no", "label_elsewhere", "label_country", "crisis_intro", "crisis_no_country",
    "crisis_outro", "medical_signs", "medical_no_country", "checkin",
    "label_checkin_yes", "label_checkin_no", "safe_ack", "safe_misread", "label_misread",
)
REQUIRED_MESSAGES += (  # safety replies (bot/engine/safety_replies.py)
    "crisis_call", "crisis_call_local", "crisis_lines_heading", "crisis_help_intro",
    "crisis_lang_es", "crisis_lang_pt", "crisis_lang_fr", "crisis_lang_de", "crisis_lang_ru",
    "crisis_lang_pl", "crisis_lang_it", "medical_where", "medical_misread", "checkin_ok",
    "medical_again", "watch_again", "watch_again_outro", "checkin_past", "supporter_guidance",
    "subject_facts", "lines_no_country",
)
REQUIRED_MESSAGES += (  # daily reflections (bot/daily)
    "daily_intro", "daily_ask_time", "daily_time_again", "daily_time_place_noted", "daily_zone_again",
    "daily_date_again", "daily_ask_zone", "daily_ask_zone_change",
    "daily_ask_zone_several", "daily_subscribed", "daily_settings", "daily_settings_paused",
    "daily_settings_paused_until", "daily_updated", "daily_pause_ask", "daily_paused_days",
    "daily_paused_on", "daily_resumed", "daily_stopped", "daily_stop_none", "daily_now_again",
    "daily_now_next", "daily_now_unsubscribed", "daily_dates_intro", "daily_dates_current",
    "daily_date_ask_due", "daily_date_ask_loss", "daily_date_confirm", "daily_kind_due",
    "daily_kind_loss", "daily_date_saved", "daily_date_not_saved", "daily_dates_removed",
    "daily_when_today", "daily_when_tomorrow", "daily_when_later", "daily_prompt_lead",
    "daily_label_morning", "daily_label_lunchtime", "daily_label_evening", "daily_label_zone",
    "daily_label_today", "daily_label_setup", "daily_label_settings", "daily_label_not_now",
    "daily_label_change_time", "daily_label_change_zone", "daily_label_pause",
    "daily_label_pause_3", "daily_label_pause_week", "daily_label_pause_on", "daily_label_resume",
    "daily_label_stop", "daily_label_dates", "daily_label_add_due", "daily_label_add_loss",
    "daily_label_remove_dates", "daily_label_keep_date", "daily_label_dont_keep",
    "daily_label_back",
)

REQUIRED_MESSAGES += (  # /mydata's plain labels and the flood notice (bot/conversations.py, telegram/flood.py)
    "mydata_outro", "mydata_not_set", "mydata_chat_id", "mydata_heading_chats", "mydata_chats_country",
    "mydata_chats_created_at", "mydata_chats_updated_at", "mydata_state_flow", "mydata_state_node",
    "mydata_state_last_topic", "mydata_state_pending", "mydata_state_pending_data",
    "mydata_state_turn", "mydata_state_watch", "mydata_state_watch_until", "mydata_state_watch_left",
    "mydata_watch_crisis", "mydata_watch_checkin", "mydata_watch_medical",
    "mydata_heading_daily_subscriptions", "mydata_daily_subscriptions_local_time",
    "mydata_daily_subscriptions_timezone", "mydata_daily_subscriptions_next_send_utc",
    "mydata_daily_subscriptions_paused_until", "mydata_daily_subscriptions_claimed_date",
    "mydata_daily_subscriptions_last_reflection", "mydata_daily_subscriptions_retry_count",
    "mydata_daily_subscriptions_seed", "mydata_daily_subscriptions_cycle",
    "mydata_daily_subscriptions_sent_ids", "mydata_daily_subscriptions_due_date",
    "mydata_daily_subscriptions_loss_date", "mydata_daily_subscriptions_created_at",
    "mydata_daily_subscriptions_updated_at", "mydata_paused_indefinitely", "slow_down",
    "mydata_state_writing", "mydata_writing_open", "mydata_writing_written", "mydata_writing_scheduled",
    "mydata_writing_paused", "mydata_heading_writing_schedule", "mydata_writing_schedule_prompt",
    "mydata_writing_schedule_due_utc", "mydata_writing_schedule_created_at",
)
REQUIRED_MESSAGES += (  # the story reply and remembering with a yes (understanding/story.py, engine/remembering.py)
    "story_sorry", "story_sorry_name", "story_heard", "story_heard_details", "story_at_weeks", "story_in_year",
    "story_when_today", "story_when_yesterday", "story_when_days", "story_when_week", "story_when_weeks",
    "story_when_month", "story_when_months", "story_when_year", "story_when_years", "keep_offer", "keep_offer_name",
    "label_keep_yes", "label_keep_no", "keep_done", "keep_declined", "keep_what_name", "keep_what_kind",
    "keep_what_month", "keep_what_role", "keep_what_and", "kept_show", "kept_none", "label_kept_change",
    "label_kept_remove", "label_kept_tell", "kept_ask", "kept_changed", "kept_nothing_found", "kept_removed",
    "command_remembered", "date_month_year", "mydata_yes", "mydata_no",
    *(f"kept_kind_{kind}" for kind in KINDS), *(f"kept_role_{role}" for role in ROLES),
)
REQUIRED_MESSAGES += (  # the command menu, helplines and dates (telegram/commands.py, engine/support.py, dates.py)
    "command_start", "command_menu", "command_help", "command_about", "command_country", "command_privacy",
    "command_mydata", "command_forget", "command_daily", "command_stop", "command_write",
    "support_emergency", "support_emergency_local", "helpline_call", "helpline_text",
    "date_months", "date_weekdays", "date_day_month", "date_day_month_year", "date_weekday_day_month",
    "date_moment_utc", "console_intro", "console_feather", "console_you",
)

_ALLOWED_TAGS = {"b": set(), "i": set(), "a": {"href"}}


class _HtmlChecker(HTMLParser):
    """Finds tags outside Telegram's small subset and unbalanced ones."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.errors: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> is not allowed (use <b>, <i>, <a href>)")
            return
        for name, value in attrs:
            if name not in _ALLOWED_TAGS[tag]:
                self.errors.append(f"attribute '{name}' is not allowed on <{tag}>")
            elif name == "href" and not (value or "").startswith(("https://", "http://", "tg://")):
                self.errors.append("a link must start with https://")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> does not close the last opened tag")
        else:
            self.open.pop()


def html_problems(text: str) -> list[str]:
    parser = _HtmlChecker()
    parser.feed(text)
    parser.close()
    if parser.open:
        parser.errors.append(f"<{parser.open[-1]}> is never closed")
    if re.search(r"&(?![a-z]+;|#\d+;)", text):
        parser.errors.append("a bare '&' must be written &amp;")
    return parser.errors


def _flows_checks(content: Content, entries: Mapping[str, Collection[str]]) -> list[Problem]:
    problems = []
    flow_ids = set(content.flows)
    for flow in content.flows.values():
        if flow.topic not in TOPICS:
            problems.append(Problem(flow.where, f"flow '{flow.id}' has unknown topic '{flow.topic}'"))
        if len(flow.examples) < MIN_EXAMPLES:
            problems.append(Problem(flow.where, f"flow '{flow.id}' has {len(flow.examples)} examples; "
                                                f"at least {MIN_EXAMPLES} are needed"))
        if len(flow.title) > MAX_TITLE:
            problems.append(Problem(flow.where, f"title of '{flow.id}' is over {MAX_TITLE} characters"))
        seen: set[str] = set()
        for node in flow.nodes:
            if node.id in seen:
                problems.append(Problem(node.where, f"node id '{node.id}' is used twice in flow '{flow.id}'"))
            seen.add(node.id)
            if node.id in flow_ids:
                problems.append(Problem(node.where, f"node id '{node.id}' is also a flow id; rename it"))
        problems += _node_checks(content, flow)
        problems += _reachability(flow, entries.get(flow.id, ()))
    for topic in TOPICS:
        if not content.flows_for(topic):
            problems.append(Problem(_first_where(content), f"topic '{topic}' has no flow"))
    return problems


def _first_where(content: Content) -> Where:
    return next(iter(content.flows.values())).where if content.flows else _nowhere()


def _nowhere() -> Where:
    return Where("dialogs/", 1)



def _fits_button(verb: str, arg: str) -> bool:
    """Whether the engine can make this button: ``callbacks.encode`` limits the argument to 56
    characters, which is stricter than Telegram's 64 bytes for the whole data."""
    try:
        callbacks.encode(verb, arg)
    except ValueError:
        return False
    return True


def _node_checks(content: Content, flow: Flow) -> list[Problem]:
    problems = []
    for node in flow.nodes:
        name = f"{flow.id}/{node.id}"
        for text in node.texts:
            if len(text) > MAX_MESSAGE:
                problems.append(Problem(node.where, f"a text of '{name}' is {len(text)} characters; "
                                                    f"Telegram's limit is {MAX_MESSAGE}"))
            for issue in html_problems(text):
                problems.append(Problem(node.where, f"text of '{name}': {issue}"))
        problems += _fitting_checks(flow, node)
        for source in node.sources:
            if source not in content.sources:
                problems.append(Problem(node.where, f"'{name}' cites unknown source '{source}'"))
        if not node.buttons:
            problems.append(Problem(node.where, f"'{name}' has no buttons of its own: a dead end"))
        if not _fits_button("n", name):
            problems.append(Problem(node.where, f"'{name}': flow and node ids too long for a button"))
        for button in node.buttons:
            target = content.resolve_goto(flow, button.goto)
            if target is None:
                problems.append(Problem(button.where, f"button '{button.label}' goes to "
                                                      f"'{button.goto}', which does not exist"))
            elif target[0] and not _fits_button("n", f"{target[0]}/{target[1]}"):
                problems.append(Problem(button.where, "flow and node ids too long for a button"))
            if len(button.label) > 64:
                problems.append(Problem(button.where, f"button label '{button.label[:20]}...' is too long"))
    return problems


_SLOT = re.compile(r"\{[^{}]*\}")


def _fitting_checks(flow: Flow, node: Node) -> list[Problem]:
    """Variants and {name}: a text list using {name} needs a text without it (for when no name
    is known), no other placeholder, and each variant's texts checked like the node's."""
    problems = []
    name = f"{flow.id}/{node.id}"
    lists = [(node.texts, node.where, f"'{name}'")]
    lists += [(v.texts, v.where, f"the variant of '{name}' for {', '.join(v.roles + v.stages)}")
              for v in node.variants]
    for texts, where, what in lists:
        if any(NAME_SLOT in t for t in texts) and all(NAME_SLOT in t for t in texts):
            problems.append(Problem(where, f"{what} uses {NAME_SLOT} in every text: add one without it, "
                                           "for when no name is known"))
        for text in texts:
            for slot in set(_SLOT.findall(text)) - {NAME_SLOT}:
                problems.append(Problem(where, f"{what} has '{slot}': the only placeholder is {NAME_SLOT}"))
            if texts is not node.texts:
                if len(text) > MAX_MESSAGE:
                    problems.append(Problem(where, f"{what} has a text of {len(text)} characters"))
                problems += [Problem(where, f"{what}: {issue}") for issue in html_problems(text)]
    return problems


def understanding_checks(content: Content, vocabulary: Vocabulary) -> list[Problem]:
    """content/understanding.yaml against the flows: the story nodes and the partner's routes
    exist, and nothing said to a partner compares them with "the women"."""
    problems: list[Problem] = []
    story = vocabulary.story
    if story is not None:
        flow = content.flows.get(story.flow)
        if flow is None:
            problems.append(Problem(story.where, f"there is no flow '{story.flow}' for the story reply"))
        else:
            nodes = [*story.nodes.items(), *([("twins", story.twins_node)] if story.twins_node else [])]
            for stage, (node_id, where) in nodes:
                if flow.node(node_id) is None:
                    problems.append(Problem(where, f"'{story.flow}' has no node '{node_id}' for {stage}"))
    for role, route in vocabulary.routes.items():
        for goto, where in [route.help_goes_to, *route.topics.values()]:
            flow_id, _, node_id = goto.partition("/")
            flow = content.flows.get(flow_id)
            if flow is None or (node_id and flow.node(node_id) is None):
                problems.append(Problem(where, f"the route of '{role}' to '{goto}' names no flow (or flow/node)"))
        for topic, (_, where) in route.topics.items():
            if topic not in TOPICS:
                problems.append(Problem(where, f"unknown topic '{topic}'"))
        said: list[tuple[str, Where, str]] = []
        for flow in content.flows.values():
            for node in flow.nodes:
                if flow.id == route.flow:
                    said += [(t, node.where, f"{flow.id}/{node.id}") for t in node.texts]
                said += [(t, v.where, f"{flow.id}/{node.id} (variant for {role})")
                         for v in node.variants if role in v.roles for t in v.texts]
        for text, where, what in said:
            low = text.casefold()
            problems += [Problem(where, f"{what} says '{phrase}' to a {role}")
                         for phrase in route.never_say if phrase in low]
        for flow in content.flows.values():  # elsewhere: such a node needs a variant for the role
            for node in flow.nodes:
                found = [p for p in route.never_say if any(p in t.casefold() for t in node.texts)]
                if found and flow.id != route.flow and not any(role in v.roles for v in node.variants):
                    problems.append(Problem(node.where, f"'{flow.id}/{node.id}' says '{found[0]}': "
                                                        f"add a variant for {role} without it"))
    if story is not None:
        problems += [Problem(story.where, f"unknown topic '{topic}' in story.instead_of")
                     for topic in story.instead_of if topic not in TOPICS]
    return problems


def _reachability(flow: Flow, entries: Collection[str] = ()) -> list[Problem]:
    """Every node reached by buttons from the start, or from an ``entry`` the engine opens itself
    (the story flow's node for each stage, content/understanding.yaml)."""
    starts = [flow.start, *(n for n in flow.nodes if n.id in entries)]
    reached = {n.id for n in starts}
    frontier = list(starts)
    while frontier:
        node = frontier.pop()
        for button in node.buttons:
            target = button.goto.split("/", 1)[1] if button.goto.startswith(f"{flow.id}/") else button.goto
            child = flow.node(target)
            if child and child.id not in reached:
                reached.add(child.id)
                frontier.append(child)
    return [Problem(n.where, f"node '{flow.id}/{n.id}' cannot be reached from the start of its flow")
            for n in flow.nodes if n.id not in reached]


def _alike_examples(content: Content, normaliser: Normaliser) -> list[Problem]:
    """Pairs of examples in different topics that the matcher cannot tell apart."""
    problems = []
    seen: dict[str, tuple[str, object, str]] = {}
    prepared = []
    for flow in content.flows.values():
        for example in flow.examples:
            key = " ".join(sorted(set(terms(normaliser.words(example.text)))))
            if not key:
                problems.append(Problem(example.where, f"example '{example.text}' has no words the matcher uses"))
                continue
            prepared.append((key, flow.topic, example))
    for key, topic, example in prepared:
        if key in seen and seen[key][0] != topic:
            other_topic, other_where, other_text = seen[key]
            problems.append(Problem(example.where, f"example '{example.text}' ({topic}) is the same to "
                                                   f"the matcher as '{other_text}' ({other_topic}) at {other_where}"))
        seen.setdefault(key, (topic, example.where, example.text))
    # Strings this alike differ in length by a few per cent at most: compare only near lengths
    # (rapidfuzz scores a window at once; its results are put back in length order).
    by_length = sorted(prepared, key=lambda item: len(item[0]))
    keys = [key for key, _, _ in by_length]
    lengths = [len(key) for key in keys]
    for i, (key_a, topic_a, ex_a) in enumerate(by_length):
        if len(key_a) <= 12:
            continue
        end = bisect_right(lengths, len(key_a) * (200 / ALIKE - 1) + 1, lo=i + 1)
        found = process.extract(key_a, keys[i + 1:end], scorer=fuzz.ratio, score_cutoff=ALIKE, limit=None)
        for _, _, offset in sorted(found, key=lambda hit: hit[2]):
            key_b, topic_b, ex_b = by_length[i + 1 + offset]
            if topic_a != topic_b and key_a != key_b:
                problems.append(Problem(ex_b.where, f"example '{ex_b.text}' ({topic_b}) is almost the same "
                                                    f"as '{ex_a.text}' ({topic_a}) at {ex_a.where}"))
    return problems


def _menu_checks(content: Content) -> list[Problem]:
    problems = []
    for theme in content.menu:
        for flow_id in theme.flows:
            if flow_id in SPECIAL_TARGETS and f"label_special_{flow_id}" not in content.messages:
                problems.append(Problem(theme.where, f"theme '{theme.id}' lists '{flow_id}': messages.yaml needs "
                                                     f"'label_special_{flow_id}' for its button"))
            elif flow_id not in content.flows and flow_id not in SPECIAL_TARGETS:
                problems.append(Problem(theme.where, f"theme '{theme.id}' lists unknown flow '{flow_id}'"))
        try:
            callbacks.encode("t", theme.id)
        except ValueError:
            problems.append(Problem(theme.where, f"theme id '{theme.id}' is too long"))
    return problems


def _message_checks(loaded: Loaded) -> list[Problem]:
    problems = []
    content = loaded.content
    where = next(iter(loaded.message_places.values()), _nowhere())
    for key in REQUIRED_MESSAGES:
        if key not in content.messages:
            problems.append(Problem(where, f"content/messages.yaml needs the message '{key}'"))
    for issue in names_problems(Words(content)):
        problems.append(Problem(where, issue))
    for key, texts in content.messages.items():
        for text in texts:
            for issue in html_problems(text):
                problems.append(Problem(loaded.message_places[key], f"message '{key}': {issue}"))
            if len(text) > MAX_MESSAGE:
                problems.append(Problem(loaded.message_places[key], f"message '{key}' is over {MAX_MESSAGE}"))
    return problems


def _resource_checks(content: Content) -> list[Problem]:
    problems = []
    phone = re.compile(r"^[0-9][0-9 -]*[0-9]( \([0-9 -]+\))?$|^1-[0-9]{3}-[A-Z]{3}-[A-Z]{4} \([0-9-]+\)$")
    for country in content.countries.values():
        for service in country.services:
            if service.phone and not phone.match(service.phone):
                problems.append(Problem(service.where, f"phone '{service.phone}' of '{service.id}' is not "
                                                       "in the helplines sheet's form"))
            if service.mark == "NOT_FOUND" and service.phone:
                problems.append(Problem(service.where, f"'{service.id}' is NOT_FOUND: show no number"))
            if service.mark == "CONFLICT" and not service.note:
                problems.append(Problem(service.where, f"'{service.id}' is CONFLICT: it needs a note"))
    return problems


def _source_checks(content: Content) -> list[Problem]:
    cited = {s for flow in content.flows.values() for node in flow.nodes for s in node.sources}
    return [Problem(source.where, f"source '{source.id}' is never cited", "warning")
            for source in content.sources.values() if source.id not in cited]


def check_content(loaded: Loaded, normaliser: Normaliser, root: Path,
                  entries: Mapping[str, Collection[str]] | None = None) -> list[Problem]:
    """Run every cross-file check; the normaliser is the matcher's, so checks see what it sees.
    The rules of voice are read from ``root``'s content/style_rules.yaml. ``entries``: nodes the
    engine opens directly, by flow (they need no button leading to them)."""
    content = loaded.content
    rules = style.load_style_rules(root / style.RULES_FILE)
    checks: list[Callable[[], list[Problem]]] = [
        lambda: _flows_checks(content, entries or {}),
        lambda: _alike_examples(content, normaliser),
        lambda: _menu_checks(content),
        lambda: _message_checks(loaded),
        lambda: _resource_checks(content),
        lambda: _source_checks(content),
        lambda: style.style_checks(loaded, rules),
    ]
    problems: list[Problem] = []
    for check in checks:
        problems.extend(check())
    return problems
