"""Checks of the knob values a ``pairs.csv`` gives, read from its cells before any audio is decoded.

A knob's range is the min..max of its values over the rows (trainer/effect/data.py), and the box turns it linearly
over that range.  One value typed wrong (``tone`` 5000 where the other rows say 200 and 800: a 0 too many) stretches
the range to 200..5000, so 87% of the knob's travel has no recording and the pack guesses there; nothing said so
(forty-second stop's QA).  :func:`far_value_warnings` says it, naming the row, the value and, where one digit shift
of the decimal point lands among the other values, the value likely meant.  A sweep by decades (attack 0.1, 1, 10,
100 ms: one more step of the sweep, judged on a log scale, :func:`continues_sweep`) is not far, and a value meant is not
guessed where it would only double another row of a sweep (:func:`grid_fill`).  The knobs are the columns that change
(:func:`varying_columns`), at most MAX_KNOBS of them (:func:`check_knob_count`).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from export.manifest import MAX_KNOBS
from hatbox.errors import DataError

# A knob's highest (lowest) value further above (below) the others than FAR_SPAN times their span lies far outside
# them: alone it leaves more than FAR_SPAN / (FAR_SPAN + 1) (75%) of the knob's travel without a recording.  drive
# 1.0 beside 0.1..0.9 is 0.125 times their span away; tone 5000 beside 200..800 is 7 times.
FAR_SPAN = 3.0
# A value of positive ones whose step from its neighbour, on a log scale, is at most SWEEP_STEP times the largest
# step between the others is one more step of a sweep (attack 0.1, 1, 10, 100 ms: 1.0x; cutoff 100, 1000, 10000 Hz:
# 1.0x).  A typo is not: tone 5000 beside 200, 800 is 1.32x the 200..800 step, 80000 beside 1500, 8000 1.38x.
SWEEP_STEP = 1.25
GEOMETRIC = 1.5          # log steps within this factor of each other: a roughly geometric sweep (1, 2, 4)
SLIP_FACTORS = (10.0,)     # a digit too many or too few: the decimal point typed one place off
ROWS_NAMED = 4                           # rows named per far value


class FarValue(NamedTuple):
    """A knob value far outside the knob's other values: ``value``, the others' ``low``..``high``, and the share of
    the knob's new range (0..1) between ``value`` and the others, where no recording is."""

    value: float
    low: float
    high: float
    empty: float


def far_value(values: Sequence[float]) -> FarValue | None:
    """The highest or lowest of ``values`` (one knob's, a value per row) when it lies more than :data:`FAR_SPAN`
    times the span of the other distinct values away from them; None when none does, or when there are fewer than
    three distinct values (two values are the knob's two ends: nothing lies outside them)."""
    distinct = sorted(set(values))
    if len(distinct) < 3:
        return None
    for end, rest in ((distinct[-1], distinct[:-1]), (distinct[0], distinct[1:])):
        gap = end - rest[-1] if end > rest[-1] else rest[0] - end
        if gap > FAR_SPAN * (rest[-1] - rest[0]) and not continues_sweep(end, rest):
            return FarValue(end, rest[0], rest[-1], gap / (distinct[-1] - distinct[0]))
    return None


def continues_sweep(end: float, rest: Sequence[float]) -> bool:
    """Whether ``end``, beyond the sorted distinct values ``rest`` (two or more), is one more step of a sweep judged
    on a log scale: every value positive, ``rest`` spanning more than a decade or roughly geometric (its steps' ratios
    within :data:`GEOMETRIC` of each other on a log scale), and ``end``'s ratio to its neighbour at most the largest
    ratio between neighbouring ``rest`` values raised to :data:`SWEEP_STEP` (0.1, 1, 10 then 100: a decade sweep;
    200, 800 then 5000: a typo; 0.1, 0.5, 0.9 then 5: no sweep, judged as it stands)."""
    if min(end, rest[0]) <= 0:
        return False
    logs = [math.log10(v) for v in rest]
    steps = [b - a for a, b in zip(logs, logs[1:])]
    if logs[-1] - logs[0] <= 1.0 and max(steps) > GEOMETRIC * min(steps):
        return False
    gap = math.log10(end) - logs[-1] if end > rest[-1] else logs[0] - math.log10(end)
    return gap <= SWEEP_STEP * max(steps)


