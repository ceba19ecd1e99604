"""Effect training data: ``pairs.csv`` (or one input/target pair), checked and latency-aligned.

``pairs.csv`` columns: ``input,output,<knob>...``; one row per recording; paths relative to the
folder (in a CSV read as Windows-1252, a name that is not valid UTF-8 is found by the bytes the CSV
holds: :func:`trainer.csvtext.listed_file`); knob values in the gear's units; a knob header may carry
its unit, e.g. ``drive[dB]``.
Knob ranges are the min/max seen; a column that never changes is not a knob (dropped, noted).
At most :data:`export.manifest.MAX_KNOBS` columns may change, checked from the CSV alone, before
any audio is read (knob_checks.check_knob_count).

Every check raises :class:`DataError` naming the row and file: sample-rate mismatch, length
mismatch, clipping, silence, output leading input, a replicate (same input file, same knob
setting) whose output does not match, recordings of one input file (one rig) whose latencies differ
by more than :func:`latency_tolerance`, knob names that are equal ignoring case.  Every row is checked (its knob
cells, its files, then its audio), and their problems said in one error (checks.all_problems), the files that do not
exist first; a file at another rate than most is named (checks.set_rates).
Knob defaults are the median value seen (:func:`median_default`).
Each file is decoded once; a channel's DC offset (its mean, over :data:`DC_FLOOR`) is taken out and its channels
mixed to mono as it is (:func:`_load_audio`), a large offset and a mix said in :attr:`EffectData.notes`.
Slips that refuse or warn without being any one recording's fault (one file as input and output, outputs
swapped between rows, knobs that move together, ...) are trainer/effect/checks.py's; their warnings are
:attr:`EffectData.warnings`.  A semicolon-separated ``pairs.csv`` (a European Excel's) is read, with a note.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from device.audio import audiofile
from device.library.decode import held_channels, held_mix
from export.manifest import Knob
from hatbox.errors import DataError, HatboxError
from device.audio.closed_folder import way_hint
from hatbox.file_access import cannot_read
from trainer.csvtext import listed_file, missing_error
from trainer.effect import channel_checks, checks, file_checks
from trainer.effect import takes
from trainer.effect.align import OutputLeads, find_delay, shift
from trainer.effect.knob_checks import (check_knob_count, far_value_warnings,  # noqa: F401 - re-exported
                                        missing_settings, varying_columns)
from trainer.effect.pairs_csv import (DECIMAL_HINT, SEMICOLON_NOTE, _number, named_columns,  # noqa: F401 - re-exported
                                      parse_header, read_rows)
from trainer.effect.replicates import REPLICATE_ESR, check_replicates, esr  # noqa: F401 - re-exported

LENGTH_SLACK_S = 0.25      # input/output lengths may differ by this much (latency, tails)
SILENCE_DBFS = -60.0       # RMS below this is "silent"
CLIP_LEVEL = 0.999         # |x| at or above this, repeated, is a clipped plateau
CLIP_RUN = 4               # that many equal samples in a row make a plateau
CLIP_FRACTION = 1e-3       # more than this fraction of samples on plateaus -> error
MIN_SECONDS = 0.25
# Latencies found on one rig (pairs sharing an input file) may differ by at most the larger of these.
# A dark or bright knob setting moves the correlation peak by a sample or two (DS-1 capture: 32-34
# samples over 9 settings); a changed interface buffer or re-routed take moves it by a buffer (32+
# samples).  8 samples / 0.2 ms sits well between the two at 44.1-96 kHz.
LATENCY_SPREAD_SAMPLES = 8
LATENCY_SPREAD_MS = 0.2


@dataclass
class Pair:
    """One aligned recording: ``input``/``output`` [N] float32 at the data's rate."""

    name: str
    input: np.ndarray
    output: np.ndarray
    setting: dict[str, float]
    latency: int                       # found for this pair (samples)
    files: tuple[str, str] = ("", "")
    shifted: int = 0                   # latency actually removed (see common_latency)
    polarity: float = 1.0              # of the input->output impulse response (align.polarity; -1: inverted)
    dry: checks.DryChannel | None = None    # a channel of the output that is the input itself (checks.dry_channel)
    cells: tuple[str, str] | None = None    # its pairs.csv cells (input, output); None: given by --input/--target
    in_peak: float = 0.0               # the input's and the output's peak |x| as recorded (linear: take_checks)
    out_peak: float = 0.0

    @property
    def key(self) -> str:
        """A label for this knob setting, e.g. "drive=6 tone=0.5" (or "fixed")."""
        return " ".join(f"{k}={v:g}" for k, v in self.setting.items()) or "fixed"


