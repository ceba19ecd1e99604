"""The engine's faults as the panel words them: the Effect page's red line and the panel-wide notice.

The engine bypasses a slot whose unit misbehaves (NaN/inf, runaway level, DC:
device/audio/protect.py, device/audio/engine.py) and reports it in its status: ``faults`` (the
last 32, oldest first, each ``{"slot", "reason", "time", "block", "name"}``), ``fault_count``,
``bypassed`` ({slot: bool}) and ``swap_blocks`` (the block where each effect swap began).  Every
slot can fault: the effect (the model's output against its input), the synth and the sampler
(their rendered output).  A bypassed effect plays the dry input; a bypassed source is silent.

One wording for all of it (:func:`fault_words`); :func:`notice_lines` is what the tab bar says
when a fault is new to the panel (:class:`FaultNotices` decides which one that is).  A recording
cut short (a full disk: the status's ``recording.problem``) is said there too, once
(:func:`recording_lines`, :class:`RecordingNotices`); so is each warning a slot's unit reports
(``active[slot]["warnings"]``: the sampler's "field/long20min.wav is 20:00 long: the sampler plays only
its first 60 s"), once per text (:func:`warning_lines`, :class:`WarningNotices`).  A problem of the panel's
own hardware (no touch controller answers) is not the engine's, but the tab bar says it the same way, once
(:func:`touch_lines`).
"""
from __future__ import annotations

import re
from typing import Any, Sequence

from device.control import file_label as sample_label  # noqa: F401  (how the sampler's warnings name a file)
from device.control import slot_warnings  # noqa: F401  (the Library page and WarningNotices read it here)
from device.finite_numbers import finite_or_none

FAULT_WORDS = {        # the engine's fault reasons (device/audio/protect.py): (long, short)
    "nonfinite": ("was not a number (NaN/inf)", "NaN/inf output"),
    "runaway": ("ran away (far too loud)", "runaway level"),
    "dc": ("drifted off zero (DC offset)", "DC offset"),
}
FAULT_FIELDS = ("slot", "reason", "time", "block", "name")     # what makes one fault another

FaultKey = tuple[int, float]     # (engine block, time) of a fault: later faults have larger keys


def fault_key(fault: dict[str, Any]) -> FaultKey:
    """Where ``fault`` (one of ``status["faults"]``) falls in the engine's time: (block, time)."""
    block, when = fault.get("block"), fault.get("time")
    return (int(block) if isinstance(block, (int, float)) else -1,
            float(when) if isinstance(when, (int, float)) else 0.0)


def fault_id(fault: dict[str, Any]) -> tuple[str, ...]:
    """What tells one fault from another, across statuses (and across engine restarts: ``time``)."""
    return tuple(repr(fault.get(k)) for k in FAULT_FIELDS)


def newer(fault: dict[str, Any] | None, than: FaultKey | None) -> bool:
    """``fault`` happened after the one keyed ``than`` (any fault when ``than`` is None)."""
    return fault is not None and (than is None or fault_key(fault) > than)


def slot_fault(status: dict[str, Any], slot: str) -> dict[str, Any] | None:
    """The newest fault of ``slot`` that belongs to the unit it plays now (the newest of that slot in
    ``status["faults"]``, naming the pack in ``status["active"][slot]`` and, for the effect, not older
    than the last swap in ``swap_blocks``, where the status gives these), or None."""
    playing = (status.get("active") or {}).get(slot)
    name = playing.get("name") if isinstance(playing, dict) else None
    swaps = (status.get("swap_blocks") or []) if slot == "effect" else []
    since = int(swaps[-1]) if swaps else -1
    for fault in reversed(list(status.get("faults") or [])):
        if not isinstance(fault, dict) or fault.get("slot") != slot:
            continue
        if (name and fault.get("name") and fault["name"] != name) or fault_key(fault)[0] < since:
            return None
        return fault
    return None


def effect_fault(status: dict[str, Any]) -> dict[str, Any] | None:
    """:func:`slot_fault` of the effect slot."""
    return slot_fault(status, "effect")


def still_bypassing(status: dict[str, Any], fault: dict[str, Any]) -> bool:
    """Whether ``fault`` is why its slot is bypassed in ``status``: the slot's newest fault
    (:func:`slot_fault`) and the slot still bypassed (when the status has ``bypassed``).  A slot the
    user turned back on, or that plays another pack since, is no longer bypassed by it."""
    slot = fault.get("slot")
    bypassed = status.get("bypassed")
    if isinstance(bypassed, dict) and slot in bypassed and not bypassed[slot]:
        return False
    current = slot_fault(status, str(slot))
    return current is not None and fault_id(current) == fault_id(fault)