def decimal_slip(far: FarValue, values: Sequence[float] = ()) -> float | None:
    """The value ``far.value`` likely meant when its decimal point one place off (:data:`SLIP_FACTORS`) lands it
    within the other values' range (5000 beside 200..800: 500); None when no shift does, or when the value it lands
    on is one of ``values`` (the knob's, a value per row) that the far rows would not fill out (:func:`grid_fill`)."""
    for factor in SLIP_FACTORS:
        for meant in (far.value / factor, far.value * factor):
            if far.low <= meant <= far.high:
                return meant if grid_fill(meant, far.value, values) else None
    return None


def grid_fill(meant: float, far: float, values: Sequence[float]) -> bool:
    """Whether rows at ``far`` set to ``meant`` would leave ``meant`` no more rows than another of ``values`` has:
    true where ``meant`` is no row's value (or ``values`` is empty), and in a grid that repeats each value (tone 1500,
    8000 at four drives, one 8000 typed 80000: 8000 gets its fourth row); false in a sweep (0.1, 1, 10, 100: 10 twice
    and every other value once is no sweep)."""
    count = Counter(values)
    if count[meant] == 0:
        return True
    others = [n for v, n in count.items() if v not in (meant, far)]
    return count[meant] + count[far] <= max(others, default=0)


def rows_words(wheres: Sequence[str], shown: int = ROWS_NAMED) -> str:
    """Rows as one phrase: "pairs.csv line 8", "pairs.csv lines 8, 9 and 12" (rows named "<csv> line N" of one CSV),
    else the names joined ("pair a.wav -> b.wav and pair c.wav -> d.wav"); the first ``shown`` of them and how many
    more ("pairs.csv lines 2, 3, 4, 5 and 7 more")."""
    found = [re.fullmatch(r"(.*) line (\d+)", w) for w in wheres]
    heads = {m.group(1) for m in found if m}
    one_csv = len(wheres) > 1 and all(found) and len(heads) == 1
    parts = [m.group(2) for m in found if m] if one_csv else list(wheres)
    more = f" and {len(parts) - shown} more" if len(parts) > shown else ""
    listed = parts[:shown]
    joined = ", ".join(listed) if more or len(listed) == 1 else ", ".join(listed[:-1]) + f" and {listed[-1]}"
    return f"{heads.pop()} lines {joined}{more}" if one_csv else f"{joined}{more}"


def far_value_text(name: str, unit: str, far: FarValue, wheres: Sequence[str], values: Sequence[float] = ()) -> str:
    """The warning for knob ``name`` (in ``unit``) whose value ``far`` rows ``wheres`` give (``values``: the knob's,
    a value per row, for :func:`decimal_slip`)."""
    u = f" {unit}" if unit else ""
    v, lo, hi = f"{far.value:g}", f"{far.low:g}", f"{far.high:g}"
    above = far.value > far.high
    low, high = (lo, v) if above else (v, hi)
    gap_from, gap_to = (hi, v) if above else (v, lo)
    meant = decimal_slip(far, values)
    slip = f" (did you mean {meant:g}?)" if meant is not None else ""
    give = "gives" if len(wheres) == 1 else "give"
    empty = f"{int(100 * far.empty)}% of its travel ({gap_from}..{gap_to}{u})"
    return (f"knob '{name}': {rows_words(wheres)} {give} {v}{u}, far outside the other rows' {lo}..{hi}{u}, so the "
            f"knob's range becomes {low}..{high}{u} and {empty} has no recording: the pack will guess there. If {v} "
            f"is a typo, correct it in pairs.csv{slip}; if the knob really was at {v}, record a few settings between "
            f"{gap_from} and {gap_to} as well")


