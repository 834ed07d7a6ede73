"""Daily reflections: an opt-in, gentle message each day at the person's own local time.

The conversation is ``dialog`` (the engine's Feature) and ``actions`` (its effects, with the chat
id); sending is ``dispatcher`` (one paced loop for everyone). docs/daily.md says why each piece is
as it is; docs/architecture.md shows a reflection's way from the scheduler to Telegram.
"""
