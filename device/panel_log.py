"""The box's own panel's change lines ("panel: ..."): one logger, ``hatbox.panel``, for a pack made active or rolled
back on the Models page (device/ui/data.py) and the kit "from library" made on the Kit page (device/api/box_kit.py),
so box.log and changes.log (``hatbox box-logs --changes``) name every change made on the panel alike (p55 FR3
review 2: the kit's line came from ``device.api.box_kit``)."""
from __future__ import annotations

import logging

from device.logs import AS_CHANGE

PANEL_LOG = "hatbox.panel"      # the logger's name, as box.log and changes.log write it


def said_change(words: str) -> None:
    """Log ``words``, a change made on the panel, as "panel: WORDS": written in box.log every time, and in changes.log
    beside the laptop's changes (device.logs.AS_CHANGE)."""
    logging.getLogger(PANEL_LOG).info("panel: %s", words, extra=AS_CHANGE)
