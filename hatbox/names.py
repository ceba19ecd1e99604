"""Names a producer types or a computer wrote: pack names derived from file names, one spelling of a name in its
Unicode forms, and paths in the commands a hint prints.

A pack name must pass :func:`export.manifest.is_plain_name` (whatever rule the manifest has: these helpers ask it,
never a copy of it).  A file name may hold any script; macOS writes names decomposed (NFD: ``e`` + a combining
accent), keyboards type them composed (NFC), and Linux keeps the bytes it was given, so one name can reach hatbox
in two forms: :func:`name_forms` and :func:`on_disk` find a file by either, never renaming one."""
from __future__ import annotations

import os
import re
import shlex
import unicodedata
from pathlib import Path

from hatbox.errors import HatboxError

NAME_CHARS = 64            # the longest pack name the manifest takes (export.manifest.NAME_RULE)
_EDGE = " _.+-"           # stripped from both ends of a derived name: a name starts with a letter or digit


def nfc(text: str) -> str:
    """``text`` composed (NFC): what a keyboard types."""
    return unicodedata.normalize("NFC", text)


def name_forms(text: str) -> list[str]:
    """``text`` as typed, then its NFC and NFD forms where they differ (each once)."""
    return list(dict.fromkeys([text, nfc(text), unicodedata.normalize("NFD", text)]))


def default_pack_name(stem: str, fallback: str) -> str:
    """The pack name a trainer gives when --name is not given, made from a file or folder name ``stem``: the name
    itself when the manifest takes it (composed, NFC), else its letters with their accents dropped (``Flöte`` ->
    ``Flote``), every other character the manifest refuses as ``_`` (a run of them as one; none beside a space),
    spaces kept, ``_ . + -`` and spaces stripped from both ends, at most 64 characters; ``fallback`` when nothing
    is left (a name of emoji or kana alone): ``Mein Tagger 🥁`` -> ``Mein Tagger``, ``my synth (v2)`` ->
    ``my synth v2``, ``a&b`` -> ``a_b``, ``キック探し`` -> ``fallback``."""
    from export.manifest import is_plain_name
    whole = nfc(stem).strip()
    if is_plain_name(whole):
        return whole
    plain = "".join(c for c in unicodedata.normalize("NFKD", whole) if not unicodedata.combining(c))
    kept = "".join(c if (c.isascii() and c.isalnum()) or c in " _.+-" else "_" for c in plain)
    gaps = re.sub(r"_+", "_", re.sub(r"[ _]*\s[ _]*", " ", kept))       # "a (b)" -> "a _b_" -> "a b_"
    name = gaps.strip(_EDGE)[:NAME_CHARS].strip(_EDGE)
    return name if is_plain_name(name) else fallback


def default_name_help(source: str) -> str:
    """The words of a trainer's ``--name`` help: the pack name made of ``source`` ("the output file's name") when
    --name is not given, as :func:`default_pack_name` makes it, and the manifest's rule (NAME_RULE)."""
    from export.manifest import NAME_RULE
    return (f"pack name, {NAME_RULE} (default: made of {source}: as it is when the rule takes it, else with "
            "accents dropped and spaces kept, other characters made _: Flöte -> Flote, 'My Kit 🥁' -> 'My Kit')")


def check_pack_name(name: str, flag: str = "--name") -> None:
    """HatboxError, before any training, unless ``name`` passes the manifest's own check
    (:func:`export.manifest.name_problem`, which says the rule and the character that broke it); the message names
    the option (``flag``) and suggests a name :func:`default_pack_name` makes of it."""
    from export.manifest import name_problem
    problem = name_problem(name)
    if problem is None:
        return
    better = default_pack_name(str(name), "")
    like = f"; e.g. {flag} {shlex.quote(better)}" if better else ""
    raise HatboxError(f"{flag} {name!r} is not a valid pack name; nothing was trained", hint=f"{problem}{like}")


def on_disk(path: Path) -> Path | None:
    """The existing path that ``path`` names when each of its parts may be written in another Unicode form (an
    NFC ``café`` for a file macOS named NFD, or the other way): ``path`` itself when it exists, else each part as
    a folder holds it (device.library.paths.existing); None when there is none.  Nothing is renamed."""
    from device.library.paths import existing, is_there
    if is_there(path):
        return path
    base = Path(path.anchor) if path.is_absolute() else Path(".")
    found = existing(base, list(path.parts[1:] if path.is_absolute() else path.parts))
    return found if found is None or path.is_absolute() else Path(os.path.normpath(found))


def path_forms(typed: str, base: Path | None = None) -> list[str]:
    """The spellings to try, in order, for a path the producer typed that is not found as typed: its NFC and NFD
    forms, then the path on disk it names with parts in another form (:func:`on_disk`): from ``base`` (a library
    folder) for a relative one, and from the working directory.  ``typed`` itself is not among them."""
    found = [on_disk(Path(typed))] if Path(typed).is_absolute() or base is None else \
        [on_disk(base / typed), on_disk(Path(typed))]
    shown = [str(p) for p in found if p is not None]
    return [f for f in dict.fromkeys(name_forms(typed)[1:] + shown) if f != typed]


def quoted(path: object) -> str:
    """A path as a command a hint prints should write it: quoted for a POSIX shell where it needs it
    (``'Bibliothek Ü サンプル/box-fixes.csv'``), as it is otherwise."""
    return shlex.quote(str(path))
