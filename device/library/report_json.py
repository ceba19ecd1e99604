"""A tagging's report (device.library.tag's LibraryReport, a dataclass) as plain JSON: what the tagging process
(device/library/tag_worker.py) sends the box and what the box's record of a library keeps (device/api/libraries.py)."""
from __future__ import annotations

import dataclasses
import json
from typing import Any


def jsonable(value: Any) -> Any:
    """The tagger's result as plain JSON (dataclasses become objects; anything else JSON cannot say, a string)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, default=str))
