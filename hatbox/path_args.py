"""Which arguments of the laptop's commands are paths on this computer, one table for them all: each gets the one
argument type :func:`hatbox.argtypes.local_path` (a ``~`` a shell left unexpanded is expanded), and a command's
error that names a path which does not exist can say why (hatbox.path_hints: a suffix left off, a space at an end,
a name with spaces not quoted).  The box's own names (a library, a file inside one, a pack id) are not listed."""
from __future__ import annotations

import argparse
import os
from typing import Iterator

from hatbox.argtypes import local_path

# "GROUP NAME" or "NAME" of a command -> the dests of its arguments that are paths on this computer
LOCAL_PATHS: dict[str, tuple[str, ...]] = {
    "pack inspect": ("pack", "key"),
    "pack sign": ("pack", "key", "out"),
    "pack level": ("pack", "out"),
    "train effect": ("data", "input", "target", "out", "report"),
    "train synth": ("dir", "out", "report"),
    "train tagger": ("source", "out"),
    "render": ("pack", "input", "out"),
    "play": ("pack", "midi", "out", "xy"),
    "demo": ("out",),
    "tag": ("library", "pack", "out", "links"),
    "library query": ("db", "like", "pack"),
    "library fix": ("db", "file", "forget_left"),
    "library export": ("db", "out"),
    "device run": ("board", "store", "effect", "synth", "input", "output"),
    "device service": ("out", "unit_dir"),
    "device check": ("board", "store", "unit_dir"),
    "keygen": ("path",),
    "pair": ("ca",),
    "push": ("pack", "sign", "ca"),
    "push-library": ("source", "fixes", "ca"),
    "box-library": ("export_fixes", "folder", "ca"),
    "box-capture": ("dir", "ca"),
    "capture-signal": ("out",),
    "box-pack": ("ca",),
    "status": ("ca",),
    "box-devices": ("ca",),
    "unpair": ("ca",),
    "box-midi": ("ca",),
    "box-kit": ("ca",),
    "box-logs": ("ca",),
    "box-knob": ("ca",),
}
WRITTEN = ("out", "output", "report", "links", "export_fixes", "unit_dir")     # paths a command writes, not reads
WRITTEN_BY = {"keygen": ("path",), "box-capture": ("dir",)}
# paths "~" is expanded in but no hint is looked for: `library fix FILE` is read relative to the library's folder
# first (device/library/open_db.py), --forget-left names files that left the library (not there, by definition)
NOT_HINTED = {"library fix": ("file", "forget_left")}
# the arguments whose words name a file, folder or path but which are the box's (a file inside a library on the box,
# a library on it), never this computer's: no "~" expanded, no hint (tests/test_p50_m3_paths.py checks that every
# argument naming a path is here or in LOCAL_PATHS)
BOX_SIDE: dict[str, tuple[str, ...]] = {
    "box-library": ("fix", "like", "play"),
    "box-kit": ("map", "source", "library"),
}
MARK = "hatbox_local_paths"        # the namespace's attribute: the dests of the paths the command reads


def commands(parser: argparse.ArgumentParser, words: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every (sub)command parser under ``parser`` with its words ("train tagger", "push")."""
    from hatbox.cli import _sub_choices
    for name, sub in _sub_choices(parser).items():
        said = f"{words} {name}".strip()
        yield said, sub
        yield from commands(sub, said)


def mark_local_paths(parser: argparse.ArgumentParser) -> None:
    """Give every argument :data:`LOCAL_PATHS` names the type :func:`local_path` (around its own type), and each
    such command the default ``hatbox_local_paths`` (the dests it reads), which :func:`path_values` reads after
    parsing."""
    for words, sub in commands(parser):
        dests = LOCAL_PATHS.get(words)
        if not dests:
            continue
        for action in sub._actions:
            if action.dest in dests and not getattr(action.type, "local_path", False):
                action.type = local_path(action.type)
        sub.set_defaults(**{MARK: read_paths(words, dests)})


def read_paths(words: str, dests: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``dests`` (command ``words``' local paths) that it reads: not :data:`WRITTEN`, not its own
    :data:`WRITTEN_BY` (a missing output is no mistake: no hint is looked for), nor :data:`NOT_HINTED`."""
    skip = (*WRITTEN, *WRITTEN_BY.get(words, ()), *NOT_HINTED.get(words, ()))
    return tuple(d for d in dests if d not in skip)


def path_values(args: argparse.Namespace) -> list[str]:
    """The paths the parsed command ``args`` was given to read (each value of a list), home expanded."""
    found: list[str] = []
    for dest in getattr(args, MARK, ()):
        value = getattr(args, dest, None)
        for one in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(one, (str, os.PathLike)) and str(one):
                found.append(str(one))
    return found
