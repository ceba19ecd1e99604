"""What `hatbox status` prints of the box's ``GET /status``: what is active (and whether it plays), the engine's load
and dropouts over the time they count, its warnings, the store, and what the box's start-up repair of its store did."""
from __future__ import annotations

from typing import Any

from device.audio.held import KEPT_FOR
from device.finite_numbers import finite_number
from hatbox.box_client import safe_text
from hatbox.status_line import bypass_words, load_words, since_words
from hatbox.text import count_words


_STATUS_FIELDS = ("name", "version", "versions", "active", "engine", "disk", "packs", "libraries")
UPLOAD_RESERVE_BYTES = 16 << 20    # device/api/uploads.UPLOAD_RESERVE_BYTES: room every upload leaves free on the
#                                    box's disk; /status does not report it (its disk.reserve_bytes is read if it does)


def print_status(s: dict[str, Any], url: str = "", units: dict[str, Any] | None = None) -> None:
    """What `hatbox status` prints of the box's ``GET /status`` (the box at ``url``, named on the first line: two
    boxes' statuses looked alike); a field a box of another hatbox version leaves out (or gives in another form)
    shows as '?', with a note naming them.  ``units``: :func:`knob_units`, for the knobs line."""
    from device.control import capture_session_words
    from hatbox import __version__

    def part(key: str, kind: type) -> Any:
        value = s.get(key)
        return value if isinstance(value, kind) else kind()

    at = f" at {safe_text(url)}" if url else ""
    print(f"{safe_text(s.get('name', '?'))}{at} (hatbox {safe_text(s.get('version', '?'))}, onnxruntime "
          f"{safe_text(part('versions', dict).get('onnxruntime', '?'))})")
    eng = part("engine", dict)
    playing = eng.get("active") if isinstance(eng.get("active"), dict) else None
    from hatbox.pack_who import active_note     # p45 duo QA: who made it active, and when (F8)
    for slot, pid in part("active", dict).items():
        silent = pid and playing is not None and slot in ("effect", "synth") and not playing.get(slot)
        cut = bypass_words(eng, slot) if pid and playing and playing.get(slot) else ""
        print(f"  {safe_text(slot):<7} {safe_text(pid or '-')}{active_note(s, pid)}"
              + ("  (not playing: the engine did not load it, see the warning below)" if silent else "")
              + (f"  {cut.strip()}" if cut else ""))
    print(f"  audio load {load_words(eng)}, "     # p45: not "worst" for p99.9
          f"xruns (dropouts) {safe_text(eng.get('xruns', '?'))}{since_words(eng)}"
          + (f" ({safe_text(eng['error'])})" if "error" in eng else ""))
    volume = volume_words(eng)                # p48 QA: a stranger's OSC set -60 dB and the status said nothing
    if volume:
        print(f"  {volume}")
    for line in bypass_lines(eng):            # p48 QA: a stranger's OSC bypassed the sampler, and no line said so
        print(f"  {line}")
    if knob_words(eng):
        print(f"  knobs: {knob_words(eng, units or {})}  (hatbox box-knob: ranges, and turning one)")
    if isinstance(eng.get("midi_program"), dict):              # device/midi_programs.py, the box's program map
        from hatbox.midi_program_words import last_words
        print(f"  last MIDI program change: {last_words(eng['midi_program'])}")
    if isinstance(eng.get("knobs_restored"), str):            # at its start, the knobs as they were left (what
        print(f"  at its start: {safe_text(eng['knobs_restored'])}")     # plays now is the knobs: line above)
    said = eng.get("warnings") if isinstance(eng.get("warnings"), list) else []
    unkept = [eng["knobs_not_kept"]] if isinstance(eng.get("knobs_not_kept"), str) else []   # a full disk (p45)
    for text in [*(t for t in said if isinstance(t, str)), *unkept, *slot_warning_lines(s, eng)]:   # engine's, slots'
        print(f"  warning: {safe_text(text)}")
    if capture_session_words(eng):              # box-capture keeps it while it waits for Enter
        print(f"  {capture_session_line(eng, capture_session_words(eng))} (until hatbox box-capture ends, or 5 "
              "minutes after its laptop went away)")
    clock = part("clock", dict)
    if clock.get("note"):
        print(f"  warning: {safe_text(clock['note'])}")
    installed, held = store_words(s)
    print(f"  {installed}, {held}, {disk_words(part('disk', dict))}")
    sig = part("signatures", dict)
    if sig:
        n = sig.get("trusted_keys")
        keys = count_words(n, "trusted key") if isinstance(n, int) else "? trusted keys"
        print(f"  signatures: {'required' if sig.get('required') else 'not required'} ({keys}"
              + (": every pack sent will be refused" if sig.get("required") and n == 0 else "") + ")")
    limits = library_limits_words(s)
    if limits:
        print(f"  {limits}")
    for line in recovery_lines(part("recovery", dict)):
        print(f"  at start: {line}")
    missing = [key for key in _STATUS_FIELDS if key not in s]
    if missing:
        print(f"  note: the box's status lacks {', '.join(missing)}: it may run another hatbox version than this "
              f"computer ({__version__})")


