"""What `hatbox push-library` checks of a zip or tar before sending it, from one reading of the archive
(device.library.archive.each_member): the members the box refuses for their names
(device.library.member_names.NameCheck), the audio files it would keep (their paths and sizes: how the box knows a
library it rebuilt), how many other files it holds when it holds no audio, and the samples that peak over full scale
(hatbox.hot_samples).  Forty-fifth stop: each was its own reading, so a .tar.gz was decompressed three or four
times over (and a float sample's member once more from the start) before a byte was sent.  Torch-free, numpy only
for a float sample's peak."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from device.library.archive_members import Entry, Limits


@dataclass
class ArchiveLook:
    """The laptop's checks of one archive; as each check said before when the archive cannot be read (``readable``
    False: the box says why): no refusals, no audio files, ``others`` None (cannot tell), no hot samples."""

    readable: bool = True
    refused: list[tuple[str, str]] = field(default_factory=list)   # (the member as the box names it, why)
    audio: dict[str, int] = field(default_factory=dict)            # the audio files the box would keep: path -> bytes
    others: int | None = 0           # files that are not audio the box takes; None once one is (or cannot tell)
    hot: list[tuple[str, float]] = field(default_factory=list)     # (path, peak dBFS) of samples over full scale
    refusal: str = ""            # why the box's reader refused the archive as a whole (a limit passed), "" if none


def look_archive(archive: Path, hot: bool = True, limits: Limits | None = None) -> ArchiveLook:
    """:class:`ArchiveLook` of the zip or tar ``archive``, read once; ``hot``: look for samples over full scale too
    (a folder's are read from the folder); ``limits``: the box's (hatbox.library_limits.limits_from), else its
    defaults."""
    from device.library.archive_errors import ArchiveError
    from device.library.archive_members import Limits, each_member
    from device.library.member_names import NameCheck
    look, names = ArchiveLook(), NameCheck(limits or Limits())
    try:
        with tempfile.TemporaryDirectory(prefix="hatbox-look-") as tmp:
            for e in each_member(archive, names.limits):
                names.see(e)                       # skips what the box skips without a word (Icon\r too)
                _see(look, e, Path(tmp) if hot else None)
    except ArchiveError as exc:
        return ArchiveLook(readable=False, others=None, refusal=Exception.__str__(exc))
    except OSError:
        return ArchiveLook(readable=False, others=None)
    look.refused = names.refused
    return look


def _see(look: ArchiveLook, e: Entry, tmp: Path | None) -> None:
    """Take member ``e`` (device.library.archive.Entry) into ``look``: an audio file the box keeps, a file counted
    while no audio is found, a sample over full scale (read into ``tmp``; None: not looked for)."""
    from hatbox.hot_samples import member_hot
    _see_audio(look, e)
    found = member_hot(e, tmp) if tmp is not None else None
    if found is not None:
        look.hot.append(found)


def _see_audio(look: ArchiveLook, e: Entry) -> None:
    """The audio file ``e`` is (hatbox.library_push.audio_members' rule: a file member with a safe name and an audio
    suffix, not hidden or a system file), and the count of other files
    (device.library.archive_members.others_if_no_audio's rule: a zip's links count, a tar's do not)."""
    from device.library.archive_members import takes_audio
    from device.library.member_checks import AUDIO_EXTENSIONS, is_metadata, safe_relpath
    rel = safe_relpath(e.name)
    if e.kind == "file" and not isinstance(rel, str) and not is_metadata(rel) \
            and rel.suffix.lower() in AUDIO_EXTENSIONS:
        look.audio[str(rel)] = int(e.size)
    counted = e.kind == "file" or e.archive == "zip"
    if counted and takes_audio(PurePosixPath(e.name)):
        look.others = None
    elif counted and look.others is not None:
        look.others += 1
