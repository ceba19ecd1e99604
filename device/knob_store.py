"""The knobs the player set, kept in the box's store across a restart (STORE/knobs.json; forty-third stop).

Before, a power cut, a reboot or `hatbox device run` started again brought every knob back at its pack's default.
Now the engine process keeps its :class:`device.audio.held.KnobMemory` (what the player set on each slot's pack, by
encoder, MIDI CC, OSC, the panel or ``PUT /knobs``) in the file, and puts it back before its start-up packs load
(:meth:`KnobKeeper.restore`), so each pack starts where it was left, with the carry-over rules of a pack switched
in: a knob the pack no longer has, in another unit, or whose value is outside its range now, starts at its default
with a note in the slot's ``warnings`` (a pack replaced by a new upload with the same knobs takes them).

The file, written whole or not at all (export.atomic.write_atomic)::

    {"version": 1, "slots": {"effect": {"pack": "<store id>", "name": "<pack name>", "version": "1.0.0",
                 "knobs": [{"name": "drive", "value": 18.0, "unit": "dB", "on": "<pack name>",
                            "dial": [0.0, 24.0, "linear"]}]}}}

Written by the keeper's own thread (never the audio thread, never a reader thread): at once after a change, then at
most once every :data:`SAVE_EVERY_S` while knobs turn, and on a clean stop; so a power cut loses at most the last
second of turns, never the file.  A damaged file is set aside as ``knobs.json.damaged``, said as a start warning, and
every knob starts at its default.  The store is the one the engine's packs are installed in (device.store.installed_in):
packs played from elsewhere (a test's, `hatbox render`) keep nothing.

Forty-fifth stop (crash-safety QA): the file carries when it was written (``"kept_at"``, seconds since the epoch), and
a clean stop whose last write succeeded leaves a mark beside it (``knobs.json.stopped``, taken away at the next start).
The start line says "as they were left" only with that mark (or a file from before ``kept_at``), else "as last kept at
HH:MM" (a power cut, a crash, a full disk).  A write the disk refuses (full) is said while it lasts in the engine's
status (``knobs_not_kept``, shown by `hatbox status` and the knob routes' answers: the knobs play as turned, but a
restart brings them back as of the last write), and tried again every :data:`RETRY_S` until one succeeds.  A knob the
file keeps for a pack other than the one its slot played (set before it; the pack did not take it) is held for that
pack without a word when the same pack starts again (:meth:`KnobKeeper.restore`), not said "not restored".

Forty-eighth stop's QA: the output volume is kept in the same file (``"volume_db"``), whoever set it (the panel, the
laptop's ``PUT /volume``, OSC, MIDI): the box comes back as loud as it was left, never louder (before, a box left at
-12 dB came back at 0 dB, 12 dB louder).  A volume a stranger set over OSC is kept too: leaving it out would bring the
box back louder than it was left whenever that volume was a lower one.  It is put back with the start-up packs
(:meth:`KnobKeeper.restore`), before the output fades in.  Its last review: a box that started with no pack from
its store (the sampler alone) kept no volume, its file found only through the packs; the engine process is now given
the store folder (``ServerConfig.store``, set by `hatbox device run`), and an engine given none (a test's, a bench)
still keeps nothing with no pack from a store.  A ``volume_db`` that is no volume (edited by hand) is said in one
start warning (:func:`kept_volume`): the box starts at 0 dB.

Fifty-fifth stop's QA: the XY pad's position and the slots the player bypassed are kept in the same file (``"xy"``,
``"bypassed"``: device/kept_play.py), written as the knobs are; the pad is put back with the volume, a bypass once its
slot's start-up pack is in (not carried to another pack there now: a start warning), both named in the start line.
Its review: the pad is a gesture, not a setting: its position alone is written once it has rested
(:data:`PAD_REST_S`) or at most every :data:`PAD_EVERY_S` while it keeps moving (it was rewritten every second, about
3,600 writes an hour of pad play on an SD card); a write for anything else takes it as it is then.

p56 QA_A: who set the volume over the network is kept beside it (``"volume_set": {"by", "source", "set_at"}``, who
of the engine's ``volume_said``, read with the volume as one: device/kept_play.py ``who_of``) and put back with it,
so `hatbox status` says "set by 'vm' at 14:11" after a restart as before it.
"""
from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from device.audio.held import SetKnob
from device.control import VOLUME_DB_RANGE
from device.finite_numbers import finite_number, finite_or_none
from device.kept_play import (Bypassed, Pad, kept_play, not_carried_words, pack_entry, play_fields, play_words,
                               starting_entry, who_of)
