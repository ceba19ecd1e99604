"""`hatbox device check`: is this machine ready to be the box?  Prints device/board_check.py's checks as a list,
each with what to do when it is not ok; exit status 1 when one failed (the box would not start or a part of it would
not work), else 0.  What is not given is the installed service's (its unit's box options: store, board, audio
device, rate, block), so the check sees the box that runs at boot, and a box running as a service is seen running."""
from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from export.manifest import RATE_RANGE
from hatbox.argtypes import number, whole
from hatbox.cmd_service import _unit_name, option_value
from hatbox.errors import HatboxError
from hatbox.text import count_words, escape_unsafe

MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "skip": "skip"}
FAILED = 1
TRIAL_S = 10.0                   # seconds of the real-time trial by default
WIDTH = 110                      # characters a line of the list is wrapped at


def register(cli: Any) -> None:
    from device.service_unit import UNIT_DIR
    from hatbox.device_run_args import MAX_BLOCK
    p = cli.subcommand("device", "check", "check that this machine can be the box: audio, real-time, pins, touch, "
                                         "screen, MIDI, inference, store, service", check, group_help="the box itself")
    p.add_argument("--sim", action="store_true", help="check for simulated hardware (hatbox device run --sim)")
    p.add_argument("--board", metavar="NAME|FILE.toml",
                   help="the board (default: the installed service's, else sim with --sim, else "
                        "jetson-orin-nano-devkit)")
    p.add_argument("--audio", metavar="DEVICE", help="ALSA device (default: the service's, else 'default')")
    p.add_argument("--rate", type=whole(*RATE_RANGE), help="sample rate in Hz (default: the service's, else 48000)")
    p.add_argument("--block", type=whole(1, MAX_BLOCK), help="block size in samples (default: the service's, else 128)")
    p.add_argument("--periods", type=whole(2, 32), help="ALSA periods per buffer (default: the service's, else 3)")
    p.add_argument("--store", type=Path, help="the box's data folder (default: the service's, else ~/.hatbox)")
    p.add_argument("--unit", type=_unit_name, default="hatbox", help="the box's systemd service name (default hatbox)")
    p.add_argument("--trial", type=number(0.0, 600.0, "seconds"), default=TRIAL_S,
                   help=f"seconds the factory effect and synth play through the engine, a soft chord, to count "
                        f"dropouts (default {TRIAL_S:g}; 0: no trial, no sound)")
    p.add_argument("--unit-dir", type=Path, default=UNIT_DIR, help=argparse.SUPPRESS)


def check(args: argparse.Namespace) -> int:
    from device.board_check import read_service, run_checks, service_options
    service = read_service(args.unit_dir / f"{args.unit}.service")
    setup = setup_of(args, service)
    whose = f" (the installed service {args.unit}'s, where not given)" if service_options(service) else ""
    print(textwrap.fill(escape_unsafe(f"hatbox device check: board {setup.board}"
                                      f"{' (simulated hardware)' if setup.sim else ''}, audio '{setup.device}', "
                                      f"{setup.rate} Hz, block {setup.block} x {setup.periods}, store "
                                      f"{setup.store}{whose}"), WIDTH, subsequent_indent="  ",
                        break_on_hyphens=False), flush=True)
    checks = run_checks(setup)
    width = max(len(c.part) for c in checks)
    indent = " " * (2 + 4 + 2 + width + 2)
    for c in checks:
        print(textwrap.fill(escape_unsafe(c.line), WIDTH, initial_indent=f"  {MARK[c.status]}  {c.part:<{width}}  ",
                            subsequent_indent=indent, break_on_hyphens=False))
        if c.hint:
            print(textwrap.fill(escape_unsafe(c.hint), WIDTH, initial_indent=f"{indent}-> ",
                                subsequent_indent=indent + "   ", break_on_hyphens=False))
    counts = {s: sum(1 for c in checks if c.status == s) for s in MARK}
    print(f"{counts['ok']} ok, {count_words(counts['warn'], 'warning')}, {counts['fail']} failed"
          + (f", {counts['skip']} skipped" if counts["skip"] else ""))
    return FAILED if counts["fail"] else 0


def setup_of(args: argparse.Namespace, service: dict[str, str] | None) -> Any:
    """What to check: the options given, else the installed service's box options (so the check sees the box that
    runs at boot: its store, board, audio device and block; its store judged for its ``User=``), else the box's
    defaults.  HatboxError when the unit holds a value the box would refuse."""
    from device.board_check import Setup, service_options
    from hatbox.device_run_args import default_store
    opts = service_options(service)
    sim = args.sim or "--sim" in opts
    unit_store = None if args.store else option_value(opts, "--store")
    return Setup(board=args.board or option_value(opts, "--board") or ("sim" if sim else "jetson-orin-nano-devkit"),
                 sim=sim, store=args.store or Path(unit_store or default_store()),
                 device=args.audio or option_value(opts, "--audio") or "default",
                 rate=args.rate or _unit_number(opts, "--rate", 48000, args.unit),
                 block=args.block or _unit_number(opts, "--block", 128, args.unit),
                 periods=args.periods or _unit_number(opts, "--periods", 3, args.unit),
                 unit=args.unit, unit_dir=args.unit_dir, trial_s=args.trial,
                 store_user=(service or {}).get("User") if unit_store else None)


def _unit_number(opts: list[str], option: str, default: int, unit: str) -> int:
    """The unit's ``option`` value (``default`` when it has none), checked as `device run` checks it."""
    from hatbox.device_run_args import MAX_BLOCK
    text = option_value(opts, option)
    if text is None:
        return default
    check = {"--rate": whole(*RATE_RANGE), "--block": whole(1, MAX_BLOCK), "--periods": whole(2, 32)}[option]
    try:
        return check(text)
    except argparse.ArgumentTypeError as exc:
        raise HatboxError(f"the installed service {unit} runs the box with {option} {text}: {exc}; the box would not "
                          "start", hint=f"write the unit again (hatbox device service --install), or give {option} "
                                        "here to check another value") from None