@dataclass
class EffectData:
    """Everything the trainer needs: rate (Hz), knobs, aligned pairs, and notes and warnings for the report
    (warnings: data that may be a mistake, said before training: trainer/effect/checks.py)."""

    rate: int
    knobs: list[Knob]
    pairs: list[Pair]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # (lowest, highest) gain in dB each training segment's input and output are scaled by together (a denoiser's
    # set: trainer/effect/segments.py, level_gains); None: every segment at the level it was recorded (gear)
    level_range_db: tuple[float, float] | None = None
    # trainer.effect.denoise_figures.denoise_check's figures where they were made before training (report_denoise
    # plan_levels); None: not looked at
    denoise_check: dict[str, Any] | None = None

    def knob_vector(self, pair: Pair) -> np.ndarray:
        """The pair's knob setting normalised to [0, 1] -> [K] float32."""
        return np.array([k.normalize(pair.setting[k.name]) for k in self.knobs], np.float32)

    @property
    def denoiser(self) -> bool:
        """Whether the set was found to be a denoiser's before training (:attr:`denoise_check`)."""
        return bool(self.denoise_check and self.denoise_check.get("denoising"))

    @property
    def latencies(self) -> dict[str, int]:
        return {p.name: p.latency for p in self.pairs}


# --------------------------------------------------------------------------- checks
def check_rates(rate_in: int, rate_out: int, where: str, rate: int | None, files: tuple[Path, Path]) -> int:
    """The pair's rate (Hz); DataError when its input and output ``files`` differ (a sox line to resample) or it
    differs from the earlier rows' ``rate``."""
    if rate_in != rate_out:
        raise file_checks.rates_differ(files[0], rate_in, files[1], rate_out, where)
    if rate is not None and rate_in != rate:
        raise DataError(f"{where}: recorded at {rate_in} Hz, but earlier rows are {rate} Hz")
    return rate_in


def check_lengths(x: np.ndarray, y: np.ndarray, rate: int, where: str, dst: Path, src: Path,
                  cells: tuple[str, str] | None) -> None:
    """DataError for an input ``x`` [N] and output ``y`` [M] (at ``rate`` Hz) too far apart in length, saying by how
    much (an output ``dst`` longer: a sox line to trim it; shorter: a sox line cutting a copy of the input ``src``,
    where the take stopped early or, as the audio shows, started late: takes.output_start; the new file as the
    row's ``cells`` (input, output; None for a pair given by --input/--target) should name it), or too short."""
    n_in, n_out = x.shape[0], y.shape[0]
    if abs(n_in - n_out) > LENGTH_SLACK_S * rate:
        said = f"{where}: input is {n_in / rate:.2f} s but output is {n_out / rate:.2f} s (the output is " \
               f"{abs(n_in - n_out) / rate:.2f} s"
        if n_out > n_in:
            raise DataError(f"{said} longer)", hint=checks.trim_hint(dst, n_in / rate, LENGTH_SLACK_S,
                                                                     cells[1] if cells else None))
        start = takes.output_start(x, y, rate)
        raise DataError(f"{said} {_short_words(start, rate)})", hint=checks.cut_input_hint(
            src, n_out / rate, LENGTH_SLACK_S, cells[0] if cells else None, _start_s(start, rate)))
    if min(n_in, n_out) < MIN_SECONDS * rate:
        raise DataError(f"{where}: only {min(n_in, n_out) / rate:.2f} s of audio (need {MIN_SECONDS} s)")