def far_value_warnings(columns: Sequence[tuple[str, str, str]], settings: Sequence[dict[str, float]],
                       wheres: Sequence[str]) -> list[str]:
    """A warning (:func:`far_value_text`) per knob of ``columns`` [(column, name, unit)] with a value far outside
    its others (:func:`far_value`), over ``settings`` (a dict per row, rows named by ``wheres``)."""
    said = []
    for _col, name, unit in columns:
        values = [s[name] for s in settings]
        far = far_value(values)
        if far is not None:
            rows = [w for w, x in zip(wheres, values) if x == far.value]
            said.append(far_value_text(name, unit, far, rows, values))
    return said


def varying_columns(columns: list[tuple[str, str, str]], settings: list[dict[str, float]]) -> list[str]:
    """Names of the knob columns whose value changes between rows (the ones that become knobs)."""
    return [name for _col, name, _unit in columns if len({s[name] for s in settings}) > 1]


def check_knob_count(names: list[str], where: str) -> None:
    """DataError naming the count and the limit when ``names`` (knobs) are more than MAX_KNOBS.

    Each knob is 8 KiB of the pack's golden snapshot (2048 samples of float32), and the box turns
    knobs in banks of its four encoders: MAX_KNOBS (export/manifest.py) bounds both.
    """
    if len(names) <= MAX_KNOBS:
        return
    shown = ", ".join(names[:MAX_KNOBS + 4]) + (", ..." if len(names) > MAX_KNOBS + 4 else "")
    raise DataError(f"{where}: {len(names)} knob columns change value ({shown}); a pack has at most "
                    f"{MAX_KNOBS} knobs",
                    hint=f"keep at most {MAX_KNOBS} knobs moving in the recordings (a column with one value "
                         "throughout is not a knob), or capture the gear as several packs (docs/effect.md)")


# A set of two or more knobs whose rows fill at least GRID_FILLED of the grid of their recorded values is a grid (the
# docs ask for one); the combinations it lacks are said (at most GRID_SHOWN of them).  A set of scattered settings
# (each row its own values) fills a small share of its grid and is no grid: nothing said.
GRID_FILLED = 0.5
GRID_SHOWN = 10


def missing_settings(columns: Sequence[tuple[str, str, str]], settings: Sequence[dict[str, float]]) -> list[str]:
    """The warning (in a list) for combinations of the knobs' recorded values that no row records, where the rows
    fill at least :data:`GRID_FILLED` of them (a grid with gaps, or one knob moved at a time: named as combinations
    the pack has no recording of, not as a grid's): ``columns`` (column, name, unit) of the knobs that change,
    ``settings`` the rows' knob values.  The QA's 3 x 2 drive/tone grid without drive 1 / tone 200 was
    said nowhere, and the pack's error there was 2.3 times the recorded settings'."""
    if len(columns) < 2:
        return []
    names = [name for _col, name, _unit in columns]
    values = [sorted({s[n] for s in settings}) for n in names]
    have = {tuple(s[n] for n in names) for s in settings}
    grid = math.prod(len(v) for v in values)
    if grid > 10_000 or len(have) < GRID_FILLED * grid or len(have) == grid:
        return []
    lacking = [combo for combo in _combos(values) if combo not in have]
    units = {name: unit for _col, name, unit in columns}
    said = [", ".join(f"{n} {v:g}{(' ' + units[n]) if units[n] else ''}" for n, v in zip(names, combo))
            for combo in lacking[:GRID_SHOWN]]
    more = f"; and {len(lacking) - GRID_SHOWN} more" if len(lacking) > GRID_SHOWN else ""
    sizes = " x ".join(f"{len(v)} {n}" for n, v in zip(names, values))
    return [f"the pack has no recording of {'this combination' if len(lacking) == 1 else 'these combinations'} of "
            f"the knobs' values: {'; '.join(said)}{more} ({len(have)} of the {grid} combinations of {sizes} values "
            "are recorded). The pack only guesses the sound there; to have it sound like the gear there too, "
            f"record {'it' if len(lacking) == 1 else 'them'} and add the row{_s(lacking)} to pairs.csv"]


def _s(items: Sequence[object]) -> str:
    """"s" for several ``items``, "" for one."""
    return "s" if len(items) != 1 else ""


def _combos(values: list[list[float]]) -> list[tuple[float, ...]]:
    """Every combination of ``values`` (one list per knob), the first knob slowest."""
    import itertools
    return list(itertools.product(*values))
