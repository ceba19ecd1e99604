"""`hatbox box-kit`'s options of kit notes, --latch/--no-latch/--no-loop/--choke/--no-choke/--choke-default: the
notes each names, the choke groups given, and what was done in a musician's words (split from hatbox/cmd_kit.py at the
fifty-second stop; `box-kit` sends them: PATCH /kit/notes/NOTE, device/api/kit_routes.py)."""
from __future__ import annotations

import argparse
from typing import Any

from device.notes import note_name, parse_note
from hatbox.errors import HatboxError


def choke_words(group: int) -> str:
    """"choke group 2" (its notes cut each other), "chokes nothing" (0)."""
    return f"choke group {group}" if group else "chokes nothing"


EXAMPLES = {"latch": "--latch C3,D3", "no_latch": "--no-latch C3", "no_loop": "--no-loop C2",
            "choke": "--choke C6,C#6", "no_choke": "--no-choke F#2", "choke_default": "--choke-default F#2"}


def note_list(text: str, option: str) -> list[int]:
    """The notes of ``--latch C3,D3`` (numbers or names), in order, once each (HatboxError for one that is no note,
    its hint an example of that option: p52 QA1, `--latch 200` was shown a --choke)."""
    notes: list[int] = []
    for word in (w.strip() for w in text.split(",")):
        try:
            note = parse_note(word)
        except ValueError as exc:
            raise HatboxError(f"--{option.replace('_', '-')}: {exc}",
                              hint=f"e.g. hatbox box-kit {EXAMPLES.get(option, EXAMPLES['choke'])}") from None
        notes += [] if note in notes else [note]
    return notes


def no_loop_notes(args: argparse.Namespace) -> str | None:
    """--no-loop's NOTE[,NOTE] where it names notes of the kit (without --from, where it names tags), else None."""
    return args.no_loop if getattr(args, "no_loop", None) and getattr(args, "source", None) is None else None


def check_groups(named: list[list[int]], groups: list[int]) -> None:
    """HatboxError for a --choke that names one note outside the hi-hat group: a group of one cuts nothing (p52 QA1:
    `--choke 49` said "C#3: cut each other")."""
    from device.control import HI_HAT_GROUP
    for notes, group in zip(named, groups):
        if len(notes) == 1 and group != HI_HAT_GROUP:
            name = note_name(notes[0])
            raise HatboxError(f"--choke {name} names one note: a choke group is two notes or more that cut each "
                              f"other (a group of one cuts nothing); nothing was changed",
                              hint=f"e.g. hatbox box-kit --choke {name},NOTE (the notes that cut each other), "
                                   f"or --no-choke {name}")


