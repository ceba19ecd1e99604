"""Note data: the NSynth-like recipe (fluidsynth + FluidR3 GM) and the loader for a user's folder.

A note set on disk is a folder per instrument holding one file per note.  The pitch (MIDI number)
comes from the file name (``C4.wav``, ``F#3.wav``, ``60.wav``, ``flute_060_100.wav``,
``flute-060-100.wav``) or, when the name has none, is estimated from the audio.  The velocity is a number
after the pitch (``..._060_100``), else a dynamic mark in the name (``C3 soft.wav``, ``piano_C3_mf.wav``), else
100 (:mod:`trainer.synth.note_names`).  Only plausible pitches (MIDI 21..108) are taken from names
(``take_01.wav`` has none), and a name's pitch must agree with
the one measured from the audio (within a semitone) where the estimator can measure it.  Hidden
files (``._C4.wav``, macOS AppleDouble) and ``__MACOSX`` folders are skipped, and so are hatbox
training reports (a folder holding ``metrics.json`` or ``checkpoint.pt``), with a note.  Instrument
folder names must be choosable with ``play --corners`` (no comma, no leading/trailing space), and
every note file must last, and sound (``sounding_seconds``), at least ``min_note_seconds(seconds)``.
A note is mixed to mono (``to_mono``), its DC offset taken out and the silence before its onset cut (of a long
file only the head is read: ``read_head``); a file that cannot be a note is skipped with a warning
(``load_notes``: a WAV, AIFF or W64 cut short too), and what may be a mistake is a ``warning:`` line (clipping,
a low sample rate, noise, a name an octave off, stray files, copies, a long file cut).
"""
from __future__ import annotations

import math
import os
import shlex
import unicodedata
from pathlib import Path
from typing import Callable

import numpy as np
from scipy.signal import resample_poly

from device.audio import audiofile
from device.library.decode import held_mix
from device.notes import note_name
from hatbox.errors import DataError, HatboxError
from device.audio.closed_folder import way_hint
from hatbox.file_access import access_hint, cannot_read, os_words
from hatbox.text import count_words, duration_words, them
from trainer.synth.note_names import (  # noqa: F401  (re-exported: the note-name parsing and checks moved there)
    ESTIMATOR_SLIPS, NAME_ONLY_SHARE, NAME_PITCHES, PITCH_TOLERANCE, check_name_pitches, octave_off_names,
    pitch_from_name, velocity_from_name)
# split from here, re-exported: a note and the loader's words; the set's checks; the held-out split; the factory set
from trainer.synth.note import Note, fit_length, print_note, print_warning, sounding_past  # noqa: F401
from trainer.synth.note_checks import (MIN_NOTE_FRACTION, MIN_NOTE_SECONDS, SOUND_FLOOR_DB,  # noqa: F401
                                       check_instrument_names, check_note_lengths, check_sounding_lengths,
                                       duplicate_notes, min_note_seconds, sounding_seconds, warn_low_rates,
                                       _header_seconds)
from trainer.synth.heldout import own_heldout, own_heldout_words, split_heldout  # noqa: F401
from trainer.synth.fluid_set import FACTORY_PROGRAMS, SOUNDFONT, build_fluid_set, render_midi, write_midi  # noqa: F401

MEASURABLE_PITCHES = (25.0, 94.0)   # a name's pitch is checked against the audio's here (unnamed: up to C8, F0_MAX_HZ)
REPORT_JSON = "metrics.json"        # what trainer.synth.report writes into a report folder ...
REPORT_CHECKPOINT = "checkpoint.pt"  # ... and trainer.synth.pipeline next to it: how a report folder is known
ONSET_DB = 40.0                     # a note starts at its first sample within this of its peak ...
ONSET_PREROLL_S = 0.01              # ... less this much: the silence a recording holds before it is cut off
APERIODIC = 0.6                     # features.aperiodicity at or above this: noise, no pitch (instruments < 0.15)
OTHER_AUDIO = (".m4a", ".aac", ".mp4", ".wma", ".opus", ".amr", ".ape")   # audio formats hatbox cannot read
HEAD_MARGIN_S = 10.0                # a note file is decoded up to --seconds past this: room for the silence before
                                    # its onset (a longer file is cut there, not decoded whole: an hour is ~700 MB)


