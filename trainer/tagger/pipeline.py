"""From tagged files to a tagger pack: split, train, report (text, JSON, confusion PNG), export."""
from __future__ import annotations

import json
import math
import os
import random
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from trainer.tagger.data import (RECOMMENDED_PER_TAG, WILL_BE_MULTI_LABEL, Item, case_clashes, decode_clips,
                                 few_shot, heard_rate, load_sources, lone_tags_warning, mixed_tags_warning,
                                 reorder_rows, short_of_shots, tag_counts, tag_list, targets, without_words)
from trainer.tagger.model import TaggerConfig
from trainer.tagger.report import evaluate, format_report, report_png
from trainer.tagger.report_heard import heard_of, later_clause, long_files_warning
from trainer.tagger.slips import SLIPS_SHOWN, _near_words, _slip_keys, slips_warning  # noqa: F401 (re-exported)
from trainer.early_stop import StopRequest, stopped_words
from trainer.tagger.train import LOAD_MARGIN, TrainOptions, is_exclusive, predict, train
from export.atomic import atomic_output, check_out, locks_out, write_atomic
from hatbox.advice import TAGGER_MINUTES, TAGGER_STEPS, Limit, tagger_next
from hatbox.errors import DataError, HatboxError
from hatbox.names import check_pack_name, default_pack_name
from hatbox.text import TRAINING_GOES_ON, count_words, number_words

class Summary(str):
    """What :func:`train_and_export` returns: the summary's text, and beside it ``stopped_early`` (the run's figure,
    "Ctrl-C after 40 s, 250 of 900 steps", when a first Ctrl-C or SIGTERM stopped it; None when it ran its budget)
    and ``said`` (the notes and warnings already said on stderr before training: the CLI does not say them twice)."""

    stopped_early: str | None = None
    said: tuple[str, ...] = ()


def summary(text: str, stopped_early: str | None, said: list[str]) -> Summary:
    """``text`` as a :class:`Summary`."""
    out = Summary(text)
    out.stopped_early, out.said = stopped_early, tuple(said)
    return out


MIN_FOR_HOLDOUT = 4                  # a tag needs this many samples to keep some aside for the report
FEW_HELD = 30                         # a held-out report on fewer samples than this says it is a rough check


def holdout_split(items: list[Item], fraction: float, seed: int = 0) -> tuple[list[Item], list[Item]]:
    """Keep ``fraction`` of each tag's items (by the row's rarest tag, :func:`stratum`; at least one, only if a tag
    has >= 4, and never all of them) aside.  Single-tag rows are grouped by their one tag, as before p42: the drum
    benchmark's split (single-tag CSVs) is the same to the item."""
    rng = random.Random(seed)
    counts = tag_counts(items)
    by_tag: dict[str, list[Item]] = {}
    for it in items:
        by_tag.setdefault(stratum(it, counts), []).append(it)
    train_items, held = [], []
    for group in by_tag.values():
        rng.shuffle(group)
        k = min(max(1, round(fraction * len(group))), len(group) - 1) \
            if fraction > 0 and len(group) >= MIN_FOR_HOLDOUT else 0
        held += group[:k]
        train_items += group[k:]
    return train_items, held


def stratum(item: Item, counts: Counter) -> str:
    """The tag ``item``'s row is held out by: its rarest tag over the whole set (``counts``; the first of the row on a
    tie).  By the first tag, a word that only ever came second (texture after pad) was held out only by chance
    (p42's QA); by the rarest, each such word gets its share of the held-out report.  "" for a file with none of the
    words: those are held out as a group of their own."""
    if not item.tags:
        return ""
    return min(item.tags, key=lambda t: (counts[t], item.tags.index(t)))


