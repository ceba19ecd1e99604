"""What a training report describes, said in the report itself: a report folder given as --report to a second
pack's training, or copied away from its pack, named no pack, data, date or command (twenty-seventh stop's QA)."""
from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path


def made_words(pack: str | Path, data: str | Path | None) -> dict[str, str]:
    """{"pack": the pack written, "data": what it was trained on, "when": local time, "command": how it was run}:
    paths as given (absolute), the command as the shell would take it again; for report files only, never a pack's
    manifest (local paths stay on this computer)."""
    words = {"pack": str(Path(pack).absolute()), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    if data is not None:
        words["data"] = str(Path(data).absolute())
    if sys.argv and Path(sys.argv[0]).name in ("hatbox", "__main__.py"):
        words["command"] = " ".join(shlex.quote(a) for a in ["hatbox", *sys.argv[1:]])
    return words