# ----------------------------------------------------------------------------- loading
def _to_rate(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return audio.astype(np.float32)
    g = np.gcd(rate, target)
    return resample_poly(audio, target // g, rate // g).astype(np.float32)


def to_mono(audio: np.ndarray) -> tuple[np.ndarray, int | None]:
    """[C, N] -> (mono [N], None), or (one channel [N], its number from 1) when the channels cancel each other
    out in the mix (one in reverse polarity): :func:`device.library.decode.held_mix` (an empty channel is left
    out: it would halve the note's level)."""
    mono, loudest = held_mix(audio)
    return mono, None if loudest is None else loudest + 1


def clipping_warning(audio: np.ndarray, path: Path) -> str | None:
    """A warning when the file's samples ``audio`` [N] sit on flat tops at full scale (trainer.effect.data's
    clipping test, which the effect trainer refuses without --allow-clipping)."""
    from trainer.effect.data import CLIP_FRACTION, clipped_fraction
    frac = clipped_fraction(audio)
    if frac <= CLIP_FRACTION:
        return None
    return (f"{path} is clipped ({100 * frac:.2f}% of its samples on flat tops at full scale): the synth will learn "
            f"the distortion as part of the sound; record it again with less gain (ignore this if it is the sound)")


def read_head(path: Path, seconds: float,
              warn: Callable[[str], None] = print_warning) -> tuple[np.ndarray, int, bool]:
    """(audio [C, n] float32, rate Hz, whether it was cut) of the part of note file ``path`` a ``seconds`` note is
    taken from: its first ``seconds + HEAD_MARGIN_S`` (the onset within the margin, then ``seconds``).  Only that
    head of a longer file is decoded (an hour-long file whole would take ~700 MB), with a ``warn`` saying so."""
    sr, _channels, frames = audiofile.info(path)
    head_s = seconds + HEAD_MARGIN_S
    head = int(math.ceil(head_s * sr))
    audio, sr = audiofile.read(path, max_frames=head)
    cut = frames > head and audio.shape[1] >= head
    if cut:
        warn(f"{path} is {duration_words(frames / sr)} long: it was cut to its first {head_s:g} s (each note is "
             f"trained on {seconds:g} s from its onset; the rest of the file is not read)")
    return audio, sr, cut


def check_whole(path: Path) -> None:
    """DataError for a WAV, AIFF or Wave64 file whose header claims more audio than the file holds (an export or
    copy cut short: its missing end would be trained on as silence), in the words `hatbox tag` and the box's
    library use (device.library.member_checks.audio_problem); ``device.audio.audiofile.header_problem``."""
    try:
        lie = audiofile.header_problem(path)
    except OSError:         # cannot be opened: audiofile.read names it
        return
    if lie:
        cut = ": the file is cut short (copy or export it again)" if " header claims " in lie else ""
        raise DataError(f"{path}: {lie}{cut}", hint="export or copy the note again, or remove it from the note folder")


def load_note(path: Path, instrument: str, rate: int, seconds: float,
              warn: Callable[[str], None] = print_warning) -> Note:
    """Read one note file (its head: :func:`read_head`), mix to mono, take out any DC offset, resample to ``rate``
    Hz, cut the silence before the onset (ONSET_DB, ONSET_PREROLL_S), crop/pad to ``seconds``; pitch from name or
    audio.  DataError (or AudioFileError) for a file that cannot be a note: unreadable, cut short
    (:func:`check_whole`), empty, float samples at integer scale, silent, or no pitch in its name and none to
    measure (noise: APERIODIC); ``warn`` for what may be intended: a float note over full scale, clipping,
    channels that cancel out (one is used), a named note without a clear pitch, a long file cut (a sample rate
    under ``rate``: :func:`warn_low_rates`, once for all the notes).
    ``Note.measured``: the pitch measured from the audio (None where the name's pitch is outside what the
    estimator measures reliably, or the audio has no clear pitch); ``Note.rate``: the file's sample rate."""
    from device.audio.mel import onset_index
    from trainer.synth.features import aperiodicity, estimate_pitch
    check_whole(path)
    audio, sr, cut = read_head(path, seconds, warn)
    if audio.shape[-1] == 0:
        raise DataError(f"{path} holds no audio (a header and 0 samples)", hint="remove it from the note folder")
    peak = max(float(audio.max()), -float(audio.min()))
    loud = audiofile.float_peak_problem(peak)
    if loud:        # a synth trained on it plays 80 dB too loud (thirty-third stop's QA): the box refuses such files
        raise DataError(f"{path}: {loud}", hint=audiofile.FLOAT_PEAK_HINT.format(name=path.name))
    hot = audiofile.over_full_scale_words(peak, str(path))
    if hot:
        warn(f"{hot}: the synth learns its notes that much louder, and the box's limiter levels them; normalise it "
             f"to 0 dBFS or under")
    mono, channel = to_mono(audio)
    if channel is not None:
        warn(f"{path}: its channels cancel each other out when mixed to mono (one is in reverse polarity?); "
             f"only channel {channel} is used")
    said = clipping_warning(mono, path)
    if said:
        warn(said)
    x = _to_rate(mono - np.mean(mono, dtype=np.float64), sr, rate)   # a sustained note swings around its mean
    x = x[onset_index(x, -ONSET_DB, int(ONSET_PREROLL_S * rate)):]
    crop = int(round(seconds * rate))               # samples
    past = sounding_past(x, rate, crop)             # what the crop cuts off, measured before it does
    x = fit_length(x, crop)
    if np.max(np.abs(x)) < 1e-4:
        where = f" in its first {seconds + HEAD_MARGIN_S:g} s (all that is read of a long file)" if cut else ""
        raise DataError(f"{path} is silent{where}", hint="remove it from the note folder")
    named = pitch_from_name(path.stem)
    clear = aperiodicity(x, rate) < APERIODIC
    if named is None:
        measured = estimate_pitch(x, rate) if clear else None
        if measured is None:
            noise = "" if clear else " (it sounds like noise)"
            raise DataError(f"{path} has no pitch that can be measured{noise} and its name gives none",
                            hint="name the file with its pitch (C4.wav, 60.wav, name_060_100.wav) or remove it")
        return Note(instrument, measured, velocity_from_name(path.stem), x, str(path), measured, sr, past)
    if not clear:
        warn(f"{path} has no clear pitch (it sounds like noise): it is trained as {note_name(named[0])} "
             f"(MIDI {named[0]:g}), as its name says")
    lo, hi = MEASURABLE_PITCHES
    measured = estimate_pitch(x, rate) if clear and lo <= named[0] <= hi else None
    return Note(instrument, named[0], named[1], x, str(path), measured, sr, past)


def timbre_name(folder: str) -> str:
    """The timbre an instrument folder named ``folder`` trains: its name composed (NFC), as a keyboard types it
    for ``play --corners`` (macOS names folders decomposed, NFD, and Linux keeps that), as the tagger's tags are."""
    return unicodedata.normalize("NFC", folder)


def same_name_folders(folders: list[Path]) -> str:
    """A note when folders of ``folders`` carry one name in two Unicode forms (a Mac's copy beside one made here):
    their notes make one timbre; "" when none do."""
    groups: dict[str, list[Path]] = {}
    for d in folders:
        groups.setdefault(timbre_name(d.name), []).append(d)
    twins = [(name, group) for name, group in groups.items() if len(group) > 1]
    return "; ".join(f"{' and '.join(str(d) for d in group)} are one name written two ways (NFC, NFD): their notes "
                     f"make one timbre, {name!r}" for name, group in twins)


def is_report_folder(folder: Path) -> bool:
    """True for a hatbox training report (it holds the report's JSON or the checkpoint), not an instrument."""
    return (folder / REPORT_JSON).is_file() or (folder / REPORT_CHECKPOINT).is_file()


def instrument_folders(root: Path, note: Callable[[str], None] = print_note,
                       warn: Callable[[str], None] = print_warning) -> list[Path]:
    """The instrument folders of a note set, sorted: hidden folders are left out, and report folders
    (``is_report_folder``) too, each with a ``note``; one that may not be read (:func:`unreadable_folder`) with a
    ``warn``, or a DataError naming them when no folder but such is left.  DataError for a ``root`` that may not be
    read."""
    folders, unread = [], []
    for d in _subfolders(root):
        why = unreadable_folder(d)
        if why:
            unread.append((d, why))
        elif is_report_folder(d):
            note(f"skipped {d}: a hatbox training report, not an instrument")
        else:
            folders.append(d)
    if unread and not folders:
        raise DataError(f"cannot read the instrument folder{'' if len(unread) == 1 else 's'} "
                        f"{', '.join(str(d) for d, _why in unread)}: {'; '.join(dict.fromkeys(w for _d, w in unread))}",
                        hint=access_hint(root, folder=True))
    for d, why in unread:
        warn(f"cannot read the instrument folder {d}: {why}: skipped, training goes on with the other instruments "
             f"(to train it: {access_hint(d, folder=True)})")
    return folders


def _subfolders(root: Path) -> list[Path]:
    """The folders in note folder ``root`` that are not hidden, sorted; DataError when ``root`` may not be read."""
    try:
        return sorted(p for p in root.iterdir() if p.is_dir() and not audiofile.hidden_name(p.name))
    except OSError as exc:
        raise DataError(cannot_read(root, exc, "the note folder "), hint=access_hint(root, folder=True)) from None


def unreadable_folder(folder: Path) -> str:
    """Why the notes in ``folder`` may not be read, in the system's words ("permission denied": listing it or
    looking at what it holds is refused), "" when they may."""
    try:
        for f in folder.iterdir():
            f.is_file()
            break
    except OSError as exc:
        return os_words(exc)
    return ""


def load_notes(files: list[tuple[str, Path]], rate: int, seconds: float,
               warn: Callable[[str], None] = print_warning) -> list[Note]:
    """The notes of ``files`` ((instrument, path) pairs; :func:`load_note`).  A file that cannot be a note
    (unreadable, empty, silent, no pitch to name or measure) is skipped with a ``warn`` naming it and why,
    as long as every instrument keeps notes; DataError naming the files when one would keep none."""
    notes, skipped = [], []
    for name, f in files:
        try:
            notes.append(load_note(f, name, rate, seconds, warn))
        except HatboxError as exc:
            denied = getattr(exc, "refused", False)    # the system would not open it: its hint says what to do
            skipped.append((name, exc.args[0], exc.hint if denied else None, f if denied else None))
    lost = sorted({name for name, *_ in skipped} - {n.instrument for n in notes})
    if lost:
        gone = [(why, hint, path) for name, why, hint, path in skipped if name in lost]
        shown = "; ".join(why for why, _hint, _path in gone)
        raise DataError(f"no note of instrument{'' if len(lost) == 1 else 's'} {', '.join(lost)} can be used: {shown}",
                        hint=_lost_hint([(hint, path) for _why, hint, path in gone]))
    for _name, why, hint, _path in skipped:    # a file the system would not open: what to do, as `hatbox tag` says
        warn(f"{why}: skipped, training goes on with the other notes" + (f" ({hint})" if hint else ""))
    warn_low_rates(notes, rate, warn)
    return notes


def _lost_hint(denied: list[tuple[str | None, Path | None]]) -> str:
    """What to do when an instrument has no note left: let your user read the files where the system would not open
    any of them (``denied``: each skipped file's (hint, path), both None where it was skipped for another reason):
    the hint their refusals gave when they give one (a folder's ``chmod -R u+rX`` when the folder refused: p55 FR2
    #8, a single note was told to chmod the file; a refusal always gives one: device.audio.audiofile), else the
    common folder's; else (a file among them skipped for another reason) replace them."""
    if denied and all(path is not None for _hint, path in denied):
        hints = {hint for hint, _path in denied}
        if len(hints) == 1 and None not in hints:
            return str(hints.pop())
        return access_hint(Path(os.path.commonpath([str(path) for _hint, path in denied])), folder=True)
    return "replace the files (or remove the folder); the pitch goes in the name: C4.wav, 60.wav, name_060_100.wav"


def _one_suffix(files: list[Path]) -> str:
    """The suffix all ``files`` share (".wav"), for a shell pattern; "" when they differ."""
    suffixes = {f.suffix for f in files}
    return suffixes.pop() if len(suffixes) == 1 else ""


def stray_files(root: Path, folders: list[Path]) -> list[Path]:
    """Audio files no instrument takes: directly in the note folder ``root``, or in a folder inside an
    instrument folder (``folders``); hidden ones left out."""
    def audio(d: Path, deep: bool) -> list[Path]:
        found = []
        try:
            for f in sorted(d.iterdir()):
                if audiofile.hidden_name(f.name) or f.is_symlink():
                    continue
                if f.is_file() and f.suffix.lower() in audiofile.READABLE_SUFFIXES:
                    found.append(f)
                elif deep and f.is_dir():
                    found += audio(f, True)
        except OSError:         # a folder inside an instrument folder that may not be read: none of its files is said
            pass
        return found
    return audio(root, False) + [f for d in folders for sub in sorted(d.iterdir())
                                 if sub.is_dir() and not sub.is_symlink() and not audiofile.hidden_name(sub.name)
                                 for f in audio(sub, True)]


def load_folder(root: str | Path, rate: int, seconds: float, check_names: bool = True,
                note: Callable[[str], None] = print_note, warn: Callable[[str], None] = print_warning) -> list[Note]:
    """Every note of a folder-per-instrument set, sorted by (instrument, pitch, velocity).  Hidden files,
    ``__MACOSX`` and report folders are skipped; instrument names must work with ``play --corners``;
    note files shorter than ``min_note_seconds(seconds)``, or sounding for less, are refused; a file that
    cannot be a note is skipped with a warning (:func:`load_notes`); with ``check_names`` a pitch from a file
    name must agree with the audio (an octave off: a warning, :func:`octave_off_names`).  ``warn`` also names
    audio files no instrument takes (:func:`stray_files`), copies (:func:`duplicate_notes`), empty instruments."""
    if not (isinstance(seconds, (int, float)) and np.isfinite(seconds) and seconds * rate >= 1):
        raise DataError(f"the note length must be a number of seconds above 0, got {seconds!r}")
    root = Path(root)
    try:
        there = root.is_dir()
    except OSError as exc:      # a folder on its way that may not be entered (chmod), a failing drive (no chmod)
        raise DataError(cannot_read(root, exc, "the note folder "), hint=way_hint(root, exc)) from None
    if not there:
        raise DataError(f"no note folder at {root}",
                        hint="give a folder holding a folder per instrument, each of notes named by their pitch: "
                             "my-notes/piano/C4.wav, my-notes/piano/60.wav, my-notes/strings/F#3.wav")
    folders = instrument_folders(root, note, warn)
    check_instrument_names(list(dict.fromkeys(timbre_name(d.name) for d in folders)))
    said = same_name_folders(folders)
    if said:
        note(said)
    files = [(timbre_name(d.name), f) for d in folders for f in sorted(d.iterdir())
             if f.suffix.lower() in audiofile.READABLE_SUFFIXES and not audiofile.hidden_name(f.name) and f.is_file()]
    other = [f for d in folders for f in sorted(d.iterdir())
             if f.suffix.lower() in OTHER_AUDIO and not audiofile.hidden_name(f.name)]
    if other:
        more = f" and {len(other) - 3} more" if len(other) > 3 else ""
        said = (f"{count_words(len(other), 'file is', 'files are')} audio of a kind hatbox cannot read: "
                f"{', '.join(str(f) for f in other[:3])}{more}")
        fix = f"convert {them(len(other))} to WAV or FLAC (e.g. `ffmpeg -i {other[0].name} {other[0].stem}.wav`)"
        if not files:
            raise DataError(said, hint=fix)
        warn(f"{said}; {'it is' if len(other) == 1 else 'they are'} not trained: {fix}")
    empty = [str(d) for d in folders
             if timbre_name(d.name) not in {n for n, _f in files} | {timbre_name(f.parent.name) for f in other}]
    if empty and files:                 # the tagger says so of an empty tag folder; no timbre takes the folder's name
        warn(f"{count_words(len(empty), 'instrument folder holds', 'instrument folders hold')} no note files, so "
             f"{'it adds' if len(empty) == 1 else 'they add'} no timbre to the synth: {', '.join(empty)}")
    stray = stray_files(root, folders)
    if stray and files:
        more = f" and {len(stray) - 3} more" if len(stray) > 3 else ""
        warn(f"{count_words(len(stray), 'audio file is', 'audio files are')} not in an instrument folder and "
             f"{'is' if len(stray) == 1 else 'are'} not trained: "
             f"{', '.join(str(f) for f in stray[:3])}{more} (layout: DIR/<instrument>/<note file>)")
    check_note_lengths([f for _name, f in files], seconds)
    notes = load_notes(files, rate, seconds, warn)
    check_sounding_lengths(notes, rate, seconds)
    if check_names:
        check_name_pitches(notes)
        said = octave_off_names(notes, rate)
        if said:
            warn(said)
    said = duplicate_notes(notes)
    if said:
        warn(said)
    loose = [f for f in stray if f.parent == root]
    if not notes and loose:              # the notes are there, one folder too high
        folder = root / "my-instrument"
        raise DataError(f"{count_words(len(loose), 'audio file is', 'audio files are')} directly in {root}, and a "
                        f"synth trains on a folder per instrument (each folder's name becomes a timbre): "
                        f"{', '.join(f.name for f in loose[:3])}{' ...' if len(loose) > 3 else ''}",
                        hint=f"move them into a folder named after the instrument, e.g. mkdir "
                             f"{shlex.quote(str(folder))} && mv {shlex.quote(str(root))}/*{_one_suffix(loose)} "
                             f"{shlex.quote(str(folder))}/")
    if not notes and stray:              # ... or too deep (flute/takes/C4.wav), or the folder given is one too high
        deep = sorted({f.parent.relative_to(root) for f in stray})
        tops = {d.parts[0] for d in deep}
        if len(tops) == 1 and len({d.parts[1] for d in deep if len(d.parts) > 1}) > 1:
            inner = root / tops.pop()          # recordings/flute, recordings/violin: the instruments are in there
            raise DataError(f"the instrument folders are inside {inner} ({', '.join(str(d) for d in deep[:3])}"
                            f"{' ...' if len(deep) > 3 else ''}), one folder below the one given",
                            hint=f"give that folder: hatbox train synth {shlex.quote(str(inner))} ...")
        first = root / deep[0].parts[0]        # the instrument folder the files belong in
        raise DataError(f"{count_words(len(stray), 'audio file is', 'audio files are')} in folders inside an "
                        f"instrument folder ({', '.join(str(d) for d in deep[:3])}{' ...' if len(deep) > 3 else ''}), "
                        "and a synth reads the note files directly in each instrument folder",
                        hint=f"move them into the instrument folder, e.g. mv {shlex.quote(str(root / deep[0]))}/* "
                             f"{shlex.quote(str(first))}/")
    if not notes:
        raise DataError(f"{root} needs a folder per instrument with note files (found {len(notes)} notes)",
                        hint="layout: DIR/flute/C4.wav, DIR/flute/D4.wav, DIR/violin/60.wav ...")
    return sorted(notes, key=lambda n: (n.instrument, n.pitch, n.velocity))
