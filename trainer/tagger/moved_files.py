"""A training CSV naming files that are not there any more, most likely because a folder was renamed (fifty-third
stop's QA, T2: lib/gm_inst/ renamed lib/instruments/, the library's database followed, the CSV did not): the refusal
(trainer.csvtext.missing_error) says "did you mean lib/instruments/vibes.wav?" for each missing file whose name is
that of exactly one file under the CSV's folder not listed already.  Only said, never trained on: a guess is the
producer's to confirm.  The search is one walk of that folder, given up past
:data:`trainer.csvtext.SEARCH_MAX_FILES` files (the one limit of both searches, read as it walks)."""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from hatbox.errors import DataError
from trainer import csvtext
from trainer.csvtext import as_written, windows_path

SHOWN = 3                  # guesses said


def with_moved(err: DataError, folder: Path, missing: list[tuple[str, Path, str]], listed: set[Path]) -> DataError:
    """``err`` (trainer.csvtext.missing_error's for ``missing``: [(the cell, its path, where: "line 10")]) with "did
    you mean ...?" for the missing files :func:`moved_guesses` finds under ``folder`` (the CSV's); ``listed``: the
    files (resolved) other lines name, never guessed.  ``err`` itself when there is no guess."""
    guesses = moved_guesses(folder, missing, listed)
    if not guesses:
        return err
    said = ", ".join(f"{guess} ({where})" for guess, where in guesses[:SHOWN])
    more = f" and {len(guesses) - SHOWN} more" if len(guesses) > SHOWN else ""
    hint = ("a folder renamed or a file moved? write the file's path as it is now on "
            f"{'that line' if len(guesses) == 1 else 'those lines'} (nothing is trained on a guess)")
    return DataError(f"{err.message}; a file of the same name is elsewhere under the CSV's folder: did you mean "
                     f"{said}{more}?", hint=f"{hint}; {err.hint}" if err.hint else hint)


def moved_guesses(folder: Path, missing: list[tuple[str, Path, str]], listed: set[Path]) -> list[tuple[str, str]]:
    """[(the one file under ``folder`` with a missing file's name as its cell would be written: :func:`as_cell`,
    where the CSV names it: "line 10")], in the order of ``missing``, for each missing file whose name exactly one
    file under ``folder`` has (not among ``listed``); [] when ``folder`` holds more than
    :data:`trainer.csvtext.SEARCH_MAX_FILES` files or cannot be walked."""
    wanted: dict[str, list[tuple[str, str]]] = {}
    for name, _, where in missing:
        if not windows_path(name):
            wanted.setdefault(PurePosixPath(name.replace("\\", "/")).name, []).append((name, where))
    found = _files_named(folder, set(wanted), listed)
    guesses: dict[str, list[str]] = {}
    for base, cells in wanted.items():
        if len(found.get(base, ())) == 1:
            for name, where in cells:
                guesses.setdefault(as_cell(found[base][0], folder, name), []).append(where)
    return [(guess, ", ".join(wheres)) for guess, wheres in guesses.items()]


def as_cell(path: Path, folder: Path, cell: str) -> str:
    """``path`` (a file under ``folder``, the CSV's) as a CSV cell names it in the way ``cell`` did: absolute where
    ``cell`` is, else relative to ``folder`` (the rule of a CSV's paths; p53's final read: "did you mean
    lib/moved/s5.wav" was relative to where the command ran, "lib/lib/moved/s5.wav" once pasted), with
    ``cell``'s backslashes where it used only those."""
    if PurePosixPath(cell.replace("\\", "/")).is_absolute():
        return str(path.absolute())
    return as_written(path.relative_to(folder).as_posix(), cell)


def _files_named(folder: Path, names: set[str], listed: set[Path]) -> dict[str, list[Path]]:
    """{name: the files under ``folder`` (hidden folders not entered, links to folders not followed) of that name,
    not among ``listed``}; {} past :data:`trainer.csvtext.SEARCH_MAX_FILES` files."""
    out: dict[str, list[Path]] = {}
    seen = 0
    for top, subs, files in os.walk(folder):
        subs[:] = [d for d in subs if not d.startswith(".")]
        seen += len(files)
        if seen > csvtext.SEARCH_MAX_FILES:
            return {}
        for name in names.intersection(files):
            path = Path(top) / name
            if path.is_file() and path.resolve() not in listed:
                out.setdefault(name, []).append(path)
    return out