def readable(items: list[Item], rate: int, n: int, heard_rate: int = 0
             ) -> tuple[list[Item], np.ndarray, list[tuple[Path, str]], list[tuple[Path, str]]]:
    """(the items whose file decodes as audio with a sound in it, their clips [K, n] at ``rate`` Hz,
    [(path, why)] for the files that do not decode, [(path, why)] for the silent ones).  Every file is
    decoded here (as far as a clip reaches: the head of a long file), so a file whose header reads but whose
    audio does not (NaN or infinite samples, say) is skipped and named like one that does not open, and
    training never stops half-way over it; a file `hatbox tag` would skip as silent (peak under -90 dBFS)
    or too short is left out too (device.library.runner.from_first_sound).  A tag left with no usable
    file is a DataError naming that tag's files: training without it would drop the user's tag silently."""
    kept, clips, skipped, silent = decode_clips(items, rate, n, progress=True, heard_rate=heard_rate)
    lost = sorted(set(tag_counts(items)) - set(tag_counts(kept)))
    if lost:
        tags_of = {it.path: it.tags for it in items}
        theirs = [why for path, why in skipped if set(tags_of.get(path, ())) & set(lost)]
        quiet = [f"{path}: {why}" for path, why in silent if set(tags_of.get(path, ())) & set(lost)]
        shown = quiet + theirs
        more = f"; and {len(shown) - 3} more" if len(shown) > 3 else ""
        what = "usable (readable, not silent)" if quiet else "readable"
        for_tags = f"{'tag' if len(lost) == 1 else 'tags'} {', '.join(lost)}"
        from device.library.runner import BEYOND_WORDS, SOUND_SEARCH_SECONDS
        late = any(BEYOND_WORDS in why for why in quiet)
        hint = (f"training hears {n / rate:.1f} s of a file from its first sound, looked for in its first "
                f"{SOUND_SEARCH_SECONDS:g} s: trim the silence before its sound, or give the tag a file whose sound "
                "starts sooner" if late else
                "a tag needs at least one file with a sound in it" if quiet else None)
        raise DataError(f"no {what} audio for {for_tags}: " + "; ".join(shown[:3]) + more, hint=hint)
    return kept, clips, skipped, silent


def check_options(*, minutes: float, steps: int, shots: int | None, holdout: float, threads: int) -> None:
    """HatboxError for a training option out of range (the CLI's argument types catch these first)."""
    if not (isinstance(minutes, (int, float)) and math.isfinite(minutes) and minutes > 0):
        raise HatboxError(f"minutes must be a finite number above 0, got {minutes!r}")
    for name, value in (("steps", steps), ("threads", threads)) + ((("shots", shots),) if shots is not None else ()):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise HatboxError(f"{name} must be a whole number of at least 1, got {value!r}")
    if not (isinstance(holdout, (int, float)) and 0 <= holdout < 1):
        raise HatboxError(f"holdout must be a fraction from 0 up to (not including) 1, got {holdout!r}")
    refuse_torchrun()


def refuse_torchrun() -> None:
    """HatboxError under torchrun with more than one process (WORLD_SIZE, which torchrun sets): the tagger trains in
    one process on the CPU, so every process trained the whole model, printed it all and wrote the same pack (p42's
    cloud QA)."""
    world = os.environ.get("WORLD_SIZE", "1")
    if world.strip().isdigit() and int(world) > 1:
        raise HatboxError(f"the tagger trains in one process on the CPU; under torchrun each of the {world} processes "
                          "would train the whole model and write the same pack; nothing was trained",
                          hint="run hatbox train tagger without torchrun (a drum library takes a few minutes on a "
                               "laptop's CPU)")


def check_items(items: list[Item]) -> None:
    """DataError, before any audio is decoded, for fewer than two tags or tags that differ only in case
    (two tags to the tagger, one folder for `hatbox tag --links` on macOS and Windows: a merge is the
    user's call)."""
    counts = tag_counts(items)
    if len(counts) < 2:
        found = f"only '{next(iter(counts))}'" if counts else "none"
        raise DataError(f"need at least two tags to train a tagger, found {found}",
                        hint="a tagger tells tags apart: give it examples of two tags or more")
    clashes = case_clashes(items)
    if clashes:
        shown = "; ".join(" and ".join(_clash_word(t, group, counts, items) for t in group) for group in clashes[:5])
        more = f"; and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        raise DataError(f"tags that differ only in case: {shown}{more}",
                        hint="give each the same spelling (rename the folder or fix the CSV): they would be "
                             "separate tags, and --links folders that collide on macOS and Windows")