from device.knob_store_words import (FULL, SHOWN, knob_words, problem_words, restored_line,  # noqa: F401 (theirs)
                                     unkept_words)
from device.store import KNOB_FILE, PACK_FILE, installed_in
from device.store_layout import versioned
from export.atomic import fsync_dir, write_atomic

SAVE_EVERY_S = 1.0        # at most one write a second while knobs turn
PAD_REST_S = 2.0          # the pad's position is written once it has not moved for this long...
PAD_EVERY_S = 10.0        # ...or this long after its first move not written yet, while it keeps moving
VERSION = 1
RETRY_S = 5.0             # a write the disk refused is tried again this often, turned or not
STOPPED = ".stopped"      # KNOB_FILE + this: the mark of a clean stop whose knobs were all written
log = logging.getLogger("hatbox.engine")

Kept = dict[str, dict[str, Any]]     # slot -> {"pack", "name", "version", "knobs": [SetKnob]}


def _knob(raw: Any) -> SetKnob:
    """One knob of the file; ValueError when it is not one (a finite value, a name, a unit or null)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise ValueError(f"not a knob: {str(raw)[:60]}")
    value, unit = raw.get("value"), raw.get("unit")
    if not finite_number(value):
        raise ValueError(f"knob '{raw['name']}' has no finite value")
    if unit is not None and not isinstance(unit, str):
        raise ValueError(f"knob '{raw['name']}' has a unit that is not text")
    return SetKnob(raw["name"], float(value), unit, on=str(raw.get("on") or ""), dial=_dial(raw.get("dial")))


def _dial(raw: Any) -> tuple[float, float, str] | None:
    """A knob's dial as the file keeps it (``[min, max, scale]``, the range its value's words are rounded to:
    device/knob_words.py), None where it keeps none (a file from before p57 M5) or not one: its words only."""
    ok = isinstance(raw, list) and len(raw) == 3 and raw[2] in ("linear", "log")
    numbers = ok and all(finite_number(v) for v in raw[:2])
    return (float(raw[0]), float(raw[1]), str(raw[2])) if numbers else None


def parse_kept(data: bytes) -> Kept:
    """The slots of a knob file's bytes; ValueError (UnicodeDecodeError, JSONDecodeError) when it is not one."""
    raw = versioned(data, VERSION, "slots", dict, "knob file")
    out: Kept = {}
    for slot, kept in raw["slots"].items():
        if not isinstance(kept, dict) or not isinstance(kept.get("knobs"), list):
            raise ValueError(f"slot '{slot}' holds no list of knobs")
        out[str(slot)] = {"pack": str(kept.get("pack") or ""), "name": str(kept.get("name") or ""),
                          "version": str(kept.get("version") or ""), "knobs": [_knob(k) for k in kept["knobs"]]}
    return out


def _knob_fields(k: SetKnob) -> dict[str, Any]:
    """A knob as the file keeps it; its dial too where known, so a knob kept for a pack that does not play at the next
    start (a signed-only start, an empty slot) is said by its dial's rounding there too (p57 QA_C 9: "<0.1 dB" in one
    run, "0.0183 dB" in the next)."""
    dial = {"dial": [k.dial[0], k.dial[1], k.dial[2]]} if k.dial is not None else {}
    return {"name": k.name, "value": k.value, "unit": k.unit, "on": k.on, **dial}


def kept_bytes(kept: Kept, kept_at: float | None = None, volume_db: float | None = None,
               play: dict[str, Any] | None = None) -> bytes:
    """What :func:`parse_kept` reads back as ``kept``; ``kept_at``: when it is written (seconds since the epoch);
    ``volume_db``: the output volume (dB, :func:`kept_volume` reads it back), left out when None; ``play``: the pad
    and bypass keys (device/kept_play.play_fields)."""
    slots = {slot: {**{k: v for k, v in entry.items() if k != "knobs"},
                    "knobs": [_knob_fields(k) for k in entry["knobs"]]}
             for slot, entry in sorted(kept.items())}
    when = {} if kept_at is None else {"kept_at": round(kept_at, 3)}
    volume = {} if volume_db is None else {"volume_db": float(volume_db)}
    return (json.dumps({"version": VERSION, "slots": slots, **when, **volume, **(play or {})}, indent=1,
                       sort_keys=True)
            + "\n").encode()


