"""More of `hatbox push-library` and `hatbox box-library` (hatbox/cmd_box_library.py, kept under 600 lines): what a
re-tag on the box keeps (device.api.library_fixes: the old tags stay until a re-tag has gone through the library)."""
from __future__ import annotations

from typing import Any

from hatbox.box_client import safe_text


def retag_started(body: dict[str, Any]) -> str:
    """What `box-library ID --retag` adds about the library's tags meanwhile (``body``: the box's record)."""
    old = body.get("tags_from")
    if not old:
        return ""
    return f"; until it has gone through every file the library keeps the tags of {safe_text(old)}"


def cancel_words(body: dict[str, Any]) -> str:
    """What a stop asked of library ``body``'s tagging keeps: a re-tag's stop keeps every file's old tags."""
    lid, old = safe_text(body["id"]), body.get("tags_from")
    again = f"to go on later from where it stops: hatbox box-library {lid} --retag"
    if old:
        return (f"re-tagging with {safe_text(body.get('tagger') or 'the new tagger')} stops after the batch of files "
                f"it is on; every file keeps its tags from {safe_text(old)} (a re-tag's tags replace them only once "
                f"it has gone through the whole library; {again})")
    return f"tagging stops after the batch of files it is on (a few dozen); the tags so far stay ({again})"


def stopped_retag_line(lib: dict[str, Any]) -> str:
    """The listing's line for a library whose re-tag was stopped part way ("" for none)."""
    stopped = lib.get("stopped_retag")
    if not isinstance(stopped, dict):
        return ""
    lid = safe_text(str(lib.get("id")))
    return (f"    a re-tag with {safe_text(str(stopped.get('tagger')))} stopped at {stopped.get('done', 0)} of "
            f"{stopped.get('total', '?')}: every file keeps its tags from {safe_text(str(lib.get('tagger')))} "
            f"(hatbox box-library {lid} --retag goes on from there)")

