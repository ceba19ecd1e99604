"""What to try next after a training: one short "next:" block per trainer, in words the three trainers share.

The block is built from what actually limited the run (a Ctrl-C, the step cap, the time budget: :class:`Limit`) and
from how far its score is from good; each trainer adds its own items (the effect's --arch auto, the tagger's tags
that need more examples, the synth's notes).  Before (forty-first stop's QA) a capture 2.5x over the close line said
nothing more, a run cut by --max-steps was told to train longer with --minutes, and a tagger that ran 60 of its 900
steps scored macro-F1 0.521 without a word on why.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hatbox.text import count_words, number_words

TAGGER_STEPS = 900      # `hatbox train tagger`'s steps when --steps is not given (hatbox/cmd_tag.py)
EFFECT_MINUTES = 5.0    # `hatbox train effect`'s --minutes when it is not given (hatbox/cmd_effect.py)
SYNTH_MINUTES = 10.0    # `hatbox train synth`'s --minutes when it is not given (hatbox/cmd_synth.py)
TAGGER_MINUTES = 4.5    # `hatbox train tagger`'s --minutes when it is not given (hatbox/cmd_tag.py)
MIN_MINUTES = 1.0       # the least --minutes suggested after a budget ran out, for a trainer that gives no default
POOR_F1 = 0.8           # a tagger's held-out macro-F1 under this gets advice (the factory tagger: 0.886)
FEW_EXAMPLES = 5        # a tag trained on fewer samples than this is named as needing more (data.lone_tags_warning)
TAGS_NAMED = 4          # tags named per kind (lowest F1, fewest samples) in the tagger's advice


@dataclass(frozen=True)
class Limit:
    """What ended a training run, as its summary knows it: ``steps`` run, the ``minutes`` budget (None: not known),
    the step ``cap`` given (--max-steps, --steps; None: none), its option's name, the trainer's own cap when none is
    given (``default_cap``: the tagger's 900 steps; None for a trainer that runs for its time only), whether a
    Ctrl-C stopped it, and the trainer's --minutes when none is given (``default_minutes``; None: not known)."""
    steps: int
    minutes: float | None = None
    cap: int | None = None
    cap_option: str = "--max-steps"
    default_cap: int | None = None
    stopped_early: bool = False
    default_minutes: float | None = None
    by: str = "Ctrl-C"              # what stopped it early: "Ctrl-C" or "SIGTERM" (:func:`stop_word`)


def stop_word(stopped_early: object) -> str:
    """What a run's ``stopped_early`` figure ("SIGTERM after 23 s of ...", trainer.early_stop.stopped_words) says
    stopped it: "SIGTERM", else "Ctrl-C"."""
    return "SIGTERM" if str(stopped_early or "").startswith("SIGTERM") else "Ctrl-C"


def run_limit(metrics: Mapping[str, Any], max_steps: int | None, minutes: float | None) -> Limit:
    """What ended an effect training of ``metrics`` (its steps, a Ctrl-C's ``stopped_early``): --max-steps
    ``max_steps``, the --minutes budget ``minutes``, or the Ctrl-C."""
    return Limit(steps=int(metrics["steps"]), minutes=minutes, cap=max_steps, cap_option="--max-steps",
                 stopped_early=bool(metrics.get("stopped_early")), default_minutes=EFFECT_MINUTES,
                 by=stop_word(metrics.get("stopped_early")))


def stopped_by(limit: Limit) -> str:
    """What ended the run: "ctrl-c", "cap" (the step cap was reached) or "time" (the budget ran out)."""
    if limit.stopped_early:
        return "ctrl-c"
    if limit.cap is not None and limit.steps >= limit.cap:
        return "cap"
    return "time"


def _minutes_words(minutes: float | None) -> str:
    """"the 5-minute budget", or "its time budget" when the budget is not known."""
    return f"the {number_words(minutes)}-minute budget" if minutes else "its time budget"


def limit_words(limit: Limit) -> str:
    """The next step for what ended the run, e.g. "--max-steps 70 stopped it after 70 steps, before the 5-minute
    budget ran out: raise --max-steps or leave it out" (never "more --minutes" for a run the step cap ended)."""
    steps, opt, cap = count_words(limit.steps, "step"), limit.cap_option, limit.cap
    how = stopped_by(limit)
    if how == "ctrl-c":
        return f"train again and let it run to its end: a {limit.by} stopped it after {steps}"
    if how == "cap" and limit.default_cap is not None and cap is not None and cap < limit.default_cap:
        return (f"only {limit.steps} of the default {limit.default_cap} steps ran ({opt} {cap}): raise {opt} or "
                "leave it out")
    if how == "cap" and limit.default_cap is not None and cap is not None:
        return f"more {opt}: it ran all {cap} (e.g. {opt} {2 * cap})"
    if how == "cap":
        budget = f", before {_minutes_words(limit.minutes)} ran out" if limit.minutes else ""
        return f"{opt} {cap} stopped it after {steps}{budget}: raise {opt} or leave it out"
    more = f" ({more_minutes(limit.minutes, limit.default_minutes)})" if limit.minutes else ""
    return f"{_minutes_words(limit.minutes)} ran out after {steps}: give it more --minutes{more}"


def more_minutes(minutes: float, default: float | None) -> str:
    """The --minutes to suggest after a budget of ``minutes`` ran out: twice it, but at least the trainer's
    ``default`` ("e.g. --minutes 5, the default"), or :data:`MIN_MINUTES` when the default is not known (p42's QA:
    a 0.001-minute run, 42x over the mark after 4 steps, was told "--minutes 0.002")."""
    floor = default if default is not None else MIN_MINUTES
    if 2 * minutes >= floor:
        return f"e.g. --minutes {number_words(2 * minutes)}"
    return f"e.g. --minutes {number_words(floor)}" + (", the default" if default is not None else "")


def longer_words(limit: Limit | None) -> str:
    """How to train longer, in a few words for a warning's brackets: "raise --max-steps or leave it out: --max-steps
    15 ended this run", "more --minutes"; ``limit`` None (what ended the run is not known): "more --minutes; with
    --max-steps, a larger one or none"."""
    if limit is None:
        return "more --minutes; with --max-steps, a larger one or none"
    how = stopped_by(limit)
    if how == "ctrl-c":
        return f"let it run to its end: a {limit.by} stopped it"
    if how == "cap":
        return f"raise {limit.cap_option} or leave it out: {limit.cap_option} {limit.cap} ended this run"
    return "more --minutes"


def seed_words(what: str) -> str:
    """The shared advice to try another seed: "another --seed (another network from the same recordings)"."""
    return f"another --seed (another network from the same {what}: one run can land worse than another)"


def times_words(score: float, line: float) -> str:
    """How many times ``line`` ``score`` is: "2.5x", "25x", "250x"."""
    if line <= 0:
        return "far over"
    times = score / line
    return f"{times:.0f}x" if times >= 10 else f"{times:.2g}x"


def next_block(items: Sequence[str], why: str = "") -> list[str]:
    """The summary's "next:" lines: nothing for no items; "next: ITEM" for one item and no ``why``; else "next:
    WHY" (or "next:") and an indented "- ITEM" line each."""
    said = [item for item in items if item]
    if not said:
        return []
    if len(said) == 1 and not why:
        return [f"next: {said[0]}"]
    return [f"next: {why}".rstrip()] + [f"  - {item}" for item in said]


def weakest_tags(per_tag: Mapping[str, Mapping[str, Any]], counts: Mapping[str, int]) -> list[str]:
    """The held-out tags under :data:`POOR_F1`, lowest F1 first, each with its F1 and training samples: ["millo (F1
    0.00, 20 samples)", "china (0.29, 5)", ...]; at most :data:`TAGS_NAMED`."""
    scored = sorted((float(v["f1"]), tag) for tag, v in per_tag.items()
                    if int(v.get("support", 0)) > 0 and float(v["f1"]) < POOR_F1)
    said = [f"{tag} ({f1:.2f}, {int(counts.get(tag, 0))})" for f1, tag in scored[:TAGS_NAMED]]
    if said:
        first_tag = scored[0][1]
        said[0] = f"{first_tag} (F1 {scored[0][0]:.2f}, {count_words(int(counts.get(first_tag, 0)), 'sample')})"
    return said


def fewest_tags(counts: Mapping[str, int]) -> list[str]:
    """The tags trained on fewer than :data:`FEW_EXAMPLES` samples, fewest first: ["hardelectro1 (1)", ...]; at most
    :data:`TAGS_NAMED`."""
    few = sorted((n, tag) for tag, n in counts.items() if n < FEW_EXAMPLES)
    return [f"{tag} ({n})" for n, tag in few[:TAGS_NAMED]]


def examples_words(per_tag: Mapping[str, Mapping[str, Any]], counts: Mapping[str, int],
                   later: str = "") -> list[str]:
    """The tagger's advice on examples, a line each: the tags it got most wrong (lowest held-out F1), the tags with
    the fewest training samples; none when no tag stands out.  ``later``: a clause on what the tagger cannot hear
    (its files are much longer than its clip: trainer.tagger.report_heard.later_clause), added to the first line
    (a line of its own when there is none): more examples cannot teach a word about a file's later part."""
    weak, few = weakest_tags(per_tag, counts), fewest_tags(counts)
    lines = ([f"more examples of the tags it got most wrong: {', '.join(weak)}"] if weak else []) + \
        ([f"more examples ({FEW_EXAMPLES} or more a tag) of: {', '.join(few)}"] if few else [])
    if later and lines:
        lines[0] += f"; {later}"
    elif later:
        lines.append(later.removeprefix("but "))
    return lines


def tagger_next(macro_f1: float | None, limit: Limit, per_tag: Mapping[str, Mapping[str, Any]],
                counts: Mapping[str, int], later: str = "") -> list[str]:
    """The tagger summary's "next:" block, for a held-out macro-F1 under :data:`POOR_F1` (none otherwise, and none
    without a held-out report): what ended the run, the tags that need more examples, another seed.  ``counts``:
    training samples per tag; ``later``: :func:`examples_words`'s clause for files much longer than the clip."""
    if macro_f1 is None or macro_f1 >= POOR_F1:
        return []
    items = [limit_words(limit), *examples_words(per_tag, counts, later), seed_words("samples")]
    return next_block(items, f"held-out macro-F1 {macro_f1:.3f} is under {POOR_F1:g} (1 = every tag right); "
                             "to do better:")
