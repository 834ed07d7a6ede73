"""The Telegram front end: a thin adapter between python-telegram-bot and ``Conversations``.

- ``runner``: the composition root (application, handlers in order, polling or webhook, start-up).
- ``handlers``: private-chat updates to engine turns; ``groups``: groups read nothing.
- ``sending``: replies out (split, buttons, pacing, blocked chats); ``splitting``: the 4096 cut.
- ``retrying``: rate limits, 429 and network/5xx retries; ``ordering``: per-chat order.
- ``errors``: the global error handler; ``commands``: the command menu; ``webhook``: its limits.
"""
