"""What the panel says of a MIDI program change (p55 QA_B 2: a foot switch's program change switched the pack with
nothing on the screen, and one with nothing mapped was said only in box.log; with no laptop the panel is the only
place to see either).

The box's program switcher (device/midi_programs.py ``ProgramSwitcher.add_status``) puts what the last program change
did in the engine status as ``midi_program``: ``{program, channel, at, result, pack, slot, message, ago_s}``, and,
from a switcher that says them, ``name`` and ``version`` (the pack's) and ``gone`` (true: its pack was deleted and
none of its name is left).  :class:`ProgramNotices` takes each outcome once, new to the panel, and
:func:`program_lines` words it for the tab bar's message line, longest first: "program 1: fuzzbox 0.2.0 active",
"program 7: nothing mapped", then shorter ones for a 480- or 320-px screen (the name without its version, the program
without "on channel N") that keep what happened.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from device.finite_numbers import finite_or_none
from device.midi_programs import PLAYING, REFUSED, SUPERSEDED, SWITCHED, UNMAPPED

QUIET = (SUPERSEDED,)       # a burst's earlier program changes: the last one is said
Heads = tuple[str, str, str]     # "program 12 on channel 10", "program 12", "p12": the program, shorter and shorter


def program_lines(outcome: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    """The wordings (longest first) of a program change's ``outcome`` and whether they alarm (red: the program's
    pack was refused or is gone).  The pack's name and version are the outcome's own (:func:`pack_name`)."""
    program = outcome.get("program", "?")
    heads = said(outcome), f"program {program}", f"p{program}"
    result = outcome.get("result")
    if result == UNMAPPED:
        return (f"{heads[0]}: nothing mapped, the box plays on as before (map it on the Models page)",
                f"{heads[0]}: nothing mapped, plays on as before (Models maps it)",
                f"{heads[0]}: nothing mapped (Models maps it)",   # the pointer outlives "plays on" (p57 QA_C 8)
                f"{heads[1]}: nothing mapped (Models maps it)",     # p57 F6: the panel maps it now (QA_B 3)
                *_each(heads, lambda h: f"{h}: nothing mapped")), False
    pid = outcome.get("pack")
    if pid:
        name, version = pack_name(outcome)
        if result in (SWITCHED, PLAYING):
            lines = _named(heads, name, version, "active" if result == SWITCHED else "is active already")
            return with_worse(lines, worse_words(outcome.get("metrics")) if result == SWITCHED else ()), False
        if result == REFUSED:
            return refused_lines(outcome, heads, name, version), True
    if result == REFUSED:
        return unswitched_lines(outcome, heads), True
    return (str(outcome.get("message") or f"{heads[0]}: not switched"), f"{heads[1]}: not switched"), False


def pack_name(outcome: dict[str, Any]) -> tuple[str, str]:
    """(name, version) of the outcome's pack, as the switcher gives them (p55 R3 review 7: it names every pack it
    gives, so the store is never read for them, p55 FR3 review 6), else its id and no version."""
    name, version = outcome.get("name"), outcome.get("version")
    if isinstance(name, str) and name:
        return name, str(version or "")
    return str(outcome.get("pack")), ""


def _named(heads: Heads, name: str, version: str, what: str) -> tuple[str, ...]:
    """"program 12 on channel 10: fuzzbox 0.2.0 active", then without the version, then "program 12: fuzzbox
    active", then "p12: fuzzbox active": the news ("active") and the whole name are kept longest."""
    full = f"{name} {version}" if version else name
    return (f"{heads[0]}: {full} {what}", f"{heads[0]}: {name} {what}", f"{heads[1]}: {name} {what}",
            f"{heads[2]}: {name} {what}")


def worse_words(metrics: Any) -> tuple[str, ...]:
    """What `hatbox push` says of an effect pack whose ``metrics`` (``val_esr``, ``val_bypass_esr``: its manifest's,
    or a program change outcome's) say it scored no better than no effect at all, cut for the panel's line, longest
    first (its rule and words: hatbox.bypass_words.worse_than_bypass_forms): "it scored worse than no effect at
    all: held-out error 1.28 against bypass's 0.743", "it scored worse than no effect at all", "worse than no
    effect"; () for any other pack, and one without both figures (p60 F3: the panel and a MIDI program change made
    such a pack active with no word, where push asks)."""
    from hatbox.bypass_words import worse_than_bypass_forms
    return worse_than_bypass_forms(metrics)


def with_worse(lines: tuple[str, ...], worse: tuple[str, ...]) -> tuple[str, ...]:
    """An activation's wordings ``lines`` (longest first), each followed by each of ``worse`` (:func:`worse_words`),
    longest first, so that the warning stays however short the line has to be; ``lines`` as they are for ()."""
    both = [f"{line}; {w}" for line in lines if line for w in worse]
    return tuple(sorted(dict.fromkeys(both), key=len, reverse=True)) if worse else lines


def refused_lines(outcome: dict[str, Any], heads: Heads, name: str, version: str) -> tuple[str, ...]:
    """A refused switch of a pack still on the box: the switcher's words, then without the pack's id, then the
    name and the reason ("program 1: fuzzbox not switched in (disk full)"), then without the reason."""
    message, pid, why = str(outcome.get("message") or ""), str(outcome.get("pack")), str(outcome.get("why") or "")
    full = f"{name} {version}" if version else name
    lines = [message, message.replace(f" ({pid})", "")] if message else []
    short = short_why(why, pid)
    for reason in dict.fromkeys((why, short, short.split(" by ", 1)[0]) if why else ()):
        lines += [f"{heads[0]}: {full} not switched in ({reason})", f"{heads[0]}: {name} not switched in ({reason})",
                  f"{heads[1]}: {name} not switched in ({reason})", f"{heads[1]}: {name} not switched ({reason})"]
    return tuple(lines) + (f"{heads[0]}: {name} not switched in", f"{heads[1]}: {name} not switched in",
                           f"{heads[2]}: {name} not switched in", f"{heads[1]}: not switched in")