def kept_volume(data: bytes, name: str = KNOB_FILE) -> tuple[float | None, str | None]:
    """(the output volume (dB) a knob file's bytes ``data`` keep, None when they keep none (a file from before the
    forty-eighth stop) or one that is no number within :data:`device.control.VOLUME_DB_RANGE`; a start warning for
    the latter (edited by hand: the box starts at 0 dB then), else None); ``name``: the file's, for the warning.
    One parse of ``data``."""
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(raw, dict) or "volume_db" not in raw:
        return None, None
    value, (lo, hi) = raw["volume_db"], VOLUME_DB_RANGE
    if isinstance(value, (int, float)) and not isinstance(value, bool) and lo <= value <= hi:
        return float(value), None
    shown = json.dumps(value)[:40]
    return None, (f"the kept output volume ({shown} in {name}) was not a volume ({lo:g} to {hi:g} dB): the box starts "
                  "at 0 dB")


def written_at(path: Path) -> float | None:
    """When the knob file at ``path`` says it was written (its ``kept_at``); None: no file, or one from before the
    forty-fifth stop (or not readable: :func:`read_kept` says that)."""
    try:
        return kept_at_of(path.read_bytes())
    except OSError:
        return None


def kept_at_of(data: bytes) -> float | None:
    """The ``kept_at`` of a knob file's bytes ``data``; None when it has none (or is no JSON object)."""
    try:
        value = json.loads(data).get("kept_at")
    except (ValueError, AttributeError, RecursionError):
        return None
    return finite_or_none(value)


def read_kept(path: Path) -> tuple[Kept, float | None, str | None]:
    """(the knobs kept at ``path``, none when there is no file; the file's ``kept_at`` (:func:`kept_at_of`); a start
    warning or None) from one reading of ``path`` (p46: the start read knobs.json twice, three times after a clean
    stop).  A damaged file (a cut write, edited by hand) is set aside as ``knobs.json.damaged`` and said: every knob
    starts at its default."""
    kept, kept_at, warnings, _volume, _play, _who = read_kept_file(path)
    return kept, kept_at, (warnings or [None])[0]