def _short_words(start: int | None, rate: int) -> str:
    """What a short output is, its start found at sample ``start`` of its input (takes.output_start; None: not
    found)."""
    if start is None:
        return "shorter: stopped early, or started late?"
    if start < takes.EARLY_S * rate:
        return "shorter: it stopped early"
    return f"shorter: it started {start / rate:.2f} s late"


def _start_s(start: int | None, rate: int) -> float | None:
    """Where a short output starts in its input (s, rounded down to the millisecond: the copy never leads it): 0.0
    where it stopped early, None where it cannot be told (:func:`_short_words`)."""
    if start is None:
        return None
    return math.floor(1000 * start / rate) / 1000 if start >= takes.EARLY_S * rate else 0.0


def clipped_fraction(x: np.ndarray) -> float:
    """Fraction of samples on flat plateaus at |x| >= CLIP_LEVEL (runs of CLIP_RUN equal values)."""
    hot = np.abs(x) >= CLIP_LEVEL
    same = np.concatenate([[False], x[1:] == x[:-1]]) & hot
    run = np.ones(x.shape[0], bool)
    for k in range(CLIP_RUN - 1):
        run &= np.roll(same, -k)
    return float(np.count_nonzero(run)) / max(1, x.shape[0])


def check_clipping(x: np.ndarray, where: str) -> None:
    frac = clipped_fraction(x)
    if frac > CLIP_FRACTION:
        raise DataError(f"{where} is clipped ({100 * frac:.2f}% of samples on flat tops at full scale)",
                        hint="record again with less gain, or pass --allow-clipping if that is the sound")


def check_silence(x: np.ndarray, where: str, row: bool = False) -> None:
    """DataError when ``x`` [N] (``where``: its row and file) is under SILENCE_DBFS RMS; ``row``: it is a pairs.csv
    row's, which may also be dropped (the other rows train without it)."""
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    if 20 * np.log10(max(rms, 1e-12)) < SILENCE_DBFS:
        drop = "; or, to train without this take, delete its row from pairs.csv" if row else ""
        raise DataError(f"{where} is silent (RMS {20 * np.log10(max(rms, 1e-12)):.0f} dBFS)",
                        hint=f"check the cable/interface routing of this recording and record it again{drop}")


# --------------------------------------------------------------------------- loading
def recording_mono(channels: np.ndarray, label: str) -> np.ndarray:
    """A recording's channels [C, N] -> mono [N]: the mean of the channels that hold it
    (:func:`device.library.decode.held_mix`: an empty channel averaged in would train a pack 6 dB quieter than
    the gear).  Raises DataError when the channels cancel in their mean (one wired in reverse polarity), since
    which of them is the gear's sound cannot be told."""
    mono, loudest = held_mix(channels)
    if loudest is not None:
        raise DataError(f"{label}: its {channels.shape[0]} channels cancel each other when mixed to mono (one is "
                        "the other in reverse polarity)",
                        hint="record the gear on one channel (or export that channel alone) and train again")
    return mono


class Loaded(NamedTuple):
    """A decoded recording: ``mono`` [N] float32 with its DC offset taken out, its ``rate`` (Hz), ``dc`` the offset
    taken out of the mix (of full scale: the clipping checks add it back, since the interface clipped the signal
    with it), ``head`` the first :data:`HEAD_SAMPLES` of each channel mixed [C, n] (None for one channel held),
    ``apart`` the warning when its channels are different signals (trainer.effect.channel_checks: a stereo effect),
    ``peak`` its largest |sample| as decoded (linear; over 1: a float file over full scale)."""

    mono: np.ndarray
    rate: int
    dc: float = 0.0
    head: np.ndarray | None = None
    apart: str | None = None
    peak: float = 0.0


Decoded = dict[Path, Loaded]     # file -> what it decoded to, each file decoded (and said) once
# A channel's DC offset (its mean, of full scale) over DC_FLOOR is taken out, and said in a note over DC_NOTE.  Under
# -46 dBFS it is left: 28 dB under the box guard's floor (device.audio.protect gain_floor_db), and a few seconds of
# plucks through an asymmetric drive average that much by themselves.
DC_FLOOR = 0.005
DC_NOTE = 0.01
HEAD_SAMPLES = 1 << 18           # samples of each mixed channel kept for checks.dry_channel (5.5 s at 48 kHz)