CARRY_NOTES = (" was not carried to '", " loaded was dropped: ",   # device.audio.held's notes made at a switch
               f" {KEPT_FOR} ")                                    # (not_carried, kept_note)


def slot_warning_lines(s: dict[str, Any], eng: dict[str, Any]) -> list[str]:
    """The active slots' warnings (device.control.slot_warnings: each text once), a knob not carried to the pack
    switched in with when that was (:func:`carried_when`: p47 soak QA, a one-off note read as if it happened at
    every poll)."""
    from device.control import slot_warnings
    active = eng.get("active") if isinstance(eng.get("active"), dict) else {}
    out = []
    for text in slot_warnings(eng):
        slot = next((k for k, info in active.items() if isinstance(info, dict)
                     and text in (info.get("warnings") or ())), None)
        noted = slot is not None and any(mark in text for mark in CARRY_NOTES)
        out.append(text + (carried_when(s, str(slot)) if noted else ""))
    return out


def carried_when(s: dict[str, Any], slot: str, now: float | None = None) -> str:
    """" (at 14:02, when it was made active)": when the pack the status names active in ``slot`` was made active
    (its ``activated_ago_s`` in the status's ``packs``), as the knobs it did not take were noted then; "" when the
    box does not say (a box before p45, a pack switched in otherwise)."""
    pid = (s.get("active") or {}).get(slot) if isinstance(s.get("active"), dict) else None
    packs = s.get("packs") if isinstance(s.get("packs"), list) else []
    pack = next((p for p in packs if isinstance(p, dict) and pid and p.get("id") == pid), {})
    when = ago_clock(pack.get("activated_ago_s"), now)
    return f" (at {when}, when it was made active)" if when else ""


def ago_clock(ago_s: Any, now: float | None = None) -> str:
    """"14:05": the time ``ago_s`` seconds (as the box says it) before ``now`` (this computer's clock; default: now),
    as device.clock.clock_words writes it; "" when ``ago_s`` is no finite number, or the time reads as a clock not
    set (before device.clock.UNSET_BEFORE)."""
    import time
    if not finite_number(ago_s):
        return ""
    from device.clock import UNSET_BEFORE, clock_words
    now = time.time() if now is None else now
    return clock_words(now - max(0.0, float(ago_s)), now, floor=UNSET_BEFORE)


QUIET_DB = -40.0         # dB: from here down the box is hardly heard (the volume goes down to -60 dB)
PUT_BACK = "hatbox box-knob output.volume 0"     # works whatever knobs the packs have (hatbox.cmd_box_knob.is_volume)


def volume_words(eng: dict[str, Any], now: float | None = None) -> str:
    """The engine status's output volume when it is not 0 dB: "volume -60 dB: you will hardly hear the box (set over
    OSC from 192.0.2.7 at 14:05; hatbox box-knob output.volume 0 puts it back)"; "" at 0 dB (as the packs play) or
    for a status without it.  Who set it: the engine's ``volume_set`` (device/kept_play.py), while it is so.  The
    advice names output.volume: "volume" alone is refused as unclear while a pack plays a knob of that name."""
    from device.knob_words import volume_number
    db = eng.get("volume_db")
    if isinstance(db, bool) or not isinstance(db, (int, float)) or volume_number(db) == "0":
        return ""
    told = eng.get("volume_set") if isinstance(eng.get("volume_set"), dict) else {}
    said = set_by_words(told.get("by"), told.get("source"), told.get("ago_s"), now)
    quiet = ": you will hardly hear the box" if db <= QUIET_DB else ""
    return f"volume {volume_number(db, signed=True)} dB{quiet} ({said + '; ' if said else ''}{PUT_BACK} puts it back)"