def _clash_word(tag: str, group: list[str], counts: Counter, items: list[Item], shown: int = 3) -> str:
    """One spelling of a case clash as the refusal says it: "'lofi' (29)" for the most used one of ``group``, and
    where the rarer ones are: "'Lofi' (1: train4.csv: line 26)" (up to ``shown`` places: a CSV's lines, a folder's
    files), forty-ninth stop's QA: the one row with the typo was not named."""
    if tag == max(group, key=lambda t: (counts[t], t == group[0])):
        return f"'{tag}' ({counts[tag]})"
    places = [it.where or str(it.path) for it in items if tag in it.tags]
    more = f" and {len(places) - shown} more" if len(places) > shown else ""
    return f"'{tag}' ({counts[tag]}: {', '.join(places[:shown])}{more})"


def none_for_one_tag_note(items: list[Item]) -> str:
    """A note when some of ``items`` have none of the words (a CSV row with a path and no tag) and every other one has
    exactly one: such data trains a tagger of a yes or no per word (:func:`trainer.tagger.train.is_exclusive` is
    False as soon as one file has no word), which can learn "none of them", not one that picks one word per file
    (forty-ninth stop's review: it was refused, for a reason that was untrue); "" otherwise."""
    none = without_words(items)
    if not none or any(len(it.tags) > 1 for it in items):
        return ""
    return (f"note: {count_words(len(none), 'file')} with none of your words, every other with exactly one: the "
            "tagger says yes or no to each word (it can say none of them), not one word per file")


def examples_line(items: list[Item]) -> str:
    """How many of ``items`` (the training samples) carry each word, most first, and how many none: "examples per
    word: punchy 18, dusty 14, airy 3; 6 files with none of your words"."""
    counts = sorted(tag_counts(items).items(), key=lambda kv: (-kv[1], kv[0]))
    none = len(without_words(items))
    return ("examples per word: " + ", ".join(f"{t} {n}" for t, n in counts) +
            (f"; {count_words(none, 'file')} with none of your words" if none else ""))


def few_examples_line(items: list[Item], shown: int = 10) -> str:
    """A line (with its leading line break) naming the words of which ``items`` (every file listed, the held-out
    ones too, as data.lone_tags_warning counts: counted after the split, a word given 5 files read "door 4 ... add a
    few more", fiftieth stop's review) hold 2 to 4, fewer than RECOMMENDED_PER_TAG (one example:
    data.lone_tags_warning's), with their counts: "note: 9 words have fewer than 5 examples (files listed, held-out
    ones too): ambience 3, ...; add a few more of each (5 or more per word recommended)" (fiftieth stop's QA: only
    one-example words got that advice); "" when none has."""
    counts = tag_counts(items)
    few = sorted((t for t, n in counts.items() if 1 < n < RECOMMENDED_PER_TAG), key=lambda t: (counts[t], t))
    if not few:
        return ""
    listed = ", ".join(f"{t} {counts[t]}" for t in few[:shown]) + (f" and {len(few) - shown} more"
                                                                  if len(few) > shown else "")
    more = "more " if any(n == 1 for n in counts.values()) else ""      # beside the one-example warning (p51 QA)
    return (f"\nnote: {count_words(len(few), f'{more}word has', f'{more}words have')} fewer than "
            f"{RECOMMENDED_PER_TAG} examples "
            f"(files listed, held-out ones too): {listed}; add a few more of each ({RECOMMENDED_PER_TAG} or more per "
            "word recommended)")