def faulted(status: dict[str, Any], slot: str) -> bool:
    """Whether ``slot`` is bypassed now by a fault of the unit it plays (:func:`slot_fault`, :func:`still_bypassing`):
    what the tab bar marks beside the page of that slot for as long as it lasts."""
    fault = slot_fault(status, slot)
    return fault is not None and still_bypassing(status, fault)


def fault_words(fault: dict[str, Any]) -> tuple[str, str]:
    """(long, short) words for why ``fault`` bypassed its slot: "the model's output was not a number
    (NaN/inf)", "NaN/inf output".  The sampler plays files, not a model: "the sampler's output ..."."""
    reason = str(fault.get("reason", "")) or "fault"
    long, short = FAULT_WORDS.get(reason, ("", reason))
    subject = "the sampler's output" if fault.get("slot") == "sampler" else "the model's output"
    return (f"{subject} {long}" if long else reason), short


def runaway_words(fault: dict[str, Any]) -> str:
    """Which rule of the slot guard made ``fault`` a runaway, with its figures (the fault's ``rule``, ``out_db``,
    ``in_db``, ``limit_db``: device.audio.protect.Tripped), after :func:`fault_words`' "ran away (far too loud)":
    ": it peaked at +60.0 dBFS, over +12 dBFS, the box's limit for any output; its input peaked at +60.0 dBFS, over
    that limit itself: turn the input down", ": it was 42.0 dB louder than its input: over 36.6 dB above its input,
    the box's limit for this pack"; "" for another fault, or one that does not say (an older engine).  The terminal's and the box
    log's line (hatbox.status_watch.fault_line) and render's say it; before (p59 Q1 6) render said "over 36.6 dB above
    its input" whichever rule tripped."""
    rule = fault.get("rule")
    out, inp, limit = (finite_or_none(fault.get(k)) for k in ("out_db", "in_db", "limit_db"))
    if fault.get("reason") != "runaway" or out is None or limit is None:
        return ""
    if rule == "peak":
        said = f": it peaked at {out:+.1f} dBFS, over {limit:+g} dBFS, the box's limit for any output"
        if inp is None:
            return said
        return said + (f"; its input peaked at {inp:+.1f} dBFS, over that limit itself: turn the input down"
                       if inp > limit else f" (its input peaked at {inp:+.1f} dBFS)")
    if rule == "gain" and inp is not None:
        if inp <= -119.0:               # protect.lin_to_db's floor: no input at all
            return f": it sounded at {out:.1f} dBFS (RMS) on a silent input, over the box's limit for this pack"
        return f": it was {out - inp:.1f} dB louder than its input: over {limit:g} dB above its input, the box's " \
               "limit for this pack"
    if rule in ("tail", "rising"):
        how = "rising (feedback)" if rule == "rising" else "longer than a tail may"
        return f": it sounded on after its input fell quiet, louder than its input allows, {how}"
    return ""


def notice_lines(fault: dict[str, Any], on_effect_page: bool = False, on_play_page: bool = False,
                 touch: bool = True, on_kit_page: bool = False) -> tuple[str, ...]:
    """What the tab bar says of a new fault, longest first (the panel shows the first that fits):
    what was bypassed, why (:func:`fault_words`) and how to get it back, e.g. "effect 'hatbox-drive'
    bypassed: the model's output was not a number (NaN/inf) - tap Effect to turn it back on".

    The effect comes back with its bypass button (on the Effect page, hence "tap BYPASS" there);
    the synth and the sampler with theirs on the Play page (device/ui/pages/play.py: red, "SYNTH
    FAULT", hence "tap SYNTH FAULT" there); a synth also when its pack is loaded again.  Each button is
    an encoder's press too (encoder 1: BYPASS, SYNTH FAULT; encoder 2: SAMPLER FAULT): ``touch`` False (the
    panel has no touch, or it stopped answering) says that instead of "tap".  The Kit page has the sampler's
    button too (``on_kit_page``: "tap SAMPLER FAULT" there)."""
    slot = str(fault.get("slot") or "effect")
    name = str(fault.get("name") or "")
    long, short = fault_words(fault)
    if slot == "effect":
        what, done = "effect", "bypassed"
        target = "BYPASS" if on_effect_page else "Effect"
        here, page, knob = on_effect_page, "Effect", "1"
    else:
        what, done = slot, "silenced"
        here = on_play_page or (on_kit_page and slot == "sampler")
        target = f"{slot.upper()} FAULT" if here else "Play"
        page, knob = "Play", "1" if slot == "synth" else "2"
    if touch:
        hint, brief = f"tap {target} to turn it back on", f"tap {target}"
    else:                    # a box without touch: the button is an encoder's press (on the page that holds it)
        where = "" if here else f" on the {page} page"
        hint, brief = f"press encoder {knob}'s button{where} to turn it back on", f"encoder {knob}{where}"
    named = f"{what} '{name}'" if name and name != slot else what
    return (f"{named} {done}: {long} - {hint}", f"{named} {done}: {short} - {hint}",
            f"{named} {done}: {short} - {brief}", f"{what} {done}: {short} - {brief}", f"{what} {done}: {short}")