CUT_OUT = {"effect": "it plays its input dry", "synth": "it is silent", "sampler": "its notes play nothing"}


def bypass_put_back(slot: str) -> str:
    """"hatbox box-knob sampler.bypass 0": the command that turns ``slot`` back on from the laptop (PUT /bypass)."""
    return f"hatbox box-knob {slot}.bypass 0"


def bypass_line(slot: str, by: Any = None, source: Any = None, ago_s: Any = None, now: float | None = None) -> str:
    """"sampler bypassed: its notes play nothing (set over OSC from 192.0.2.7 at 14:05; hatbox box-knob
    sampler.bypass 0 turns it back on)": one bypassed slot, who bypassed it where the box knows."""
    said = set_by_words(by, source, ago_s, now).replace("set ", "bypassed ", 1)
    what = CUT_OUT.get(slot, "it does not play")
    return (f"{safe_text(slot)} bypassed: {what} ({said + '; ' if said else ''}{bypass_put_back(safe_text(slot))} "
            "turns it back on)")


def bypass_lines(eng: dict[str, Any], now: float | None = None) -> list[str]:
    """A line (:func:`bypass_line`) for each slot the engine status has bypassed by a player (the panel, MIDI,
    OSC, the laptop), the sampler included, which has no line of its own; who bypassed it from the engine's
    ``bypass_set`` (device/kept_play.py).  A slot bypassed by a fault is said by its warning (box-pack
    --activate), and one that holds nothing is not said."""
    from device.ui.faults import faulted
    bypassed = eng.get("bypassed") if isinstance(eng.get("bypassed"), dict) else {}
    active = eng.get("active") if isinstance(eng.get("active"), dict) else None
    told = eng.get("bypass_set") if isinstance(eng.get("bypass_set"), dict) else {}
    out = []
    for slot, on in bypassed.items():
        empty = active is not None and not active.get(slot) and slot != "sampler"   # the sampler: always there
        if on is not True or faulted(eng, str(slot)) or empty:
            continue
        note = told.get(slot) if isinstance(told.get(slot), dict) else {}
        out.append(bypass_line(str(slot), note.get("by"), note.get("source"), note.get("ago_s"), now))
    return out


def set_by_words(by: Any, source: Any, ago_s: Any, now: float | None = None) -> str:
    """"set over OSC from 192.0.2.7 at 14:05", "set by 'studio-mac' at 14:05" (the time when the box says how long
    ago: reckoned on this computer's clock); "" when not known."""
    how = {"osc": "set over OSC from", "api": "set by"}.get(by if isinstance(by, str) else "")
    if not how or not isinstance(source, str):
        return ""
    who = safe_text(source) if by == "osc" else repr(safe_text(source))
    when = ago_clock(ago_s, now)
    return f"{how} {who}" + (f" at {when}" if when else "")


def capture_session_line(eng: dict[str, Any], words: str) -> str:
    """The engine's ``words`` ("capture session: live input muted") with whose session it is, from the owner the
    box's ``GET /status`` adds to ``capture.session`` (p45 reg QA): "capture session: laptopA's (since 07:18, 1 take):
    live input muted", "yours (...)" for this laptop's; ``words`` as they are when the box does not say."""
    import time
    capture = eng.get("capture") if isinstance(eng.get("capture"), dict) else {}
    session = capture.get("session") if isinstance(capture.get("session"), dict) else {}
    owner, head = session.get("owner"), "capture session: "
    if not isinstance(owner, str) or not words.startswith(head):
        return safe_text(words)
    whose = "yours" if session.get("yours") is True else f"{safe_text(owner)}'s"
    since, takes = session.get("since"), session.get("takes")
    when = [f"since {time.strftime('%H:%M', time.localtime(since))}"] if isinstance(since, (int, float)) else []
    count = [count_words(takes, "take")] if isinstance(takes, int) and not isinstance(takes, bool) else []
    about = f" ({', '.join(when + count)})" if when or count else ""
    return safe_text(f"{head}{whose}{about}: {words[len(head):]}")


