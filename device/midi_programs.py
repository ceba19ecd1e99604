"""MIDI program change -> a pack on the box (a set list): :class:`ProgramMap`, kept in the store, and
:class:`ProgramSwitcher`, which switches the mapped pack in off the MIDI thread.

A program (0..127, as the message carries it: a controller that counts from 1 shows program 3 as 4), on one MIDI
channel or on any, maps to an installed effect or synth pack.  The map names the pack by its id, with its kind, name
and version beside it, so it survives the pack being replaced: a mapping made by name (``follow``) plays the newest
installed pack of that kind and name (a new version pushed is what the program plays from then on); one made by id
plays that pack, and once it is deleted, the newest of its name if one is left, said so.  A program with no mapping,
or whose pack and name are gone from the box, switches nothing: the box plays on, and the status says why.

The switch goes through the box's own activation (device/api/app.py ``Box.activate``, what ``POST
/packs/{id}/activate`` does: the pointer, then the engine's load, crossfaded in by device/audio/swap.py) on a thread
of the switcher's own, so the MIDI reader that received the program change returns at once.  A burst (a foot
controller scrolled through five programs in 100 ms) ends on its last program: a lone program change switches at
once, one within :data:`SETTLE_S` of the one before waits until no program change has come for that long, and those
that come while a switch runs leave only the last to switch next; the burst's outcome says what changed from where
it began (switched in, though its last found the pack playing: its first had switched it at once).  It stops with
the box (``ProgramSwitcher.stop``, from device/api/box.py ``Box.stop_programs``): a program change still waiting (for
its turn, or for the box's install lock), or one that comes after, switches nothing and says so; a switch already
running ends as it began.
Each switch is logged as a change (box.log and switches.log, the switches' own share that `hatbox box-logs --changes`
reads merged with changes.log), within a budget per source: device/switch_lines.py.

The map is kept in the store as :data:`PROGRAMS_FILE` (``{"version": 1, "programs": [{"program": 3, "channel":
null, "pack": ID, "kind", "name", "version", "follow"}]}``, channel 1..16 or null for any), written atomically; a
file that cannot be read is a warning and an empty map (the next change writes it anew), never a stopped box.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from device.switch_lines import SwitchLines
from hatbox.errors import HatboxError, first_line

PROGRAMS_FILE = "midi-programs.json"     # in the box's store, beside midi-bindings.json
SETTLE_S = 0.06             # a burst (program changes closer than this) switches on its last once it has ended
SWITCH_KINDS = ("effect", "synth")       # the packs a program switches in (a tagger makes no sound)
PREWARM_PER_KIND = 3        # mapped packs of each kind the engine prepares ahead (its cache keeps 4 per slot)
PROGRAM_RANGE = (0, 127)    # a MIDI program as the message carries it (a controller counting from 1 shows 3 as 4)
CHANNEL_RANGE = (1, 16)     # a MIDI channel as people count it (the message and :class:`Entry` carry 0..15)
MIDI_IN = "MIDI"            # the source of a program change from the MIDI reader (not said in its log line)
Key = tuple[int | None, int]             # (MIDI channel 0..15, None: any; program 0..127)
log = logging.getLogger("hatbox.midi")


@dataclass(frozen=True)
class Entry:
    """One program's pack: ``program`` 0..127 on ``channel`` (0..15; None: any channel), pack ``pack`` (its id) of
    ``kind``, ``name`` and ``version`` as installed when mapped; ``follow``: the newest installed pack of that kind
    and name plays (mapped by name), else that id (mapped by id; the newest of its name once it is deleted)."""

    program: int
    channel: int | None
    pack: str
    kind: str
    name: str
    version: str
    follow: bool

    @property
    def key(self) -> Key:
        return (self.channel, self.program)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "channel": None if self.channel is None else self.channel + 1}


def program_words(program: int, channel: int | None) -> str:
    """"program 3" or "program 3 on channel 10" (``channel`` 0..15, words 1..16)."""
    return f"program {program}" + ("" if channel is None else f" on channel {channel + 1}")


def check_program(program: int, channel: int | None = None) -> None:
    """HatboxError unless ``program`` is within :data:`PROGRAM_RANGE` (0..127) and ``channel`` None or 0..15 (one
    less than :data:`CHANNEL_RANGE`, 1..16)."""
    low, high = PROGRAM_RANGE
    if not low <= int(program) <= high:
        raise HatboxError(f"a MIDI program is {low}..{high}, not {program}",
                          hint="e.g. hatbox box-midi --program 0 PACK")
    first, last = CHANNEL_RANGE
    if channel is not None and not first <= int(channel) + 1 <= last:
        raise HatboxError(f"a MIDI channel is {first}..{last}, not {int(channel) + 1}")


def entry_of(row: dict[str, Any]) -> Entry:
    """One row of a program map -> an Entry: a :data:`PROGRAMS_FILE` row, or a ``GET /midi/programs`` row (the same
    fields and more; the laptop reads those with this too, hatbox/midi_program_words.py), its channel 1..16 or null
    for any.  ValueError, KeyError or TypeError when it is not one: a program outside 0..127, a channel outside 1..16
    (0 is no channel: "any" is null), a field missing."""
    channel = row["channel"]
    entry = Entry(int(row["program"]), None if channel is None else int(channel) - 1, str(row["pack"]),
                  str(row["kind"]), str(row["name"]), str(row.get("version", "")), bool(row.get("follow", False)))
    try:
        check_program(entry.program, entry.channel)
    except HatboxError as exc:
        raise ValueError(first_line(exc)) from None
    return entry


def load_programs(path: Path) -> tuple[dict[Key, Entry], str | None]:
    """The map kept in ``path``: ({key: entry}, None); no file: an empty map.  A damaged file: ({}, what is wrong)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        entries = [entry_of(row) for row in data["programs"]]
    except (FileNotFoundError, NotADirectoryError):
        return {}, None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else first_line(exc)
        return {}, (f"the MIDI program map in {path} is unreadable ({why or type(exc).__name__}): ignored, no "
                    "program change switches a pack; the next `hatbox box-midi --program` writes it anew")
    return {e.key: e for e in entries}, None


