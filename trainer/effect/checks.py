"""Checks of a musician's pairs.csv set that either refuse (the result would mean nothing) or warn (the data may
be what was meant): each looks at what the loader already read (the CSV's cells, the decoded audio), nothing more.

Refused (:class:`DataError`): a row whose input and output are one file (the model would learn to do nothing).
Warned (a text for a ``warning:`` line): one output file listed with different knob settings, knobs that move
together in every row, a recording clipped and then normalised, an output in reverse polarity, an output mixed
from a DI on one channel and the gear on the other (:func:`dry_channel`, :func:`di_warning`).  Noted: a DC offset
taken out, channels mixed to mono (:func:`dc_note`, :func:`mix_note`).  A row whose output is a recording of
another row's input is refused by the alignment (no clear delay); :func:`swap_hint` words that error so it names
the other row.
Rows with a file at another rate than most of the set's are named by :func:`rate_problems`, and every row's problems
are said in one error (:func:`all_problems`: five problems once took five runs, forty-second stop's QA).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from hatbox.errors import DataError
from trainer.csvtext import as_written

COLLINEAR_R = 0.98          # knobs whose values correlate beyond this (|r|) over the rows cannot be told apart
FLAT_TOLERANCE = 1e-4       # samples within this of the recording's peak |x| sit "at the peak"
FLAT_RUN = 3                # that many such samples in a row make a flat top
FLAT_FRACTION = 1e-3        # more than this fraction of the samples on flat tops: clipped, then normalised
INVERTED_POLARITY = -0.5    # an impulse response's polarity() below this: the output is the input upside down
# A channel of a mixed output that correlates with the input (at its best lag, up to DI_MAX_LAG_S) at least DI_LIKE
# is the input itself (a DI; loopbacks measure 0.999+); the other channel is the gear's when it is under DI_OTHER
# (a tanh drive of plucks: 0.999 at 0 dB, 0.956 at 12 dB, 0.84 at 24 dB; a 2 kHz low-pass 0.96).
DI_LIKE = 0.995
DI_OTHER = 0.98
DI_MAX_LAG_S = 0.1


def same_file(a: Path, b: Path) -> bool:
    """Whether paths ``a`` and ``b`` name one file (also through links or ``..``, export.atomic.same_path); False
    when either is missing (so `--input x --target x` with no x says "cannot read" first)."""
    from export.atomic import same_path
    return a.exists() and b.exists() and same_path(a, b)


def check_not_identity(src: Path, dst: Path, where: str, single: bool = False) -> None:
    """DataError naming the row when its input ``src`` and output ``dst`` are one file: the pack would learn to
    pass the sound through unchanged, not the gear.  ``single``: one pair given by --input/--target (no row)."""
    if same_file(src, dst):
        raise DataError(f"{where}: input and output are the same file ({dst.name}); the pack would learn to leave "
                        "the sound unchanged, not the gear",
                        hint="give the gear's recording (the wet file) as --target" if single else
                             "put the gear's recording (the wet file) in the output column of this row")


def shared_outputs(rows: list[tuple[str, Path, dict[str, float]]]) -> list[str]:
    """Warnings for output files listed by several rows with different knob settings.

    ``rows``: (where, output path, knob setting) per row.  One recording cannot be the gear's sound at two
    settings, so all but one row are wrong (a copy-paste slip), unless the knob does nothing there.
    """
    groups: dict[str, list[tuple[str, Path, dict[str, float]]]] = {}
    for where, dst, setting in rows:
        groups.setdefault(os.path.normcase(os.path.abspath(dst)), []).append((where, dst, setting))
    said = []
    for group in groups.values():
        settings = {tuple(sorted(s.items())) for _, _, s in group}
        if len(settings) < 2:
            continue
        listed = "; ".join(f"{w} ({_setting_text(s)})" for w, _, s in group)
        said.append(f"output {group[0][1].name} is listed by rows with different knob settings: {listed}. One "
                    "recording is the gear's sound at one setting: the pack will learn the knobs do nothing there "
                    "(check pairs.csv for a copy-paste slip)")
    return said


def _setting_text(setting: dict[str, float]) -> str:
    return " ".join(f"{k}={v:g}" for k, v in setting.items()) or "no knobs"


def collinear_knobs(names: list[str], settings: list[dict[str, float]]) -> list[str]:
    """Warnings for pairs of knobs (``names``: the ones that change) whose values move together over the rows
    (``settings``, one per row): correlation beyond :data:`COLLINEAR_R` (one a constant multiple of the other
    included), so the model cannot tell which of them changes the sound."""
    said = []
    values = {n: np.array([s[n] for s in settings], np.float64) for n in names}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            va, vb = values[a] - values[a].mean(), values[b] - values[b].mean()
            scale = float(np.sqrt((va @ va) * (vb @ vb)))
            if not np.isfinite(scale) or scale <= 0:
                continue
            r = float(va @ vb) / scale
            if abs(r) > COLLINEAR_R:
                said.append(f"knobs '{a}' and '{b}' move together in every row (correlation {r:+.3f}), so the "
                            f"model cannot tell which of them changes the sound, and turning one without the other "
                            f"gives a guess; record some rows with '{a}' and '{b}' set independently (or drop one "
                            "of the columns)")
    return said


def flat_top_fraction(x: np.ndarray) -> tuple[float, float]:
    """(fraction of the samples of ``x`` [N] on flat tops, the peak |x|): runs of :data:`FLAT_RUN` or more
    samples whose |x| lies within :data:`FLAT_TOLERANCE` of the peak."""
    a = np.abs(x)
    peak = float(a.max()) if a.size else 0.0
    near = a >= peak - FLAT_TOLERANCE
    if a.size < FLAT_RUN or peak <= FLAT_TOLERANCE:
        return 0.0, peak
    start = near[:a.size - FLAT_RUN + 1].copy()
    for k in range(1, FLAT_RUN):
        start &= near[k:a.size - FLAT_RUN + 1 + k]
    on = np.zeros(a.size, bool)
    for k in range(FLAT_RUN):
        on[k:a.size - FLAT_RUN + 1 + k] |= start
    return float(np.count_nonzero(on)) / a.size, peak


def clipped_normalised(y: np.ndarray, label: str, full_scale: float) -> str | None:
    """A warning when the wet recording ``y`` [N] (``label``: row and file) has flat tops below ``full_scale``
    (at full scale the clipping check speaks): it clipped and was then turned down (normalised)."""
    frac, peak = flat_top_fraction(y)
    if frac <= FLAT_FRACTION or peak >= full_scale:
        return None
    return (f"{label} looks clipped and then normalised: {100 * frac:.2f}% of its samples sit flat at its peak "
            f"({20 * np.log10(peak):.1f} dBFS); the profile will learn that clipping as part of the gear's sound. "
            "Record it again with less gain into the interface (ignore this if the gear itself hard-clips; "
            "--allow-clipping silences it)")


def inverted_polarity(label: str, polarity: float) -> str | None:
    """A warning when an output (``label``: row and file) is its input in reverse polarity (``polarity`` from
    trainer.effect.align.polarity below :data:`INVERTED_POLARITY`); many pieces of gear do that on purpose."""
    if polarity >= INVERTED_POLARITY:
        return None
    return (f"{label}: the output is the input in reverse polarity (upside down); the pack will invert too. Fine if "
            "the gear does that; if not, check the wiring or a phase switch on the interface or recorder")


def dc_note(label: str, offset: float, limit: float) -> str | None:
    """The note for a recording (``label``: row and file) whose DC ``offset`` (its mean, of full scale; the largest
    of its channels') was taken out, when over ``limit``; None otherwise."""
    if not abs(offset) > limit:
        return None
    return (f"{label}: a DC offset of {offset:+.3f} of full scale was taken out (the recording's offset, which "
            "speakers never pass: a pack trained on it would put out a steady level on silence)")


def mix_note(label: str, held: np.ndarray) -> str | None:
    """The note for a recording (``label``) of several channels, ``held`` [C] bool those that hold sound
    (device.library.decode.held_channels), said as `hatbox render` says it; None for one channel."""
    count = held.shape[0]
    if count < 2:
        return None
    if held.all():
        return f"{label}: its {count} channels were mixed to mono (a pack is mono)"
    used = np.flatnonzero(held)
    if len(used) == 1:
        return f"{label}: channel {used[0] + 1} was used alone (the other{'s are' if count > 2 else ' is'} silent)"
    return f"{label}: the {len(used)} of its {count} channels that hold sound were mixed to mono"


def input_likeness(x: np.ndarray, channels: np.ndarray, rate: int) -> np.ndarray:
    """How much each of ``channels`` [C, n] is the input ``x`` [N] delayed: the peak of their normalised
    cross-correlation over delays 0..DI_MAX_LAG_S -> [C] in -1..1 (1: a copy of the input, at some gain)."""
    n = min(x.shape[0], channels.shape[1])
    lag = max(1, min(int(DI_MAX_LAG_S * rate), n // 2))
    size = 1 << int(np.ceil(np.log2(n + lag)))
    a = x[:n].astype(np.float64) - float(np.mean(x[:n]))
    fx = np.conj(np.fft.rfft(a, size))
    out = []
    for ch in channels:
        c = ch[:n].astype(np.float64) - float(np.mean(ch[:n]))
        scale = float(np.sqrt((a @ a) * (c @ c)))
        cc = np.fft.irfft(np.fft.rfft(c, size) * fx, size)[:lag + 1]
        out.append(float(cc.max()) / scale if scale > 0 else 0.0)
    return np.array(out)


class DryChannel(NamedTuple):
    """An output's channel that is the input itself (``di``, 0-based) beside one that is not (``wet``), with how much
    each is the input (``di_like``, ``wet_like``: :func:`input_likeness`, -1..1)."""

    di: int
    wet: int
    di_like: float
    wet_like: float


def dry_channel(x: np.ndarray, channels: np.ndarray, rate: int) -> DryChannel | None:
    """The channel of an output's ``channels`` [C, n] that is the input ``x`` [N] itself (a DI recorded beside the
    gear) while another is not, or None (none is, or every one is)."""
    like = input_likeness(x, channels, rate)
    di, wet = int(np.argmax(like)), int(np.argmin(like))
    if like[di] < DI_LIKE or like[wet] >= DI_OTHER:
        return None
    return DryChannel(di, wet, float(like[di]), float(like[wet]))


def dry_words(where: str, name: str, dry: DryChannel) -> str:
    """What was found of output ``name`` (row ``where``): "its channel 2 is nearly the input itself ..."."""
    return (f"{where}: output {name}: its channel {dry.di + 1} is nearly the input itself (correlation "
            f"{dry.di_like:.3f}) while channel {dry.wet + 1} is not ({dry.wet_like:.3f}), and the channels were mixed "
            "to mono")


def export_line(path: str, dry: DryChannel) -> str:
    """The sox line that exports the gear's channel of the output ``path`` alone: "sox rec.wav rec-ch2.wav remix 2"."""
    import shlex
    return f"sox {shlex.quote(path)} {shlex.quote(str(channel_file(path, dry)))} remix {dry.wet + 1}"


def channel_file(path: str, dry: DryChannel) -> Path:
    """The file :func:`export_line` writes the gear's channel of ``path`` to: "rec.wav" -> "rec-ch2.wav"."""
    p = Path(path)
    return p.with_name(f"{p.stem}-ch{dry.wet + 1}.wav")


def di_warning(where: str, path: str, dry: DryChannel, cell: str | None = None) -> str:
    """The warning for output ``path`` (row ``where``; ``cell``: its pairs.csv cell, None for --target) whose channel
    ``dry.di`` is the input itself (:func:`dry_channel`), with the refusals' hint (:func:`export_hint`: a sox line
    of full paths, which runs wherever training was started, and the cell to list; p56 review R3 5)."""
    return f"{dry_words(where, Path(path).name, dry)}, so the pack would learn a blend of dry and wet sound; " + \
        export_hint(path, dry, cell)


def dry_latency_error(where: str, path: str, dry: DryChannel, latency: int, others: list[int], src: str,
                      cell: str | None = None) -> DataError:
    """The refusal of row ``where`` whose output ``path`` carries the input on channel ``dry.di`` (:func:`dry_channel`),
    which set its latency (``latency``, samples) apart from the ``others`` found for the other recordings of input
    ``src`` (one rig): the DI channel is the cause, so the hint exports the gear's channel, never another rig's copy
    of the input (p56 QA_B: that trained a blend of dry and wet sound).  ``cell``: the row's output cell
    (:func:`listed_as`)."""
    low, high = min(others), max(others)
    theirs = f"{low}" if low == high else f"{low} to {high}"
    name = Path(path).name
    return DataError(f"{dry_words(where, name, dry)}: that dry channel puts its latency at {latency} samples where the "
                     f"other recordings of {src} show {theirs}, so it cannot be aligned with them, and the pack would "
                     "learn a blend of dry and wet sound", hint=export_hint(path, dry, cell))


def dry_mix_error(where: str, path: str, dry: DryChannel, cell: str | None = None) -> DataError:
    """The refusal of row ``where`` whose output ``path`` carries the input on channel ``dry.di`` while its gear channel
    is later than the other takes of its input (another rig: said by the latency refusal beside this one, p56 review
    R3 4): the channels mixed are half dry signal."""
    return DataError(f"{dry_words(where, Path(path).name, dry)}, so the pack would learn a blend of dry and wet sound",
                     hint=export_hint(path, dry, cell))


def export_hint(path: str, dry: DryChannel, cell: str | None) -> str:
    """What to do about output ``path`` whose channel ``dry.di`` is the input itself: export the gear's channel alone
    (:func:`export_line`) and list the new file in the row's place (``cell``: :func:`listed_as`; None: give it as
    --target)."""
    fixed = listed_as(channel_file(path, dry), cell)
    listed = f"list {fixed} in its place in pairs.csv" if cell is not None else f"give {fixed} as --target"
    return (f"if channel {dry.di + 1} is the DI and channel {dry.wet + 1} the gear, export the gear's channel alone "
            f"({export_line(path, dry)}), {listed} and train again")


def swap_hint(where: str, dst: Path, other: tuple[str, Path] | None) -> str | None:
    """The sentence added to a failed alignment of row ``where`` (output ``dst``) when ``other`` (the row and
    input file whose recording the output is, found by the caller) exists, else None."""
    if other is None:
        return None
    return (f"its output {dst.name} is a recording of the input of {other[0]} ({other[1].name}): are the rows' "
            "outputs (or inputs) swapped?")


# --------------------------------------------------------------------------- every row's problems, said at once
SHOWN_PROBLEMS = 8      # problems listed in one error (then "and N more")


def resample_line(path: Path, rate: int) -> str:
    """A ready command that resamples ``path`` to ``rate`` Hz, in the words `hatbox render` gives a file at another
    rate (device.audio.audiofile.read): "sox set/di.wav -r 48000 set/di-48k.wav"."""
    import shlex
    out = path.with_name(f"{path.stem}-{rate // 1000}k.wav")
    return f"sox {shlex.quote(str(path))} -r {rate} {shlex.quote(str(out))}"


def sox_seconds(seconds: float) -> str:
    """``seconds`` as a sox line writes a time: to the millisecond, trailing zeros dropped ("1234.567", "12.5", "0"),
    never rounded to 6 significant digits or written with an exponent (p56 final read FR1 5: ``:g`` wrote a start
    of 1234.567 s as 1234.57, a copy that led the output it was cut for)."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def listed_as(path: Path, cell: str | None) -> str:
    """A new file ``path`` beside the file of CSV cell ``cell`` as the CSV should write it: ``cell``'s folder kept
    (takes/di.wav -> takes/di_1.5s.wav; p56 review R3: the bare name, followed, was "a listed file that does not
    exist"), with its backslashes where it used only those; ``path`` itself where there is no cell (a pair given
    by --input/--target)."""
    if cell is None:
        return str(path)
    head = cell.replace("\\", "/").rpartition("/")[0]
    said = f"{head}/{path.name}" if head else path.name
    return as_written(said, cell)


def trim_hint(dst: Path, seconds: float, slack: float, cell: str | None = None) -> str:
    """The hint for an output ``dst`` longer than its input (``seconds`` long; ``slack``: the difference allowed, s):
    the same recording run on after the input ended, trimmed to the input's length by a ready sox line.  ``cell``:
    the row's output cell (:func:`listed_as`)."""
    import shlex
    out = dst.with_name(f"{dst.stem}_trimmed{dst.suffix or '.wav'}")
    return (f"input and output must be the same recording (within {slack} s); if the output ran on after the input "
            f"ended, trim it to the input's length (sox {shlex.quote(str(dst))} {shlex.quote(str(out))} trim 0 "
            f"{sox_seconds(seconds)}) and use {listed_as(out, cell)} as the output")


def cut_input_hint(src: Path, seconds: float, slack: float, cell: str | None = None, start: float | None = 0.0
                   ) -> str:
    """The hint for an output shorter than its input ``src`` (the output ``seconds`` long; ``slack``: the difference
    allowed, s): record it again, or give the row its own copy of the input by a ready sox line (the input itself is
    left as it is: other rows may share it): cut to the output's length where it stopped early (``start`` 0), from
    ``start`` s where it started late, both lines where that cannot be told (``start`` None; p56 review R3 6).
    ``cell``: the row's input cell (:func:`listed_as`)."""
    import shlex
    length = sox_seconds(seconds)

    def copy(name: str, trim: str) -> tuple[str, str]:
        out = src.with_name(f"{src.stem}_{name}{src.suffix or '.wav'}")
        return f"sox {shlex.quote(str(src))} {shlex.quote(str(out))} trim {trim}", listed_as(out, cell)
    again = (f"input and output must be the same recording (within {slack} s); record the take again for the whole "
             f"of {src.name}, or give this row its own copy of the input")
    keep = f"(the other rows keep {listed_as(src, cell)})"
    if start is None:
        early, late = copy(f"{length}s", f"0 {length}"), copy(f"last{length}s", f"-{length}")
        return (f"{again}: if it stopped early, cut to the output's length ({early[0]}, list {early[1]}); if it "
                f"started late, the input's last {length} s ({late[0]}, list {late[1]}), as its input {keep}")
    line, listed = (copy(f"from{sox_seconds(start)}s", f"{sox_seconds(start)} {length}") if start
                    else copy(f"{length}s", f"0 {length}"))
    part = "from where the output starts" if start else "cut to the output's length"
    return f"{again} {part} ({line}) and list {listed} as its input {keep}"


def problem(check, *args) -> DataError | None:
    """The DataError ``check(*args)`` raises, or None: a check whose refusal joins the others (:func:`all_problems`)."""
    try:
        check(*args)
    except DataError as exc:
        return exc
    return None


def set_rates(rows: list[tuple[str, Path, Path]]) -> tuple[int | None, dict[str, DataError]]:
    """(the rate most of the files of ``rows`` [(where, input, output)] are at, from their headers: None when none
    can be read; {where: DataError} for each row with a file at another rate: :func:`rate_problems`)."""
    from device.audio import audiofile
    from device.validate import EngineSpec
    from hatbox.errors import HatboxError
    rates: dict[Path, int] = {}
    for f in (f for _w, *files in rows for f in files):
        try:
            rates.setdefault(f, audiofile.info(f)[0])
        except HatboxError:
            continue                     # unreadable: the row's own load says so
    return rate_problems(rows, rates, EngineSpec().sample_rate)


def rate_problems(rows: list[tuple[str, Path, Path]], rates: dict[Path, int], box: int
                  ) -> tuple[int | None, dict[str, DataError]]:
    """(the rate most cells of ``rows`` [(where, input, output)] are at, the box's ``box`` on a tie; {where:
    DataError} per row whose files are at one other rate (``rates``: file -> Hz; files it lacks, and a row whose
    input and output differ, are left to the row's own checks), naming the files and the majority's rate, with a
    sox line for each file not at ``box``)."""
    counts: dict[int, int] = {}
    for f in (f for _w, *files in rows for f in files if f in rates):
        counts[rates[f]] = counts.get(rates[f], 0) + 1
    if not counts:
        return None, {}
    main = max(counts, key=lambda r: (counts[r], r == box, r))
    return main, {where: _rate_problem(where, files, rates, main, box) for where, *files in rows
                  if len({rates.get(f, main) for f in files}) == 1 and rates.get(files[0], main) != main}


def _rate_problem(where: str, files: list[Path], rates: dict[Path, int], main: int, box: int) -> DataError:
    """The DataError for row ``where`` whose input and output ``files`` are at another rate than ``main`` (most of
    the set's), with a sox line for each of them when not at the box's rate ``box``."""
    box_words = f" (the box runs at {box} Hz)" if main == box else f"; the box runs at {box} Hz"
    fix = [resample_line(f, box) for f in files if rates[f] != box]
    hint = (f"resample to {box} Hz ({'; '.join(fix)}) and list the new file{'s' if len(fix) > 1 else ''} in "
            "pairs.csv" if fix else f"this row is at the box's rate: resample the other rows' files to {box} Hz")
    return DataError(f"{where}: {' and '.join(f.name for f in files)} {'is' if len(files) == 1 else 'are'} "
                     f"recorded at {rates[files[0]]} Hz, but most of the set is at {main} Hz{box_words}", hint=hint)


def all_problems(problems: list[DataError], csv_name: str) -> DataError:
    """One DataError for the ``problems`` found checking every row of ``csv_name``: the one itself when there is one,
    else each problem's words (and its hint) in a list, the first :data:`SHOWN_PROBLEMS` of them."""
    if len(problems) == 1:
        return problems[0]
    lines = [f"{csv_name}: {len(problems)} problems found (every row was checked):"]
    for p in problems[:SHOWN_PROBLEMS]:
        lines.append(f"  - {p.args[0]}" + (f"\n    hint: {p.hint}" if p.hint else ""))
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"  ... and {len(problems) - SHOWN_PROBLEMS} more")
    return DataError("\n".join(lines), hint="fix every one of these, then train again")