def options_asked(args: argparse.Namespace, kit: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Note -> the options to PATCH on it (``latch``, ``loop``, ``choke``, ``choke_default``), from --latch/--no-latch/
    --no-loop/--choke/--no-choke/--choke-default; each --choke's notes get a choke group (:func:`choke_groups`).
    HatboxError for a note the kit does not play, a --choke of one note, or when no choke group is free."""
    playing = {n.get("note") for n in kit.get("notes") or [] if isinstance(n, dict) and not n.get("missing")}
    asked: dict[int, dict[str, Any]] = {}
    for name, value in (("latch", True), ("no_latch", False)):
        for note in note_list(getattr(args, name) or "", name) if getattr(args, name) else []:
            asked.setdefault(note, {})["latch"] = value
    for note in note_list(no_loop_notes(args) or "", "no_loop") if no_loop_notes(args) else []:
        asked.setdefault(note, {})["loop"] = False
    named = [note_list(text, "choke") for text in args.choke or []]
    groups = choke_groups(named, kit_chokes(kit))
    check_groups(named, groups)
    for group, notes in zip(groups, named):
        for note in notes:
            asked.setdefault(note, {})["choke"] = group
    for note in note_list(args.no_choke, "no_choke") if args.no_choke else []:
        asked.setdefault(note, {})["choke"] = 0
    for note in note_list(args.choke_default, "choke_default") if getattr(args, "choke_default", None) else []:
        asked.setdefault(note, {})["choke_default"] = True
    for note in asked:
        if note not in playing:
            raise HatboxError(f"{note_name(note)} ({note}) plays nothing in the kit: nothing was changed",
                              hint=f"set it first: hatbox box-kit --map {note_name(note)} FILE")
    return asked


def kit_chokes(kit: dict[str, Any]) -> dict[int, int | None]:
    """Note -> its choke group in the box's answer ``kit`` (GET /kit: None General MIDI's), its notes that play."""
    notes = [n for n in kit.get("notes") or [] if isinstance(n, dict) and isinstance(n.get("note"), int)]
    return {n["note"]: n.get("choke") if isinstance(n.get("choke"), int) else None
            for n in notes if not n.get("missing")}


def group_of(note: int, choke: int | None) -> int:
    """The choke group a kit note plays in: ``choke``, or General MIDI's (device.control.default_group: the hi-hats'
    1, else none) for None."""
    from device.control import default_group
    return choke if choke is not None else default_group(note)


def in_hat_group(note: int, choke: int | None) -> bool:
    """Whether kit note ``note`` (its ``choke``, None: General MIDI's) is a hi-hat playing in the hi-hat group (1)."""
    from device.control import HI_HAT_GROUP, HI_HATS
    return note in HI_HATS and group_of(note, choke) == HI_HAT_GROUP


def choke_groups(named: list[list[int]], chokes: dict[int, int | None]) -> list[int]:
    """The choke group of each of --choke's note lists ``named`` (``chokes``: the kit's, :func:`kit_chokes`): the first
    naming a hi-hat that plays in the hi-hat group (1, General MIDI's 42/44/46) takes that group, so the hats it does
    not name still cut it (`--choke 42,46` took the pedal hat 44 out of the open hat's group); the others the lowest
    group from 2 that no other note plays in (they only grew: at 128 the box refused).  HatboxError for none free."""
    from device.control import HI_HAT_GROUP, MAX_CHOKE_GROUP
    others = {n for notes in named for n in notes}
    used = {group_of(n, c) for n, c in chokes.items() if n not in others}
    groups: list[int] = []
    for notes in named:
        hat = HI_HAT_GROUP not in groups and any(in_hat_group(n, chokes.get(n)) for n in notes)
        free = next((g for g in range(2, MAX_CHOKE_GROUP + 1) if g not in used and g not in groups), None)
        if not hat and free is None:
            raise HatboxError(f"no choke group is free: the kit's other notes play in all {MAX_CHOKE_GROUP - 1} "
                              f"(2..{MAX_CHOKE_GROUP}); nothing was changed",
                              hint="hatbox box-kit lists each note's group; --no-choke NOTE or --choke-default NOTE "
                                   "frees one")
        groups.append(HI_HAT_GROUP if hat else int(free))
    return groups


def kit_loops(kit: dict[str, Any]) -> dict[int, tuple[bool, bool]]:
    """Note -> (it loops, it latches) in the box's answer ``kit`` (GET /kit), its notes that play."""
    return {n["note"]: (n.get("loop") is True, n.get("latch") is True) for n in kit.get("notes") or []
            if isinstance(n, dict) and isinstance(n.get("note"), int) and not n.get("missing")}


def option_lines(asked: dict[int, dict[str, Any]], chokes: dict[int, int | None] | None = None,
                 loops: dict[int, tuple[bool, bool]] | None = None) -> list[str]:
    """What --latch/--no-latch/--no-loop/--choke did, in a musician's words (``chokes``: the kit's groups before,
    :func:`kit_chokes`: the hi-hats left in or out of their group are named; ``loops``: whether each note looped and
    latched before, :func:`kit_loops`: a one-shot --latch made loop is said so, and --no-latch says how to make such
    a note play once again: p52 QA1, a kick left looping)."""
    return latch_lines(asked, loops) + choke_lines(asked, chokes or {})


def latch_lines(asked: dict[int, dict[str, Any]], loops: dict[int, tuple[bool, bool]] | None) -> list[str]:
    """:func:`option_lines`' lines of the latches and loops asked."""
    before = loops or {}
    lines = []
    latched = [n for n, o in sorted(asked.items()) if o.get("latch") is True]
    made = [n for n in latched if n in before and not before[n][0]]       # one-shots: --latch made them loop
    latched = [n for n in latched if n not in made]
    if latched:
        lines.append(f"{note_names(latched)}: a tap starts {'its' if len(latched) == 1 else 'each'} loop, the next "
                     "tap stops it (latched; from MIDI, a note-on starts it and the next note-on stops it)")
    if made:
        lines.append(f"{note_names(made)}: {'a one-shot' if len(made) == 1 else 'one-shots'} before, "
                     f"{'it loops' if len(made) == 1 else 'they loop'} now, latched: a tap starts the loop, the next "
                     f"tap stops it (hatbox box-kit --no-loop {','.join(note_name(n) for n in made)} plays "
                     f"{'it' if len(made) == 1 else 'them'} once per strike again)")
    lines += unlatch_lines([n for n, o in sorted(asked.items()) if o.get("latch") is False], before)
    return lines + once_lines([n for n, o in sorted(asked.items()) if o.get("loop") is False], before)


def once_lines(notes: list[int], before: dict[int, tuple[bool, bool]]) -> list[str]:
    """--no-loop's lines: the loops that play once per strike now, and the notes that played once already ("as
    before": p52 final read FR1 #5, a one-shot was said to have changed)."""
    were = [n for n in notes if n in before and not before[n][0]]
    now = [n for n in notes if n not in were]
    lines = []
    if now:
        lines.append(f"{note_names(now)}: {'plays its file' if len(now) == 1 else 'play their files'} once per "
                     "strike now (no loop, no latch)")
    if were:
        lines.append(f"{note_names(were)}: {'plays its file' if len(were) == 1 else 'play their files'} once per "
                     "strike, as before (no loop to take off)")
    return lines


def unlatch_lines(notes: list[int], before: dict[int, tuple[bool, bool]]) -> list[str]:
    """--no-latch's lines: the loops that play while held now (those --latch may have made of one-shots: how to play
    them once again), and the notes that were no loop (nothing to unlatch)."""
    once = [n for n in notes if n in before and not before[n][0]]
    loops = [n for n in notes if n not in once]
    lines = []
    if loops:
        were = [n for n in loops if before.get(n, (True, True))[1]]
        one = len(loops) == 1
        lines.append(f"{note_names(loops)}: {'its loop plays' if one else 'their loops play'} while held (or while "
                     "the sustain pedal is down)" + (
                         f": {'it still loops' if one else 'they still loop'}; to play {'it' if one else 'them'} once "
                         f"per strike (a one-shot --latch made loop): hatbox box-kit --no-loop "
                         f"{','.join(note_name(n) for n in were)}" if were else ""))
    if once:
        lines.append(f"{note_names(once)}: {'plays' if len(once) == 1 else 'play'} once per strike, as before "
                     "(no loop to latch)")
    return lines


def choke_lines(asked: dict[int, dict[str, Any]], chokes: dict[int, int | None]) -> list[str]:
    """:func:`option_lines`' lines of the choke groups asked."""
    from device.control import HI_HAT_GROUP, HI_HATS
    lines: list[str] = []
    groups: dict[int, list[int]] = {}
    for note, options in sorted(asked.items()):
        if "choke" in options:
            groups.setdefault(options["choke"], []).append(note)
    hats = hats_left(asked, chokes)
    for group, notes in sorted(groups.items()):
        with_hats = f" and {note_names(hats)}" if hats else ""
        lines.append(f"{note_names(notes)}: "
                     f"{'choke nothing' if not group else f'cut each other (choke group {group})'}"
                     if group != HI_HAT_GROUP else f"{note_names(notes)}: cut each other{with_hats} (choke group 1, "
                     "General MIDI's hi-hats)")
    moved = [n for n, o in sorted(asked.items())
             if n in HI_HATS and o.get("choke", HI_HAT_GROUP) not in (0, HI_HAT_GROUP)]
    if hats and moved:
        lines.append(f"{note_names(hats)}: still in the hi-hat group (choke group 1), no longer cut by "
                     f"{note_names(moved)} (hatbox box-kit --choke-default {','.join(note_name(n) for n in moved)} "
                     "puts them back)")
    back = [n for n, o in sorted(asked.items()) if o.get("choke_default")]
    for notes, words in (([n for n in back if n in HI_HATS], "General MIDI's hi-hat group again (choke group 1)"),
                         ([n for n in back if n not in HI_HATS], "General MIDI's choke again (none)")):
        lines += [f"{note_names(notes)}: {words}"] if notes else []
    return lines


def hats_left(asked: dict[int, dict[str, Any]], chokes: dict[int, int | None]) -> list[int]:
    """The hi-hats of the kit (``chokes``) this command leaves in General MIDI's hi-hat group (choke group 1)."""
    from device.control import HI_HATS
    return [n for n in HI_HATS if n in chokes and in_hat_group(n, chokes[n])
            and not {"choke", "choke_default"} & set(asked.get(n, {}))]


def note_names(notes: list[int]) -> str:
    return ", ".join(note_name(n) for n in notes)