def free_words(size: int) -> str:
    """Bytes free in a unit that reads: "12.3 GiB", "512 MiB", "12.0 MiB", "640 KiB" (under 1 GiB in MiB: p45 QA,
    a small card showed "0.0 GiB free")."""
    if size >= 2**30:
        return f"{size / 2**30:.1f} GiB"
    if size >= 100 * 2**20:
        return f"{size / 2**20:.0f} MiB"
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size // 1024} KiB"


def disk_words(disk: dict[str, Any]) -> str:
    """The status's ``disk`` as `hatbox status` says it: "3.2 GiB free", or, under the box's reserve (the room every
    upload must leave free: :data:`UPLOAD_RESERVE_BYTES`, or the status's ``reserve_bytes``), that every upload
    will be refused."""
    free, reserve = disk.get("free_bytes"), disk.get("reserve_bytes")
    if not isinstance(free, int) or isinstance(free, bool):
        return "free space unknown (the box cannot read its disk)"
    if not isinstance(reserve, int) or isinstance(reserve, bool):
        reserve = UPLOAD_RESERVE_BYTES
    if free > reserve:
        return f"{free_words(free)} free"
    return (f"{free_words(free)} free: under the {free_words(reserve)} the box keeps in reserve, so every upload "
            "will be refused (make room: hatbox box-pack --prune, or hatbox box-library ID --delete)")


def store_words(s: dict[str, Any]) -> tuple[str, str]:
    """("163 packs installed (5.6 MiB)", "10 libraries (3.4 MiB)") from a status's ``totals``; a box from before
    them (every pack listed in ``packs``): the count alone, "? packs" where neither is there."""
    from hatbox.text import size_words
    totals = s.get("totals") if isinstance(s.get("totals"), dict) else {}

    def said(n_key: str, bytes_key: str, one: str, many: str, old: Any) -> str:
        n, size = totals.get(n_key), totals.get(bytes_key)
        if isinstance(n, int) and not isinstance(n, bool):
            return count_words(n, one, many) + (f" ({size_words(size)})" if isinstance(size, int) and n else "")
        return count_words(old, one, many) if isinstance(old, int) and not isinstance(old, bool) else f"? {many}"
    packs, libs = s.get("packs"), s.get("libraries")
    installed = said("packs", "pack_bytes", "pack installed", "packs installed", len(packs) if isinstance(packs, list)
                     else None)
    return installed, said("libraries", "library_bytes", "library", "libraries", libs)


def library_limits_words(s: dict[str, Any]) -> str:
    """The box's limits on one library (its status's ``library_limits``) in a line: "one library: at most 20,000
    files, 4 GiB in all, 1 GiB a file"; "" when the box does not publish them (a box from before the forty-seventh
    stop: its limits are the defaults)."""
    given = s.get("library_limits")
    if not isinstance(given, dict):
        return ""
    from device.library.archive_members import Limits, bytes_words
    ours = Limits().with_published(given)
    return (f"one library: at most {ours.max_files:,} files, {bytes_words(ours.max_total_bytes)} in all, "
            f"{bytes_words(ours.max_file_bytes)} a file (push-library checks a folder against them before packing)")


def knob_words(eng: dict[str, Any], units: dict[str, Any] | None = None) -> str:
    """The knobs of what plays, from the engine status's ``slot_knobs``: "effect.drive 12 dB, effect.tone 3500 Hz"
    (``units``: "SLOT.KNOB" -> the knob as ``GET /knobs`` lists it, :func:`knob_units`, or its unit alone; "" for
    none, or a status of another form).  A knob whose range is known is written as the panel's dial and the
    engine's notes write it (device/knob_words.py ``knob_number``: "0.1 dB" on a 0..24 dB knob, not "0.115407 dB",
    p57 QA_A 8); one without, as it was (``:g``)."""
    slots = eng.get("slot_knobs") if isinstance(eng.get("slot_knobs"), dict) else {}
    return ", ".join(f"{safe_text(slot)}.{safe_text(name)} {knob_value((units or {}).get(f'{slot}.{name}'), value)}"
                     for slot, knobs in slots.items() if isinstance(knobs, dict)
                     for name, value in knobs.items() if isinstance(value, (int, float)))


def knob_value(knob: Any, value: float) -> str:
    """``value`` of ``knob`` (a ``GET /knobs`` entry, the output volume as `hatbox box-knob` lists it, a unit alone,
    or None) with its unit, "0.1 dB": the one rule of `hatbox box-knob` and `hatbox status` (:func:`_number`)."""
    entry = knob if isinstance(knob, dict) else {"unit": knob}
    return f"{_number(entry, value)}{_unit(entry.get('unit'))}"