def previous_score(out: Path, older: Any = None) -> tuple[float, int | None, tuple[str, ...]] | None:
    """(held-out macro-F1, held-out files, words) of the tagger pack at ``out`` before a training writes over it, for
    the new report's picture; None when there is none (no file, no such pack, no held-out score).  ``older``: that
    pack as the caller read it (hatbox.replaced.Older), else it is read here."""
    from hatbox.replaced import older_pack
    try:
        older = older_pack(out) if older is None else older
    except HatboxError:
        return None
    if older is None or older.kind != "tagger" or older.score is None:
        return None
    return older.score, (older.held[1] if older.held and older.held[0] == "sample" else None), tuple(older.words)


def held_from(sources: list[Path]) -> str:
    """What the held-out files are, said beside a small held-out report: "other files of the same folders" when
    every source is a folder, else (a CSV among them) "other files listed with the same words"."""
    return "other files of the same folders" if all(Path(s).is_dir() for s in sources) else \
        "other files listed with the same words"


@locks_out
def train_and_export(source: Path | list[Path], out: Path, *, minutes: float = 4.5, steps: int = 900,
                     shots: int | None = None,
                     holdout: float = 0.15, name: str | None = None, threads: int = 2, seed: int = 0,
                     keep_level: bool = False, older: Any = None) -> Summary:
    """Train on ``source`` (a folder or CSV, or several: a file listed again takes the later one's tags)
    and write ``out``, then ``out``.report.json / .confusion.png; returns a summary.  The options and
    ``out`` are checked, and every tag too, before any audio is decoded.  ``keep_level``: the tagger hears each
    sample at its own level (TaggerConfig.level_norm off), for words about loudness (accent, ghost note); by
    default every sample is scaled to one level first, so that its level does not change its tags.  ``name``: the
    pack's (checked before any work, as `train effect --name` is); None: made of ``out``'s file name
    (hatbox.names.default_pack_name, as the other trainers make theirs).  ``older``: the pack at ``out`` as the
    caller read it (hatbox.replaced.older_pack), for the picture's title; None: read here."""
    out = Path(out)
    name = default_pack_name(out.stem, "tagger") if name is None else name
    check_pack_name(name)
    check_options(minutes=minutes, steps=steps, shots=shots, holdout=holdout, threads=threads)
    check_out(out)
    return _train_and_export(source, out, minutes=minutes, steps=steps, shots=shots, holdout=holdout,
                             name=name, threads=threads, seed=seed, keep_level=keep_level,
                             before=previous_score(out, older))


