"""Paths of a library's files in Unicode's two normal forms.

An accented letter can be written as one character ("ü", NFC: what Linux, Windows and most keyboards give) or as
a letter and a combining mark ("u" + U+0308, NFD: what macOS writes in file names and zips).  Both read alike, so
the box keeps every archive member's path in NFC (:func:`nfc`, applied by
:func:`device.library.member_checks.safe_relpath`), and a path typed in either form finds the file the library
holds (:func:`on_disk`), whichever form its name was stored in: libraries unpacked before names were composed
keep their decomposed names, and nothing is ever renamed.
"""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path


def nfc(text: str) -> str:
    """``text`` in Unicode's composed form (NFC)."""
    return unicodedata.normalize("NFC", text)


def has_two_forms(text: str) -> bool:
    """Whether ``text`` could be spelled otherwise in another normal form (it holds a letter that composes or
    decomposes: "ü", "ド"); plain ASCII and most kana and kanji cannot."""
    return not (text.isascii() or (unicodedata.is_normalized("NFC", text)
                                    and unicodedata.is_normalized("NFD", text)))


def on_disk(root: Path, path: Path) -> Path:
    """``path`` (relative to the library folder ``root``, or absolute under it) spelled as the library's folder
    spells it, when its names are there only in another normal form (a name typed composed, held decomposed, or
    the other way round); else ``path`` unchanged.  Only names that have two forms are looked up (a folder
    listing each), so plain names cost nothing."""
    if not has_two_forms(str(path)):
        return path
    if path.is_absolute():
        root = next((r for r in (root, root.resolve()) if path.is_relative_to(r)), None)
        if root is None:
            return path
    rel = path.relative_to(root) if path.is_absolute() else path
    found = existing(root, list(rel.parts))
    if found is None:
        return path
    return found if path.is_absolute() else found.relative_to(root)


def existing(base: Path, parts: list[str]) -> Path | None:
    """The existing ``base / parts...`` with each part in whichever Unicode form ``base``'s folders hold it (as
    written first, then each entry equal to it under NFC: a folder may hold both forms, each with other files);
    None when there is none.  Only the folders on the way are listed; nothing is renamed."""
    if not parts:
        return base
    for name in _spellings(base, parts[0]):
        found = existing(base / name, parts[1:])
        if found is not None:
            return found
    return None


def _spellings(folder: Path, part: str) -> list[str]:
    """``part`` where ``folder`` holds it as written, then the names of ``folder``'s entries that are ``part`` in
    another Unicode form."""
    exact = [part] if is_there(folder / part) else []
    if part in (".", "..") or not has_two_forms(part):
        return exact
    want = nfc(part)
    try:
        return exact + sorted(e.name for e in os.scandir(folder) if e.name != part and nfc(e.name) == want)
    except (OSError, ValueError):
        return exact


def is_there(path: Path) -> bool:
    """Whether something is at ``path`` (a link to nothing too); False where it cannot be looked at."""
    try:
        return path.exists() or path.is_symlink()
    except (OSError, ValueError):
        return False


def _form(name: str) -> str:
    """How ``name``'s accents are written, in words."""
    return ("composed" if name == nfc(name) else
            "decomposed (as macOS writes them)" if name == unicodedata.normalize("NFD", name) else "mixed")


def _plain(name: str) -> str:
    """A member's name as a path: empty and "." parts left out ("./kit//a.wav" is kit/a.wav)."""
    return "/".join(p for p in name.split("/") if p not in ("", "."))


def other_spelling(name: str, rel: str, kept: dict[str, str]) -> str:
    """Why the archive member ``name`` (as the archive spells it; ``rel``: its path in NFC) is refused when a member
    kept earlier (``kept``: NFC path -> that member's name) has the same path in the other normal form: the box
    keeps one name for both; "" when none has, or it is the same name twice (a duplicate, said as one)."""
    first = kept.get(rel)
    if first is None or _plain(first) == _plain(name):
        return ""
    return (f"the same name as {rel} earlier in the archive, its accents written {_form(_plain(name))} where that "
            f"one has them {_form(_plain(first))}: the box keeps one name for both, so only the first is kept")