class ProgramMap:
    """The box's program -> pack map, kept in ``path`` (None: in memory only).  Changed from the API thread, read
    from the switcher's: each change builds a new dict under :attr:`lock` and swaps it in."""

    def __init__(self, path: Path | None) -> None:
        self.path, self.lock = path, threading.Lock()
        self.entries, problem = load_programs(path) if path is not None else ({}, None)
        self.warnings: list[str] = [problem] if problem else []
        if problem:
            log.warning("%s", problem)

    def lookup(self, program: int, channel: int | None) -> Entry | None:
        """The entry a program change on ``channel`` (0..15, None: unknown) plays: its channel's, else any channel's."""
        entries = self.entries
        return entries.get((channel, program)) or entries.get((None, program))

    def listed(self) -> list[Entry]:
        """Every entry, by program, any channel's first."""
        return _in_order(self.entries.values())

    def set(self, entry: Entry) -> Entry | None:
        """Map ``entry``'s program (on its channel); returns the entry it replaced.  OSError when it cannot be kept
        (the map is left as it was)."""
        with self.lock:
            before = self.entries.get(entry.key)
            self._keep({**self.entries, entry.key: entry})
        return before

    def clear(self, program: int, channel: int | None) -> Entry | None:
        """Drop the program's mapping on ``channel`` (None: the any-channel one); returns it (None: there was none)."""
        with self.lock:
            before = self.entries.get((channel, program))
            if before is not None:
                self._keep({k: e for k, e in self.entries.items() if k != (channel, program)})
        return before

    def _keep(self, entries: dict[Key, Entry]) -> None:
        """Write ``entries`` (atomically), then make them the map's."""
        if self.path is not None:
            from export.atomic import write_atomic
            rows = [e.to_json() for e in _in_order(entries.values())]
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, (json.dumps({"version": 1, "programs": rows}, indent=1) + "\n").encode())
        self.entries = entries
        self.warnings = []


def _in_order(entries: Any) -> list[Entry]:
    """``entries`` by program, the any-channel one before each channel's."""
    return sorted(entries, key=lambda e: (e.program, -1 if e.channel is None else e.channel))


def pack_words(meta: dict[str, Any]) -> str:
    """"effect pack drive 1.0.0 (effect-drive-1.0.0-0123456789ab)"."""
    return f"{meta.get('kind', '?')} pack {meta.get('name', '?')} {meta.get('version', '?')} ({meta.get('id', '?')})"


