"""The laptop's side of the box's MIDI program map (device/api/program_routes.py): `hatbox box-midi --program N PACK`
(PACK by name or id, as `hatbox box-pack` takes it; ``none`` clears it), the map's lines in `hatbox box-midi`, and
the words `hatbox status` says of the last program change."""
from __future__ import annotations

import time
from typing import Any

from device.finite_numbers import finite_number
from hatbox.box_client import _call, asked, safe_text
from hatbox.errors import HatboxError

NONE_WORDS = ("none", "off", "-")            # --program N none: clear program N


def _program(text: str) -> int:
    """``"3"`` -> 3; HatboxError for anything not 0..127."""
    word = str(text).strip()
    if not word.isdigit() or not 0 <= int(word) <= 127:
        raise HatboxError(f"--program {safe_text(text)!r}: a MIDI program is 0..127",
                          hint="e.g. hatbox box-midi --program 0 mypedal (a controller that counts programs from 1 "
                               "shows program 0 as 1)")
    return int(word)


def set_program(client: Any, given: list[str], channel: int | None) -> int:
    """``--program N PACK`` (``given``: [N, PACK]): map program N (on ``channel`` 1..16, None: any) to the pack PACK
    names on the box, or clear it (PACK ``none``); says what was done, and for a program set on any channel that a
    drum module's kit change switches it too (:func:`any_channel_note`)."""
    from device.versions import folded
    from hatbox.pack_who import find_or_deleted
    program, name = _program(given[0]), given[1].strip()
    query = {} if channel is None else {"params": {"channel": channel}}
    if name.lower() in NONE_WORDS:
        print(safe_text(_call(client, "DELETE", f"/midi/programs/{program}", **query)["message"]))
        return 0
    again = f"hatbox box-midi --program {program} {{}}" + ("" if channel is None else f" --program-channel {channel}")
    # a set list: the newest; a pack deleted a moment ago, by another laptop, said with who did (p57 QA_D 8)
    pack = find_or_deleted(client, _call(client, "GET", "/packs", expect=list), name, "newest", again)
    by_name = folded(pack.get("name", "")) == folded(name) and pack.get("id") != name
    body = {"pack": str(pack["id"]), "follow": by_name, "channel": channel}
    print(safe_text(_call(client, "PUT", f"/midi/programs/{program}", json=body)["message"]))
    if channel is None:
        print(any_channel_note(given))
    return 0


def any_channel_note(given: list[str]) -> str:
    """The line `--program N PACK` with no --program-channel adds (p48 QA: a drum module on channel 10 sends a program
    change when the drummer changes kits on it, and it switched the box's pack)."""
    import shlex
    program, pack = safe_text(given[0]), safe_text(shlex.quote(given[1].strip()))
    return (f"note: program {program} listens on every MIDI channel, so a drum module changing kits (it sends program "
            f"changes on channel 10) switches the pack too; to listen on one channel only: hatbox box-midi --program "
            f"{program} {pack} --program-channel N (your controller's channel)")


def program_lines(client: Any) -> list[str]:
    """`hatbox box-midi`'s lines for the box's program map and its last program change ([] for a box without one:
    before the forty-fourth stop)."""
    state = asked(client, "/midi/programs")
    if state is None:
        return []
    rows = state.get("programs") if isinstance(state.get("programs"), list) else []
    lines = [f"  program change -> pack: {'' if rows else 'none mapped (hatbox box-midi --program N PACK)'}".rstrip()]
    lines += [f"    {_row_words(r)}" for r in rows if isinstance(r, dict)]
    last = state.get("last")
    if isinstance(last, dict):
        lines.append(f"  last program change: {last_words(last)}")
    lines += [f"warning: {safe_text(w)}" for w in state.get("warnings") or []]
    return lines


