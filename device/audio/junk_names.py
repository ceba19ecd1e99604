"""Names in a sample folder that no library, tag tree or note folder means as samples (fiftieth stop): the one rule
that `hatbox tag`, the trainers, `hatbox push-library` and the box's unpacking and library scan all skip by.

- dot files and folders (``.DS_Store``, macOS AppleDouble ``._kick.wav``, ``.git``, ``.Trashes``, ``.Trash-1000``,
  Samba's ``.recycle``) and macOS zip leftovers (``__MACOSX``), as before;
- recycle bins of NAS boxes and Windows: ``#recycle`` (Synology), ``@Recycle`` (QNAP), ``$RECYCLE.BIN`` (Windows;
  any case): the samples in them were deleted;
- NAS metadata: Synology's ``@eaDir`` folders (thumbnails and indexes) and its ``NAME@SynoEAStream`` /
  ``NAME@SynoResource`` files (extended attributes);
- DAW and editor sidecars beside a sample: Ableton's analysis ``.asd``, REAPER's peaks ``.reapeaks`` and media index
  ``.reapindex``, Sound Forge's ``.sfk``, Adobe's ``.pkf``, WaveLab's ``.gpk`` (``kick.wav.asd``);
- macOS's custom folder icon ``Icon\\r`` (its name ends in a carriage return).

Pure string tests: nothing is read from disk.
"""
from __future__ import annotations

RECYCLE_BINS = ("#recycle", "@recycle", "$recycle.bin")               # lower case; ".recycle" is a dot name
NAS_FOLDERS = ("@eadir",)                                              # lower case
NAS_FILE_ENDS = ("@synoeastream", "@synoresource")                    # lower case: "kick.wav@SynoEAStream"
SIDECAR_SUFFIXES = (".asd", ".reapeaks", ".reapindex", ".sfk", ".pkf", ".gpk")
ICON_FILE = "Icon\r"                                                   # macOS's custom folder icon

RECYCLE_BIN, NAS_METADATA, SIDECAR, FOLDER_ICON = "recycle bin", "NAS metadata", "DAW sidecar", "folder icon"


def junk_kind(name: str) -> str:
    """What the file or folder name ``name`` is when it is one of the machines' own leftovers beside samples
    (:data:`RECYCLE_BIN`, :data:`NAS_METADATA`, :data:`SIDECAR`, :data:`FOLDER_ICON`), "" for any other name (dot
    names too, ``._kick.wav.asd`` and ``.#recycle`` among them: :func:`hidden_name` takes those, and a Mac drive's
    AppleDouble twin of each sidecar is not counted twice)."""
    if name.startswith("."):
        return ""
    low = name.lower()
    if low in RECYCLE_BINS:
        return RECYCLE_BIN
    if low in NAS_FOLDERS or low.endswith(NAS_FILE_ENDS):
        return NAS_METADATA
    if low.endswith(SIDECAR_SUFFIXES):
        return SIDECAR
    return FOLDER_ICON if name == ICON_FILE else ""


def hidden_name(name: str) -> bool:
    """A file or folder name no sample library, tag tree or note folder means as audio: dot files and folders
    (``.DS_Store``, macOS AppleDouble ``._kick.wav``, ``.git``), macOS zip leftovers (``__MACOSX``), and the leftovers
    :func:`junk_kind` names (recycle bins, NAS metadata, DAW sidecars, ``Icon\\r``)."""
    return name.startswith(".") or name == "__MACOSX" or bool(junk_kind(name))


def junk_words(counts: dict[str, int]) -> str:
    """"3 DAW sidecar files (.asd, .reapeaks...), 1 recycle bin" for ``counts`` (a :func:`junk_kind` -> how many names
    of it were left out; "" when none): the one line that says them, as the hidden files are said."""
    from hatbox.text import count_words
    shown = {SIDECAR: ("DAW sidecar file", "DAW sidecar files", " (.asd, .reapeaks...)"),
             NAS_METADATA: ("NAS metadata entry", "NAS metadata entries", " (@eaDir, @SynoEAStream)"),
             RECYCLE_BIN: ("recycle bin", "recycle bins", " (#recycle, @Recycle, $RECYCLE.BIN)"),
             FOLDER_ICON: ("macOS folder icon file", "macOS folder icon files", " (Icon\\r)")}
    parts = [count_words(counts[kind], one, many) + eg for kind, (one, many, eg) in shown.items() if counts.get(kind)]
    return ", ".join(parts)
