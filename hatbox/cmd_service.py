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
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

from device.service_unit import (BOX_GROUPS, HEADER, UNIT_DIR, ServiceSpec, closed_folder, command_parts, unit_text,
                                 user_may)
from hatbox.errors import HatboxError, first_line
from hatbox.text import display_name

PATH_OPTIONS = ("--store", "--effect", "--synth", "--output", "--board")   # their value is a path (--board: or a name)
STOPS_BY_ITSELF = {"--seconds": "stops after --seconds", "--input": "stops at the end of its --input file"}
VERIFY_TIMEOUT_S = 60
OUT_HINT = "give a file in a folder you can write, e.g. --out hatbox.service"


def register(cli: Any) -> None:
    p = cli.subcommand("device", "service", "run the box as a systemd service: at every boot, again after a failure",
                       service, group_help="the box itself")
    p.add_argument("--user", help="the user the box runs as (default: the one who ran sudo, else you)")
    p.add_argument("--unit", type=_unit_name, default="hatbox",
                   help="the service's name (default hatbox: systemctl start hatbox)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="FILE", help="write the unit here (default: print it)")
    where.add_argument("--uninstall", action="store_true",
                       help="stop the box's service, disable it and remove its unit (one hatbox wrote; needs root; "
                            "the store is kept)")
    where.add_argument("--install", action="store_true",
                       help="check the unit, install it into --unit-dir and enable it (needs root)")
    p.add_argument("--unit-dir", type=Path, default=UNIT_DIR, help=f"where --install puts it (default {UNIT_DIR})")
    p.unknown_option_hint = ("; the box's own options (hatbox device run's) go after --, e.g. hatbox device "
                             "service -- --audio hw:1")
    p.add_argument("box_options", nargs=argparse.REMAINDER, metavar="-- BOX OPTIONS",
                   help="`hatbox device run`'s options for the box, after --, e.g. -- --board my-board.toml")


def service(args: argparse.Namespace) -> int:
    """Build the unit for ``args`` and print, write or install it; or uninstall it."""
    if args.uninstall:
        return _uninstall(args.unit, args.unit_dir, list(args.box_options), args.user)
    user = _user(args.user)
    options = _box_options(list(args.box_options), user)
    spec = ServiceSpec(name=args.unit, user=user.pw_name, argv=(*_program(), "device", "run", *options),
                       store=Path(option_value(options, "--store") or ""), groups=_groups())
    try:
        text = unit_text(spec)
    except ValueError as exc:                 # a program path systemd cannot take
        raise HatboxError(str(exc)) from None
    for line in _notes(spec):
        print(f"note: {line}", file=sys.stderr)
    if args.install:
        return _install(spec, text, args.unit_dir, user)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    _write_out(args.out, text)
    print(f"wrote {args.out}; install it with: sudo cp {shlex.quote(str(args.out))} {UNIT_DIR}/{spec.name}.service && "
          f"sudo systemctl daemon-reload && sudo systemctl enable --now {spec.name}")
    return 0


def _write_out(out: Path, text: str) -> None:
    """The unit written to ``out`` (atomically), or a one-line HatboxError saying why it cannot be (the project's
    --out check: export.atomic.refuse_unwritable)."""
    from export.atomic import refuse_unwritable, write_atomic
    if out.is_dir():
        raise HatboxError(f"cannot write --out {out}: {out} is a folder", hint=OUT_HINT)
    refuse_unwritable(out, "the unit file", folder_must_exist=True)
    try:
        write_atomic(out, text.encode())
    except OSError as exc:
        raise HatboxError(f"cannot write --out {out}: {exc.strerror or exc}", hint=OUT_HINT) from None


def _unit_name(text: str) -> str:
    ok = text and all(c.isascii() and (c.isalnum() or c in "-_.") for c in text) and not text.startswith((".", "-"))
    if not ok or len(text) > 100 or text.endswith(".service"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a service name: ASCII letters, digits, - _ . (no .service)")
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
    parser.allow_abbrev = False       # "--sto x" would be taken for --store and kept relative, past the rewriting

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
    for o in options:
        try:
            o.encode("utf-8")
        except UnicodeEncodeError:
            raise HatboxError(f"the box's option {display_name(o)} is not valid UTF-8: a unit file cannot hold it",
                              hint="rename that file or folder to a UTF-8 name") from None
    parsed = _run_parser().parse_args(options)
    for option, why in STOPS_BY_ITSELF.items():
        if getattr(parsed, option[2:]) is not None:
            raise HatboxError(f"{option}: a box that {why} is not a service (it would not be started again)",
                              hint="leave it out; try it first with hatbox device run")
    options = _absolute_paths(options, Path(user.pw_dir))
    _refuse_missing(options)
    if option_value(options, "--store") is None:
        if not Path(user.pw_dir).is_dir():
            raise HatboxError(f"the user {user.pw_name} has no home folder ({user.pw_dir}) for the box's store",
                              hint="give the store folder after --, e.g. -- --store /var/lib/hatbox")
        options += ["--store", str(Path(user.pw_dir) / ".hatbox")]
    return options


def _refuse_missing(options: list[str]) -> None:
    """The board file read as the box reads it, and the packs given there: the box would stop at every start."""
    from hardware.board import load_board
    board = option_value(options, "--board")
    if board is not None:
        load_board(board)                        # BoardError: the file and the keys that are wrong, in one line
    for option in ("--effect", "--synth"):
        pack = option_value(options, option)
        if pack is not None and not Path(pack).is_file():
            raise HatboxError(f"{option} {pack}: no pack there: the box would stop at every start",
                              hint="give the pack's path, or leave it out (the box plays its active packs)")


def _split(token: str) -> tuple[str, str | None]:
    name, eq, value = token.partition("=")
    return (name, value) if eq and token.startswith("--") else (token, None)


def _absolute_paths(options: list[str], home: Path) -> list[str]:
    """``options`` with each path option's value made absolute (``~`` is the service user's ``home``; a board's
    name stays a name)."""
    out: list[str] = []
    pending: str | None = None
    for token in options:
        if pending is not None:
            out.append(_absolute(pending, token, home))
            pending = None
            continue
        name, value = _split(token)
        if name in PATH_OPTIONS and value is None:
            pending = name
            out.append(token)
        elif name in PATH_OPTIONS:
            out.append(f"{name}={_absolute(name, value or '', home)}")
        else:
            out.append(token)
    return out


def _absolute(option: str, value: str, home: Path) -> str:
    """``value`` of path ``option`` as an absolute path; a ``--board`` value the box reads as a board's name
    (hardware.board.load_board: no suffix, no such file, no slash) as it is."""
    if option == "--board" and not Path(value).suffix and not Path(value).exists() and "/" not in value:
        return value
    if value == "~" or value.startswith("~/"):
        return str(home / value[2:])
    return str(Path(value).absolute())


def option_value(options: Sequence[str], name: str) -> str | None:
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
    if not unit_dir.is_dir():
        raise HatboxError(f"there is no folder {unit_dir} for the unit: is this a machine run by systemd?",
                          hint="check --unit-dir, or print the unit (leave out --install) and install it by hand")
    if not os.access(unit_dir, os.W_OK):
        raise HatboxError(f"cannot write {unit_dir}: installing a service needs root",
                          hint="run the same command again with sudo before it (sudo's PATH may lack this venv: give "
                               f"hatbox's path, {sys.executable.rsplit('/', 1)[0]}/hatbox)")
    if target.exists() and not target.read_text(errors="replace").startswith(HEADER):
        raise HatboxError(f"{target} is already there and hatbox did not write it: left as it is",
                          hint="give the box's service another name with --unit")
    _refuse_store(spec.store, user)
    _verify(spec.name, text)
    _refuse_unrunnable(spec.argv, user)
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


def _uninstall(name: str, unit_dir: Path, box_options: list[str], user: str | None = None) -> int:
    """Stop and disable the service ``name`` and remove its unit from ``unit_dir`` (one hatbox wrote only); the
    box's store, its packs and libraries, is kept."""
    if box_options or user:
        raise HatboxError(f"--uninstall takes no {'box options' if box_options else '--user'}",
                          hint="hatbox device service --uninstall [--unit NAME]")
    target = unit_dir / f"{name}.service"
    if not target.is_file():
        raise HatboxError(f"there is no {target}: nothing to uninstall",
                          hint="name the service with --unit (ls /etc/systemd/system shows the units)")
    if not target.read_text(errors="replace").startswith(HEADER):
        raise HatboxError(f"{target} was not written by hatbox: left as it is")
    if not os.access(unit_dir, os.W_OK):
        raise HatboxError(f"cannot write {unit_dir}: removing a service needs root",
                          hint="run it again with sudo")
    _systemctl(name, "disable", "--now", f"{name}.service", state="the unit is still there",
               by_hand=f"sudo systemctl disable --now {name} && sudo rm {shlex.quote(str(target))}")
    target.unlink()
    _systemctl(name, "daemon-reload", state=f"{target} is removed",
               by_hand="sudo systemctl daemon-reload (systemd still knows the removed unit until then)")
    print(f"removed {target}: the box no longer starts at boot (its store, packs and libraries are kept)")
    return 0


def _refuse_store(store: Path, user: pwd.struct_passwd) -> None:
    """HatboxError when the box, run as ``user``, could not use ``store``: a file there, or a folder that user may
    not write (the box would stop at every start, and be started again every few seconds)."""
    if store.exists() and not store.is_dir():
        raise HatboxError(f"the store {store} is a file, not a folder", hint="give --store a folder after --")
    shut = closed_folder(store, user.pw_uid, os.getgrouplist(user.pw_name, user.pw_gid))
    if shut is not None:
        raise HatboxError(f"the user {user.pw_name} may not enter {shut}, above the store {store}: the box would "
                          "stop at every start", hint="give a --store that user can reach after --, e.g. -- --store "
                                                      "/var/lib/hatbox")
    if store.is_dir() and not _may(store, user, 0o3):
        raise HatboxError(f"the user {user.pw_name} may not write the store {store}: the box would stop at every "
                          "start", hint=f"give it to that user (sudo chown -R {user.pw_name} {shlex.quote(str(store))}"
                                        "), or give another --store after --")


def _may(path: Path, user: pwd.struct_passwd, bits: int) -> bool:
    """Whether ``user`` has permission ``bits`` on ``path`` (device.service_unit.user_may)."""
    return user_may(path, user.pw_uid, os.getgrouplist(user.pw_name, user.pw_gid), bits)


def _refuse_unrunnable(argv: Sequence[str], user: pwd.struct_passwd) -> None:
    """HatboxError when ``user`` cannot run this hatbox (a venv in a home only its owner may enter, a Python under
    /root): tried as that user (``runuser -u USER -- hatbox --version``) where root can, before the unit goes in."""
    tool = shutil.which("runuser")
    if user.pw_uid == os.geteuid() or os.geteuid() != 0 or tool is None:
        return
    program = command_parts(argv)[0]
    try:
        done = subprocess.run([tool, "-u", user.pw_name, "--", *program, "--version"], capture_output=True,
                              text=True, timeout=VERIFY_TIMEOUT_S, cwd="/",       # as systemd starts it
                              env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": user.pw_dir, "LANG": "C.UTF-8"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HatboxError(f"could not try hatbox as the user {user.pw_name}: {first_line(exc)}") from None
    if done.returncode != 0:
        raise HatboxError(f"the user {user.pw_name} cannot run {' '.join(program)}: "
                          f"{_said(done) or f'exit code {done.returncode}'}; nothing was "
                          "installed", hint="install hatbox where that user may read it (a venv under /opt made with "
                                            "the system's Python), or run the box as its owner (--user)")


def _verify(name: str, text: str) -> None:
    """``systemd-analyze verify`` on the unit before it is installed (said and skipped where there is none)."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        print("note: systemd-analyze is not here: the unit is installed without systemd's check", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.service"
        path.write_text(text)
        try:
            done = subprocess.run([tool, "verify", str(path)], capture_output=True, text=True,
                                  timeout=VERIFY_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise HatboxError(f"systemd-analyze could not check the unit, nothing was installed: {first_line(exc)}",
                              hint="install it by hand: print it (leave out --install)") from None
    if done.returncode != 0:
        raise HatboxError(f"systemd finds the unit wrong, nothing was installed: {_said(done)}",
                          hint="the box's command in it must run: check its options with hatbox device run")


def _said(done: subprocess.CompletedProcess[str]) -> str:
    """The first line a finished command wrote (its errors first), "" when it wrote nothing."""
    lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return lines[0].strip() if lines else ""


def _make_store(store: Path, user: pwd.struct_passwd) -> None:
    """The box's store folder when it is missing (under /var/lib, say, the user cannot make it): it and every folder
    above it made here are the user's."""
    from export.atomic import missing_folders
    for folder in missing_folders(store):
        folder.mkdir()
        os.chown(folder, user.pw_uid, user.pw_gid)


def _systemctl(name: str, *words: str, state: str = "the unit is written", by_hand: str = "") -> None:
    """``systemctl WORDS``; a failure says ``state`` (what the unit ``name`` is left as) and ``by_hand`` (how to go
    on; default: reload and enable it)."""
    by_hand = by_hand or f"sudo systemctl daemon-reload && sudo systemctl enable {name}"
    tool = shutil.which("systemctl")
    if tool is None:
        raise HatboxError(f"{state} but nothing was done with it: this machine has no systemctl ({' '.join(words)})",
                          hint=f"where systemd runs: {by_hand}")
    try:
        done = subprocess.run([tool, *words], capture_output=True, text=True, timeout=VERIFY_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HatboxError(f"{state} but systemctl {' '.join(words)} did not finish: {first_line(exc)}",
                          hint=f"on a machine booted with systemd: {by_hand}") from None
    if done.returncode != 0:
        raise HatboxError(f"{state} but systemctl {' '.join(words)} failed: "
                          f"{_said(done) or f'exit code {done.returncode}'}",
                          hint=f"on a machine booted with systemd: {by_hand}")
