"""`hatbox device service`: the box as a systemd service, started at boot and again after a failure.

    hatbox device service [--user U] [--unit NAME] [--out FILE | --install] [-- BOX OPTIONS]

BOX OPTIONS are `hatbox device run`'s (``--board``, ``--audio``, ``--store``...), checked here by that command's own
parser, so a mistake is said now and not at the next boot.  Paths among them are made absolute (the service does
not start in this folder), and ``--store`` is always given (the user's ``~/.hatbox`` when not).  Options that make
the box stop by itself (``--seconds``, ``--input``) are refused: a service that ends cleanly is not started again.

Without ``--install`` the unit is printed (or written to ``--out``) to read or copy by hand.  ``--install`` (root)
checks it with ``systemd-analyze verify`` where that exists, writes it into ``--unit-dir`` atomically, makes the
store folder (owned by the user) when it is missing, and enables it (``systemctl daemon-reload``, ``systemctl
enable``); a unit of that name that hatbox did not write is left alone and refused.  The unit's text:
device/service_unit.py.
"""
from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

from device.service_unit import BOX_GROUPS, ServiceSpec, unit_text
from hatbox.errors import HatboxError, first_line

UNIT_DIR = Path("/etc/systemd/system")
HEADER = "# written by `hatbox device service`"         # how a unit this command wrote is told from someone else's
PATH_OPTIONS = ("--store", "--effect", "--synth", "--output", "--board")   # their value is a path (--board: or a name)
STOPS_BY_ITSELF = {"--seconds": "stops after --seconds", "--input": "stops at the end of its --input file"}
VERIFY_TIMEOUT_S = 60


