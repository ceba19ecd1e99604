"""`hatbox device check`: is this machine ready to be the box?  Prints device/board_check.py's checks as a list,
each with what to do when it is not ok; exit status 1 when one failed (the box would not start or a part of it would
not work), else 0.  Without ``--store``: the store of the box's installed service (its unit's ``--store``), else
``~/.hatbox``, so a box running as a service is seen as running."""
from __future__ import annotations

import argparse
import shlex
import textwrap
from pathlib import Path
from typing import Any

from export.manifest import RATE_RANGE
from hatbox.argtypes import number, whole
from hatbox.text import count_words, escape_unsafe

MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "skip": "skip"}
FAILED = 1
TRIAL_S = 10.0                   # seconds of the real-time trial by default
WIDTH = 110                      # characters a line of the list is wrapped at


def register(cli: Any) -> None:
    from hatbox.cmd_device import MAX_BLOCK
    from hatbox.cmd_service import UNIT_DIR, _unit_name
    p = cli.subcommand("device", "check", "check that this machine can be the box: audio, real-time, pins, touch, "
                                         "screen, MIDI, inference, store, service", check, group_help="the box itself")
    p.add_argument("--sim", action="store_true", help="check for simulated hardware (hatbox device run --sim)")
    p.add_argument("--board", metavar="NAME|FILE.toml",
                   help="the board (default: sim with --sim, else jetson-orin-nano-devkit)")
    p.add_argument("--audio", metavar="DEVICE", default="default", help="ALSA device (default: 'default')")
    p.add_argument("--rate", type=whole(*RATE_RANGE), default=48000, help="sample rate in Hz (default 48000)")
    p.add_argument("--block", type=whole(1, MAX_BLOCK), default=128, help="block size in samples (default 128)")
    p.add_argument("--periods", type=whole(2, 32), default=3, help="ALSA periods per buffer (default 3)")
    p.add_argument("--store", type=Path, help="the box's data folder (default: the installed service's, else "
                                              "~/.hatbox)")
    p.add_argument("--unit", type=_unit_name, default="hatbox", help="the box's systemd service name (default hatbox)")
    p.add_argument("--trial", type=number(0.0, 600.0, "seconds"), default=TRIAL_S,
                   help=f"seconds the factory effect and synth play through the engine, a soft chord, to count "
                        f"dropouts (default {TRIAL_S:g}; 0: no trial, no sound)")
    p.add_argument("--unit-dir", type=Path, default=UNIT_DIR, help=argparse.SUPPRESS)


def check(args: argparse.Namespace) -> int:
    from device.board_check import Setup, run_checks
    board = args.board or ("sim" if args.sim else "jetson-orin-nano-devkit")
    store = args.store or service_store(args.unit_dir / f"{args.unit}.service")
    audio = args.audio or "default"                  # as `hatbox device run` takes an empty --audio
    setup = Setup(board=board, sim=args.sim, device=audio, rate=args.rate, block=args.block,
                  periods=args.periods, store=store, unit=args.unit, unit_dir=args.unit_dir, trial_s=args.trial)
    print(textwrap.fill(escape_unsafe(f"hatbox device check: board {board}{' (simulated hardware)' if args.sim else ''}"
                                      f", audio '{audio}', store {store}"), WIDTH, subsequent_indent="  "), flush=True)
    checks = run_checks(setup)
    width = max(len(c.part) for c in checks)
    indent = " " * (2 + 4 + 2 + width + 2)
    for c in checks:
        print(textwrap.fill(escape_unsafe(c.line), WIDTH, initial_indent=f"  {MARK[c.status]}  {c.part:<{width}}  ",
                            subsequent_indent=indent))
        if c.hint:
            print(textwrap.fill(escape_unsafe(c.hint), WIDTH, initial_indent=f"{indent}-> ",
                                subsequent_indent=indent + "   "))
    counts = {s: sum(1 for c in checks if c.status == s) for s in MARK}
    print(f"{counts['ok']} ok, {count_words(counts['warn'], 'warning')}, {counts['fail']} failed"
          + (f", {counts['skip']} skipped" if counts["skip"] else ""))
    return FAILED if counts["fail"] else 0


def service_store(unit: Path) -> Path:
    """The ``--store`` in the ExecStart= of ``unit`` (a unit hatbox device service wrote), else ``~/.hatbox``."""
    from hatbox.cmd_device import DEFAULT_STORE
    try:
        lines = unit.read_text(errors="replace").splitlines()
    except OSError:
        return DEFAULT_STORE
    for line in lines:
        if line.startswith("ExecStart="):
            try:
                words = [w.replace("%%", "%").replace("$$", "$") for w in shlex.split(line[len("ExecStart="):])]
            except ValueError:
                return DEFAULT_STORE
            stores = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--store"]
            return Path(stores[-1]) if stores else DEFAULT_STORE
    return DEFAULT_STORE