def _train_and_export(source: Path | list[Path], out: Path, *, minutes: float, steps: int, shots: int | None,
                      holdout: float, name: str, threads: int, seed: int, keep_level: bool = False,
                      before: tuple[float, int | None, tuple[str, ...]] | None = None) -> Summary:
    """:func:`train_and_export` once its options are checked; ``before``: :func:`previous_score` of ``out``."""
    from trainer.tagger.onnx_export import export_tagger
    notes: list[str] = []
    sources = source if isinstance(source, list) else [source]
    items = load_sources(sources, notes)
    check_items(items)
    notes.extend(w for w in (none_for_one_tag_note(items),) if w)
    cfg = TaggerConfig(level_norm=not keep_level)
    guess = heard_rate(items, cfg.spec.rate)          # 0 unless every file is of a lower rate (headers only)
    n_load = int(cfg.clip_samples * LOAD_MARGIN)
    items, clips, skipped, silent = readable(items, cfg.spec.rate, n_load, guess)
    cfg = replace(cfg, heard_rate=heard_rate(items, cfg.spec.rate))   # of the files it trains on, not the left out
    if cfg.heard_rate != guess:       # the only files of a higher rate were unreadable or silent: hear the rest again
        items, clips, skipped2, _ = readable(items, cfg.spec.rate, n_load, cfg.heard_rate)
        skipped += skipped2
    train_items, held = holdout_split(items, holdout, seed)
    before_shots = tag_counts(train_items)      # each word's training files: lone_tags_warning says "training"
    if shots:
        notes.extend(w for w in (short_of_shots(train_items, shots),) if w)
        train_items = few_shot(train_items, shots, seed)
    # counted on the files training gets (after --shots picked them), not the ones listed; a CSV's own
    # multi-label warning is said once
    said = [w for w in (lone_tags_warning(train_items, shots=shots, listed=before_shots) if shots else
                        lone_tags_warning(items), slips_warning(items), everywhere_warning(items),
                        "" if any(WILL_BE_MULTI_LABEL in n for n in notes) else mixed_tags_warning(items)) if w]
    notes.extend(said)
    heard = heard_of([it.path for it in items], cfg.clip_samples, cfg.spec.rate)
    notes.extend(w for w in (long_files_warning(heard),) if w)     # words about a file's later part: not heard
    once = _one_destination()      # stdout and stderr both to one terminal or log: the notes said now are not repeated
    ahead = notes + [f"note: {count_words(len(files), 'file')} left out ({why}; named when training ends)"
                     for files, why in ((skipped, "unreadable"), (silent, "nothing to hear")) if files]
    if ahead:   # said now too: the musician can stop (Ctrl-C) and fix the data instead of hearing it minutes later
        print("\n".join(ahead) + f"\n{TRAINING_GOES_ON}", file=sys.stderr, flush=True)    # (QA: an empty tag
                                                    # folder, files left out, were said only once training had ended)
    row = {it.path: i for i, it in enumerate(items)}
    tags = tag_list(items)
    # training rows first, then the held-out ones, rearranged in place: train() and the report get views,
    # not copies, so a large library is held in memory once
    reorder_rows(clips, [row[it.path] for it in train_items + held])
    k = len(train_items)
    with StopRequest(sigterm=True) as stop:       # a first Ctrl-C or SIGTERM: stop training, keep what was trained
        res = train(train_items, cfg, TrainOptions(steps=steps, minutes=minutes, seed=seed, threads=threads,
                                                   stop=stop), tags=tags, clips=clips[:k],
                    exclusive=is_exclusive(targets(items, tags)))   # of every file, the held-out ones too
        stop.training_over()           # a first Ctrl-C from here on: the pack is still written
        metrics = {"train_items": len(train_items), "train_seconds": round(res.seconds, 1), "steps": res.steps}
        if res.stopped_early:
            metrics["stopped_early"] = stopped_words(res.seconds, minutes * 60, res.steps, steps, by=stop.by)
        text = "".join(f"{note}\n" for note in notes if not (once and ahead))
        kind = "one tag per file" if res.net.cfg.exclusive else "any number of tags per file: a yes or no per tag"
        text += f"trained on {len(train_items)} samples ({kind}), {res.steps} steps in {res.seconds:.0f} s"
        text += f"\n{examples_line(train_items)}" + ("" if shots else few_examples_line(items))
        if silent:
            metrics["silent_files"] = len(silent)
            text = (f"note: left out {count_words(len(silent), 'file')} with nothing to hear (silent or too short: "
                    f"`hatbox tag` skips them too; a tagger learns nothing from silence):\n" +
                    "".join(f"  {path}: {why}\n" for path, why in silent[:10]) +
                    (f"  ... and {len(silent) - 10} more\n" if len(silent) > 10 else "") + text)
        if skipped:
            metrics["skipped_files"] = len(skipped)
            text = (f"skipped {count_words(len(skipped), 'unreadable file')}:\n" +
                    "".join(f"  {why}\n" for _, why in skipped[:10]) +
                    (f"  ... and {len(skipped) - 10} more\n" if len(skipped) > 10 else "") + text)
        if res.stopped_early:
            text += f"\nstopped early ({metrics['stopped_early']}): the pack holds what was trained by then"
        elif res.steps < steps:
            need = math.ceil(minutes * steps / max(res.steps, 1) * 10) / 10       # at this machine's pace, to 0.1 min
            text += (f"\nwarning: the {minutes:g}-minute budget ran out after {res.steps} of {steps} steps; "
                     f"the tagger is likely less accurate - all {steps} would take about {number_words(need)} "
                     f"minutes here (--minutes {number_words(need)})")
        rep = None
        if held:
            rep = _evaluate(res.net, held, clips[k:k + len(held)], tags, on_every_file(items))
            metrics.update(held_metrics(rep, len(held)), **scored_metrics(rep))
            rough = (f" - only {len(held)}, and of the sounds it trained on ({held_from(sources)}): a rough "
                     f"check, not how it will do on a library it has never heard" if len(held) < FEW_HELD else "")
            text += f"\nheld-out report ({count_words(len(held), 'sample')}{rough}):\n{format_report(rep)}"
        else:                   # no file kept aside (every word too rare, or --holdout 0): no score, said so (p51)
            metrics.update(holdout_items=0, holdout_scored_words=0)
        if holdout > 0:
            text += _holdout_note(items, held)
        export_tagger(res.net, tags, out, name=name, metrics=metrics)
        text += f"\nwrote {out}"
        text += _remove_old_report(out)     # the last run's report described the pack just replaced
        if rep is not None:                 # the report beside the pack, only once the pack is there
            rep.update(clip_seconds=heard.clip_seconds, median_file_seconds=round(heard.median_seconds, 3))
            rep["left_out"] = ([{"path": str(path), "why": why, "kind": "unreadable"} for path, why in skipped] +
                               [{"path": str(path), "why": why, "kind": "silent"} for path, why in silent])
            text += _write_report(rep, tags, out, picture_title(rep, len(held), before, tags))
            limit = run_limit(res.steps, minutes, steps, res.stopped_early, stop.by)
            text += "".join(f"\n{line}" for line in tagger_next(metrics.get("holdout_macro_f1"), limit, rep["per_tag"],
                                                                 tag_counts(train_items), later_clause(heard)))
        return summary(text, metrics.get("stopped_early"), ahead)


