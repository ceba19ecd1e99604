"""Checks of a musician's pairs.csv set that either refuse (the result would mean nothing) or warn (the data may
be what was meant): each looks at what the loader already read (the CSV's cells, the decoded audio), nothing more.

Refused (:class:`DataError`): a row whose input and output are one file (the model would learn to do nothing).
Warned (a text for a ``warning:`` line): one output file listed with different knob settings, knobs that move
together in every row, a recording clipped and then normalised, an output in reverse polarity.  A row whose
output is a recording of another row's input is refused by the alignment (no clear delay); :func:`swap_hint`
words that error so it names the other row.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from hatbox.errors import DataError

COLLINEAR_R = 0.98          # knobs whose values correlate beyond this (|r|) over the rows cannot be told apart
FLAT_TOLERANCE = 1e-4       # samples within this of the recording's peak |x| sit "at the peak"
FLAT_RUN = 3                # that many such samples in a row make a flat top
FLAT_FRACTION = 1e-3        # more than this fraction of the samples on flat tops: clipped, then normalised
INVERTED_POLARITY = -0.5    # an impulse response's polarity() below this: the output is the input upside down


def same_file(a: Path, b: Path) -> bool:
    """Whether paths ``a`` and ``b`` name one file (also through links or ``..``, export.atomic.same_path); False
    when either is missing (so `--input x --target x` with no x says "cannot read" first)."""
    from export.atomic import same_path
    return a.exists() and b.exists() and same_path(a, b)


def check_not_identity(src: Path, dst: Path, where: str) -> None:
    """DataError naming the row when its input ``src`` and output ``dst`` are one file: the pack would learn to
    pass the sound through unchanged, not the gear."""
    if same_file(src, dst):
        raise DataError(f"{where}: input and output are the same file ({dst.name}); the pack would learn to leave "
                        "the sound unchanged, not the gear",
                        hint="put the gear's recording (the wet file) in the output column of this row")


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


def swap_hint(where: str, dst: Path, other: tuple[str, Path] | None) -> str | None:
    """The sentence added to a failed alignment of row ``where`` (output ``dst``) when ``other`` (the row and
    input file whose recording the output is, found by the caller) exists, else None."""
    if other is None:
        return None
    return (f"its output {dst.name} is a recording of the input of {other[0]} ({other[1].name}): are the rows' "
            "outputs (or inputs) swapped?")
