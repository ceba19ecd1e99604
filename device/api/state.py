"""How a route reaches the box: :func:`box_of`, the :class:`device.api.app.Box` that
:func:`device.api.app.create_app` keeps on ``app.state.box``.  A module of its own so that every route module
(app.py, and the library, MIDI and log routes that app.py imports) uses the same function without importing
app.py (which imports them).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:
    from device.api.app import Box


ENGINE_SLOTS = {"effect": "effect", "synth": "synth"}    # pack kind -> engine slot (taggers stay off it)


def box_of(request: Request) -> Box:
    """The box that ``request``'s app serves (its store, engine control, tokens, libraries)."""
    return request.app.state.box


LOG_WORDS = "hatbox.log_words"     # a route's own words for its change (:func:`say_in_log`), in the request's scope
LOG_AFTER = "hatbox.log_after"     # what its line says after who did it (:func:`say_in_log`'s ``after``)


def say_in_log(request: Request, words: str, after: str = "") -> None:
    """What a route changed, in words, for the box's log line about it (device.api.change_log.ChangeLog adds who did
    it): "the effect slot rolled back to X (was Y)" in place of "POST /slots/effect/rollback"; ``after``: what
    follows who ("pack X deleted" by 'laptopB' ": program 4 (set list) ...": p57 QA_D 6, the "by" came last, read
    as the set list's).  ``words`` "": the route changed nothing (no line at all)."""
    request.scope[LOG_WORDS] = words
    request.scope[LOG_AFTER] = after

