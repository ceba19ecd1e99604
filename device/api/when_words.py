"""How long ago, in the box's words: the one place the API's answers say "12 s ago" and "laptopA deleted it at 14:02
(40 s ago)" (packs, libraries, MIDI programs and channels), counted on the box's own clock so a laptop's clock does
not matter."""
from __future__ import annotations

import time
from typing import Any


def ago(at: Any) -> float | None:
    """Seconds since Unix time ``at`` by the box's clock (None for no time; never below 0)."""
    return max(0.0, time.time() - float(at)) if isinstance(at, (int, float)) and not isinstance(at, bool) else None


def ago_words(seconds: float) -> str:
    """"12 s ago", "5 min ago", "3 h ago"."""
    s = int(seconds)
    return f"{s} s ago" if s < 120 else f"{s // 60} min ago" if s < 7200 else f"{s // 3600} h ago"


def deleted_at_words(who: str, at: Any) -> str:
    """"laptopA's prune deleted it at 14:02 (40 s ago)" for ``who`` ("laptopA's prune", "laptopA", "the box"); no
    time when ``at`` is none."""
    since = ago(at)
    if since is None:
        return f"{who} deleted it"
    return f"{who} deleted it at {time.strftime('%H:%M', time.localtime(float(at)))} ({ago_words(since)})"
