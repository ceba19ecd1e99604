"""Laptop side of the box's log: `hatbox box-logs [--lines N]` prints the last lines of the log the box keeps while
`hatbox device run` runs (STORE/logs/box.log on the box: its warnings, errors, the engine's starts and ends), for a
maintainer looking into a box nobody watches.  `hatbox box-logs --changes` prints the box's changes log instead
(STORE/logs/changes.log: who changed what, every change a paired device made, kept apart from box.log's rotation,
with the program switches of STORE/logs/switches.log, their own share, merged in by time).

Talks to the box's API (``GET /logs``, ``GET /logs?file=changes``; device/api/log_routes.py) with the paired box's URL
and token, as the other laptop commands do (hatbox/box_client.py, hatbox/cmd_remote.py).
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import re
import sys
from typing import Any, Iterator

from hatbox.box_client import BoxRefused, _box_reply, _call, _client, safe_text
from hatbox.cmd_remote import _common, target
from hatbox.errors import HatboxError

DEFAULT_LINES = 200
MAX_LINES = 5000             # the box's limit (device/api/log_routes.py MAX_LINES)
# a line as the box writes it (device/logs.py FILE_FORMAT, its stamp device/log_stamps.STAMP): "2026-12-07
# 16:39:01,846 MainProcess AnyIO worker thread INFO hatbox.api: paired 'demo-laptop' (token 5292a751)"; each field's
# pattern, by its name in the format (a thread's name may hold spaces, a level's never does); line_pattern builds it
PARTS = {"asctime": ("time", None), "processName": ("process", r"\S+"), "threadName": ("thread", r".+?"),
         "levelname": ("level", r"DEBUG|INFO|WARNING|ERROR|CRITICAL"), "name": ("logger", r"[^\s:]+"),
         "message": ("message", r".*")}
FIELDS = tuple(name for name, _ in PARTS.values())     # a line's fields as --json gives them (PARTS' names)


def box_logs(args: argparse.Namespace) -> int:
    """Print the last ``args.lines`` lines of the box's log (``args.changes``: its changes log), oldest first (a note
    on stderr when it keeps none); more than the box sends (MAX_LINES) asks for that many, with a note."""
    if args.lines < 1:
        raise HatboxError(f"--lines {args.lines} is out of range: the box sends 1 to {MAX_LINES} lines",
                          hint=f"e.g. {_command(args.changes)} --lines {DEFAULT_LINES}")
    lines = min(args.lines, MAX_LINES)
    params: dict[str, Any] = {"lines": lines, "file": "changes"} if args.changes else {"lines": lines}
    with _client(*target(args)) as c, _older_box(args.changes):
        # a box without GET /logs (an older hatbox) is said by box_client: "the box does not offer GET /logs"
        body = _call(c, "GET", "/logs", params=params)
    if lines < args.lines:
        print(f"note: the box sends at most {MAX_LINES} lines: these are its last {MAX_LINES} at most",
              file=sys.stderr)
    with _box_reply("GET /logs"):
        if args.json:
            _print_json(body)
        else:
            _print(body, args.changes, asked_most=lines >= MAX_LINES)
    return 0


def line_fields(line: str) -> dict[str, str | None]:
    """One log line as a script reads it: its ``time`` (the box's local time, "YYYY-MM-DD HH:MM:SS,mmm"),
    ``process``, ``thread``, ``level``, ``logger`` and ``message``, and the ``line`` itself; a line not in the box's
    form (a traceback's) has the fields None and its text as ``message``."""
    got = line_pattern().fullmatch(line)
    fields: dict[str, str | None] = {k: got.group(k) for k in FIELDS} if got else \
        {**dict.fromkeys(FIELDS), "message": line}
    return {**fields, "line": line}


@functools.cache
def line_pattern() -> re.Pattern[str]:
    """The box's log line as a pattern, built (once) from the format the box writes (device/logs.FILE_FORMAT) and its
    stamp (device/log_stamps.STAMP): a change to either is followed here.  A field of the format not in PARTS is a
    bug (KeyError), not lines silently unread."""
    from device.log_stamps import STAMP
    from device.logs import FILE_FORMAT as fmt
    out, at = [], 0
    for field in re.finditer(r"%\((\w+)\)s", fmt):
        out.append(re.escape(fmt[at:field.start()]))
        name, pattern = PARTS[field.group(1)]
        out.append(f"(?P<{name}>{STAMP.pattern.rstrip(' ') if pattern is None else pattern})")
        at = field.end()
    return re.compile("".join(out) + re.escape(fmt[at:]), re.DOTALL)


def _print_json(body: dict[str, Any]) -> None:
    """``--json``: the box's answer (``GET /logs``: file, more, note) with each line an object (:func:`line_fields`),
    oldest first."""
    from hatbox.listing import print_json
    print_json({"file": body.get("file"), "more": bool(body.get("more")), "note": body.get("note"),
                "lines": [line_fields(str(line)) for line in body["lines"]]})


@contextlib.contextmanager
def _older_box(changes: bool) -> Iterator[None]:
    """Asking for the changes log: a box from before the forty-ninth stop refuses ``file`` as an unknown query
    parameter (a 400: "unknown query parameter 'file' (accepted: lines)", hatbox.library_browse's
    ``refused_parameter``: the box's words matched in one place), said as what it is."""
    from hatbox import library_browse
    try:
        yield
    except BoxRefused as exc:
        if not (changes and library_browse.refused_parameter(exc, "file")):
            raise
        raise HatboxError("the box cannot send its changes log: it runs a hatbox from before the forty-ninth stop, "
                          "which sends box.log only",
                          hint="hatbox box-logs shows box.log, which has the same change lines until they rotate "
                               "away; or install this hatbox version on the box") from None


def _command(changes: bool) -> str:
    return "hatbox box-logs --changes" if changes else "hatbox box-logs"


def _print(body: dict[str, Any], changes: bool = False, asked_most: bool = False) -> None:
    """The lines of a ``GET /logs`` answer, safe for a terminal; what the box says when it has none.  ``asked_most``:
    the box's most lines were asked for, so older ones left out cannot be had with a larger --lines."""
    lines = body["lines"]
    if body.get("more"):
        more = (f"the box sends at most {MAX_LINES}" if asked_most
                else f"{_command(changes)} --lines N shows more, up to {MAX_LINES}")
        print(f"... (older lines are left out: {more})", file=sys.stderr)
    for line in lines:
        print(safe_text(line))
    if not lines:
        which = "changes log" if changes else "log"
        print(f"the box's {which} has no lines: {safe_text(body.get('note') or 'it is empty')}", file=sys.stderr)


def register(cli: Any) -> None:
    p = cli.command("box-logs", "the last lines of the box's log (its warnings, errors, the engine's starts and "
                                "ends), for looking into a box nobody watches", box_logs)
    p.add_argument("--lines", type=int, default=DEFAULT_LINES, metavar="N",
                   help=f"how many of the last lines (default {DEFAULT_LINES}, at most {MAX_LINES})")
    p.add_argument("--changes", action="store_true",
                   help="the box's changes log instead (who changed what: every change a paired device made, "
                        "kept when box.log's older lines are dropped; program switches, kept in switches.log, "
                        "merged in by time)")
    p.add_argument("--json", action="store_true",
                   help="print the lines as JSON (for scripts): {file, more, note, lines: [{time, process, thread, "
                        "level, logger, message, line}]}, oldest first")
    _common(p)
