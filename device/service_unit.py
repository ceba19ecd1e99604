"""The box as a systemd service: the unit file that starts `hatbox device run` at boot and again after a failure.

A standalone box has nobody at a keyboard: the board boots into the instrument, and when the box stops on an error
(its engine stopped, exit 2; a bug, exit 1: docs/engine.md) the service manager starts it again, so the sound comes
back by itself.  This module only builds the unit's text from what the caller decided (:class:`ServiceSpec`); the
CLI (hatbox/cmd_service.py) checks the box's options, finds the user and groups, writes and installs it.

Things a service needs that a terminal gives for free, each a line of the unit:

- ``LimitRTPRIO`` / ``LimitMEMLOCK``: /etc/security/limits.d is read by a login (pam_limits), never by a systemd
  service, so without these the engine's SCHED_FIFO and ``mlockall`` are refused (device/audio/realtime.py says so
  in a warning and the box runs at normal priority).
- ``SupplementaryGroups``: the audio card (audio), the panel's screen through KMS/DRM (video, render), the touch
  chip's I2C bus (i2c), the encoders' GPIO (gpio: Jetson.GPIO's udev rules give it) and input devices (input).
  A group the machine does not have makes systemd refuse to start the unit, so only existing ones are named.
- ``Restart=on-failure`` with no start limit: a sound card plugged in after boot is found at the next try.
  ``SuccessExitStatus=129 130 143``: a stop while the box is still starting ends it with 128 + the signal
  (hatbox.cli.stopped_code): 143 after systemd's own SIGTERM, 130 after SIGINT, 129 after SIGHUP; none is a
  failure (systemd counts only a death by those signals as a clean stop, not an exit with their codes).  Once the
  box runs, a stop ends it with 0.
- ``LimitNOFILE``: systemd gives a service 1024 open files (soft) by default; a stranger's 1,100 idle connections
  used them all and the box could open nothing more (forty-eighth stop's QA).  The API holds at most about 1,000
  connections under this limit (device/api/conn_guard.py), leaving the rest to the store, audio and logs.
- ``KillMode=mixed``: a stop's SIGTERM goes to the box alone, which stops its own children (a library's tagging
  process stops after the file it is on, its record left to carry on at the next start); with systemd's default
  (control-group) the child died first and the library was recorded ``failed`` (p50).  The SIGKILL that follows
  still goes to the whole group: whatever is left once the box has gone, or after ``TimeoutStopSec``.
- ``PYTHONUNBUFFERED``: the box's lines (its pairing code without a panel) reach the journal at once.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

BOX_GROUPS = ("audio", "video", "render", "i2c", "gpio", "input")   # what the box's hardware needs, if present
RESTART_S = 5              # seconds between a failure and the next start
STOP_TIMEOUT_S = 20        # SIGTERM, then SIGKILL after this long (the box's clean stop takes about a second)
RTPRIO = 95                # the audio thread asks for 70 (device.audio.server.EngineConfig.priority), helpers 10
PROGRAM_REFUSED = "\"'\\$%"   # characters of a program's path a unit cannot say (exec_line)
NOFILE = 16384             # open files: the API's connections (at most 1,000) and the box's own, with headroom
STOPPED_EXITS = (129, 130, 143)   # hatbox.cli.stopped_code after SIGHUP, SIGINT, SIGTERM while starting: no failure


UNIT_DIR = Path("/etc/systemd/system")
HEADER = "# written by `hatbox device service`"     # a unit's first line: how one hatbox wrote is told apart


@dataclass(frozen=True)
class ServiceSpec:
    """Everything the unit says.  ``argv``: the command, absolute program path first; ``store``: the box's data
    folder (absolute: made by ``--install`` when missing, not named in the unit: systemd would refuse to start
    in a working folder that is not there yet); ``groups``: supplementary groups, each one that exists."""

    name: str
    user: str
    argv: tuple[str, ...]
    store: Path
    groups: tuple[str, ...] = ()
    description: str = "hatbox, a trainable neural instrument"


def exec_quote(arg: str) -> str:
    """One argument as systemd's ExecStart= reads it back: double-quoted when it holds a space, a quote or a
    backslash (with those two escaped), and ``%`` / ``$`` doubled (systemd expands ``%n`` specifiers and ``$VAR``
    in ExecStart= even inside quotes)."""
    text = arg.replace("%", "%%").replace("$", "$$")
    if text and not any(c.isspace() or c in "\"'\\;" for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def exec_line(argv: Sequence[str]) -> str:
    """The ExecStart= value for ``argv`` (the program's path absolute, as systemd requires)."""
    if not argv or not argv[0].startswith("/"):
        raise ValueError(f"a service's program needs an absolute path, not {argv[:1]}")
    odd = sorted(set(argv[0]) & set(PROGRAM_REFUSED))
    if odd:      # systemd refuses quotes and backslashes in the program's name, and expands neither $ nor % there
        raise ValueError(f"the program's path {argv[0]} holds {' '.join(odd)}, which systemd does not take in a "
                         "unit's program: install hatbox in a folder without it")
    return " ".join(exec_quote(a) for a in argv)


def command_parts(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(the hatbox command at the start of ``argv``: its words before "device run"; the box's options after it);
    all of ``argv`` the command when it holds no "device run"."""
    words = list(argv)
    at = next((i for i in range(len(words) - 1) if words[i:i + 2] == ["device", "run"]), None)
    return (words, []) if at is None else (words[:at], words[at + 2:])


def _typed(words: Sequence[str]) -> str:
    """``words`` as typed in a shell."""
    return " ".join(shlex.quote(w) for w in words)


def unit_text(spec: ServiceSpec) -> str:
    """The unit file (text, ends with a newline) for ``spec``."""
    lines = [
        f"{HEADER}; again, with the same options: sudo {_typed(command_parts(spec.argv)[0])} device service "
        f"--install --unit {spec.name} --user {spec.user} -- {_typed(command_parts(spec.argv)[1])}",
        "[Unit]",
        f"Description={spec.description}",
        "After=network.target sound.target",       # not network-online: on a stage with no network it waits a minute
        "StartLimitIntervalSec=0",
        "",
        "[Service]",
        "Type=simple",
        f"User={spec.user}",
        *([f"SupplementaryGroups={' '.join(spec.groups)}"] if spec.groups else []),
        f"ExecStart={exec_line(spec.argv)}",
        "Environment=PYTHONUNBUFFERED=1",
        "Restart=on-failure",
        f"RestartSec={RESTART_S}",
        f"SuccessExitStatus={' '.join(map(str, STOPPED_EXITS))}",
        f"TimeoutStopSec={STOP_TIMEOUT_S}",
        "KillMode=mixed",                       # SIGTERM to the box only: it stops its children itself
        f"LimitRTPRIO={RTPRIO}",
        "LimitMEMLOCK=infinity",
        f"LimitNOFILE={NOFILE}",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ]
    return "\n".join(lines) + "\n"


def user_may(path: Path, uid: int, groups: Sequence[int], bits: int) -> bool:
    """Whether the user ``uid`` (in ``groups``) has permission ``bits`` (0o4 read, 0o2 write, 0o1 search/run) on
    ``path``, by its mode (root: always)."""
    if uid == 0:
        return True
    st = path.stat()
    shift = 6 if st.st_uid == uid else 3 if st.st_gid in groups else 0
    return (st.st_mode >> shift) & bits == bits


def closed_folder(path: Path, uid: int, groups: Sequence[int]) -> Path | None:
    """The first folder above ``path`` (outermost first; those that exist) that the user ``uid`` may not enter, None
    when the user may enter them all: read from the mode bits, for another user (the service's; links not followed).
    device.audio.closed_folder asks the system the same for this process."""
    return next((p for p in reversed(path.absolute().parents) if p.is_dir() and not user_may(p, uid, groups, 0o1)),
                None)


def unit_values(text: str) -> dict[str, str]:
    """``Key=value`` lines of a unit's text (the last of each key; comments and sections left out)."""
    values = {}
    for line in text.splitlines():
        key, eq, value = line.partition("=")
        if eq and not line.startswith(("#", ";", "[")):
            values[key.strip()] = value.strip()
    return values


def exec_words(value: str) -> list[str]:
    """An ExecStart= value hatbox wrote (:func:`exec_line`) back as its words."""
    return [w.replace("%%", "%").replace("$$", "$") for w in shlex.split(value)]