def _load_audio(path: Path, where: str, cache: Decoded | None = None, notes: list[str] | None = None) -> Loaded:
    """Decode ``path`` once (``cache``), take each channel's DC offset (its mean, over DC_FLOOR) out, mix to mono
    (:func:`recording_mono`); a large offset and a mix of channels are said in ``notes``, naming the file."""
    if cache is not None and path in cache:
        return cache[path]
    try:
        audio, rate = audiofile.read(path)
    except HatboxError as exc:
        raise DataError(f"{where}: {exc}") from None
    label, peak = f"{where} {path.name}", float(np.max(np.abs(audio)))
    means = audio.mean(axis=1, dtype=np.float64)
    means[np.abs(means) <= DC_FLOOR] = 0.0
    audio -= means[:, None].astype(np.float32)      # the recording's offset: speakers never pass it, the box drops it
    held = held_channels(np.einsum("cn,cn->c", audio, audio, dtype=np.float64))
    two = np.count_nonzero(held) > 1
    got = Loaded(recording_mono(audio, label), rate, float(np.mean(means[held])),
                 audio[held, :HEAD_SAMPLES].copy() if two else None,
                 channel_checks.channels_warning(path.name, audio, held, rate) if two else None, peak)
    named = path.name if path.name in where else f"{where}: {path.name}"      # "pair a.wav -> b.wav" names it
    said = [checks.dc_note(named, float(means[np.argmax(np.abs(means))]), DC_NOTE), checks.mix_note(named, held)]
    if notes is not None:
        notes.extend(n for n in said if n)
    if cache is not None:
        cache[path] = got
    return got


def load_pair(src: Path, dst: Path, where: str, setting: dict[str, float], rate: int | None,
              allow_clipping: bool = False, cache: Decoded | None = None, warnings: list[str] | None = None,
              swapped: list[tuple[str, Path]] | None = None, notes: list[str] | None = None,
              cells: tuple[str, str] | None = None, alone: tuple[bool, bool] = (True, True)) -> tuple[Pair, int]:
    """Read, check and align one recording -> (pair, sample rate in Hz).

    ``cache`` keeps decoded files (an input shared by rows is decoded once); warnings (a clipped-then-normalised
    output, an inverted one, a DI on one channel of the output: trainer/effect/checks.py) go to ``warnings``, notes
    (a DC offset taken out, channels mixed to mono) to ``notes``.  ``swapped``: (row, input file) of the other
    rows; when no delay is found, the DataError names the one whose input the output is a recording of.  ``cells``:
    the row's pairs.csv cells (input, output), which the hints follow (None: a pair given by --input/--target);
    ``alone``: whether its (input, output) file is this row's alone (a silent one's row may then be dropped).
    """
    checks.check_not_identity(src, dst, where)
    got_x = _load_audio(src, where, cache, notes)
    got_y = _load_audio(dst, where, cache, notes)
    x, y = got_x.mono, got_y.mono
    rate = check_rates(got_x.rate, got_y.rate, where, rate, (src, dst))
    check_lengths(x, y, rate, where, dst, src, cells)
    for got, label, own in ((got_x, f"{where}: its input {src.name}", alone[0]),
                            (got_y, f"{where}: its output {dst.name}", alone[1])):
        check_silence(got.mono, label, row=cells is not None and own)
        if not allow_clipping:
            check_clipping(got.mono + np.float32(got.dc), label)      # as recorded: the offset clipped with it
    files = f" ({src.name} -> {dst.name})" if f"{src.name} -> {dst.name}" not in where else ""
    other = lambda: _recorded_from(y, rate, src, swapped or [], cache)     # noqa: E731 - only when needed
    try:
        latency, polarity = find_delay(x, y, rate, where=where + files)
    except DataError as exc:
        said = checks.swap_hint(where, dst, other())
        lead = takes.lead_hint(exc, x, y, rate, dst, cells) if isinstance(exc, OutputLeads) and said is None else None
        if said is None and lead is None:
            raise
        raise DataError(exc.args[0] + (f"; {said}" if said else ""),
                        hint=lead or "swap the files back in pairs.csv") from None
    dry = None if got_y.head is None else checks.dry_channel(x, got_y.head, rate)
    di = None if dry is None else checks.di_warning(where, str(dst), dry, cells[1] if cells else None)
    said = [None if allow_clipping else checks.clipped_normalised(y + np.float32(got_y.dc),
                                                                  f"{where} output {dst.name}", CLIP_LEVEL),
            checks.inverted_polarity(where + files, polarity), di, got_x.apart, None if di else got_y.apart,
            file_checks.over_full_scale(dst.name, got_y.peak)]
    if warnings is not None:
        warnings.extend(w for w in said if w and w not in warnings)
    xa, ya = shift(x, y, latency)
    wrong = takes.another_take(xa, ya, rate, where, src, dst, other)
    if wrong is not None:
        raise wrong
    return Pair(where, xa, ya, setting, latency, (str(src), str(dst)), latency, polarity, dry, cells, got_x.peak,
                got_y.peak), rate