def read_kept_file(path: Path) -> tuple[Kept, float | None, list[str], float | None, tuple[Bypassed, Pad | None],
                                        dict[str, Any]]:
    """Everything the knob file at ``path`` keeps, from one reading: its knobs, ``kept_at``, the start warnings
    (damaged, a volume or pad or bypass that is none), the output volume, (bypassed slots, pad position), and who
    set the volume (``"volume_set"``: {"by", "source", "set_at"}, kept_play.who_of; {} for nobody, or one that is
    none: the volume comes back without who; p56 QA_A)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, None, [], None, ({}, None), {}
    except OSError as exc:
        return {}, None, [_set_aside(path, exc)], None, ({}, None), {}
    try:
        kept = parse_kept(data)
    except ValueError as exc:
        return {}, None, [_set_aside(path, exc)], None, ({}, None), {}
    volume, warning = kept_volume(data, path.name)
    raw = json.loads(data)
    bypassed, pad, said = kept_play(raw, path.name)
    who = who_of(raw["volume_set"]) if volume is not None and isinstance(raw.get("volume_set"), dict) else {}
    return kept, kept_at_of(data), [w for w in (warning, *said) if w], volume, (bypassed, pad), who


def _set_aside(path: Path, exc: Exception) -> str:
    """Set the damaged knob file at ``path`` aside as ``knobs.json.damaged`` (said in the log); the start warning."""
    why = (str(exc).splitlines() or [""])[0][:120] or type(exc).__name__
    aside = path.with_name(path.name + ".damaged")
    try:
        path.replace(aside)
    except OSError:
        aside = path
    log.warning("the knobs kept from the last run (%s) were damaged (%s); kept as %s", path, why, aside)
    return (f"the knobs kept from the last run ({path.name}) were damaged ({why}): every knob starts at its "
            f"pack's default; the file is kept as {aside.name}")


def _leftovers(root: Path) -> None:
    """Remove the halves of knob files a power cut stopped mid-write (export.atomic's temporary files)."""
    for half in root.glob(f".{KNOB_FILE}.*"):
        try:
            half.unlink()
        except OSError:
            pass


def _take_mark(path: Path, kept_at: float | None) -> bool:
    """Whether the last run stopped cleanly with its knobs all in ``path``: its mark there names the file's own
    ``kept_at`` (a write after the mark, by a later run that then crashed, makes it stale by itself; p45 review;
    ``kept_at``: the file's, as :func:`read_kept` read it).  The mark is taken away (a removal works on a
    full disk), so this run's end says it again or not."""
    mark = path.with_name(path.name + STOPPED)
    try:
        said = mark.read_text(encoding="ascii")
    except (OSError, ValueError):
        return False
    with contextlib.suppress(OSError):
        mark.unlink()
        fsync_dir(mark.parent)
    return said == repr(kept_at)


def _set_mark(path: Path) -> None:
    """A clean stop with every knob written: the next start may say "as they were left" (the mark holds the file's
    ``kept_at``, :func:`_take_mark`)."""
    with contextlib.suppress(OSError):
        path.with_name(path.name + STOPPED).write_text(repr(written_at(path)), encoding="ascii")
        fsync_dir(path.parent)


def _entry_info(root: Path, entry: dict[str, Any]) -> dict[str, str]:
    """The pack a knob file's slot ``entry`` names, as the engine's info of an installed pack has it (``path``
    under the store at ``root``, ``name``, ``version``), so a slot that starts empty writes its knobs back."""
    path = root / "packs" / entry["pack"] / PACK_FILE if entry["pack"] else None
    return {"path": str(path or ""), "name": entry["name"], "version": entry["version"]}


class KnobKeeper:
    """Keeps an engine's knob memory in STORE/knobs.json (see the module docstring).  :meth:`restore` before the
    start-up packs load, :meth:`start` once they are in, :meth:`stop` at the end (a last save)."""

    def __init__(self, engine: Any, every_s: float = SAVE_EVERY_S,
                 thread_init: Callable[[], Any] | None = None) -> None:
        self.engine, self.every_s, self.thread_init = engine, every_s, thread_init
        self.path: Path | None = None          # the store's knobs.json, once the store or a pack from it is known
        self.recalled: set[str] = set()        # the slots :meth:`restore` put knobs back in
        self.held: dict[str, list[SetKnob]] = {}   # slot -> knobs kept for another pack, held again by :meth:`start`
        self.infos: dict[str, dict[str, str]] = {}  # slot -> the file's pack of each slot (path, name, version)
        self.kept_at: float | None = None      # when the file was last written (this run, or the file's own word)
        self.had_file = False                  # a file was there at the start, or written since
        self.clean = True                      # the file was left by a clean stop (or is from before kept_at)
        self.problem: str | None = None        # why the last write failed (said until one succeeds)
        self._dirty, self._stop = threading.Event(), threading.Event()
        self._save_lock = threading.Lock()     # one write at a time: the thread's, or stop()'s last
        self._thread: threading.Thread | None = None
        self._saving = self._resting = False   # a write is under way / the thread waits out SAVE_EVERY_S
        self._looked = False                   # the store's knob file was read (at the start, or at a first load)
        self.volume_back: float | None = None  # the output volume :meth:`restore` put back (dB), said by :meth:`start`
        self._kept_volume: float | None = None  # the output volume the file keeps (dB), read with its knobs
        self._kept_who: dict[str, Any] = {}     # who set it, as the file keeps it ({}: nobody said)
        self._kept_play: tuple[Bypassed, Pad | None] = ({}, None)   # the bypassed slots and pad the file keeps
        self.play_back: list[str] = []         # what :meth:`restore` and :meth:`start` put back of them, said
        self._due = False                      # a knob, the volume or a bypass changed: written at once (_dirty wakes)
        self._pad_since: float | None = None   # the pad's first move not written yet (monotonic s), None: none
        self._pad_at = 0.0                     # its last move (monotonic s)
        engine.knobs_changed = self._changed
        engine.knobs_from = self._first_pack
        engine.pad_moved = self._pad_moved

    def restore(self, packs: dict[str, str], store: str | Path | None = None) -> list[str]:
        """Put back the knobs kept in the store of the start-up ``packs`` ({slot: path}) for those slots, and the
        output volume, the XY pad's position and the slots bypassed (device/kept_play.py: the pad at once, each
        bypass by :meth:`start` once its pack is in); returns the start warnings (a damaged file; a kept volume, pad,
        bypass or bypass's who that is none; each bypass not carried, its pack no longer playing there).  A slot
        starting the pack it played at the stop gets back the knobs set on it; those it keeps for other packs (set
        before it, which it did not take) are held for them (:meth:`start`) and said nowhere: they were not carried to
        it then, and are not now.  A slot that starts empty (emptied before the stop) holds all its knobs for the next
        pack loaded there (p46: they were dropped).  ``store``: the box's store folder, whose file is read when no
        start-up pack is from a store (the sampler alone; p48 review: it kept no volume); its knobs are then all
        held, as for a first pack loaded later (:meth:`_first_pack`)."""
        found = {slot: hit for slot, hit in ((s, installed_in(p)) for s, p in packs.items()) if hit is not None}
        root = next(iter(found.values()))[0] if found else store
        if root is None:
            return []
        kept, warnings = self._read(Path(root))
        warnings += self._plan_bypass(packs)
        self._restore_volume()
        self._restore_pad()
        for slot, entry in kept.items():
            same = slot in found and found[slot][1] == entry["pack"]
            mine = bool(found) and slot in packs        # (no start-up pack from the store: all held, as before)
            own = [k for k in entry["knobs"] if mine and (not same or k.on in ("", entry["name"]))]
            self.held[slot] = [k for k in entry["knobs"] if k not in own]
            if own:
                self.engine.recall_knobs(slot, entry["name"], own)
                self.recalled.add(slot)
        return warnings

    def _restore_pad(self) -> None:
        """Put back the pad position the file keeps, as the panel sends it: the synth about to load is handed it
        (device/audio/held.Performance replays it), and the next write keeps it."""
        pad = self._kept_play[1]
        if pad is not None:
            self.engine.handle({"op": "xy", "x": pad[0], "y": pad[1]})
            self.play_back += play_words([], pad)

    def _plan_bypass(self, packs: dict[str, str]) -> list[str]:
        """Keep of the file's bypasses those whose slot starts the pack they were set on (``packs``: the start-up
        packs; a slot not among them plays what it plays now: the sampler); each
        other is not carried (that pack plays, as one switched in does): a start warning, the one case where the box
        comes back louder (p55 review: it was one item of the "restored" line)."""
        plan, said = {}, []
        for slot, was in sorted(self._kept_play[0].items()):
            now = self._starting(slot, packs)
            if now is not None and now["pack"] == was["pack"]:
                plan[slot] = was
            else:
                said.append(not_carried_words(slot, was, now))
        self._kept_play = (plan, self._kept_play[1])
        return said

    def _starting(self, slot: str, packs: dict[str, str]) -> dict[str, Any] | None:
        """What the file would keep of the pack ``slot`` starts (kept_play.pack_entry): its start-up pack's (one from
        outside the store: its name, ``"pack"`` None; p55 FR2 #1, it was said an empty slot), else what plays there
        now (the sampler; None: nothing)."""
        if slot in packs:
            return starting_entry(packs[slot])
        return pack_entry(self.engine.playing_info(slot))

    def _restore_bypass(self) -> None:
        """The start-up packs are in: bypass again each slot :meth:`_plan_bypass` kept whose pack plays there now,
        with who set it; one whose start-up pack did not load (said by its refusal) is not, and logged."""
        back = {}
        for slot, was in sorted(self._kept_play[0].items()):
            now = pack_entry(self.engine.playing_info(slot))
            if now is not None and now["pack"] == was["pack"]:
                who = {k: was[k] for k in ("by", "source", "set_at") if k in was}
                self.engine.handle({"op": "bypass", "slot": slot, "on": True, **who})
                back[slot] = was
            else:
                log.warning("%s", not_carried_words(slot, was, now))
        self.play_back = [*play_words(back, None), *self.play_back]

    def _play_now(self) -> dict[str, Any]:
        """The knob file's pad and bypass keys for what the engine plays now ({} for an engine that does not say)."""
        bypass = getattr(self.engine, "kept_bypass", None)
        slots = bypass() if callable(bypass) else {}
        bypassed = {slot: {**entry, **who} for slot, entry, who in ((s, pack_entry(info), w)
                                                                     for s, (info, w) in slots.items()) if entry}
        return play_fields(bypassed, getattr(getattr(self.engine, "performance", None), "xy", None))

    def _restore_volume(self) -> None:
        """Put back the output volume the file keeps (:meth:`_read` read it): before the output fades in, as the
        packs' knobs go back (a volume message, as the panel sends; the engine glides to it)."""
        if self._kept_volume is not None:           # with who set it (p56 QA_A: forgotten at a restart)
            self.engine.handle({"op": "volume", "db": self._kept_volume, **self._kept_who})
            self.volume_back = self._kept_volume

    def _volume_now(self) -> tuple[float | None, dict[str, Any]]:
        """The engine's output volume (dB) to keep, None for an engine that does not say (a test's), and the knob
        file's ``"volume_set"``: who set it ({"by", "source", "set_at"}), {} for nobody (the panel, MIDI).  Read as
        one (the engine's ``volume_said``, p57 R4 7: two reads around a panel turn kept OSC's who with its -20 dB)."""
        said = getattr(self.engine, "volume_said", None)
        value, who = said if isinstance(said, tuple) and len(said) == 2 else (None, {})
        return finite_or_none(value), ({"volume_set": dict(who)} if isinstance(who, dict) and who else {})

    def _read(self, root: Path) -> tuple[Kept, list[str]]:
        """Read the knob file of the store at ``root``, once (its knobs, the start warnings)."""
        self.path, self._looked = root / KNOB_FILE, True
        _leftovers(root)
        kept, kept_at, warnings, self._kept_volume, self._kept_play, self._kept_who = read_kept_file(self.path)
        marked = _take_mark(self.path, kept_at)
        self.had_file, self.kept_at = self.path.exists(), kept_at
        self.clean = marked or self.kept_at is None
        self.infos = {slot: _entry_info(root, entry) for slot, entry in kept.items()}
        return kept, warnings

    def _first_pack(self, path: str) -> None:
        """A pack (``path``) is about to be installed (the loader's thread, Engine.install): a box that started with
        no pack from a store reads that pack's store's knob file now, and holds what it keeps for every slot (all
        empty at the start: the knobs there were set on packs it did not start), for the packs loaded from now."""
        found = None if self._looked or not path else installed_in(path)
        if found is None:
            return
        kept, _ = self._read(found[0])                          # (a damaged file is logged as it is set aside)
        for slot, entry in kept.items():
            self.engine.hold_knobs(slot, entry["knobs"], self.infos[slot])

    def start(self) -> dict[str, Any]:
        """The start-up packs are in: the knobs held for other packs go back in the memory, say what was put back
        (``{"knobs_restored": line}`` for the status, also logged; {} for nothing) and start saving."""
        for slot, knobs in self.held.items():            # (a slot empty now: the file's pack, for the next write)
            self.engine.hold_knobs(slot, knobs, self.infos.get(slot))
        self._restore_bypass()
        carried = {s: k for s, k in self.engine.carried.items() if s in self.recalled}    # on their packs' dials
        line = restored_line(carried, None if self.clean else self.kept_at, self.volume_back, self.play_back)
        self._thread = threading.Thread(target=self._run, daemon=True, name="hatbox-knobs")
        self._thread.start()
        if line:
            log.info("%s (from %s)", line, self.path)
        return {"knobs_restored": line} if line else {}

    def _changed(self) -> None:
        """A knob, the volume or a bypass changed (the engine's ``knobs_changed``): written at once, then at most every
        ``every_s`` while changes come."""
        self._due = True
        self._dirty.set()

    def _pad_moved(self) -> None:
        """The pad moved (the engine's ``pad_moved``): written once it rests or after :data:`PAD_EVERY_S`; its first
        move not written yet wakes the thread to time that (:meth:`_wait_s`)."""
        now = time.monotonic()
        self._pad_at = now
        if self._pad_since is None:
            self._pad_since = now
            self._dirty.set()

    def _pad_wait(self) -> float | None:
        """Seconds until the pad's position is due to be written (0.0: now); None: no move waits."""
        since = self._pad_since
        if since is None:
            return None
        return max(0.0, min(self._pad_at + PAD_REST_S, since + PAD_EVERY_S) - time.monotonic())

    def _wait_s(self) -> float | None:
        """How long the thread sleeps unless woken: 0 with a change due, else until the pad's position is or a refused
        write is tried again (:data:`RETRY_S`, turned or not); None: until woken."""
        if self._due:
            return 0.0
        waits = [w for w in (self._pad_wait(), RETRY_S if self.problem else None) if w is not None]
        return min(waits) if waits else None

    def _run(self) -> None:
        if self.thread_init is not None:
            self.thread_init()
        while not self._stop.is_set():
            self._dirty.wait(self._wait_s())
            if self._stop.is_set():
                return
            if not (self._due or self._pad_wait() == 0.0 or self.problem):
                self._dirty.clear()                # the pad's first move: the next wait times its write
                continue
            self._saving = True
            self._dirty.clear()
            self._due, self._pad_since = False, None   # (a change from now on is in this write or the next)
            try:
                self.save()
            except Exception:  # noqa: BLE001 - a bug here must not end the keeping (said, tried at the next turn)
                log.exception("keeping the knobs in %s failed", self.path)
            finally:
                self._saving = False
            self._resting = True
            self._stop.wait(self.every_s)         # the turns meanwhile go in the next write
            self._resting = False

    def stop(self, timeout: float = 5.0) -> None:
        """The box stops: the thread ends and what changed since its last write is written; with every knob
        written, the clean stop is marked (:func:`_set_mark`)."""
        self._stop.set()
        dirty = self._due or self._pad_since is not None
        self._dirty.set()                          # wakes the thread
        if self._thread is not None:
            self._thread.join(timeout)
        busy = self._thread is not None and self._thread.is_alive()      # still writing (a slow card): write after
        self._dirty.clear()
        self._due, self._pad_since = False, None   # a change from now on wakes it again: no mark (below)
        kept = self.save() if dirty or busy or self.problem else self.problem is None
        if kept and not self._dirty.is_set() and self.path is not None and self.path.exists():
            _set_mark(self.path)                   # not when a knob turned after the last write (p45 review)

    def status(self) -> dict[str, Any]:
        """For the engine's status: ``knobs_keep`` (``kept_at``: the last write, seconds since the epoch;
        ``pending``: a write is due at once or under way, its outcome a moment away; ``problem``: why the last write
        failed) and, while writes fail, ``knobs_not_kept``: the warning (:func:`unkept_words`)."""
        pending = self._saving or (self._due and not self._resting and not self._stop.is_set())
        out: dict[str, Any] = {"knobs_keep": {"kept_at": self.kept_at, "pending": pending, "problem": self.problem}}
        if self.problem:
            out["knobs_not_kept"] = unkept_words(self.problem, self.kept_at, self.had_file)
        return out

    def snapshot(self) -> Kept:
        """What the engine's knob memory holds now, as the file keeps it; learns the store's file from the packs."""
        kept: Kept = {}
        for slot, (info, knobs) in self.engine.kept_knobs().items():
            found = installed_in(info["path"]) if info.get("path") else None
            if found is None:
                continue
            self.path = self.path or found[0] / KNOB_FILE
            kept[slot] = {"pack": found[1], "name": str(info.get("name", "")),
                          "version": str(info.get("version", "")), "knobs": knobs}
        return kept

    def save(self) -> bool:
        """Write the knob file now (False: nothing to write it in, or the disk refused: said once, and in
        :meth:`status` until a write succeeds; tried again at the next change or after :data:`RETRY_S`)."""
        with self._save_lock:
            return self._write()

    def _write(self) -> bool:
        kept = self.snapshot()
        if self.path is None:
            return False
        now = time.time()
        try:
            volume, who = self._volume_now()
            play = {**self._play_now(), **who}       # the pad, the bypasses, who set the volume
            write_atomic(self.path, kept_bytes(kept, now, volume, play))
        except OSError as exc:
            if self.problem is None:
                log.warning("could not keep the knobs in %s (%s): they play as turned, and are tried again at the "
                            "next turn and every %g s", self.path, exc, RETRY_S)
            self.problem = problem_words(exc)
            return False
        if self.problem is not None:
            log.info("the knobs are kept again in %s", self.path)
        self.problem, self.kept_at, self.had_file = None, now, True
        return True
