"""Daily reflections: an opt-in, gentle message each day at the person's own local time.

Modules, each small and named for what it does (see docs/daily.md for the why):

* ``timeparse`` reads "8:30", "half past seven", "noon"; dates like "12 March".
* ``zones`` finds a time zone from "london", "new yrok", "Europe/Berlin" (content/cities.yaml).
* ``schedule`` pure next-send arithmetic: local time + zone -> UTC, clock changes handled.
* ``order`` each person's own order of reflections, no repeat until all are sent.
* ``repository`` SQLite access; ``claim_due`` is the at-most-once claim.
* ``compose`` a day's reflection as one message (with a shared date acknowledged on its day).
* ``dialog`` / ``actions`` the conversation: a Feature for the engine and its effect handlers.
* ``ratelimit`` / ``dispatcher`` the one sending loop, paced; ``telegram_sender`` its PTB adapter.
* ``build`` wires it together for ``bot/features.py``.
"""