def _row_words(row: dict[str, Any]) -> str:
    """One short line per program, what it plays now first: "program   0 -> effect pedal2 0.1.1 (follows the newest
    'pedal2')", "program   4 -> effect pedal2 0.1.0 (this pack: effect-pedal2-0.1.0-bd9a6efa0660)", "program   1 ->
    GONE: effect hatbox-drive 0.1.0 was deleted, it switches nothing" (p44 regression QA: the version mapped was
    shown, not the one that plays, and a gone pack twice)."""
    where = f" on channel {row['channel']}" if row.get("channel") else ""
    head = f"program {row.get('program'):>3}{where} ->"
    kind, name = safe_text(row.get("kind")), safe_text(row.get("name"))
    plays = row.get("plays")
    if plays is None:
        return f"{head} GONE: {kind} {name} {safe_text(row.get('version'))} was deleted, it switches nothing"
    mapped = plays == row.get("pack")
    version = row.get("plays_version") or (row.get("version") if mapped else None)
    now = f"{kind} {safe_text(row.get('plays_name') or name)} {safe_text(version)}" if version else \
        f"{kind} {safe_text(plays)}"
    if row.get("follow"):
        return f"{head} {now} (follows the newest '{name}')"
    if mapped:
        return f"{head} {now} (this pack: {safe_text(plays)})"
    return f"{head} {now} (its pack {safe_text(row.get('pack'))} was deleted: the newest '{name}' plays)"


def program_note(client: Any, pack: dict[str, Any], packs: list[dict[str, Any]]) -> str:
    """"; program 1 (set list) plays it: it will switch nothing" (or "...: program 1 (set list) will play effect
    pack pedal2 0.1.0 (ID) instead") for each program that plays ``pack`` now (GET /midi/programs' ``plays``), with
    what it plays once ``pack`` is gone (the newest other of its kind and name: device/midi_programs.py
    ``broken_by_delete``'s rule); "" when none does, or the box cannot say (a box before the set list).  Each row is
    read as the box reads its map (device/midi_programs.py ``entry_of``): a row that is not one (a channel 0, a
    program past 127) is no program of the box's, and is not said."""
    from device.midi_programs import broken_words, entry_of, newest_named
    rows = (asked(client, "/midi/programs") or {}).get("programs")
    if not isinstance(rows, list):
        return ""
    rest = [p for p in packs if p.get("id") != pack.get("id")]
    words = []
    for row in rows:
        if isinstance(row, dict) and row.get("plays") == pack.get("id"):
            try:
                entry = entry_of(row)           # the box's own reading of a row (device/midi_programs.py)
            except (ValueError, KeyError, TypeError):
                continue                        # no program the box could play (channel 0, program 200)
            words.append(safe_text(broken_words(entry, newest_named(rest, entry.kind, entry.name))))
    return "".join(f"; {w}" for w in words)


def programs_changed(body: Any) -> list[str]:
    """What ``DELETE /packs/{id}``'s answer (with ``Prefer: return=representation``) says each set-list program that
    played the pack does now ("program 1 (set list) played it: it switches nothing now"); [] for a 204 (none, or a
    box before the answer)."""
    rows = body.get("programs") if isinstance(body, dict) else None
    return [f"note: {safe_text(r.get('message'))}" for r in rows or [] if isinstance(r, dict) and r.get("message")]


def last_words(last: dict[str, Any]) -> str:
    """What the last program change did, and how long ago: "program 3: effect pack ... switched in (12 s ago)".  How
    long ago is the box's own count (``ago_s``, its monotonic clock: right whatever either wall clock reads); a box
    from before it gives only ``at``, its wall time, taken from this computer's (wrong when either clock is)."""
    ago_s, at = last.get("ago_s"), last.get("at")
    secs = None
    if finite_number(ago_s):
        secs = max(0, int(ago_s))
    elif finite_number(at):
        secs = max(0, int(time.time() - float(at)))
    ago = "" if secs is None else f" ({secs} s ago)" if secs < 120 else f" ({secs // 60} min ago)" if secs < 7200 \
        else f" ({secs // 3600} h ago)"
    return f"{safe_text(last.get('message', '?'))}{ago}"
