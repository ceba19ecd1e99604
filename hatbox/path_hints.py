"""Why a path a producer typed is not there, when it is nearly there: a suffix left off (``--pack my-tagger`` beside
my-tagger.hatpack), a space at an end of a name, a name with spaces given without quotes (``~/My Words`` read as
``~/My`` and ``Words``).  Said as a hint under the command's own error (hatbox/cli.py), never instead of it."""
from __future__ import annotations

import argparse
import os
import re
import shlex
from pathlib import Path
from typing import Sequence

from hatbox.path_args import path_values
from hatbox.text import display_name

KNOWN_SUFFIXES = (".hatpack", ".db", ".csv", ".wav", ".flac", ".toml", ".pem", ".pub", ".mid", ".zip")
MOST_WORDS = 8           # words after a path tried as the rest of its name


def error_hint(said: str, args: argparse.Namespace, words: Sequence[str]) -> str:
    """The hint for an error that says ``said``, from the first path of the command ``args`` that ``said`` names
    and that does not exist (:func:`missing_hint`); ``words``: the command line's words.  "" when there is none, or
    when ``said`` already says which was meant ("did you mean": a second guess beside it only confuses)."""
    if "did you mean" in said.lower():
        return ""
    for value in path_values(args):
        if os.path.lexists(value) or not _named(value, said):
            continue
        hint = missing_hint(value, words)
        if hint:
            return hint
    return ""


def _named(value: str, said: str) -> bool:
    """Whether the error's words ``said`` name the path ``value`` (as given, made absolute, or by its last part: a
    whole word of them, not a piece of a longer name)."""
    return any(re.search(rf"(?<![\w.-]){re.escape(form)}(?![\w.-])", said) is not None
               for form in {value, os.path.abspath(value), Path(value).name} if form.strip())


def missing_hint(value: str, words: Sequence[str] = ()) -> str:
    """Why the path ``value`` (which does not exist) may be nearly right, "" when no reason is found: a space at an
    end of a part, the next words of the command line (``words``) that complete its name, a suffix left off, or a
    name with spaces in its folder that starts with it."""
    return _edge_space(value) or _unquoted(value, words) or _near_names(value)


def _edge_space(value: str) -> str:
    """A space (or tab) at an end of a part of ``value``, when the path without it exists."""
    parts = Path(value).parts
    trimmed = [p if p == os.sep else p.strip() for p in parts]
    if not parts or trimmed == list(parts) or not all(trimmed) or not os.path.lexists(os.path.join(*trimmed)):
        return ""
    part = next(p for p, t in zip(parts, trimmed) if p != t)
    where = "ends" if part.rstrip() != part and part.lstrip() == part else \
        "starts" if part.rstrip() == part else "starts and ends"
    return (f"the name {shlex.quote(display_name(part))} {where} with a space: "
            f"{_shown(os.path.join(*trimmed))} exists (leave the space out)")


def _unquoted(value: str, words: Sequence[str]) -> str:
    """The words after ``value`` on the command line that, with a space between, name a path that exists: a name
    with spaces given without quotes, which the shell split in two."""
    for i, word in enumerate(words):
        if word != value and not word.endswith("=" + value):
            continue
        start = word.removesuffix(value) if word != value else ""
        for j in range(i + 1, min(len(words), i + 1 + MOST_WORDS)):
            if words[j].startswith("-"):
                break
            whole = " ".join([value, *words[i + 1:j + 1]])
            if os.path.lexists(whole):
                return f"put it in quotes: {start}{_typed(whole)} (a name with spaces is cut at a space without them)"
    return ""


def _beside(path: Path) -> list[str]:
    """The names in ``path``'s folder, listed once ([] when ``path`` has no name, its folder is not one, or it cannot
    be listed)."""
    if not path.name or not path.parent.is_dir():
        return []
    try:
        return [p.name for p in path.parent.iterdir()]
    except OSError:
        return []


def _near_names(value: str) -> str:
    """A suffix left off or a name with spaces cut off (:func:`_suffix_left_off`, :func:`_spaced_name`), from one
    listing of ``value``'s folder."""
    names = _beside(Path(value))
    return _suffix_left_off(value, names) or _spaced_name(value, names)


def _suffix_left_off(value: str, names: list[str]) -> str:
    """The file of ``names`` (``value``'s folder's) whose name is ``value``'s and a suffix (``my-tagger`` ->
    ``my-tagger.hatpack``; the suffixes hatbox reads first), when there is one."""
    name = Path(value).name
    found = [n for n in names if n.startswith(name + ".") and Path(n).stem == name]
    found.sort(key=lambda n: (Path(n).suffix.lower() not in KNOWN_SUFFIXES, n))
    return f"did you mean {_shown(value + found[0][len(name):])}?" if found else ""


def _spaced_name(value: str, names: list[str]) -> str:
    """A name of ``names`` (``value``'s folder's) that starts with ``value``'s name and a space: the rest of the name
    was cut off, as when a name with spaces is not quoted (the command line's other words not at hand)."""
    name = Path(value).name
    found = sorted(n for n in names if n.startswith(name + " "))
    return f"a name with spaces needs quotes: {_typed(value + found[0][len(name):])}" if found else ""


def _shown(path: str) -> str:
    """``path`` as a hint writes it for a shell (quoted where it needs it)."""
    return shlex.quote(display_name(path))


def _typed(path: str) -> str:
    """``path`` in double quotes as the producer would type it, the home folder written ``~`` (hatbox expands a
    ``~`` inside quotes in its path arguments: hatbox.argtypes.local_path); single-quoted where double quotes
    would not keep it as it is ($, `, \\, ")."""
    home = os.path.expanduser("~").rstrip("/")
    shown = display_name(path)
    if any(c in shown for c in '$`\\"'):
        return shlex.quote(shown)
    if home and shown.startswith(home + "/"):
        shown = "~" + shown[len(home):]
    return f'"{shown}"'
