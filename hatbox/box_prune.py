"""`hatbox box-pack --prune [--keep N] [--history N] [--yes]`: delete the pack versions nothing on the box reaches
any more, and the totals under `hatbox box-pack`'s list.

The box decides what may go (``POST /packs/prune``, device/api/prune_routes.py: not active, not reachable by a roll
back, not what a MIDI program plays, not a library's tagger, not one of the ``--keep`` newest of its name); this lists
it with the space it frees, asks (``--yes``: does not; with no terminal to ask on, or ``CI=true``, it refuses without
``--yes``), then deletes exactly the packs listed, in one call.  Each pack it keeps is listed with why (active,
program 3, "program 0, follows the newest 'drive'", library X's tagger, newest, roll back 2); ``--history N`` keeps
only N roll-back steps per slot, and the question names the steps it drops (p44 regression QA: auditioned versions
were kept forever as roll-back steps).
"""
from __future__ import annotations

from typing import Any

from hatbox.ask import can_ask
from hatbox.box_client import _box_reply, _call, asked, safe_text
from hatbox.errors import HatboxError
from hatbox.text import count_words, size_words


def pruned_line(pack: dict[str, Any]) -> str:
    """One pack a prune deletes: "  effect fuzz 2.3.0  36 KiB  (effect-fuzz-2.3.0-0123456789ab)"."""
    return (f"  {safe_text(pack.get('kind', '?'))} {safe_text(pack.get('name', '?'))} "
            f"{safe_text(pack.get('version', '?'))}  {size_words(int(pack.get('size') or 0))}  "
            f"({safe_text(pack.get('id', '?'))})")


def kept_line(pack: dict[str, Any], ids: bool = False) -> str:
    """One pack a prune keeps, with why: "  kept  effect crunch 0.1.3  roll back 2"; with ``ids`` (other packs of its
    name and version are listed too: p53 QA, twins' kept lines could not be told apart) its short id after the
    version: "  kept  effect my-amp 0.1.0 (7d375cfd1eb5)  program 0"."""
    from hatbox.pack_names import short_id
    return (f"  kept  {safe_text(pack.get('kind', '?'))} {safe_text(pack.get('name', '?'))} "
            f"{safe_text(pack.get('version', '?'))}{f' ({short_id(pack)})' if ids else ''}  "
            f"{safe_text(pack.get('why', '?'))}")


def dropped_words(plan: dict[str, Any], names: dict[str, str]) -> str:
    """"4 roll-back steps (effect: crunch 0.1.1, crunch 0.1.0)" for the steps ``--history`` lets go ("" for none);
    ``names``: id -> "name version" of the packs the plan lists."""
    steps = [s for s in plan.get("history_dropped") or [] if isinstance(s, dict)]
    by_slot: dict[str, list[str]] = {}
    for step in steps:
        pid = str(step.get("id"))
        by_slot.setdefault(safe_text(step.get("slot")), []).append(names.get(pid, safe_text(pid)))
    said = "; ".join(f"{slot}: {', '.join(ids)}" for slot, ids in by_slot.items())
    return f"{count_words(len(steps), 'roll-back step')} ({said})" if steps else ""


def _show_plan(plan: dict[str, Any], keep: int) -> tuple[list[dict[str, Any]], str]:
    """Print what a prune would delete and keep (each kept pack with why); returns (the packs to delete, the
    question's words for them: "3 packs (105 KiB)" and the roll-back steps dropped; "" for nothing to do)."""
    packs = [p for p in plan.get("packs") or [] if isinstance(p, dict)]
    kept = [p for p in plan.get("kept_packs") or [] if isinstance(p, dict)]
    names = {str(p.get("id")): f"{safe_text(p.get('name'))} {safe_text(p.get('version'))}" for p in packs + kept}
    steps = dropped_words(plan, names)
    from hatbox.pack_names import release_key, twinned
    twins = twinned(packs + kept)
    for pack in kept:
        print(kept_line(pack, release_key(pack) in twins))
    for pack in packs:
        print(pruned_line(pack))
    if not packs and not steps:
        print(_nothing_words(plan, kept))
        if any(str(p.get("why", "")).startswith("roll back") for p in kept):
            print("  (a pack kept only as a roll-back step goes with --history N: hatbox box-pack --prune --history 1 "
                  "keeps one step back per slot)")
        return packs, ""
    what = f"{count_words(len(packs), 'pack')} ({size_words(int(plan['bytes']))})" if packs else ""
    if packs:
        print(f"{what} to delete: {_reasons_words(keep)}; {_stay_words(int(plan['kept']))}")
    if steps:
        print(f"roll-back history to drop: {steps}")
    return packs, " and ".join(w for w in (what, steps) if w)