MAX_SWAP_CANDIDATES = 16    # other rows' input files tried when an output matches none of its own row's


def _recorded_from(y: np.ndarray, rate: int, own: Path, others: list[tuple[str, Path]],
                   cache: Decoded | None) -> tuple[str, Path] | None:
    """The first (row, input file) of ``others`` (rows with another input file than ``own``) that ``y`` [N] is a
    clear recording of (:func:`trainer.effect.takes.recorded_from`), trying at most MAX_SWAP_CANDIDATES files."""
    def load(src: Path, where: str) -> tuple[np.ndarray, int]:
        got = _load_audio(src, where, cache)
        return got.mono, got.rate
    return takes.recorded_from(y, rate, own, others, load, checks.same_file, MAX_SWAP_CANDIDATES)


def latency_tolerance(rate: int) -> int:
    """Largest spread (samples) of the latencies found on one rig at ``rate`` Hz that is accepted."""
    return max(LATENCY_SPREAD_SAMPLES, int(rate * LATENCY_SPREAD_MS / 1000))


def check_latency_spread(group: list[Pair], rate: int) -> None:
    """DataError naming the rows, files and latencies when pairs sharing an input file (one rig)
    show latencies (samples) further apart than :func:`latency_tolerance`."""
    found = sorted({p.latency for p in group})
    spread, limit = found[-1] - found[0], latency_tolerance(rate)
    if spread <= limit:
        return

    def rows(lat: int) -> str:
        hits = [f"{p.name} ({Path(p.files[1]).name})" for p in group if p.latency == lat]
        return ", ".join(hits[:4]) + (f" and {len(hits) - 4} more" if len(hits) > 4 else "")
    listed = "; ".join(f"{lat} samples at {rows(lat)}" for lat in found)
    dry = Path(group[0].files[0]).name
    raise DataError(f"the recordings of input {dry} show different latencies: {listed}. One rig has one latency "
                    f"(a knob setting moves it by a sample or two); these differ by {spread} samples "
                    f"({1000 * spread / rate:.1f} ms, at most {limit} allowed), so aligning them together would "
                    "put some takes out of time",
                    hint="record the odd take(s) again on the same setup as the others; or, if the rig changed "
                         "(interface, buffer size, routing), give those takes their own copy of the input file "
                         f"(e.g. a second copy of {dry} under another name) in pairs.csv, so each rig is aligned "
                         "on its own")