def newest_named(packs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any] | None:
    """The newest installed of ``packs`` (the store's list) of ``kind`` named ``name`` (any case): the one installed
    last by the store's install sequence (``seq``), so a pack pushed while the box's clock read 1970 (no battery
    clock, no network at the gig) is still the newest; among packs installed before the store kept a sequence (none
    has ``seq``), the highest version (device/versions.py ``newness``).  Never the ``installed`` wall-clock time."""
    from device.versions import folded, newest
    return newest(p for p in packs if p.get("kind") == kind and folded(p.get("name", "")) == folded(name))


def resolve(entry: Entry, packs: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str]:
    """The installed pack ``entry`` plays now, of ``packs`` (the store's list), and what to say of the choice ("" when
    it is the pack mapped, or the newest of its name for a mapping that follows it); (None, why) when none is left."""
    mapped = next((p for p in packs if p.get("id") == entry.pack), None)
    newest = newest_named(packs, entry.kind, entry.name)
    if entry.follow and newest is not None:
        return newest, ""
    if mapped is not None:
        return mapped, ""
    gone = f"{entry.kind} pack {entry.name} {entry.version} ({entry.pack}) is no longer on the box"
    if newest is not None:
        return newest, f"{gone}: the newest '{entry.name}' plays instead"
    return None, (f"{gone} (deleted) and no {entry.kind} pack named '{entry.name}' is: nothing switched, the box "
                  f"plays on (hatbox box-midi --program {entry.program} PACK maps another)")


def broken_by_delete(entries: list[Entry], packs: list[dict[str, Any]], pid: str
                     ) -> list[tuple[Entry, dict[str, Any] | None]]:
    """The programs of ``entries`` that play pack ``pid`` now (of ``packs``, the store's list, ``pid`` still in it),
    each with what it would play once ``pid`` is deleted: the newest other pack of its kind and name (a mapping by
    name, or by an id that is gone: :func:`resolve`), or None (it would switch nothing)."""
    rest = [p for p in packs if p.get("id") != pid]
    return [(e, resolve(e, rest)[0]) for e in entries if (resolve(e, packs)[0] or {}).get("id") == pid]


def broken_words(entry: Entry, after: dict[str, Any] | None, done: bool = False) -> str:
    """"program 1 (set list) plays it: it will switch nothing" (``done``: "played it: it switches nothing now"), or
    "program 1 (set list) will play effect pack pedal2 0.1.0 (ID) instead" for a program with another version left."""
    said = f"{program_words(entry.program, entry.channel)} (set list)"
    if after is None:
        return f"{said} played it: it switches nothing now" if done else f"{said} plays it: it will switch nothing"
    return f"{said} {'plays' if done else 'will play'} {pack_words(after)} instead"


@dataclass
class Hooks:
    """What the switcher does to the box (device/api/program_routes.py gives the API's Box's): ``packs()`` the
    installed packs' records (the store's list), ``playing(kind, id)`` whether that pack is active and playing,
    ``activate(id)`` makes it active as ``POST /packs/{id}/activate`` does (returns the id active before, raises when
    it could not: the box plays on; raises :class:`SwitchStopped` when, once it holds the box's install lock, it
    finds the switcher stopping, :attr:`ProgramSwitcher.stopping`: nothing written); ``prewarm(kind, id)``, when
    given, asks the engine to prepare that pack ahead, not installed (the ``prewarm`` control message:
    device/audio/unit_cache.py), so its first switch is at once."""

    packs: Callable[[], list[dict[str, Any]]]
    playing: Callable[[str, str], bool]
    activate: Callable[[str], str | None]
    prewarm: Callable[[str, str], None] | None = None


class SwitchStopped(Exception):
    """Raised by an activation hook (:attr:`Hooks.activate`) that found the switcher stopping once it held the box's
    install lock (the switch waited there for a push's checks while the box began to stop): nothing was written,
    nothing loaded; the switch ends as :data:`STOPPED`."""


SWITCHED, PLAYING, UNMAPPED, REFUSED, SUPERSEDED = "switched", "playing", "unmapped", "refused", "superseded"
STOPPED = "stopped"         # the box is stopping (ProgramSwitcher.stop): nothing of the program change was switched