def short_why(why: str, pid: str) -> str:
    """The refusal's reason ``why`` cut to its first clause, without the pack's id (the notice names the pack): "pack
    'effect-x-...' is not signed by a trusted key, and this box takes only signed packs (...)" -> "not signed by a
    trusted key" (p57 QA_C 2: the reason did not fit, and the red notice said none); :func:`refused_lines` also
    says it up to its first " by " ("not signed")."""
    text = why.replace(f"pack '{pid}' ", "").replace(f" ({pid})", "").replace(f"'{pid}' ", "")
    for cut in (", ", ": ", "; ", " ("):
        text = text.split(cut, 1)[0]
    return text.removeprefix("is ").strip() or why


def unswitched_lines(outcome: dict[str, Any], heads: Heads) -> tuple[str, ...]:
    """A refused switch with no pack: "its pack is gone" only where the switcher marks it so (``gone``: p55 R3
    review 2, an unexpected error has no pack either), else "not switched"."""
    message = str(outcome.get("message") or "")
    if outcome.get("gone") is True:
        short = (f"{heads[0]}: its pack is gone: nothing switched", f"{heads[1]}: its pack is gone: nothing switched",
                 f"{heads[1]}: pack gone, nothing switched", f"{heads[1]}: nothing switched")
    else:
        short = _each(heads, lambda h: f"{h}: not switched")
    return (message, *short) if message else short


def _each(heads: Heads, words: Callable[[str], str]) -> tuple[str, ...]:
    """``words`` of the long heads ("p12" is for a pack's name only), the same one once."""
    return tuple(dict.fromkeys(words(h) for h in heads[:2]))


def said(outcome: dict[str, Any]) -> str:
    """"program 3" or "program 3 on channel 10": the switcher's own words at the head of its message (the channel
    where the mapping is a channel's own), else made of the outcome's program."""
    message = str(outcome.get("message") or "")
    head = message.split(": ", 1)[0]
    return head if head.startswith("program ") else f"program {outcome.get('program', '?')}"


class ProgramNotices:
    """Which program change the panel has said: :meth:`take` answers a status's ``midi_program`` once, when it is new
    to the panel; one older than the panel (its age, ``ago_s``, more than the time since the panel's first
    :meth:`take`: both durations of one machine) is not said, however late its status came (p55 R3 review 3)."""

    def __init__(self) -> None:
        self._seen: tuple[Any, ...] | None = None
        self._started: float | None = None         # the panel clock at the first take (the panel's first frame)

    def take(self, status: dict[str, Any], now: float) -> dict[str, Any] | None:
        """The status's program change outcome when it is news to the panel, else None (none, said already, a burst's
        superseded one, or one from before the panel).  ``now``: the panel's clock (seconds)."""
        self._started = now if self._started is None else self._started
        outcome = status.get("midi_program") if isinstance(status, dict) else None
        if not isinstance(outcome, dict):
            return None
        key = tuple(outcome.get(k) for k in ("at", "program", "channel", "result", "message"))
        if key == self._seen:
            return None
        first, self._seen = self._seen is None, key
        age = age_s(outcome)
        before = first if age is None else age > now - self._started
        return None if outcome.get("result") in QUIET or before else outcome


def age_s(outcome: dict[str, Any]) -> float | None:
    """How long ago the outcome happened by the box's own clock (``ago_s``), None when it does not say."""
    return finite_or_none(outcome.get("ago_s"))


@dataclass
class ShownProgram:
    """The program notice on the panel's line (device/ui/panel.py ``Panel._program_came``): its ``toast_n``, the
    ``slot`` and ``pack`` (id) it says is active (None: it names none active: nothing mapped, refused), and the pack
    the status showed active in that slot when it was said (``before``: a status not caught up with the switch yet;
    None once the status has shown ``pack``)."""

    toast_n: int
    slot: str
    pack: str | None
    before: str | None

    def gives_way(self, status: dict[str, Any]) -> bool:
        """Whether ``status`` says another pack than the notice's is active in its slot (an activation since)."""
        now = active_id(status, self.slot)
        if self.pack is None or now is None:
            return False
        if now == self.pack:
            self.before = None
        return now not in (self.pack, self.before)


def shown_program(outcome: dict[str, Any], toast_n: int, status: dict[str, Any]) -> ShownProgram:
    """The :class:`ShownProgram` of ``outcome`` said as notice ``toast_n`` while ``status`` was the last status."""
    slot = str(outcome.get("slot") or "")
    active = outcome.get("result") in (SWITCHED, PLAYING) and isinstance(outcome.get("pack"), str)
    return ShownProgram(toast_n, slot, str(outcome["pack"]) if active else None, active_id(status, slot))


def active_id(status: Any, slot: str) -> str | None:
    """The id of the pack ``status`` says is active in ``slot`` (device.store_layout.installed_in: its pack file in a
    store, ``packs/<id>/pack.hatpack``, the id hatbox/status_watch.py's fault line names too), the file's path for a
    pack played from a file outside a store (never a store's id), "" for an empty slot, None where the status does not
    say."""
    from device.store_layout import installed_in
    active = status.get("active") if isinstance(status, dict) else None
    if not isinstance(active, dict) or slot not in active:
        return None
    entry = active.get(slot)
    path = entry.get("path") if isinstance(entry, dict) else None
    if not isinstance(path, str) or not path:
        return "" if entry is None else None
    found = installed_in(path)
    return found[1] if found is not None else path