def knob_range(knob: dict[str, Any]) -> str:
    """"0..24 dB": ``knob``'s range (a ``GET /knobs`` entry), its ends written as its values are (:func:`_number`:
    "20..2000000 Hz", never "2e+06")."""
    return f"{_number(knob, knob['min'])}..{_number(knob, knob['max'])}{_unit(knob.get('unit'))}"


def _number(knob: dict[str, Any], value: float) -> str:
    """``value`` of ``knob`` without its unit: the output volume (``slot`` "output", hatbox.cmd_box_knob.volume_knob)
    to a tenth of a dB (device/knob_words.py ``volume_number``, as the status's volume line and the panel write it); a
    knob of known range as the panel's dial shows it (``knob_number``); one without, as it is (``:g``)."""
    from device.knob_words import knob_number, volume_number
    if knob.get("slot") == "output" and knob.get("name") == "volume":
        return volume_number(value)
    low, high = knob.get("min"), knob.get("max")
    if not (isinstance(low, (int, float)) and isinstance(high, (int, float))):
        return f"{value:g}"
    return knob_number(float(value), low, high, str(knob.get("scale") or "linear"))


def _unit(unit: Any) -> str:
    """`` dB`` after a knob's value (as `hatbox box-knob` writes it), "" for a knob of no unit."""
    return f" {safe_text(unit)}" if isinstance(unit, str) and unit else ""


def knob_units(client: Any) -> dict[str, dict[str, Any]]:
    """"SLOT.KNOB" -> the knob as the box lists it (its ``GET /knobs``: unit, min, max, scale, as `hatbox box-knob`
    lists them); {} when the box cannot say (a box of another version: the status's knobs line then shows bare
    numbers)."""
    from hatbox.box_client import asked
    knobs = asked(client, "/knobs", list) or []
    return {f"{k.get('slot')}.{k.get('name')}": k for k in knobs if isinstance(k, dict)}


def recovery_lines(rec: dict[str, Any]) -> list[str]:
    """What the box's repair of its pack store at start did (``GET /status``'s ``recovery``), in lines a musician
    reads: packs removed as damaged, records made again, an active pack gone and what plays instead, the pointer
    set aside.  [] when it found nothing (or a box of another version leaves fields out)."""
    lines = []
    if rec.get("removed_debris"):           # p45 crash QA: said only as removed_debris: 1 in GET /status
        lines.append("work cut off when the box stopped (an upload, an install or a deletion) was cleared: an upload "
                     "cut off was not kept: send it again (hatbox box-pack / box-library show what the box holds)")
    for pid in rec.get("removed_broken") or []:
        lines.append(f"removed {safe_text(pid)} from the box: it was damaged (send it again if you need it)")
    for pid in rec.get("rebuilt") or []:
        lines.append(f"{safe_text(pid)}: its record was damaged and was made again from the pack")
    active = rec.get("active") if isinstance(rec.get("active"), dict) else {}
    for kind, pid in (rec.get("lost_active") or {}).items():
        now = active.get(kind)
        lines.append(f"the active {safe_text(kind)} pack {safe_text(pid)} was gone: "
                     + (f"{safe_text(now)} plays instead" if now else "nothing plays there (hatbox push PACK.hatpack "
                                                                       "--activate)"))
    if rec.get("kit_damaged"):
        lines.append(safe_text(str(rec["kit_damaged"])))
    missing = set(rec.get("libraries_missing") or [])
    for lid in rec.get("libraries_rebuilt") or []:
        lines.append(f"library {safe_text(lid)}: its record was {'missing' if lid in missing else 'damaged'} and was "
                     "made again from its files and tags (its name is taken from its id)")
    for lid in rec.get("libraries_damaged") or []:
        lines.append(f"library {safe_text(lid)}: its record is damaged (hatbox box-library {safe_text(lid)} says what "
                     "can be done)")
    if rec.get("pointer_damaged"):
        lines.append("the record of which packs are active was damaged: "
                     + ("the box took them from its copy" if rec.get("pointer_from_copy") else
                        "no pack is active until you make one active (hatbox box-pack ID --activate)"))
    return lines
