"""A training that writes over an older pack says how the two compare, and keeps the older one beside it, always
(forty-ninth stop's QA: a retrain called "better" on 12 held-out files replaced a pack that was better on the whole
library, and the older pack was lost; until then it was kept only when the new one scored worse).  Where the held-out
sets are small a difference within chance is "level" (:func:`level_margin`), and a tagger whose words changed is not
compared as like for like (:func:`words_differ`).  A pack of another kind is refused before the training starts, and a
file that is no readable pack is kept aside, said (thirty-ninth stop's QA: both were written over with no word).  The
new pack of the older one's name takes the next version (:func:`carry_version`)."""
from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hatbox.score_rules import (count_files, level_margin, like_for_like, no_score_why, stands_on, train_set_score,
                                unscored, words_differ)


@dataclass
class Older:
    """The file a training is about to replace: its bytes (kept in memory: packs are small), and, when it is a
    pack (``readable``), its kind and score; a file that is no readable pack is kept aside whole (:func:`aside_path`)
    once the new pack is written."""

    data: bytes
    kind: str
    score: float | None
    readable: bool = True
    name: str = ""              # its manifest's name and version (a readable pack's)
    version: str = ""
    held: tuple[str, Any] | None = None     # what its score was measured on (:func:`held_out_set`)
    words: tuple[str, ...] = ()             # a tagger's tags (its manifest's), () for other kinds
    key: str = ""                           # its score's (device.store.SCORE_KEYS), "" when it has none
    unscored: bool = False                  # a tagger or synth with no held-out score (score_rules.unscored)
    why: str = ""                           # why it has none, in words (score_rules.no_score_why)
    per_word: dict[str, float] | None = None    # its held-out F1 of each word it scored (store_layout.scored_f1)
    labels: int | None = None               # the held-out words its macro-F1 stands on (store_layout.held_labels)
    zero: bool = False                      # its "no score" is a stored 0 of before: maybe real (:func:`old_zero`)
    train_score: float | None = None        # a synth's distance on its own training notes (no held-out ones)
    stopped: bool = False                   # its training was stopped early (Ctrl-C)


def older_pack(out: str | Path, kind: str | None = None) -> Older | None:
    """The pack at ``out`` as it is before a training, or None when there is none (or it is not a readable pack:
    nothing to compare with or to keep).  ``kind``: the kind of pack the training writes (thirty-ninth stop's QA:
    `train effect --out mytagger.hatpack` wrote over a tagger pack, and over any file, with no word and no copy):
    a pack of another kind is then refused (HatboxError) before any training, and a file that is no readable pack
    is returned to be kept aside (:func:`_not_a_pack`)."""
    from device.store_layout import held_labels, scored_f1
    from export.manifest import kind_phrase
    from export.pack import read_pack
    from hatbox.errors import HatboxError
    out = Path(out)
    try:
        if not out.is_file():
            return None
        data = out.read_bytes()
        manifest = read_pack(out).manifest
    except Exception:  # noqa: BLE001 - whatever was there, it is no pack to compare with
        return _not_a_pack(out, kind)
    if kind is not None and manifest.kind != kind:
        raise HatboxError(f"{out} is {kind_phrase(manifest.kind)}, not {kind_phrase(kind)}: the training would "
                          "write over it; nothing was done", hint="give another --out (or delete it first)")
    key, score = _score(manifest.metrics)
    kind, metrics = manifest.kind, manifest.metrics
    none = unscored(kind, metrics)
    return Older(data, kind, score, name=manifest.name, version=manifest.version,
                 held=held_out_set(metrics), words=pack_words(manifest), key=key,
                 unscored=none, why=no_score_why(metrics, kind) if none else "",
                 per_word=scored_f1(metrics), labels=held_labels(metrics), zero=none and old_zero(metrics),
                 train_score=train_set_score(metrics), stopped=bool(isinstance(metrics, dict)
                                                                     and metrics.get("stopped_early")))