class Job:
    """One program change handed to the switcher (:meth:`ProgramSwitcher.received` returns it): ``program`` 0..127,
    ``channel`` 0..15 (None: none), when it ``came`` (monotonic s) and its ``source`` (:data:`MIDI_IN`, "OSC
    192.0.2.7", "'studio-mac'" for the API's fire route); a MIDI one's ``port``: the controller's port it came in on
    ("nanoKONTROL2 MIDI 1", "" where not known).  :meth:`wait` answers its own outcome once known: switched,
    played already, unmapped, refused (and why), superseded by a later program change before it ran (a burst
    switches its last only), or stopped (the box began to stop before it ran) - never another job's."""

    def __init__(self, program: int, channel: int | None, came: float, source: str = MIDI_IN, port: str = "") -> None:
        self.program, self.channel, self.came, self.source, self.port = program, channel, came, source, port
        self.outcome: dict[str, Any] | None = None
        self.burst = 0                      # which burst of program changes it came in (ProgramSwitcher._queue)
        self._done = threading.Event()

    def resolve(self, outcome: dict[str, Any]) -> None:
        self.outcome = outcome
        self._done.set()

    def wait(self, timeout_s: float) -> dict[str, Any] | None:
        """Its outcome (:meth:`ProgramSwitcher._outcome`) once known; None when ``timeout_s`` passed first."""
        return self.outcome if self._done.wait(timeout_s) else None


def said_by(words: str, source: str, port: str = "") -> str:
    """A switch's log words with who sent it: "...; sent by OSC 192.0.2.7", a MIDI one's with its ``port`` (which
    controller: "...; from MIDI port 'nanoKONTROL2 MIDI 1'", p56), as they are where the port is not known."""
    if source != MIDI_IN:
        return f"{words}; sent by {source}"
    return f"{words}; from MIDI port '{port}'" if port else words