def held_metrics(rep: dict, held: int) -> dict[str, int | float]:
    """The pack's metrics of held-out report ``rep`` on ``held`` files: ``holdout_items``, ``holdout_scored_words``
    (the words its macro-F1 is the mean over: some held-out file carries them) and ``holdout_macro_f1``, only when
    that is one or more (fifty-first stop: a tagger none of whose held-out files carries any of its words stored
    0.0, read by `pack inspect`, a retrain's comparison and the box's list as a real score, "worse than before")."""
    scored = int(rep.get("macro_f1_words", len(rep.get("tags", ()))))
    out: dict[str, int | float] = {"holdout_items": held, "holdout_scored_words": scored}
    if scored:
        out["holdout_macro_f1"] = round(rep["macro_f1"], 4)
    return out


def scored_metrics(rep: dict) -> dict[str, Any]:
    """The pack's metrics beside :func:`held_metrics` (since the fifty-first stop; hatbox.replaced reads them):
    ``holdout_f1_per_word`` (each scored word's F1: a retrain whose new words had nothing held out is compared like
    for like, fifty-first stop's QA), ``holdout_labels`` (the scored words on the held-out files, one a word a file:
    what a comparison's margin stands on), and ``holdout_left_out`` (words on every file, not scored:
    :func:`on_every_file`); {} for a report that scored no word."""
    from trainer.tagger.report import scored_words
    per_word = scored_words(rep)
    out: dict[str, Any] = {"holdout_f1_per_word": {t: round(f, 4) for t, f in per_word.items()},
                           "holdout_labels": sum(int(rep["per_tag"][t]["support"]) for t in per_word)} \
        if per_word else {}
    if rep.get("macro_f1_left_out"):
        out["holdout_left_out"] = list(rep["macro_f1_left_out"])
    return out