def common_latency(pairs: list[Pair], rate: int, cache: Decoded | None = None) -> list[DataError]:
    """Re-align pairs that share an input file to the smallest latency found among them -> the problems found.

    One rig records every knob setting of the same input, so its latency is one number; a
    bright or dark setting only moves the correlation peak, and the minimum never asks the
    model to look ahead.  ``Pair.latency`` stays what was found; ``Pair.shifted`` is what was used.
    A group whose latencies differ by more than :func:`latency_tolerance` (a different rig or take, not a knob
    setting) is left as it is and its refusal returned (:func:`latency_problems`).  ``cache``: the files
    load_pair decoded (else each re-aligned file is decoded again).
    """
    groups: dict[str, list[Pair]] = {}
    for p in pairs:
        groups.setdefault(p.files[0], []).append(p)
    problems: list[DataError] = []
    for group in groups.values():
        found = latency_problems(group, rate)
        problems += found
        if found:
            continue                    # refused: left as it is
        low = min(p.shifted for p in group)
        for p in group:
            if p.shifted != low:
                x, y = _load_raw(p, cache)
                p.input, p.output = shift(x, y, low)
                p.shifted = low
    return problems


def latency_problems(group: list[Pair], rate: int) -> list[DataError]:
    """The refusals of a ``group`` of pairs sharing an input file (one rig) whose latencies differ.  A pair whose output
    carries the input itself on a channel (``Pair.dry``) with a latency below the others' is refused for that DI
    channel, which pulls it toward 0 (checks.dry_latency_error, p56 QA_B); one with a latency above them has a late
    gear channel (another rig, which a DI cannot cause: p56 review R3 4), so its DI channel is refused
    (checks.dry_mix_error) beside :func:`check_latency_spread` of the rest, it included."""
    limit = latency_tolerance(rate)
    wet = [p.latency for p in group if p.dry is None]
    low, high = (min(wet) - limit, max(wet) + limit) if wet else (-math.inf, math.inf)   # no take without a DI: none
    dry = [(p, p.dry) for p in group if p.dry is not None]
    early = [(p, di) for p, di in dry if p.latency < low]
    late = [(p, di) for p, di in dry if p.latency > high]
    said = [checks.dry_latency_error(p.name, p.files[1], di, p.latency, wet, Path(p.files[0]).name,
                                     p.cells[1] if p.cells else None) for p, di in early]
    said += [checks.dry_mix_error(p.name, p.files[1], di, p.cells[1] if p.cells else None) for p, di in late]
    refused = {id(p) for p, _di in early}       # by identity: Pair's == compares its arrays
    rest = checks.problem(check_latency_spread, [p for p in group if id(p) not in refused], rate)
    return said + ([rest] if rest else [])


def _load_raw(p: Pair, cache: Decoded | None = None) -> tuple[np.ndarray, np.ndarray]:
    return _load_audio(Path(p.files[0]), p.name, cache).mono, _load_audio(Path(p.files[1]), p.name, cache).mono


