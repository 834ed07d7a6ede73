"""The terminal chat: the same engine as Telegram, with buttons as numbered choices.

Interactive, it prompts; with stdin not a terminal it reads one message per line and prints the
replies, so a script can drive a whole conversation.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.conversations import Conversations
from bot.engine.types import Button, OutMessage
from bot.frontends.plain import to_plain

CONSOLE_CHAT_ID = 1


class ConsoleChat:
    def __init__(self, conversations: Conversations, out: TextIO = sys.stdout, chat_id: int = CONSOLE_CHAT_ID):
        self.conversations = conversations
        self.out = out
        self.chat_id = chat_id
        self.choices: list[Button] = []
        words = conversations.engine.words
        self.intro, self.feather, self.you = (words.text(f"console_{k}") for k in ("intro", "feather", "you"))

    def show(self, messages: list[OutMessage]) -> None:
        self.choices = []
        for message in messages:
            lines = to_plain(message.text).strip().split("\n")
            indent = " " * (len(self.feather) + 2)
            body = "\n".join((indent + line) if line.strip() else "" for line in lines[1:])
            self.out.write(f"\n{self.feather}: {lines[0]}\n" + (body + "\n" if body else ""))
            for button in message.buttons:
                self.choices.append(button)
                self.out.write(f"  [{len(self.choices)}] {button.label}\n")
        self.out.flush()

    def send(self, line: str) -> None:
        """A typed line: a number picks a choice, anything else is a message."""
        line = line.strip()
        if not line:
            return
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            self.show(self.conversations.handle_button(self.chat_id, self.choices[int(line) - 1].data))
        else:
            self.show(self.conversations.handle_text(self.chat_id, line))

    def run(self, stdin: TextIO = sys.stdin) -> None:
        interactive = stdin.isatty()
        if interactive:
            self.out.write(self.intro + "\n")
            self.send("/start")
        while True:
            if interactive:
                self.out.write(f"\n{self.you}: ")
                self.out.flush()
            line = stdin.readline()
            if not line or line.strip() in ("/quit", "/exit"):
                break
            self.send(line)