class FaultNotices:
    """Which fault, if any, the panel announces with a status (:meth:`take`, once per status).

    A fault is announced once: with the first status that lists it, and only if it still bypasses its
    slot then (:func:`still_bypassing`; a fault the user has already undone, or from a pack since
    replaced, is history: Settings counts it).  Of several new ones that do, the newest.  The
    faults of the first status the panel gets (``faults`` present) are all new to it: the newest
    that still bypasses its slot is announced (the musician cannot hear that slot, whenever it
    faulted), the others not.  "New" means not in the last status's list (the engine keeps its
    last 32, oldest first, and only drops the oldest), so a status given again, or a later one
    listing the same faults, announces nothing, and an engine restarted (its block count too)
    still has its faults announced."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, ...]] | None = None     # the faults of the last status (None: none yet)

    def take(self, status: dict[str, Any]) -> dict[str, Any] | None:
        faults = status.get("faults")
        if not isinstance(faults, list):
            return None                       # no word on faults (no answer yet): nothing changes
        listed = [f for f in faults if isinstance(f, dict)]
        ids = [fault_id(f) for f in listed]
        fresh = [f for f, i in zip(listed, ids) if self.seen is None or i not in self.seen]
        self.seen = set(ids)
        return next((f for f in reversed(fresh) if still_bypassing(status, f)), None)


def recording_lines(recording: dict[str, Any]) -> tuple[str, ...]:
    """What the tab bar says of a recording cut short (the engine status's ``recording``, device/audio/
    file_io.FileIO.recording: ``problem``, ``files``, ``kept_s``), longest first: the engine's own line,
    then shorter ones that still name the seconds kept, e.g. "recording cut short: sim-out.wav keeps the
    first 12.0 s - the box plays on, not recording", "recording cut short: 12.0 s kept"."""
    problem = (str(recording.get("problem") or "").splitlines() or [""])[0]
    head = problem.split(":", 1)[0] if ":" in problem else "recording cut short"
    kept = float(recording.get("kept_s") or 0.0)
    files = [str(f) for f in recording.get("files") or []]
    name = files[0].replace("\\", "/").rsplit("/", 1)[-1] if files else "the recording"
    what, short = (f"{name} keeps the first {kept:.1f} s", f"{kept:.1f} s kept") if kept > 0 else \
        ("no audio was recorded", "nothing kept")
    return (f"{problem} - the box plays on", f"{head}: {what} - the box plays on, not recording",
            f"{head}: {what}", f"{head}: {short}")


class RecordingNotices:
    """Whether a status brings a recording cut short that the panel has not said yet (:meth:`take`).

    A cut is said once: with the first status whose ``recording`` has a ``problem`` (also the first
    status of a panel started after the cut: the box is still not recording).  It is the same cut for
    as long as the files and the seconds kept are the same (``problem`` itself goes on counting the
    seconds written); a cut of another recording (an engine restarted) is new."""

    def __init__(self) -> None:
        self.said: tuple[Any, ...] | None = None     # the files and seconds kept of the last cut said

    def take(self, status: dict[str, Any]) -> tuple[str, ...] | None:
        """The words for a cut new in ``status`` (:func:`recording_lines`), or None."""
        recording = status.get("recording")
        if not isinstance(recording, dict) or not recording.get("problem"):
            return None
        key = (tuple(str(f) for f in recording.get("files") or []), recording.get("kept_s"))
        if key == self.said:
            return None
        self.said = key
        return recording_lines(recording)


# the sampler's warning for a file longer than it decodes (device/audio/sampler.py SamplerSource._decode)
_SAMPLER_CUT = re.compile(r"^(?P<name>.+) is (?P<length>[0-9:.]+) long: "
                          r"the sampler plays only its first (?P<head>\S+) s$")


def cut_sample(text: str) -> str | None:
    """The file a sampler's warning of a cut file names, as it names it (:func:`sample_label`:
    "field/long20min.wav"), else None."""
    found = _SAMPLER_CUT.match(text)
    return found["name"] if found else None


# the sampler's warnings of a loop that clicks where it wraps and of a silent file (device/audio/sample_decode.py
# seam_words, silent_words)
_SEAM = re.compile(r"^(?P<name>.+) does not end where it starts \(a step of [0-9.]+ where the loop wraps\): it clicks")
_SILENT = re.compile(r"^(?P<name>.+) is silent \((?P<what>.+)\): note (?P<note>[0-9]+) plays nothing$")