def median_default(values: np.ndarray) -> float:
    """The median of ``values`` [N] (mean of the two middle ones for an even N), within their min..max.

    Taken as a + (b - a) / 2 so that two huge middle values do not overflow.
    """
    v = np.sort(np.asarray(values, np.float64))
    a, b = float(v[(v.size - 1) // 2]), float(v[v.size // 2])
    return min(max(a + (b - a) / 2, float(v[0])), float(v[-1]))


def _knob_list(columns: list[tuple[str, str, str]], pairs: list[Pair], notes: list[str]) -> list[Knob]:
    knobs = []
    for _col, name, unit in columns:
        values = np.array([p.setting[name] for p in pairs])
        if values.min() == values.max():
            notes.append(f"column '{name}' never changes ({values[0]:g}): not used as a knob")
            for p in pairs:
                p.setting.pop(name)
            continue
        if not math.isfinite(float(values.max()) - float(values.min())):
            raise DataError(f"knob column '{name}': the range {values.min():g}..{values.max():g} is too wide "
                            "to compute with", hint="give the knob's values in a smaller unit range")
        default = median_default(values)
        knobs.append(Knob(name=name, min=float(values.min()), max=float(values.max()),
                          default=default, unit=unit))
    for k in knobs:
        k.validate()
    return knobs


def load_folder(folder: str | Path, *, allow_clipping: bool = False,
                keep_all_columns: bool = False, csv_name: str = "pairs.csv") -> EffectData:
    """Load and check ``folder/<csv_name>`` (or ``folder``, a .csv file itself) and every recording it names.

    ``keep_all_columns`` keeps every knob column in each pair's setting and derives no knob
    ranges (``knobs`` is empty): for scoring an existing pack on new recordings.
    """
    folder = Path(folder)
    if _is_file(folder) is True and folder.suffix.casefold() == ".csv":    # the pairs.csv itself: its folder is its own
        folder, csv_name = folder.parent, folder.name
    said: list[str] = []                       # read_rows' notes (Windows-1252, semicolons, decimal commas)
    columns, rows = read_rows(folder, csv_name, said)
    notes = list(said)
    cp1252 = any("Windows-1252" in n for n in said)
    comma = any(SEMICOLON_NOTE in n for n in said)
    wheres = [f"{csv_name} line {line}" for line, _row in rows]
    settings, bad = _row_settings(columns, [row for _line, row in rows], wheres, comma)
    files = [tuple(_listed(folder, row[k].strip(), cp1252) for k in ("input", "output")) for _l, row in rows]
    found = {f: _is_file(f) for pair in files for f in pair}      # True, False (no file) or why it may not be read
    missing = [(row[k].strip(), f, f"line {line}, {k} column") for (line, row), pair in zip(rows, files)
               for k, f in zip(("input", "output"), pair) if found[f] is False]
    unread = {w for w, pair in zip(wheres, files) if not all(found[f] is True for f in pair)}
    ok = [i for i, w in enumerate(wheres) if w not in bad]          # rows whose knob cells are numbers
    known = [settings[i] for i in ok]
    warnings: list[str] = []
    if not keep_all_columns:
        moving = varying_columns(columns, known)
        check_knob_count(moving, csv_name)
        warnings += checks.shared_outputs([(wheres[i], files[i][1], settings[i]) for i in ok])
        warnings += checks.collinear_knobs(moving, known)
        warnings += far_value_warnings([c for c in columns if c[1] in moving], known, [wheres[i] for i in ok])
        warnings += missing_settings([c for c in columns if c[1] in moving], known)
    cells = [(row["input"].strip(), row["output"].strip()) for _line, row in rows]
    pairs, rate, problems = _load_rows(wheres, files, settings, allow_clipping, warnings, notes, bad, unread, cells)
    listed = {f.resolve() for f, there in found.items() if there is True} if missing else set()
    problems = ([missing_error(csv_name, folder, missing, listed)] if missing else []) + \
        refused_files(csv_name, [line for line, _row in rows], files, found) + problems   # as the tagger says them
    if problems:
        raise checks.all_problems(problems, csv_name)
    knobs = [] if keep_all_columns else _knob_list(columns, pairs, notes)
    return EffectData(rate=int(rate or 0), knobs=knobs, pairs=pairs, notes=notes, warnings=warnings)


def check_data_path(data: str | Path) -> None:
    """DataError when the recordings folder (or its pairs.csv) given as ``data`` may not even be looked at: a folder
    on its way that this user may not enter (p54 QA_A: an internal error, PermissionError; the chmod to mend it), or
    a failing drive (EIO: the system's words alone); call it before anything looks at ``data``.  What is or is not
    there is :func:`load_folder`'s to say."""
    path = Path(data)
    try:
        path.is_dir()
    except OSError as exc:
        raise DataError(cannot_read(path, exc), hint=way_hint(path, exc)) from None


def _listed(folder: Path, name: str, cp1252: bool) -> Path:
    """The file a pairs.csv cell ``name`` names (trainer.csvtext.listed_file), or the path as written where looking
    for it is refused (a folder on its way that may not be entered: said by :func:`refused_files`)."""
    try:
        return listed_file(folder, name, cp1252=cp1252)
    except OSError:
        return Path(name) if Path(name).is_absolute() else folder / name


def _is_file(path: Path) -> bool | OSError:
    """Whether ``path`` is a file, or the system's error when it may not be looked at (no permission)."""
    try:
        return path.is_file()
    except OSError as exc:
        return exc


def refused_files(csv_name: str, lines: list[int], files: list[tuple[Path, ...]],
                  found: dict[Path, bool | OSError]) -> list[DataError]:
    """A DataError per listed file that may not be looked at (``found``: :func:`_is_file` of each of ``files``, the
    rows' files, on CSV ``lines``): "pairs.csv lines 2 and 3: cannot read X: permission denied", with the chmod that
    mends a refusal (closed_folder.way_hint; an I/O error: the system's words alone)."""
    rows: dict[Path, tuple[OSError, list[int]]] = {}
    for line, pair in zip(lines, files):
        for f in pair:
            why = found[f]
            if isinstance(why, OSError):
                rows.setdefault(f, (why, []))[1].append(line)
    said = []
    for f, (why, at) in rows.items():
        where = f"line {at[0]}" if len(at) == 1 else f"lines {', '.join(map(str, at[:-1]))} and {at[-1]}"
        said.append(DataError(f"{csv_name} {where}: {cannot_read(f, why)}", hint=way_hint(f, why)))
    return said


def _row_settings(columns: list[tuple[str, str, str]], rows: list[dict[str, str]], wheres: list[str], comma: bool
                  ) -> tuple[list[dict[str, float]], dict[str, DataError]]:
    """(each row's knob setting, {} where a knob cell is no number; {where: its first such cell's DataError})."""
    settings: list[dict[str, float]] = []
    bad: dict[str, DataError] = {}
    for where, row in zip(wheres, rows):
        try:
            settings.append({name: _number(row[col], where, comma, col, unit) for col, name, unit in columns})
        except DataError as exc:
            settings.append({})
            bad[where] = exc
    return settings, bad


def _load_rows(wheres: list[str], files: list[tuple[Path, Path]], settings: list[dict[str, float]],
               allow_clipping: bool, warnings: list[str], notes: list[str], bad: dict[str, DataError],
               unread: set[str], cells: list[tuple[str, str]]) -> tuple[list[Pair], int, list[DataError]]:
    """Every row loaded (:func:`load_pair`) and aligned together -> (pairs, rate in Hz, the problems of every row in
    row order: a knob cell that is no number (``bad``), one file as input and output, a file at another rate than
    most, else the row's first problem; then the latencies and replicates of the rows that loaded).  Rows of
    ``bad`` and ``unread`` (a listed file missing: said by the caller) are not loaded; ``cells``: each row's (input,
    output) cells, for the hints."""
    same = ((w, checks.problem(checks.check_not_identity, src, dst, w)) for w, (src, dst) in zip(wheres, files)
            if w not in unread)
    found = {**{w: e for w, e in same if e}, **bad}
    rows = [(w, src, dst) for w, (src, dst) in zip(wheres, files) if w not in unread]
    rate, odd = checks.set_rates([row for row in rows if row[0] not in found])
    found.update(odd)
    pairs: list[Pair] = []
    cache: Decoded = {}
    inputs = [(w, src) for w, src, _dst in rows]        # the other rows' inputs an output may be a recording of
    uses = Counter(f for pair_files in files for f in pair_files)      # a file of several rows: no row to drop
    for i, (where, (src, dst), setting) in enumerate(zip(wheres, files, settings)):
        try:
            if where not in found and where not in unread:
                pair, rate = load_pair(src, dst, where, setting, rate, allow_clipping, cache, warnings, inputs, notes,
                                       cells[i], (uses[src] == 1, uses[dst] == 1))
                pairs.append(pair)
        except DataError as exc:
            found[where] = exc
    later = common_latency(pairs, int(rate or 0), cache) + [checks.problem(check_replicates, pairs)]
    return pairs, int(rate or 0), [found[w] for w in wheres if w in found] + [e for e in later if e]


def load_single(input_path: str | Path, target_path: str | Path, *,
                allow_clipping: bool = False) -> EffectData:
    """One input/target pair (``--input``/``--target``: no pairs.csv row to name), no knobs."""
    src, dst = Path(input_path), Path(target_path)
    where = f"pair {src.name} -> {dst.name}"
    checks.check_not_identity(src, dst, where, single=True)
    warnings: list[str] = []
    notes: list[str] = []
    pair, rate = load_pair(src, dst, where, {}, None, allow_clipping, warnings=warnings, notes=notes)
    return EffectData(rate=rate, knobs=[], pairs=[pair], notes=notes, warnings=warnings)
