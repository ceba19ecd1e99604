"""How much of its training files a tagger hears: the clip (the first ``clip_samples`` from each file's onset,
device.audio.mel.tagger_clip) against the files' own lengths.

A tagger hears one clip per file (1 s by default).  A library of pads, loops and risers, mostly longer than
that, is tagged by each file's start: a word about what happens later (a riser's sweep after 1.2 s, a fade)
cannot be learned from it, and more examples or minutes do not change that (p42's QA: the summary said nothing,
and its advice was "more examples").  Lengths are read from the files' headers only.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

# "much longer" than the clip, a length in words and "their first second": the library tagging's own
# (device/library/long_files.py), one wording for training and tagging
from device.library.long_files import LONG_FACTOR, first_words, seconds_words


@dataclass(frozen=True)
class Heard:
    """The clip a tagger hears (``clip_seconds``, from each file's onset) and the median length of the files it
    trained on (``median_seconds``; 0.0 when no header could be read)."""
    clip_seconds: float
    median_seconds: float

    @property
    def mostly_longer(self) -> bool:
        """Whether most training files are much longer than the clip (median over :data:`LONG_FACTOR` clips)."""
        return self.median_seconds > LONG_FACTOR * self.clip_seconds


def header_lengths(paths: list[Path]) -> list[float]:
    """The length in seconds of each file of ``paths`` whose header reads (device.audio.audiofile.file_seconds; the
    others are passed over)."""
    from device.audio.audiofile import file_seconds
    from hatbox.errors import AudioFileError
    out = []
    for path in paths:
        try:
            out.append(file_seconds(path))
        except (AudioFileError, OSError):
            continue
    return out


def heard_of(paths: list[Path], clip_samples: int, rate: int) -> Heard:
    """:class:`Heard` for training files ``paths`` and a clip of ``clip_samples`` at ``rate`` Hz."""
    lengths = header_lengths(paths)
    return Heard(clip_samples / rate, statistics.median(lengths) if lengths else 0.0)


def long_files_warning(heard: Heard) -> str:
    """The summary's warning when most training files are much longer than the clip ("" otherwise)."""
    if not heard.mostly_longer:
        return ""
    return (f"warning: most of your samples are longer than the {seconds_words(heard.clip_seconds)} the tagger "
            f"hears (median {seconds_words(heard.median_seconds)}): it tags by {first_words(heard.clip_seconds)} "
            "from their first sound; words about what happens later (a rise, a fade) cannot be learned from it")


def later_clause(heard: Heard | None) -> str:
    """The clause the tagger's next: advice adds to "more examples" when its files are long ("" otherwise)."""
    if heard is None or not heard.mostly_longer:
        return ""
    first = first_words(heard.clip_seconds, "each file's")
    return (f"but it hears only {first} (median file {seconds_words(heard.median_seconds)}):"
            " a word about what happens later (a rise, a fade) is not learned from more examples or minutes")