def on_every_file(items: list[Item]) -> tuple[str, ...]:
    """The words every one of ``items`` (the training samples, held-out ones too) carries, when some word is not on
    every file: such a word tells the sounds nothing apart, scores 1.0 on any held-out file and lifted the macro-F1
    (fifty-first stop's QA: "mine" on all 40 files); () when there is none, or every word is on every file."""
    counts = tag_counts(items)
    every = tuple(t for t in sorted(counts) if counts[t] == len(items))
    return every if len(every) < len(counts) else ()


def everywhere_warning(items: list[Item]) -> str:
    """A warning naming the words on every one of ``items`` (:func:`on_every_file`); "" when none is."""
    every = on_every_file(items)
    if not every:
        return ""
    named = ", ".join(f"'{t}'" for t in every)
    one = len(every) == 1
    it, tells, is_ = ("it", "it tells", "it is") if one else ("them", "they tell", "they are")
    return (f"warning: {named} {'is' if one else 'are'} on every file ({len(items)}): {tells} the sounds nothing "
            f"apart; the tagger will give {it} to every file (`hatbox tag --untagged` then lists none), and {is_} "
            f"left out of the held-out macro-F1\n  hint: leave {it} out of your data, or add files without {it} "
            "(sounds it does not describe)")


def _one_destination() -> bool:
    """Whether stdout and stderr lead to one place (a terminal, a log of both): a note said on stderr before
    training is then not said again in the summary (QA: each warning was printed twice)."""
    import os
    try:
        out, err = os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):     # replaced streams with no file behind them
        return False
    return (out.st_dev, out.st_ino, out.st_rdev) == (err.st_dev, err.st_ino, err.st_rdev)


def _holdout_note(items: list[Item], held: list[Item]) -> str:
    """Why tags have no held-out files ('' when none lacks them): fewer than 4 samples.  Every tag the table
    shows with nothing held out is named (a file's second tag too: "kick" of files tagged "acoustic, kick" was
    left out of this line while the table showed it n=0), in the table's own words, "none held out": the table
    shows such a word (and what the tagger called it), so "not in the held-out report" contradicted it (fifty-third
    stop's QA, T2)."""
    counts, in_held = tag_counts(items), tag_counts(held)
    small = sorted(t for t, c in counts.items() if c < MIN_FOR_HOLDOUT or not in_held[t])
    if not small:
        return ""
    listed = (", ".join(f"{t} ({counts[t]})" for t in small[:10]) +
              (f" and {len(small) - 10} more" if len(small) > 10 else ""))
    if not held:
        return (f"\nno held-out report: every tag has fewer than {MIN_FOR_HOLDOUT} samples to keep some aside "
                f"({listed}); all were used for training")
    why = (f"fewer than {MIN_FOR_HOLDOUT} samples, all used for training" if all(counts[t] < MIN_FOR_HOLDOUT
                                                                                 for t in small) else
           f"all their files used for training; a word with fewer than {MIN_FOR_HOLDOUT} samples is never held out")
    return f"\nnone held out, so not scored ({why}): {listed}"


def _evaluate(net, held: list[Item], clips: np.ndarray, tags: list[str], left_out: tuple[str, ...] = ()) -> dict:
    """Score ``net`` on the held-out items (their decoded clips [H, >= N]); ``left_out``: words on every file, never
    taken into the macro-F1: held-out files carrying only those give no score (fifty-first stop's review: scored
    again with them, the pack stored 1.0 "over the 1 word", the very word the run had said was left out)."""
    probs, _ = predict(net, clips)
    return evaluate(probs, targets(held, tags), tags, exclusive=net.cfg.exclusive, left_out=left_out)


def report_paths(out: Path) -> tuple[Path, Path]:
    """The held-out report written beside pack ``out``: (``out``.report.json, ``out``.confusion.png)."""
    return Path(f"{out}.report.json"), Path(f"{out}.confusion.png")