def warned_sample(text: str) -> str | None:
    """The file a sampler's warning is about (a file cut short, a loop that clicks, a silent file), as it names it
    (:func:`sample_label`), else None."""
    first = (text.splitlines() or [""])[0]
    found = _SAMPLER_CUT.match(first) or _SEAM.match(first) or _SILENT.match(first)
    return found["name"] if found else None


def warning_lines(text: str, shorter: Sequence[str] = ()) -> tuple[str, ...]:
    """What the tab bar (or the Library or Kit page) says of a slot's warning, longest first: its own words,
    then the ``shorter`` wordings its slot gave with it (:func:`slot_warning_shorts`: the knob-keeping note), else
    for the sampler's warnings shorter ones that still say what is wrong (a tab bar's line is cut to whichever
    fits, never mid-sentence): for a cut file, e.g. "field/long20min.wav is 20:00 long: the sampler plays only its
    first 60 s", "field/long20min.wav (20:00): only its first 60 s plays", "field/long20min.wav: first 60 s only",
    "sample cut to its first 60 s"; for a loop, "loop sine.wav clicks at its loop point"; for a silent file, the
    note by the name the panel gives it ("silence.wav is silent (all zeros): F2 plays nothing")."""
    first = (text.splitlines() or [""])[0]
    if shorter:
        return (first, *shorter)
    if (seam := _SEAM.match(first)) is not None:
        name = seam["name"]
        return (first, f"loop {name} clicks at its loop point: trim it at a zero crossing, or crossfade its ends",
                f"loop {name} clicks at its loop point", f"{name}: loop clicks", "a loop clicks at its loop point")
    if (silent := _SILENT.match(first)) is not None:
        from device.notes import note_name
        name, note = silent["name"], note_name(int(silent["note"]))
        return (f"{name} is silent ({silent['what']}): {note} plays nothing", f"{name} is silent: {note} plays nothing",
                f"{name} is silent", f"{note} plays a silent file")
    found = _SAMPLER_CUT.match(first)
    if found is None:
        return (first,)
    name, length, head = found["name"], found["length"], found["head"]
    return (first, f"{name} ({length}): only its first {head} s plays", f"{name}: first {head} s only",
            f"sample cut to its first {head} s")


def slot_warning_shorts(status: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """``{warning text: its shorter wordings}`` the slots in ``status["active"]`` give beside their warnings
    (``warning_lines``: device/audio/engine_installs.py ``with_notes``, the knob-keeping note's); {} for none."""
    out: dict[str, tuple[str, ...]] = {}
    active = status.get("active")
    for info in active.values() if isinstance(active, dict) else ():
        given = info.get("warning_lines") if isinstance(info, dict) else None
        for text, lines in given.items() if isinstance(given, dict) else ():
            if isinstance(lines, list) and all(isinstance(x, str) for x in lines):
                out.setdefault(str(text), tuple(lines))
    return out


def touch_lines(text: str) -> tuple[str, ...]:
    """What the tab bar says of a touch problem (device/ui/inputs.py ``Inputs.problems``: "touch not available:
    no ft5x06 touch controller answers at I2C address 0x38 (Remote I/O error); the panel runs without touch"),
    longest first: its own words, then its head with how to get around without it ("touch not available - hold
    encoder 1 and turn it for pages": device/ui/panel.PAGE_ENCODER), then the head alone."""
    first = (text.splitlines() or [""])[0]
    head = first.split(":", 1)[0]
    return (first, f"{head} - hold encoder 1 and turn it for pages", head)


class WarningNotices:
    """Which slot warnings (:func:`slot_warnings`) a status brings that the panel has not said yet
    (:meth:`take`, once per status).

    A text is said once, ever: not again when a later status lists it again, nor when the unit that
    reported it is replaced and a new one reports the same words (the same long file played again).
    Of the warnings in the first status the panel gets (``active`` present), only the newest is said
    (they happened before the panel started; the last one is what the player did last)."""

    def __init__(self) -> None:
        self.said: set[str] | None = None     # every text seen so far (None: no status yet)

    def take(self, status: dict[str, Any]) -> list[str]:
        """The warnings new in ``status``, oldest first ([] when none)."""
        if not isinstance(status.get("active"), dict):
            return []                         # no word on the slots (no answer yet): nothing changes
        texts = slot_warnings(status)
        if self.said is None:
            self.said = set(texts)
            return texts[-1:]
        fresh = [t for t in texts if t not in self.said]
        self.said.update(fresh)
        return fresh