class ProgramSwitcher:
    """Switches the pack a program change maps to, on a thread of its own (started for a burst, ended once nothing
    waits: no thread idles).  :meth:`received` is what the MIDI reader calls (returns at once); :attr:`last` is what
    the last program change did (``GET /midi/programs``, ``hatbox status``).  :meth:`stop` ends it with the box."""

    def __init__(self, programs: ProgramMap, hooks: Hooks, settle_s: float = SETTLE_S) -> None:
        self.programs, self.hooks, self.settle_s = programs, hooks, settle_s
        self.lock = threading.Lock()
        self._pending: Job | None = None               # the program change to switch next
        self._due = 0.0
        self._came_last = float("-inf")                # when the last program change came (monotonic)
        self._burst = 0                                # the burst of program changes now coming (:meth:`_queue`)
        self._began: dict[tuple[int, str], str | None] = {}   # (burst, kind) -> the pack before the burst switched it
        self._worker: threading.Thread | None = None
        self._stopping = False                         # :meth:`stop` was called: no program change switches now
        self._said: set[tuple[Key, str, str]] = set()  # (key, words, port) logged once since the map changed
        self.last = None                               # what the last program change did (the property)
        self.switches = 0                              # packs switched in by a program change (tests, the bench)
        self.lines = SwitchLines()                     # the switches' log lines, within a budget per source
        self.prewarm_mapped()

    def received(self, program: int, channel: int | None, source: str = MIDI_IN, port: str = "") -> Job:
        """A program change came (MIDI thread; ``source``: who sent it, ``port``: a MIDI one's port, :class:`Job`);
        returns its job, whose :meth:`Job.wait` answers what it did.  A lone one (no other in the ``settle_s``
        before it, no switch running) switches at once: a footswitch's press is not held back by the burst wait (a
        cached switch took 82 ms, 60 of them that wait, p44).  One that comes within ``settle_s`` of the last is
        part of a burst (a controller scrolled through programs): it switches once no other comes for
        ``settle_s``, the last one winning; the burst's first has switched already, a short crossfade.  A job still
        waiting when a later one comes is resolved as superseded by it.  After :meth:`stop`, resolved at once as
        stopped: nothing switched."""
        now = time.monotonic()
        job = Job(int(program), None if channel is None else int(channel), now, source, port)
        with self.lock:
            stopping = self._stopping
            before = None if stopping else self._queue(job, now)
        if stopping:
            self._finish(job, self._stopped(job))
        if before is not None:
            by = "" if source == MIDI_IN else f" (from {source})"
            before.resolve(self._outcome(before, SUPERSEDED, f"{program_words(before.program, before.channel)}: not "
                                         f"switched: {program_words(job.program, job.channel)}{by} came right after "
                                         "it and won (a burst of program changes switches its last)"))
        return job

    def _queue(self, job: Job, now: float) -> Job | None:
        """Make ``job`` the one to switch next (under :attr:`lock`), starting the worker thread if none runs; returns
        the job it replaced (None: none waited)."""
        fresh = now - self._came_last >= self.settle_s     # a burst begins: by time alone (R2 review 4: one that
        lone = fresh and self._worker is None              # came while a slow switch ran joined it, however late)
        self._came_last = now
        if fresh:
            self._burst += 1                               # the last bursts' memories stay: a job of theirs may run
            self._began = {k: v for k, v in self._began.items() if k[0] > self._burst - 3}
        job.burst = self._burst
        before, self._pending, self._due = self._pending, job, (now if lone else now + self.settle_s)
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="hatbox-midi-program", daemon=True)
            self._worker.start()
        return before

    def stop(self, wait_s: float = 0.0) -> bool:
        """The box stops (device/api/box.py ``Box.stop_programs``): no program change switches a pack from now on
        (MIDI, OSC, the API's fire route).  The one waiting to switch is resolved at once as stopped (its fire
        answers the box's 503), nothing of it done; one taken but still waiting for the box's install lock ends as
        stopped, nothing done, once it holds it (its hook finds :attr:`stopping`: :class:`SwitchStopped`); a switch
        already running (the pointer, then the engine's load, under that lock) is not cut half way.  Either gets
        ``wait_s`` seconds to end.  True when no switch is left running.  Called again: only waits again."""
        with self.lock:
            self._stopping = True
            waiting, self._pending = self._pending, None
        if waiting is not None:
            self._finish(waiting, self._stopped(waiting))
        done = self.wait(wait_s)
        self.lines.flush()                              # the switches counted past their budget, not lost
        return done

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` was called: an activation hook asks it once it holds the box's install lock."""
        return self._stopping

    def _stopped(self, job: Job, why: str = "") -> dict[str, Any]:
        """The outcome of ``job`` not switched because the box is stopping (``why``: what else is known), logged once
        per program."""
        return self._quiet(job, (job.channel, job.program), f"{program_words(job.program, job.channel)}: not "
                           f"switched: the box is stopping{why} (program changes switch packs again once it is "
                           "started)", result=STOPPED)

    def _finish(self, job: Job, outcome: dict[str, Any]) -> None:
        """``job`` is done: its ``outcome`` is :attr:`last` and :meth:`Job.wait`'s answer."""
        self.last = outcome
        job.resolve(outcome)

    def forget_said(self) -> None:
        """The map changed: an unmapped or gone program is said once again, and the packs it maps are prepared
        ahead (:meth:`prewarm_mapped`)."""
        self._said = set()
        self.prewarm_mapped()

    def prewarm_mapped(self) -> list[str]:
        """Ask the engine (``hooks.prewarm``) to prepare the first :data:`PREWARM_PER_KIND` packs of each kind the
        map plays (by program) that do not play now; it does so on its loader's thread when no load is in progress
        (device/audio/swap.py ``Swapper.prewarm``).  Returns their ids; nothing asked when the hook is absent or
        the engine cannot be reached (a first switch then prepares the pack as before)."""
        entries = self.programs.listed()
        if self.hooks.prewarm is None or not entries:
            return []
        asked: dict[str, list[str]] = {}
        try:
            packs = self.hooks.packs()
            for entry in entries:
                pack = resolve(entry, packs)[0]
                kind, pid = (str(pack["kind"]), str(pack["id"])) if pack is not None else ("", "")
                mine = asked.setdefault(kind, [])
                if pack is None or pid in mine or len(mine) >= PREWARM_PER_KIND or self.hooks.playing(kind, pid):
                    continue
                self.hooks.prewarm(kind, pid)
                mine.append(pid)
        except Exception as exc:  # noqa: BLE001 - an engine not started yet or stopped: no pre-warm, nothing lost
            log.info("MIDI program map: packs not prepared ahead (%s)", first_line(exc))
        return [pid for ids in asked.values() for pid in ids]

    def installed(self, meta: dict[str, Any]) -> list[str]:
        """A pack was installed anew (device/store.py ``PackStore.on_install``): when a program now plays it (a new
        version of a name a program follows), ask the engine to prepare it ahead as :meth:`prewarm_mapped` does, so
        the first program change to it is not a cold load (p44 regression QA: ~470 ms).  Returns the id asked for
        ([] when no program plays it, it plays already, or there is no engine to ask)."""
        pid, kind = str(meta.get("id")), str(meta.get("kind"))
        if self.hooks.prewarm is None or kind not in SWITCH_KINDS:
            return []
        try:
            packs = self.hooks.packs()
            if all((resolve(e, packs)[0] or {}).get("id") != pid for e in self.programs.listed()) \
                    or self.hooks.playing(kind, pid):
                return []
            self.hooks.prewarm(kind, pid)
        except Exception as exc:  # noqa: BLE001 - no engine to ask: the first switch prepares it as before
            log.info("MIDI program map: %s not prepared ahead (%s)", pid, first_line(exc))
            return []
        return [pid]

    def wait(self, timeout_s: float = 10.0) -> bool:
        """Until no switch waits or runs (tests, the bench, a stop), whichever worker thread runs them; False when
        ``timeout_s`` passed first.  (One program change's own outcome: :meth:`Job.wait`.)"""
        deadline = time.monotonic() + timeout_s
        while True:
            with self.lock:
                worker = self._worker
            left = deadline - time.monotonic()
            if worker is None or left <= 0:
                return worker is None
            worker.join(left)

    @property
    def last(self) -> dict[str, Any] | None:
        """What the last program change did (:meth:`_outcome`), with ``ago_s``: how long ago, by this box's
        monotonic clock (the laptop said "(N s ago)" from the box's wall time less its own: wrong whenever either
        clock is, and a box with no battery clock reads 1970)."""
        if self._last is None:
            return None
        return {**self._last, "ago_s": round(time.monotonic() - self._last_at, 1)}

    @last.setter
    def last(self, outcome: dict[str, Any] | None) -> None:
        self._last, self._last_at = outcome, time.monotonic()

    def add_status(self, status: dict[str, Any]) -> None:
        """Put :attr:`last` in an engine ``status`` (a BoxControl watcher: ``GET /status``'s engine, hatbox status)."""
        last = self.last
        if last is not None:
            status["midi_program"] = last

    def _run(self) -> None:
        while True:
            with self.lock:
                job, wait = self._pending, self._due - time.monotonic()
                if job is None:
                    self._worker = None
                    return
                if wait <= 0:
                    self._pending = None
            if wait > 0:
                time.sleep(wait)
                continue
            try:
                outcome = self._switch(job)
            except Exception as exc:  # noqa: BLE001 - the thread must end cleanly whatever a switch does
                log.exception("MIDI program change: the switch stopped on an unexpected error")
                outcome = self._outcome(job, REFUSED, f"{program_words(job.program, job.channel)}: not switched "
                                                      f"({first_line(exc)})")
            self._finish(job, outcome)

    def _switch(self, job: Job) -> dict[str, Any]:
        """Switch in what ``job``'s program (on its channel) maps to; returns the outcome (:meth:`_outcome`)."""
        program, entry = job.program, self.programs.lookup(job.program, job.channel)
        if entry is None:
            return self._quiet(job, (None, program), f"program {program}: nothing mapped (hatbox box-midi --program "
                                                     f"{program} PACK maps one)", result=UNMAPPED)
        said = program_words(program, entry.channel)       # the channel where the mapping is a channel's own
        pack, note = resolve(entry, self.hooks.packs())
        if pack is None:                    # its pack deleted and none of its name left: marked gone (the panel)
            return {**self._quiet(job, entry.key, f"{said}: {note}", warn=True), "gone": True}
        pid, kind = str(pack["id"]), str(pack["kind"])
        if self.hooks.playing(kind, pid):
            return self._burst_outcome(job, said, pack, self._began.get((job.burst, kind), pid))
        if self._stopping:                  # stopped since the job was taken: nothing begun, nothing switched
            return self._stopped(job)
        start = time.monotonic()
        try:
            before = self.hooks.activate(pid)
        except SwitchStopped:               # the stop came while it waited for the install lock: nothing written
            return self._stopped(job)
        except Exception as exc:  # noqa: BLE001 - refused (engine, signature, storage): the box plays on
            text = getattr(getattr(exc, "body", None), "message", None) or first_line(exc)
            if self._stopping:
                return self._stopped(job, f": {pack_words(pack)} was not switched in ({text})")
            return {**self._quiet(job, entry.key, f"{said}: {pack_words(pack)} was not switched in ({text}): the "
                                                "box plays on as before", warn=True, pack=pack), "why": text}
        self.switches += 1
        was = f" (was {before})" if before and before != pid else ""
        words = f"{said}: {pack_words(pack)} switched in{was}" + (f"; {note}" if note else "")
        self.lines.said(said_by(words, job.source, job.port), job.source)    # in switches.log too, within a budget
        seconds = time.monotonic() - start
        if self._began.setdefault((job.burst, kind), before) == pid:    # a burst back where it began: no change
            return self._outcome(job, PLAYING, f"{said}: {pack_words(pack)} plays already: the burst of program "
                                               "changes it ended is back where it began", pack, seconds)
        return self._outcome(job, SWITCHED, words, pack, seconds)

    def _burst_outcome(self, job: Job, said: str, pack: dict[str, Any], began: str | None) -> dict[str, Any]:
        """The outcome of ``job``, whose ``pack`` plays already, said from where its burst began (p57 QA_B 4: a 1-0-1
        burst switched hatbox-drive to fuzzbox at its first program and its last said only "plays already"): switched
        when ``began``, the pack of its kind playing before the burst switched it, is another (``switch_ms`` None: this
        program change loaded nothing; its words say both), else plays already.  A burst, by the box's rule
        (:meth:`received`): program changes each within ``settle_s`` of the one before.  The change log is not
        asked: each switch of the burst wrote its own line there (or was counted in its source's next one)."""
        if began == str(pack["id"]):
            return self._outcome(job, PLAYING, f"{said}: {pack_words(pack)} plays already", pack)
        was = f" (was {began})" if began else ""
        return self._outcome(job, SWITCHED, f"{said}: {pack_words(pack)} plays already: switched in by the burst "
                                            f"of program changes this one ended{was}", pack)

    def _quiet(self, job: Job, key: Key, words: str, warn: bool = False, pack: dict[str, Any] | None = None,
               result: str = REFUSED) -> dict[str, Any]:
        """An outcome that switched nothing, logged once per program, words and MIDI port (a controller scrolling
        past an unmapped program is no flood; a second controller's is said too, as its line names its port, p56
        review R2; not per sender else: OSC's are not signed in, and a forged flood has no end of them) until the map
        changes."""
        said = (key, words, job.port)
        if said not in self._said:
            self._said.add(said)
            (log.warning if warn else log.info)("MIDI %s", said_by(words, job.source, job.port))
        return self._outcome(job, result, words, pack)

    @staticmethod
    def _outcome(job: Job, result: str, words: str, pack: dict[str, Any] | None = None,
                 seconds: float | None = None) -> dict[str, Any]:
        """``{program, channel (1..16 or None), at (time.time()), ok, result, source, pack, name, version, slot,
        metrics, message, waited_ms, switch_ms}`` (``name``, ``version``: the pack's, None with no pack; ``metrics``:
        an effect pack's held-out figures, :func:`held_out_figures`, which the panel's notice says when they are worse
        than no effect at all; a refusal whose pack is gone adds ``gone``: true): ``result`` one of switched,
        playing, unmapped, refused, superseded (``ok``: the first two)."""
        waited = (time.monotonic() - job.came - (seconds or 0.0)) * 1000.0
        return {"program": job.program, "channel": None if job.channel is None else job.channel + 1,
                "at": time.time(), "ok": result in (SWITCHED, PLAYING), "result": result, "source": job.source,
                "pack": None if pack is None else pack.get("id"), "slot": None if pack is None else pack.get("kind"),
                "name": None if pack is None else pack.get("name"),
                "version": None if pack is None else pack.get("version"), "metrics": held_out_figures(pack),
                "message": words, "waited_ms": round(waited, 1),
                "switch_ms": None if seconds is None else round(seconds * 1000.0, 1)}


def held_out_figures(pack: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{"val_esr", "val_bypass_esr"}`` of an effect ``pack`` (its record in the store's list: ``scores.val_esr``
    and ``bypass_esr``, as GET /packs gives them), named as its manifest's metrics name them
    (hatbox.bypass_words.worse_than_bypass reads them); None for no pack, or another kind."""
    if not isinstance(pack, dict) or pack.get("kind") != "effect":
        return None
    scores = pack.get("scores") if isinstance(pack.get("scores"), dict) else {}
    return {"val_esr": scores.get("val_esr"), "val_bypass_esr": pack.get("bypass_esr")}
