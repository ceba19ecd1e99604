"""The box's own panel's change lines ("panel: ..."): one logger, ``hatbox.panel``, for a pack made active or rolled
back on the Models page (device/ui/data.py), the kit "from library" made on the Kit page and a sample put on a pad
or a pad cleared there (device/api/box_kit.py, :func:`kit_note_words`), so box.log and changes.log (``hatbox
box-logs --changes``) name every change made on the panel alike (p55 FR3 review 2: the kit's line came from
``device.api.box_kit``; p56: a pad set or cleared on the panel was not logged at all)."""
from __future__ import annotations

import logging
from pathlib import PurePath

from device.logs import AS_CHANGE
from device.notes import note_name

PANEL_LOG = "hatbox.panel"      # the logger's name, as box.log and changes.log write it


def said_change(words: str) -> None:
    """Log ``words``, a change made on the panel, as "panel: WORDS": written in box.log every time, and in changes.log
    beside the laptop's changes (device.logs.AS_CHANGE)."""
    logging.getLogger(PANEL_LOG).info("panel: %s", words, extra=AS_CHANGE)


def kit_note_head(note: int) -> str:
    """A kit note as every change line names it, by number and name: "kit note 36 (C2)" (the panel's set, clear and
    latch lines, and PATCH /kit/notes/N's, device/api/kit_routes.py: one heading, so they cannot drift apart)."""
    return f"kit note {note} ({note_name(note)})"


def kit_note_words(note: int, plays: str | None, was: str | None = None, loop: bool = False,
                   same: bool = False, of: str = "") -> str:
    """A kit note set or cleared on the panel, in the API's words for a note (its number and name): "kit note 36 (C2)
    plays boom.wav (was kick-old.wav)", ", looped" for a loop; ``same``: the note's own sample again (its loop
    toggled; the caller decides it on library and file, never on paths: a link on a library's way made two paths of
    one sample, p56 FR2 6): ", looped" or ", one-shot (no loop)", no "was"; ``plays`` None: "kit note 36 (C2)
    cleared (it played boom.wav)".  ``plays``, ``was``: the samples' paths (their file names are said); ``of``:
    written straight after the file name (the change log's " of library kit (ID, laptopA's)"; the panel's: "")."""
    head = kit_note_head(note)
    if plays is None:
        return f"{head} cleared" + (f" (it played {PurePath(was).name})" if was else "")
    how = ", looped" if loop else ", one-shot (no loop)" if same else ""
    before = f" (was {PurePath(was).name})" if was and not same else ""
    return f"{head} plays {PurePath(plays).name}{of}{how}{before}"