def _reasons_words(keep: int) -> str:
    """Why none of the packs to delete stays: "none is active, ..., or among the 2 newest of its name"; with
    ``keep`` 0 no newest are kept, and that clause is left out (p53 final read: "among the 0 newest")."""
    newest = f", or among the {keep} newest of its name" if keep > 0 else ""
    return ("none is active, reachable by a roll back, played by a MIDI program (one mapped by name plays only the "
            f"newest){',' if newest else ', or'} a library's tagger{newest}")


def _stay_words(n: int) -> str:
    """"1 pack stays", "3 packs stay" (p53 final read: "1 pack stay")."""
    return f"{count_words(n, 'pack')} {'stays' if n == 1 else 'stay'}"


def _nothing_words(plan: dict[str, Any], kept: list[dict[str, Any]]) -> str:
    """What a prune with nothing to delete says: why each pack stays is on its "kept" line above (p53 QA: the box's
    words named its answer's field, "kept_packs says which"); the box's own words where it listed none kept."""
    if not kept:
        return safe_text(plan.get("message", "nothing to delete"))
    return (f"nothing to delete: each of the {count_words(len(kept), 'pack')} on the box stays, for the reason on its "
            "'kept' line above")


def prune(client: Any, keep: int, yes: bool, confirm: Any, history: int | None = None) -> int:
    """List what a prune keeping the ``keep`` newest of each name (and ``history`` roll-back steps per slot; None:
    all) would delete, each pack kept with why, ask (``confirm(question, not_done, hint)``, unless ``yes``), delete
    it; says what was freed."""
    ask = {"keep": keep, "dry_run": True, **({} if history is None else {"history": history})}
    with _box_reply("POST /packs/prune"):
        plan = _call(client, "POST", "/packs/prune", json=ask, expect=dict)
        packs, what = _show_plan(plan, keep)
    if not what:
        return 0
    if not yes:
        if not can_ask():
            raise HatboxError(f"nothing was deleted: --prune asks before deleting {what}, and there is no terminal to "
                              "ask on (or CI is set)", hint="add --yes to delete them without asking")
        if not confirm(f"delete {'these ' if packs else ''}{what} from the box?", "nothing was deleted",
                       "pass --yes to delete without asking"):
            return 0
    with _box_reply("POST /packs/prune"):
        done = _call(client, "POST", "/packs/prune", json={**ask, "dry_run": False,
                                                           "ids": [str(p["id"]) for p in packs]}, expect=dict)
        n = len(done.get("packs") or [])
        steps = len(done.get("history_dropped") or [])
        print(f"deleted {count_words(n, 'pack')}, freed {size_words(int(done['bytes']))}; the box holds "
              f"{count_words(int(done['kept']), 'pack')} ({size_words(int(done['kept_bytes']))})"
              + (f"; dropped {count_words(steps, 'roll-back step')}" if steps else "")
              + (f" ({len(packs) - n} of those listed were no longer to delete: kept)" if n < len(packs) else ""))
    return 0


def totals_line(client: Any, packs: list[dict[str, Any]]) -> str:
    """"173 packs, 6.0 MiB; 10 libraries, 3.4 MiB" from the box's status totals; a box from before them: the packs
    listed and their sizes (libraries left out)."""
    status = asked(client, "/status")
    totals = status.get("totals") if status is not None else None
    if isinstance(totals, dict) and all(isinstance(totals.get(k), int) for k in
                                        ("packs", "pack_bytes", "libraries", "library_bytes")):
        return (f"{count_words(totals['packs'], 'pack')}, {size_words(totals['pack_bytes'])}; "
                f"{count_words(totals['libraries'], 'library', 'libraries')}, {size_words(totals['library_bytes'])}")
    size = sum(p["size"] for p in packs if isinstance(p.get("size"), int))
    return f"{count_words(len(packs), 'pack')}, {size_words(size)}"
