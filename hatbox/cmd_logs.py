"""Laptop side of the box's log: `hatbox box-logs [--lines N]` prints the last lines of the log the box keeps while
`hatbox device run` runs (STORE/logs/box.log on the box: its warnings, errors, the engine's starts and ends), for a
maintainer looking into a box nobody watches.

Talks to the box's API (``GET /logs``, device/api/log_routes.py) with the paired box's URL and token, as the other
laptop commands do (hatbox/box_client.py, hatbox/cmd_remote.py).
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from hatbox.box_client import _box_reply, _call, _client, safe_text
from hatbox.cmd_remote import _common, target
from hatbox.errors import HatboxError

DEFAULT_LINES = 200
MAX_LINES = 5000             # the box's limit (device/api/log_routes.py MAX_LINES)


def box_logs(args: argparse.Namespace) -> int:
    """Print the last ``args.lines`` lines of the box's log, oldest first (a note on stderr when it keeps none);
    more than the box sends (MAX_LINES) asks for that many, with a note."""
    if args.lines < 1:
        raise HatboxError(f"--lines {args.lines} is out of range: the box sends 1 to {MAX_LINES} lines",
                          hint=f"e.g. hatbox box-logs --lines {DEFAULT_LINES}")
    lines = min(args.lines, MAX_LINES)
    with _client(*target(args)) as c:
        # a box without GET /logs (an older hatbox) is said by box_client: "the box does not offer GET /logs"
        body = _call(c, "GET", "/logs", params={"lines": lines})
    if lines < args.lines:
        print(f"note: the box sends at most {MAX_LINES} lines: these are its last {MAX_LINES} at most",
              file=sys.stderr)
    with _box_reply("GET /logs"):
        _print(body)
    return 0


def _print(body: dict[str, Any]) -> None:
    """The lines of a ``GET /logs`` answer, safe for a terminal; what the box says when it has none."""
    lines = body["lines"]
    if body.get("more"):
        print(f"... (older lines are left out: hatbox box-logs --lines N shows more, up to {MAX_LINES})",
              file=sys.stderr)
    for line in lines:
        print(safe_text(line))
    if not lines:
        print(f"the box's log has no lines: {safe_text(body.get('note') or 'it is empty')}", file=sys.stderr)


def register(cli: Any) -> None:
    p = cli.command("box-logs", "the last lines of the box's log (its warnings, errors, the engine's starts and "
                                "ends), for looking into a box nobody watches", box_logs)
    p.add_argument("--lines", type=int, default=DEFAULT_LINES, metavar="N",
                   help=f"how many of the last lines (default {DEFAULT_LINES}, at most {MAX_LINES})")
    _common(p)