def _remove_old_report(out: Path) -> str:
    """Remove the report files an earlier run left beside ``out`` (just replaced): a run without a held-out
    report must not leave the last pack's beside the new one.  A line for the summary when one cannot be."""
    for path in report_paths(out):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            return f"\nwarning: {path} is the report of the pack replaced, and could not be removed ({exc.strerror})"
    return ""


def picture_title(rep: dict, held: int, before: tuple[float, int | None, tuple[str, ...]] | None,
                  tags: list[str] | None = None) -> str:
    """The confusion picture's title: the held-out file count beside the score, and the replaced pack's score when
    there was one: "held-out: 12 files, macro-F1 0.91 (the pack replaced: 0.88 on 9 files)"; not when its words
    differ from the new pack's ``tags`` (a score over other words: forty-ninth stop's review).  What the score leaves
    out (:func:`title_words`) shares the one bracket: "... over 10 of 13 words (3 with none held out given to 3
    files wrongly; the pack replaced: 0.88 on 9 files)"."""
    from hatbox.score_rules import words_differ
    from trainer.tagger.report import no_score
    scored = rep.get("macro_f1_words")
    score = no_score(rep) if scored == 0 else f"macro-F1 {rep['macro_f1']:.2f}"
    words, aside = title_words(rep)
    if before is not None and not (tags is not None and words_differ(before[2], tuple(tags))):
        on = f" on {count_words(before[1], 'file')}" if before[1] else ""
        aside.append(f"the pack replaced: {before[0]:.2f}{on}")
    return f"held-out: {count_words(held, 'file')}, {score}{words}" + (f" ({'; '.join(aside)})" if aside else "")


def title_words(rep: dict) -> tuple[str, list[str]]:
    """What the picture's title says after the score of a report that leaves words out (trainer.tagger.report.unscored),
    and what goes in its bracket: (" over 10 of 13 words", ["3 with none held out given to 3 files wrongly"]); ("",
    []) when it is over every word; no "over" when it is over none (its title says why: report.no_score)."""
    scored, words = rep.get("macro_f1_words"), len(rep.get("tags", ()))
    if scored is None or scored == words:
        return "", []
    wrong = rep["unscored_given_wrongly"]
    given = [f"{len(wrong['words'])} with none held out given to {count_words(wrong['files'], 'file')} wrongly"
             if scored else f"{count_words(len(wrong['words']), 'word')} given to {count_words(wrong['files'], 'file')}"
             " wrongly"] if wrong["words"] else []
    return (f" over {scored} of {words} words" if scored else ""), given


def _write_report(rep: dict, tags: list[str], out: Path, title: str) -> str:
    """Write ``out``.report.json (``rep``: the held-out scores, and ``left_out``: the files training skipped, each
    {path, why, kind: unreadable or silent}) and ``out``.confusion.png; returns a line for the summary (a warning
    if they could not be written: the pack is there all the same)."""
    json_path, png_path = report_paths(out)
    try:
        write_atomic(json_path, json.dumps(rep, indent=2).encode())
        with atomic_output(png_path) as fh:     # a cut picture is never left (Ctrl-C, a full disk)
            report_png(rep, tags, fh, title)   # several tags per file: a yes or no per tag, not one guess
    except OSError as exc:
        return f"\nwarning: the held-out report was not written ({exc.strerror or exc}: {exc.filename or json_path})"
    return f" and its held-out report {json_path.name}, {png_path.name}"


def run_limit(done: int, minutes: float | None, steps: int | None, stopped_early: bool, by: str = "Ctrl-C") -> Limit:
    """What ended a tagger training of ``done`` steps (budget ``minutes``, cap ``steps``), for its next: advice, with
    the tagger's own defaults (a tiny --minutes is told at least the default 4.5, not "e.g. --minutes 1")."""
    return Limit(steps=done, minutes=minutes, cap=steps, cap_option="--steps", default_cap=TAGGER_STEPS,
                 stopped_early=stopped_early, default_minutes=TAGGER_MINUTES, by=by)
