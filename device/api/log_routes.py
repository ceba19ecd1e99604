"""The box's log over the API (device/api/app.py builds the app): ``GET /logs?lines=N``, the tail of the log
``hatbox device run`` keeps in the store (device/logs.py: STORE/logs/box.log, continued from box.log.1 just after
a rotation), so a maintainer reads it from a laptop (``hatbox box-logs``) on a box nobody watches.  Needs the
token like every route but ``/health`` and ``/pair``.  A box that keeps no log file (its logs/ folder cannot be
written, or the API runs without ``hatbox device run``) answers with no lines and a note saying why.

``GET /logs?file=changes`` answers the tail of STORE/logs/changes.log the same way: who changed what (every change
a paired device made, never collapsed, apart from box.log's rotation; ``hatbox box-logs --changes``), with the
program switches of STORE/logs/switches.log (their own share since the fifty-sixth stop) merged in by time
(device.logs.tail); ``file`` still names changes.log.  Before (forty-ninth stop) only box.log could be read from
the laptop.  A box from before refuses ``file`` as an unknown
query parameter (400, device/api/app.py strict_query); hatbox/cmd_logs.py ``_older_box`` says so in one line.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from fastapi import FastAPI, Query, Request
from pydantic import BaseModel, Field

from device.api.errors import _errors
from device.api.state import box_of
from device.logs import CHANGES_FILE, LOG_DIR, LOG_FILE, log_files, tail

DEFAULT_LINES = 200
MAX_LINES = 5000           # five files of 1 MB hold some 10 000 lines: this much is plenty for one look
NO_LOG = (f"the box keeps no log file ({LOG_DIR}/{LOG_FILE} in its store): it writes one while `hatbox device run` "
          "runs, unless its store's logs/ folder cannot be written (then it logs to stderr only)")
NO_CHANGES = (f"the box keeps no changes log yet ({LOG_DIR}/{CHANGES_FILE} in its store): while `hatbox device run` "
              "runs it writes a line there for each change a paired device makes (a pack installed or deleted, a "
              "library uploaded, a knob, the volume or a bypass set, a pairing), unless its store's logs/ folder "
              "cannot be written")
LogName = Literal["box", "changes"]
FILES = {"box": (LOG_FILE, NO_LOG), "changes": (CHANGES_FILE, NO_CHANGES)}     # the file and why it may be missing


class LogTail(BaseModel):
    """The last lines of the box's log, oldest first."""

    file: str = Field(description="the log file, relative to the box's store (logs/changes.log: with the program "
                                  "switches of logs/switches.log merged in by time)")
    lines: list[str]
    more: bool = Field(description="the log holds older lines than these")
    note: Optional[str] = Field(default=None, description="why there are no lines, when there are none")


def log_tail(store: Any, name: LogName, lines: int) -> LogTail:
    """The last ``lines`` lines of the log ``name`` (box: box.log; changes: changes.log with switches.log, merged by
    time) in ``store``."""
    file, missing = FILES[name]
    kept = tail(store, lines + 1, file)          # one more: says whether older lines are left out
    note = None if kept or log_files(store, file) else missing
    return LogTail(file=f"{LOG_DIR}/{file}", lines=kept[-lines:], more=len(kept) > lines, note=note)


def _add_log_routes(app: FastAPI, auth: Any) -> None:
    @app.get("/logs", response_model=LogTail, dependencies=[auth], responses=_errors(401))
    def logs(request: Request, lines: int = Query(DEFAULT_LINES, ge=1, le=MAX_LINES,
                                                  description="how many of the last lines"),
             file: LogName = Query("box", description="box: box.log, everything the box says; changes: changes.log, "
                                                      "who changed what (the changes paired devices made), with "
                                                      "switches.log's program switches merged in by time"),
             ) -> LogTail:
        return log_tail(box_of(request).store.root, file, lines)
