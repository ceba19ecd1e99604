"""Replicates in a pairs.csv set: rows with the same input file and knob setting, whose outputs must match (the gear
at one setting makes one sound).  The rows of a group are compared with each other, not with its first row: the row
whose output matches none of the others is the odd take, named as such, even when it is the first (p56 review R3:
comparing with the first row named the three good takes and not the bad one)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hatbox.errors import DataError
from hatbox.text import count_words
from trainer.data import metrics
from trainer.effect.checks import SHOWN_PROBLEMS
from trainer.effect.knob_checks import rows_words

if TYPE_CHECKING:
    from trainer.effect.data import Pair

REPLICATE_ESR = 0.05        # replicates must agree better than this
KNOBS_FROM_COLUMNS = "knob settings come from pairs.csv's knob columns only, never from file names"


def esr(target: np.ndarray, estimate: np.ndarray) -> float:
    """Error-to-signal ratio sum((t - e)^2) / sum(t^2) (0 = perfect) of ``estimate`` against ``target`` (both [N]):
    :func:`trainer.data.metrics.esr`, the one ESR, with the target first as the effect trainer calls it (p57 F2)."""
    return metrics.esr(estimate, target)


def check_replicates(pairs: list[Pair]) -> None:
    """DataError when pairs with the same input file and knob setting have outputs that do not match (ESR over
    :data:`REPLICATE_ESR`), naming every such group's problem (:func:`group_words`), the first
    :data:`~trainer.effect.checks.SHOWN_PROBLEMS` of them (p56 QA_B: naming only the first cost a run per row)."""
    groups: dict[tuple[str, str], list[Pair]] = {}
    for p in pairs:
        groups.setdefault((p.files[0], p.key), []).append(p)
    said = [words for group in groups.values() if len(group) > 1 and (words := group_words(group))]
    if said:
        raise DataError(_refusal_words(said), hint="was a knob moved, or a different input used, for the odd take? "
                        f"{KNOBS_FROM_COLUMNS}: give a knob turned between takes its own column")


def _refusal_words(said: list[list[str]]) -> str:
    """The refusal's words for the problems ``said`` (:func:`group_words`, a list per group that does not match):
    how many groups (p56 final read FR1 2: the count was of sentences, "2 replicates" for five rows named)."""
    limit = f"the ESR is between two outputs, limit {REPLICATE_ESR}"
    problems = [w for words in said for w in words]
    if len(problems) == 1:
        return f"{problems[0]}; {limit}"
    more = f"; and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
    groups = f"{count_words(len(said), 'group')} of replicates (rows with the same input file and knob setting)"
    return (f"{groups} {'does' if len(said) == 1 else 'do'} not match: "
            f"{'; '.join(problems[:SHOWN_PROBLEMS])}{more}; {limit}")


def group_words(group: list[Pair]) -> list[str]:
    """What is wrong with a ``group`` of replicates: each row whose output matches none of the others' ("line 2
    matches none of its 3 replicates ... lines 3, 4 and 5 match each other"), then each other pair of rows that do
    not match; for two rows, or rows of which no two match, one sentence naming them all.  [] when all match."""
    err = _esr_table(group)
    match = err <= REPLICATE_ESR
    np.fill_diagonal(match, False)
    n = len(group)
    alone = [i for i in range(n) if not match[i].any()]
    names = [p.name for p in group]
    if len(alone) == n:
        if n == 2:
            return [f"{names[1]} does not match its replicate {names[0]} (ESR {err[0, 1]:.3f})"]
        return [f"{rows_words(names, SHOWN_PROBLEMS)} are replicates, but no two of their outputs match "
                f"(ESR {_best(err):.3f} at best)"]
    rest = [i for i in range(n) if i not in alone]
    apart = [(i, j) for k, i in enumerate(rest) for j in rest[k + 1:] if not match[i, j]]
    agree = "" if apart else f"; {rows_words([names[i] for i in rest], SHOWN_PROBLEMS)} match each other"
    said = [f"{names[i]} matches none of its {n - 1} replicates (ESR {np.delete(err[i], i).min():.3f} at best{agree})"
            for i in alone]
    return said + [f"{names[j]} does not match its replicate {names[i]} (ESR {err[i, j]:.3f})" for i, j in apart]


def _esr_table(group: list[Pair]) -> np.ndarray:
    """[n, n] the ESR between each two outputs of ``group`` (the earlier row's output as the target), symmetric."""
    n = len(group)
    err = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            m = min(group[i].output.shape[0], group[j].output.shape[0])
            err[i, j] = err[j, i] = esr(group[i].output[:m], group[j].output[:m])
    return err


def _best(err: np.ndarray) -> float:
    """The smallest ESR between two different rows of table ``err`` [n, n]."""
    return float(err[~np.eye(err.shape[0], dtype=bool)].min())