def register(cli: Any) -> None:
    p = cli.subcommand("device", "service", "run the box as a systemd service: at every boot, again after a failure",
                       service, group_help="the box itself")
    p.add_argument("--user", help="the user the box runs as (default: the one who ran sudo, else you)")
    p.add_argument("--unit", type=_unit_name, default="hatbox",
                   help="the service's name (default hatbox: systemctl start hatbox)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="FILE", help="write the unit here (default: print it)")
    where.add_argument("--install", action="store_true",
                       help="check the unit, install it into --unit-dir and enable it (needs root)")
    p.add_argument("--unit-dir", type=Path, default=UNIT_DIR, help=f"where --install puts it (default {UNIT_DIR})")
    p.add_argument("box_options", nargs=argparse.REMAINDER, metavar="-- BOX OPTIONS",
                   help="`hatbox device run`'s options for the box, after --, e.g. -- --board my-board.toml")


def service(args: argparse.Namespace) -> int:
    """Build the unit for ``args`` and print, write or install it."""
    user = _user(args.user)
    options = _box_options(list(args.box_options), user)
    spec = ServiceSpec(name=args.unit, user=user.pw_name, argv=(*_program(), "device", "run", *options),
                       store=Path(_option(options, "--store") or ""), groups=_groups())
    text = unit_text(spec)
    for line in _notes(spec):
        print(f"note: {line}", file=sys.stderr)
    if args.install:
        return _install(spec, text, args.unit_dir, user)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    from export.atomic import write_atomic
    write_atomic(args.out, text.encode())
    print(f"wrote {args.out}; install it with: sudo cp {args.out} {UNIT_DIR}/{spec.name}.service && sudo systemctl "
          f"daemon-reload && sudo systemctl enable --now {spec.name}")
    return 0


def _unit_name(text: str) -> str:
    ok = text and all(c.isalnum() or c in "-_." for c in text) and not text.startswith((".", "-"))
    if not ok or len(text) > 100 or text.endswith(".service"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a service name: letters, digits, - _ . (no .service)")
    return text


def _user(name: str | None) -> pwd.struct_passwd:
    """The user the box runs as: ``name``, else sudo's caller, else whoever runs this."""
    name = name or os.environ.get("SUDO_USER") or pwd.getpwuid(os.getuid()).pw_name
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise HatboxError(f"--user {name}: there is no such user on this machine",
                          hint="give the user the box runs as, e.g. --user $USER") from None


def _program() -> tuple[str, ...]:
    """This hatbox's own command, absolute: the venv's ``hatbox`` script beside its Python, else ``python -m
    hatbox`` (the venv's Python kept as it is named, not resolved: resolving would leave the venv)."""
    python = Path(sys.executable).absolute()
    script = python.with_name("hatbox")
    if script.is_file() and os.access(script, os.X_OK):
        return (str(script),)
    return (str(python), "-m", "hatbox")


def _run_parser() -> argparse.ArgumentParser:
    """`hatbox device run`'s own parser, its errors raised as HatboxError (not printed with a usage and exit 2)."""
    from hatbox import cmd_device
    from hatbox.cli import Commands
    cmds = Commands(argparse.ArgumentParser(prog="hatbox"))
    cmd_device.register(cmds)
    parser = cmds.parser("device", "run")

    def error(message: str) -> Any:
        raise HatboxError(f"the box's options: {message}", hint="hatbox device run --help lists them; give them "
                                                                 "after --, e.g. -- --audio hw:1")
    parser.error = error  # type: ignore[method-assign]
    return parser


def _box_options(options: list[str], user: pwd.struct_passwd) -> list[str]:
    """``options`` checked by `device run`'s parser, its paths absolute and ``--store`` always there."""
    if options[:1] == ["--"]:
        options = options[1:]
    odd = [o for o in options if any(ord(c) < 32 or ord(c) == 127 for c in o)]
    if odd:
        raise HatboxError(f"the box's option {odd[0]!r} holds a control character (a line break?): a unit file "
                          "cannot hold it", hint="give that path or value without it")
    parsed = _run_parser().parse_args(options)
    for option, why in STOPS_BY_ITSELF.items():
        if getattr(parsed, option[2:]) is not None:
            raise HatboxError(f"{option}: a box that {why} is not a service (it would not be started again)",
                              hint="leave it out; try it first with hatbox device run")
    options = _absolute_paths(options)
    if _option(options, "--store") is None:
        options += ["--store", str(Path(user.pw_dir) / ".hatbox")]
    return options


def _split(token: str) -> tuple[str, str | None]:
    name, eq, value = token.partition("=")
    return (name, value) if eq and token.startswith("--") else (token, None)


def _absolute_paths(options: list[str]) -> list[str]:
    """``options`` with each path option's value made absolute (a board's name, no slash and no .toml, stays)."""
    out: list[str] = []
    pending: str | None = None
    for token in options:
        if pending is not None:
            out.append(_absolute(pending, token))
            pending = None
            continue
        name, value = _split(token)
        if name in PATH_OPTIONS and value is None:
            pending = name
            out.append(token)
        elif name in PATH_OPTIONS:
            out.append(f"{name}={_absolute(name, value or '')}")
        else:
            out.append(token)
    return out


def _absolute(option: str, value: str) -> str:
    if option == "--board" and "/" not in value and not value.endswith(".toml"):
        return value
    return str(Path(value).expanduser().absolute())


def _option(options: Sequence[str], name: str) -> str | None:
    """The last value of option ``name`` in ``options`` (``--name V`` or ``--name=V``), None when absent."""
    found: str | None = None
    for i, token in enumerate(options):
        key, value = _split(token)
        if key == name:
            found = value if value is not None else (options[i + 1] if i + 1 < len(options) else None)
    return found


def _groups() -> tuple[str, ...]:
    """Those of :data:`BOX_GROUPS` this machine has (systemd refuses to start a unit naming a missing group)."""
    present = []
    for name in BOX_GROUPS:
        try:
            grp.getgrnam(name)
            present.append(name)
        except KeyError:
            pass
    return tuple(present)


def _notes(spec: ServiceSpec) -> list[str]:
    """What the person installing should know: the groups this machine lacks, a box run as root."""
    notes = []
    missing = [g for g in BOX_GROUPS if g not in spec.groups]
    if missing:
        notes.append(f"this machine has no {', '.join(missing)} group: left out of the unit (on a Jetson, the "
                     "gpio group comes with Jetson.GPIO's udev rules; without it the encoders need root)")
    if spec.user == "root":
        notes.append("the box would run as root: give it a user of its own with --user")
    return notes


def _install(spec: ServiceSpec, text: str, unit_dir: Path, user: pwd.struct_passwd) -> int:
    """Verify ``text``, write it into ``unit_dir`` (atomically), make the store, enable the unit."""
    target = unit_dir / f"{spec.name}.service"
    if not unit_dir.is_dir() or not os.access(unit_dir, os.W_OK):
        raise HatboxError(f"cannot write {unit_dir}: installing a service needs root",
                          hint="run it again with sudo, e.g. sudo .venv/bin/hatbox device service --install")
    if target.exists() and not target.read_text(errors="replace").startswith(HEADER):
        raise HatboxError(f"{target} is already there and hatbox did not write it: left as it is",
                          hint="give the box's service another name with --unit")
    _verify(spec.name, text)
    from export.atomic import write_atomic
    replaced = target.exists()
    write_atomic(target, text.encode())
    _make_store(spec.store, user)
    _systemctl(spec.name, "daemon-reload")
    _systemctl(spec.name, "enable", f"{spec.name}.service")
    print(f"{'replaced' if replaced else 'installed'} {target}: the box starts at every boot and again after a "
          f"failure; start it now with: sudo systemctl {'restart' if replaced else 'start'} {spec.name}; "
          f"its messages: journalctl -u {spec.name} -f (or hatbox box-logs from a laptop)")
    return 0


def _verify(name: str, text: str) -> None:
    """``systemd-analyze verify`` on the unit before it is installed (skipped where there is none)."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.service"
        path.write_text(text)
        done = subprocess.run([tool, "verify", str(path)], capture_output=True, text=True, timeout=VERIFY_TIMEOUT_S)
    if done.returncode != 0:
        raise HatboxError(f"systemd finds the unit wrong, nothing was installed: {first_line(done.stderr)}",
                          hint="the box's command in it must run: check its options with hatbox device run")


def _make_store(store: Path, user: pwd.struct_passwd) -> None:
    """The box's store folder, owned by its user, when it is missing (under /var/lib, say, the user cannot)."""
    if store.exists():
        return
    store.mkdir(parents=True)
    os.chown(store, user.pw_uid, user.pw_gid)


def _systemctl(name: str, *words: str) -> None:
    """``systemctl WORDS``; a failure says the unit ``name`` is written but not enabled, and how to enable it."""
    by_hand = f"sudo systemctl daemon-reload && sudo systemctl enable {name}"
    tool = shutil.which("systemctl")
    if tool is None:
        raise HatboxError(f"the unit is written but not enabled: this machine has no systemctl ({' '.join(words)})",
                          hint=f"enable it by hand where systemd runs: {by_hand}")
    done = subprocess.run([tool, *words], capture_output=True, text=True, timeout=VERIFY_TIMEOUT_S)
    if done.returncode != 0:
        raise HatboxError(f"the unit is written but systemctl {' '.join(words)} failed: {first_line(done.stderr)}",
                          hint=f"on a machine booted with systemd: {by_hand}")
