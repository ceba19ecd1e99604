"""`hatbox device check`: is this machine ready to be the box?  Prints device/board_check.py's checks as a list,
each with what to do when it is not ok; exit status 1 when one failed (the box would not start or a part of it would
not work), else 0."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from export.manifest import RATE_RANGE
from hatbox.argtypes import whole
from hatbox.text import count_words

MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "skip": "skip"}
FAILED = 1


def register(cli: Any) -> None:
    from hatbox.cmd_device import DEFAULT_STORE, MAX_BLOCK
    p = cli.subcommand("device", "check", "check that this machine can be the box: audio, real-time, pins, touch, "
                                         "screen, MIDI, inference, store, service", check, group_help="the box itself")
    p.add_argument("--sim", action="store_true", help="check for simulated hardware (hatbox device run --sim)")
    p.add_argument("--board", metavar="NAME|FILE.toml",
                   help="the board (default: sim with --sim, else jetson-orin-nano-devkit)")
    p.add_argument("--audio", metavar="DEVICE", default="default", help="ALSA device (default: 'default')")
    p.add_argument("--rate", type=whole(*RATE_RANGE), default=48000, help="sample rate in Hz (default 48000)")
    p.add_argument("--block", type=whole(1, MAX_BLOCK), default=128, help="block size in samples (default 128)")
    p.add_argument("--periods", type=whole(2, 32), default=3, help="ALSA periods per buffer (default 3)")
    p.add_argument("--store", type=Path, default=DEFAULT_STORE, help="the box's data folder (default ~/.hatbox)")
    p.add_argument("--unit", default="hatbox", help="the box's systemd service name (default hatbox)")


def check(args: argparse.Namespace) -> int:
    from device.board_check import Setup, run_checks
    board = args.board or ("sim" if args.sim else "jetson-orin-nano-devkit")
    setup = Setup(board=board, sim=args.sim, device=args.audio, rate=args.rate, block=args.block,
                  periods=args.periods, store=args.store, unit=args.unit)
    print(f"hatbox device check: board {board}{' (simulated hardware)' if args.sim else ''}, audio '{args.audio}', "
          f"store {args.store}", flush=True)
    checks = run_checks(setup)
    width = max(len(c.part) for c in checks)
    for c in checks:
        print(f"  {MARK[c.status]}  {c.part:<{width}}  {c.line}")
        if c.hint and c.status in ("warn", "fail"):
            print(f"  {'':4}  {'':<{width}}  -> {c.hint}")
    counts = {s: sum(1 for c in checks if c.status == s) for s in MARK}
    print(f"{counts['ok']} ok, {count_words(counts['warn'], 'warning')}, {counts['fail']} failed"
          + (f", {counts['skip']} skipped" if counts["skip"] else ""))
    return FAILED if counts["fail"] else 0