def old_zero(metrics: Any) -> bool:
    """Whether a tagger's metrics hold a macro-F1 with no count of the words it is over (a pack of before the
    fifty-first stop): its 0 is no score to go by, but may be a real one (cmd_pack.OLD_ZERO), so it is not said to
    have had none."""
    from device.store_layout import MACRO_F1, SCORED_WORDS
    return isinstance(metrics, dict) and MACRO_F1 in metrics and SCORED_WORDS not in metrics


def pack_words(manifest: Any) -> tuple[str, ...]:
    """A tagger's words (its manifest's tags); () for other kinds (a synth's tags are "synth" and its instruments'
    names, no words it gives: forty-ninth stop's review)."""
    return tuple(manifest.tags) if manifest.kind == "tagger" else ()


def held_out_set(metrics: dict[str, Any]) -> tuple[str, Any] | None:
    """What a pack's headline score was measured on, as far as its metrics tell: an effect's held-out pairs (their
    names), a synth's held-out notes or a tagger's held-out samples (their count); None when they do not say."""
    pairs = metrics.get("val_esr_per_pair") if isinstance(metrics, dict) else None
    if isinstance(pairs, dict) and pairs:
        return "pair", frozenset(pairs)
    for key, what in (("heldout_notes", "note"), ("holdout_items", "sample")):
        value = metrics.get(key) if isinstance(metrics, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            return what, value
    return None


def _other_set(older: Older, metrics: dict[str, Any]) -> str:
    """Words for a comparison of two scores measured on different held-out sets (more recordings given to the new
    training, another split): "" when the sets are the same or either is unknown."""
    from hatbox.text import count_words
    new = held_out_set(metrics)
    if older.held is None or new is None or older.held[0] != new[0] or older.held[1] == new[1]:
        return ""
    what, before, now = new[0], older.held[1], new[1]
    if isinstance(now, frozenset):
        before, now = len(before), len(now)
        if before == now:
            return f" (measured on other held-out {what}s: the two figures are not like for like)"
    return (f" (measured on other held-out sets, {count_words(before, what)} then, {now} now: the two figures are "
            "not like for like)")


def aside_path(out: Path) -> Path:
    """Where a file at a training's --out that was no readable pack is kept: ``x.hatpack`` -> ``x.hatpack.old``
    (not :func:`kept_path`: the next retrain keeps the pack it replaces there, in its place)."""
    return out.with_name(f"{out.name}.old")


def _not_a_pack(out: Path, kind: str | None) -> Older | None:
    """What :func:`older_pack` makes of a file at ``out`` that is no readable pack: None without ``kind`` (no
    training about to write there), for an empty file (nothing to lose) or a name export.atomic.check_out refuses
    anyway (not .hatpack: a recording's, a CSV's); else its bytes, for :func:`compare_and_keep` to keep aside at
    :func:`aside_path`, refused (HatboxError) before the training when that place is taken."""
    from export.atomic import PACK_SUFFIX
    from hatbox.errors import HatboxError
    try:
        data = out.read_bytes() if kind is not None and out.suffix.lower() == PACK_SUFFIX else b""
    except OSError:
        return None                                   # check_out or the writer says what is wrong with it
    if not data:
        return None
    aside = aside_path(out)
    if aside.exists() or aside.is_symlink():
        raise HatboxError(f"{out} is there and is not a readable pack, and {aside.name}, where it would be kept, is "
                          "taken too: nothing was done",
                          hint=f"give another --out (or move one of them away first; `hatbox pack inspect "
                               f"{shlex.quote(str(out))}` says what is wrong with it)")
    return Older(data, "", None, readable=False)


def _score(metrics: dict[str, Any]) -> tuple[str, float | None]:
    """(key, value) of the headline score a trainer wrote into a pack's metrics (device.store.SCORE_KEYS: the one
    `hatbox box-pack` lists); ("", None) when it has none, a tagger's that scored no word too (fifty-first stop:
    such a pack stored macro-F1 0.0, and a retrain over it or by it was called better or worse than a real score:
    device.store_layout.no_held_out_score)."""
    from device.store_layout import SCORE_KEYS, headline_scores
    scores = headline_scores(metrics)
    return next(((key, scores[key]) for key in SCORE_KEYS if key in scores), ("", None))


def kept_path(out: Path) -> Path:
    """Where the older pack a training replaced is kept: ``pedal.hatpack`` -> ``pedal.prev.hatpack`` (one level:
    the next training keeps the pack it replaces there in its place)."""
    return out.with_name(f"{out.stem}.prev{out.suffix}")


VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def carry_version(older: Older | None, out: str | Path, pack: Any) -> str | None:
    """After a training wrote ``pack`` (export.pack.Pack, read back) at ``out`` over ``older``, a pack of the same kind
    and name whose version is the same or later: the new pack takes the next version (0.1.2 -> 0.1.3; the manifest
    rewritten, atomically), so the box's list and the panel tell retrained packs apart (effect QA of the fortieth
    stop: every capture of a pedal reached the box as "pedal 0.1.0").  Returns the summary's line, or None when
    nothing changed (no such older pack, a version that is not three numbers)."""
    import dataclasses

    from export.pack import MANIFEST, SIGNATURE, write_pack
    if older is None or not older.readable:
        return None
    old, new = VERSION_RE.fullmatch(older.version), VERSION_RE.fullmatch(pack.manifest.version)
    if old is None or new is None or (pack.manifest.kind, pack.manifest.name) != (older.kind, older.name):
        return None
    before = tuple(int(g) for g in old.groups())
    if tuple(int(g) for g in new.groups()) > before:
        return None
    version = f"{before[0]}.{before[1]}.{before[2] + 1}"
    write_pack(out, dataclasses.replace(pack.manifest, version=version),
               {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})
    return f"note: {Path(out).name} is {older.name} {version} (the pack it replaced was {older.version})"


def compare_and_keep(older: Older | None, out: str | Path) -> list[str]:
    """Lines for the summary after a training wrote ``out`` over ``older``: both scores, better, worse or level (or
    that the two packs' words differ), and that the older pack is kept beside it (:func:`kept_path`, written
    atomically; always since the forty-ninth stop, with how to go back: before, only when the new pack scored worse,
    and a retrain "better" on a few held-out files lost it).  [] when there was no older pack; a file that was no
    readable pack is kept aside (:func:`_keep_aside`); the new pack's version, when it took the next one
    (:func:`carry_version`)."""
    from export.pack import read_pack
    out = Path(out)
    if older is not None and not older.readable:
        return [_keep_aside(older, out)]
    if older is None or _unchanged(older, out):
        return []
    try:
        pack = read_pack(out)
    except Exception:  # noqa: BLE001 - the summary goes on without the comparison; the older pack is kept all the same
        return [_keep(older, out)]
    versioned = carry_version(older, out, pack)
    return ([versioned] if versioned else []) + _compared(older, out, pack.manifest) + [_keep(older, out)]


@dataclass
class Keeper:
    """What :func:`kept_if_stopped` yields: :meth:`keep` (the older pack kept and the new one's version carried, once,
    with Ctrl-C/SIGTERM/SIGHUP held off while it runs) and :meth:`say` (its lines printed, once)."""

    older: Older | None
    out: Path
    lines: list[str] | None = None          # compare_and_keep's lines once it ran
    said: bool = False

    def keep(self) -> list[str]:
        """Run :func:`compare_and_keep` (once): call it as soon as the new pack is written, before anything is
        printed (forty-ninth stop's regression QA: a Ctrl-C while the summary was printed lost the older pack)."""
        if self.lines is None:
            with _signals_held():
                self.lines = compare_and_keep(self.older, self.out)
        return self.lines

    def say(self) -> None:
        """Print :meth:`keep`'s lines (once)."""
        lines = self.keep()
        if not self.said:
            self.said = True
            for line in lines:
                print(line, flush=True)


STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP held back while the older pack is kept, and met (their handlers called) once it is,
    so that no stop falls between the new pack's version and the older pack's copy: their Python handlers are
    swapped for one that notes them (not the signal mask: another thread, torch's, would take them); in the main
    thread only (where handlers are set), and only signals with a Python handler (default ones are left be)."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before: dict[int, Any] = {}
    for name in STOP_SIGNALS:
        sig = getattr(signal, name, None)
        handler = signal.getsignal(sig) if sig is not None else None
        if callable(handler):
            before[sig] = handler
            signal.signal(sig, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
        if caught:
            before[caught[0]](caught[0], None)         # the stop, met now that the older pack is kept


@contextmanager
def kept_if_stopped(older: Older | None, out: str | Path) -> Iterator[Keeper]:
    """Around a training that writes ``out`` over ``older`` and its summary: when it ends by an exception (Ctrl-C,
    SIGTERM, an error) after ``out`` was written, :func:`compare_and_keep` runs (its lines printed) before the
    exception goes on, unless :meth:`Keeper.keep` ran already (then its lines are printed if they were not), so the
    older pack, held only in memory, is kept and the new one takes the next version (forty-ninth stop's review: a
    Ctrl-C while the report was written lost it; its regression QA: a Ctrl-C while the summary was printed, after
    the training, lost it too and left the new pack at 0.1.0)."""
    from hatbox.errors import file_state
    before = file_state(out)
    keeper = Keeper(older, Path(out))
    try:
        yield keeper
    except BaseException:
        if keeper.lines is not None or (older is not None and file_state(out) != before):
            keeper.say()
        raise


def _unchanged(older: Older, out: Path) -> bool:
    """Whether ``out`` still holds ``older``'s bytes (nothing was written over it: nothing to keep)."""
    try:
        return out.read_bytes() == older.data
    except OSError:
        return False


def _compared(older: Older, out: Path, manifest: Any) -> list[str]:
    """:func:`compare_and_keep`'s comparison once the older file is known to be a readable pack and the new one's
    ``manifest`` (export.manifest.Manifest) is read: [] when the kinds differ or neither has a score.  Taggers: one
    with no held-out score is said so, "not compared", whether their words differ or not (:func:`_unscored_line`;
    fifty-first stop's QA: a retrain with nothing held out said nothing), a synth's too (fifty-second stop's);
    two whose words differ are compared like for like where both packs name the words they scored (:func:`_basis`)."""
    if manifest.kind != older.kind:
        return []
    differ = words_differ(older.words, pack_words(manifest))
    key, new = _score(manifest.metrics)
    head = [f"note: the new pack's words differ: {differ}"] if differ else []
    if older.unscored or unscored(manifest.kind, manifest.metrics):
        return head + _unscored_line(older, out, manifest, key or older.key)
    if older.score is None or new is None:
        return head
    basis = _basis(older, manifest.metrics, new, bool(differ))
    if basis is None:
        return [head[0] + _scores_apart(older.score, new, key)] if head else []
    was, now, over = basis
    if head and over.startswith(" (over the same"):
        head, over = [head[0] + over], ""
    return head + [_verdict(older, out, manifest.metrics, key, (was, now), over)]


def _basis(older: Older, metrics: dict[str, Any], new: float, differ: bool) -> tuple[float, float, str] | None:
    """What two tagger packs' scores are compared by (:func:`like_for_like`): (older, newer, words said of it), None
    when nothing is like for like.  ``new``: the new pack's headline score (an effect's or a synth's too: they name
    no words)."""
    from device.store_layout import scored_f1
    before, now = older.per_word, scored_f1(metrics)
    got = like_for_like((older.score, new), (before, now), differ)
    if got is None:
        return None
    if not got[2]:
        return got[0], got[1], "" if before is None or now is None else _same_words_said(before, differ)
    return (got[0], got[1], f" over the {_count_words(got[2], 'word')} both packs scored on held-out files (their "
            f"macro-F1s, over {len(before or ())} and {len(now or ())} words: {older.score:.4g}, {new:.4g})")


def _same_words_said(scored: dict[str, float], differ: bool) -> str:
    """Words for two scores over one set of ``scored`` words, said only where the packs' words differ: " (over the
    same 10 words: the others had none held out)"."""
    if not differ:
        return ""
    return f" (over the same {_count_words(len(scored), 'word')}: the others had none held out)"


def _count_words(n: int, word: str) -> str:
    from hatbox.text import count_words
    return count_words(n, word)


def _verdict(older: Older, out: Path, metrics: dict[str, Any], key: str, scores: tuple[float, float],
             over: str) -> str:
    """The comparison's line: both scores (``over``: what they are taken over), and better, worse, the same, or
    within what the held-out files can tell (:func:`level_margin` on :func:`_few_files`)."""
    from device.store_layout import HIGHER_IS_BETTER
    was, now = scores
    words, higher = _held_words(key), key in HIGHER_IS_BETTER
    change = (now - was) if higher else (was - now)         # above 0: the new pack is better
    line = f"replaced {out.name}: its {words}{over} was {was:.4g}, the new pack's is {now:.4g}" + \
        _other_set(older, metrics)
    few, on = _few_files(older, metrics)
    if few and abs(change) < level_margin(few):
        return f"note: {line}: level: {on} cannot tell these apart"
    if change >= -1e-9:
        return f"note: {line}" + (" (better)" if change > 1e-9 else " (the same)")
    return f"warning: {line}: worse"


def _unscored_line(older: Older, out: Path, manifest: Any, key: str) -> list[str]:
    """:func:`_compared`'s line when the older pack or the new one (``manifest``) has no held-out score
    (score_rules.unscored): "note: replaced w.hatpack: its held-out macro-F1 was 0.9, the new pack has no held-out
    score (no file was held out to score it on): not compared"; neither is called better or worse.  Synths: with
    their distances on their own training notes, said as such (:func:`_train_set_said`)."""
    from device.store_layout import KIND_SCORE
    kind, metrics = manifest.kind, manifest.metrics
    words = _held_words(key or KIND_SCORE.get(kind, KIND_SCORE["tagger"]))
    _, new = _score(metrics)
    new_unscored, new_why = unscored(kind, metrics), no_score_why(metrics, kind)
    was = _had_none(older, words) if older.unscored else \
        (f"its {words} was {older.score:.4g}" if older.score is not None else "")
    now = f"the new pack has no held-out score ({new_why})" if new_unscored else \
        (f"the new pack's {words} is {new:.4g}" if new is not None else "")
    if older.unscored and new_unscored and not older.zero:
        why = older.why if older.why == new_why else f"{older.why}; the new pack: {new_why}"
        was, now = f"neither pack has a held-out score ({why.replace('its ', 'their ')})", ""
    said = ', '.join(w for w in (was, now) if w)
    return [f"note: replaced {out.name}: {said}: not compared{_train_set_said(older, metrics)}"]


def _train_set_said(older: Older, metrics: dict[str, Any]) -> str:
    """Two synths' distances on their own training notes, beside "not compared": " (on their own training notes,
    not held-out ones, their spectral distances were 1.04 then and 1.26 now, the new pack stopped early)"; "" when
    either has none."""
    now = train_set_score(metrics)
    if older.train_score is None or now is None:
        return ""
    stopped = [w for w, yes in (("the older pack", older.stopped), ("the new pack", bool(metrics.get("stopped_early"))))
               if yes]
    return (f" (on their own training notes, not held-out ones, their spectral distances were {older.train_score:.4g}"
            f" then and {now:.4g} now" + "".join(f", {w} stopped early" for w in stopped) + ")")


def _had_none(older: Older, words: str) -> str:
    """An older pack with no held-out score, said: "it had no held-out score (why)"; a stored 0 of before (maybe
    real: fifty-first stop's review) is said with `pack inspect`'s hedge (cmd_pack.OLD_ZERO)."""
    from hatbox.cmd_pack import OLD_ZERO
    if not older.zero:
        return f"it had no held-out score ({older.why})"
    on = f" on {count_files(older.held[1])}" if older.held and older.held[0] == "sample" else ""
    return f"its {words} was 0{on}, no score to go by ({OLD_ZERO})"


def _scores_apart(old: float | None, new: float | None, key: str) -> str:
    """The two scores of packs whose words differ, said as not like for like ("" when either is missing)."""
    if old is None or new is None:
        return ""
    return f" (its {_held_words(key)} was {old:.4g}, now {new:.4g}: scores over other words, not like for like)"


def _held_words(key: str) -> str:
    """The headline score ``key`` in words, as a held-out figure: "held-out macro-F1", "held-out error"."""
    from device.store_layout import SCORE_WORDS
    words = SCORE_WORDS[key]
    return words if words.startswith("held-out") else f"held-out {words}"


def _few_files(older: Older, metrics: dict[str, Any]) -> tuple[int, str]:
    """(what the two scores stand on, for :func:`level_margin`; its words) (:func:`stands_on`); (0, "") when the
    packs count neither (effects: pairs, synths: notes)."""
    from device.store_layout import held_labels
    now = held_out_set(metrics)
    counts = [held[1] for held in (older.held, now) if held is not None and held[0] == "sample"]
    return stands_on(min(counts) if counts else 0, (older.labels, held_labels(metrics)))


def _keep(older: Older, out: Path) -> str:
    """Keep ``older`` (a readable pack ``out`` held) at :func:`kept_path`, atomically, in place of whatever was kept
    there (one level of history), unless that is a pack of the same kind and words that scored better, or a synth
    that ran in full where ``older`` stopped early and the two cannot be compared (:func:`_full_run_kept`): it is
    moved to :func:`versioned_path` first (forty-ninth stop's review: retrains 0.95, 0.60, 0.70 lost the 0.95 one;
    fifty-second stop's QA: synth retrains with no held-out notes lost the one full-budget pack of three; its
    review: moving every unscored one aside kept one more pack at each retrain).  The summary's line: which file
    holds what, what became of the one kept there before, and how to go back."""
    from export.atomic import write_atomic
    kept = kept_path(out)
    there = _held_there(kept)
    what = _pack_words(older) or "the pack replaced"
    moved = _move_better(there, older, kept) if isinstance(there, Older) else None
    if isinstance(moved, str):                                      # a warning: the better pack stays where it is
        return moved
    try:
        write_atomic(kept, older.data)
    except OSError as exc:
        return f"warning: the older pack ({what}) could not be kept as {kept} ({exc.strerror or exc})"
    return (f"note: the older pack is kept as {kept} ({what}{_instead(there, moved, older)}); to go back: mv "
            f"{shlex.quote(str(kept))} {shlex.quote(str(out))} (or send it to the box: hatbox push "
            f"{shlex.quote(str(kept))})")


def _pack_words(older: Older) -> str:
    """"mywords 0.1.1, held-out macro-F1 0.6": a pack's name, version and score as far as it has them."""
    score = f"{_held_words(older.key)} {older.score:.4g}" if older.score is not None and older.key else \
        ("held-out macro-F1 0, no score to go by" if older.zero else "no held-out score" if older.unscored else "")
    name = " ".join(w for w in (older.name, older.version) if w)
    return ", ".join(w for w in (name, score, "stopped early" if older.stopped else "") if w)


def _instead(there: Older | str | None, moved: Path | None, older: Older) -> str:
    """What became of what :func:`kept_path` held before, for :func:`_keep`'s line ("" when nothing was there)."""
    if there is None:
        return ""
    if isinstance(there, str):
        return f", in place of {there} kept there before (replaced)"
    if moved is not None:
        return f"; {_pack_words(there)}, kept there before and {_moved_why(there, older)}, is moved to {moved}"
    return f", in place of {_pack_words(there) or 'the pack'} kept there before (replaced)"


def _better(one: Older, other: Older) -> bool:
    """Whether pack ``one`` scored better than ``other``, like for like: same kind, same words, same score; or it has
    a score and ``other``, a tagger, none (fifty-first stop's review: two retrains with no held-out score wrote
    over the 0.9 pack kept before them)."""
    from device.store_layout import HIGHER_IS_BETTER
    if one.kind != other.kind or set(one.words) != set(other.words) or not one.key:
        return False
    if other.unscored:                      # ``one`` has a score: its key is set
        return True
    if one.key != other.key or one.score is None or other.score is None:
        return False
    return one.score > other.score if one.key in HIGHER_IS_BETTER else one.score < other.score


def _moved_why(there: Older, older: Older) -> str:
    """Why ``there`` is moved aside rather than replaced by ``older``, for :func:`_instead`: "better" (for synths
    only when both packs have a held-out score: fifty-second stop's review, a scored synth was called better than
    the unscored --no-holdout one the docs recommend; a tagger with a score is better than one without, the
    fifty-first stop's rule); else "not compared with it (no held-out score)", and that it ran in full where
    ``older`` stopped early when that is why (:func:`_full_run_kept`)."""
    synth_unscored = there.kind == "synth" and (there.unscored or older.unscored)
    if not synth_unscored and _better(there, older):
        return "better"
    return "not compared with it (no held-out score)" + (", and it ran in full where that one stopped early"
                                                         if _full_run_kept(there, older) else "")


def _full_run_kept(there: Older, older: Older) -> bool:
    """Whether ``there`` (kept) and ``older`` (about to be kept in its place), synth packs that cannot be told
    better or worse (either has no held-out score), are a full run and one stopped early: only then is ``there``
    moved aside (fifty-second stop's QA lost a full run pushed out by a stopped one; its final read: also where the
    stopped one has a held-out score, a full --no-holdout run was lost); else ``older`` replaces it, one level of
    history (its review: moving every unscored pack aside kept one more file at each retrain, with no limit).
    Synths only: a tagger with no held-out score kept there is replaced by another (fifty-first stop's rule)."""
    return (there.kind == older.kind == "synth" and (there.unscored or older.unscored)
            and older.stopped and not there.stopped)


def _move_better(there: Older, older: Older, kept: Path) -> Path | str | None:
    """Move ``there`` (the pack at :func:`kept_path` ``kept``) to :func:`versioned_path` when it scored better than
    ``older``, about to be kept in its place, or ran in full where ``older`` stopped early (:func:`_full_run_kept`):
    the new path, a warning's line when it cannot be, None when it is not to be kept (it is replaced)."""
    from export.atomic import write_atomic
    if not (_better(there, older) or _full_run_kept(there, older)):
        return None
    to = versioned_path(kept, there.version)
    try:
        write_atomic(to, there.data)
    except OSError as exc:
        return (f"warning: {kept} holds a pack to keep ({_pack_words(there)}), which could not be moved to {to} "
                f"({exc.strerror or exc}): it stays there, and the older pack ({_pack_words(older)}) is not kept")
    return to


def versioned_path(kept: Path, version: str) -> Path:
    """Where a better pack :func:`kept_path` held is moved: ``pedal.prev.hatpack``, 0.1.0 -> ``pedal.0.1.0.hatpack``
    (``pedal.0.1.0-2.hatpack`` and on when that is taken)."""
    base = kept.name[: -len(f".prev{kept.suffix}")] + (f".{version}" if version else ".kept")
    path, n = kept.with_name(f"{base}{kept.suffix}"), 2
    while path.exists() or path.is_symlink():
        path, n = kept.with_name(f"{base}-{n}{kept.suffix}"), n + 1
    return path


def _held_there(kept: Path) -> Older | str | None:
    """What :func:`kept_path` ``kept`` holds before a training keeps another pack there: the pack (:class:`Older`),
    "a file that was no readable pack", or None when nothing is there."""
    if not (kept.exists() or kept.is_symlink()):
        return None
    try:
        there = older_pack(kept)
    except Exception:  # noqa: BLE001 - whatever it was
        there = None
    return there if there is not None else "a file that was no readable pack"


def _keep_aside(older: Older, out: Path) -> str:
    """The summary's line once a pack was written over ``older``, a file at ``out`` that was no readable pack:
    what it held is written to :func:`aside_path` (atomically), so that nothing is lost."""
    from export.atomic import write_atomic
    aside = aside_path(out)
    try:
        write_atomic(aside, older.data)
    except OSError as exc:
        return f"warning: {out.name} held no readable pack, and what it held could not be kept ({exc.strerror or exc})"
    return (f"warning: {out.name} held no readable pack before; what it held is kept as {aside} (the new pack is "
            f"{out.name})")
