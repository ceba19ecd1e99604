"""What the pages show besides the engine's status: installed packs, sample libraries, settings.

:class:`PanelData` is the small protocol the panel needs; :class:`MemoryData` is an in-memory
implementation (tests, screenshots) and :class:`StoreData` reads the box's pack store and
tagged libraries (the same folders the API writes).  Either may hold ``pairing``, the API's
pairing (a :class:`PairingButton`) that the Settings page's "new code" button presses, and ``kit``,
the API's kit (device/ui/kit_desk.py) that the Kit page plays and sets; whoever starts the panel and
the API in one process hands them over (hatbox/cmd_device.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional, Protocol

from device.midi_programs import pack_words        # "effect pack drive 1.0.0 (effect-drive-1.0.0-0123456789ab)"
from device.panel_log import said_change           # "panel: ..." in box.log and changes.log (p55 stage QA)
from device.ui.kit_desk import KitDesk
from device.ui.library_shelf import Shelved, record_of, shelved, unread_in  # noqa: F401 - Shelved re-exported
from export.manifest import Manifest
from hatbox.errors import HatboxError


@dataclass(frozen=True)
class PackEntry:
    id: str
    manifest: Manifest
    path: str
    active: bool = False
    seq: int = 0            # the store's install sequence (device/store.py): a later install has a larger one


def panel_order(packs: list[PackEntry]) -> tuple[list[PackEntry], int]:
    """The Models page's rows: first each name's current versions (its newest, and the active one where that is
    another), by kind and name, newest first; then every older version, by kind, name and version, newest first
    (device/versions.py: numbers as numbers).  The year QA's page listed 150 versions of one effect as text (1.10.0
    before 1.2.0) before the first synth.  Returns (the rows, how many of them are current versions)."""
    from device.versions import folded, in_version_order
    ordered = in_version_order(packs, lambda p: p.manifest.name, lambda p: p.manifest.version,
                               lambda p: p.manifest.kind, lambda p: p.seq)
    first: set[str] = set()
    for p in ordered:
        key = f"{p.manifest.kind}/{folded(p.manifest.name)}"
        if key not in first or p.active:
            first.add(key)
            first.add(p.id)
    current = [p for p in ordered if p.id in first]
    return current + [p for p in ordered if p.id not in first], len(current)


NO_TAG = "(no tag)"     # the Library page's row of the files a tagger gave no tag (StoreData.tags)


@dataclass(frozen=True)
class Sample:
    path: str
    score: float = 0.0
    corrected: bool = False       # the tag is the producer's own (set_tags), not the tagger's
    guess: str = ""               # in the "unsure" list: the tagger's two best tags, e.g. "kick / tom"
    shown: str = ""               # the path as a player reads it ("drums/TR808/kick.wav": the library's name, not
                                  # the box's folder "libraries/lib-drums-725962/files"); "": the path itself

    @property
    def name(self) -> str:
        return Path(self.path).name


class PairingButton(Protocol):
    """What the panel may do to pairing (device/api/auth.Pairing has it): physical presence only,
    handed over in-process, never reached through the network.  Where the pairing also has
    ``valid_for()`` (s the current code stays valid), the Settings page shows it."""

    def current(self) -> str: ...               # the code now (a new one, shown via on_code, once expired)

    def owner_window(self) -> str: ...          # a fresh code; the pause is lifted for it a while

    def owner_window_for(self) -> float: ...    # s the owner window stays open (0: closed)

    def paused_for(self) -> float: ...          # s pairing stays paused outside the window (0: not)


class PanelData(Protocol):
    pairing: Optional[PairingButton]            # None: no API in this process (nothing to pair with)
    kit: Optional[KitDesk]                      # None: no API in this process (it keeps the kit)

    def packs(self) -> list[PackEntry]: ...

    def activate(self, pack_id: str) -> PackEntry: ...

    def rollback(self, kind: str) -> PackEntry: ...

    def rollback_to(self, kind: str) -> Optional[PackEntry]: ...    # what roll back would make active (None: none)

    def snapshot(self) -> Any: ...          # which packs are active (and their history), to restore

    def restore(self, snapshot: Any, kind: str) -> None: ...   # ... its ``kind`` slot, when the engine refused

    def tags(self) -> dict[str, int]: ...

    def samples(self, tag: str, limit: int | None = None) -> list[Sample]: ...   # the first ``limit``

    def similar(self, path: str, k: int | None = 8) -> list[Sample]: ...    # the first k (None: every one)

    def unsure(self, k: int = 50) -> list[Sample]: ...

    def set_tags(self, path: str, tags: list[str]) -> None: ...

    def file_tags(self, path: str) -> tuple[list[str], bool]: ...

    def tagger_tags(self, path: str) -> Optional[list[str]]: ...   # the tagger's own (None: not known)

    def settings(self) -> dict[str, str]: ...

    def shelf(self) -> list[Shelved]: ...   # every library on the box, tagged or not (the Library page's reader)


def active_pack(data: PanelData, kind: str) -> PackEntry | None:
    return next((p for p in data.packs() if p.active and p.manifest.kind == kind), None)


@dataclass
class MemoryData:
    """Packs, a tagged library (tag -> samples, path -> embedding) and settings, all in memory."""

    pack_list: list[PackEntry] = field(default_factory=list)
    library: dict[str, list[Sample]] = field(default_factory=dict)
    embeddings: dict[str, tuple[float, ...]] = field(default_factory=dict)
    setting: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[str]] = field(default_factory=dict)
    multi_label: bool = False     # the library's tagger gives a file any number of tags, not exactly one
    shelved: list[Shelved] = field(default_factory=list)     # what :meth:`shelf` says (the tagged one not listed)
    pairing: Optional[PairingButton] = None
    kit: Optional[KitDesk] = None
    tagger: dict[str, list[tuple[str, Sample]]] = field(default_factory=dict)   # path -> what the tagger gave it,
                                                                                # kept from its first correction

    def packs(self) -> list[PackEntry]:
        return list(self.pack_list)

    def _find(self, pack_id: str) -> PackEntry:
        for p in self.pack_list:
            if p.id == pack_id:
                return p
        raise HatboxError(f"no installed pack '{pack_id}'")

    def _set_active(self, entry: PackEntry) -> PackEntry:
        kind = entry.manifest.kind
        self.pack_list = [PackEntry(p.id, p.manifest, p.path, p.id == entry.id if p.manifest.kind == kind else p.active)
                          for p in self.pack_list]
        return self._find(entry.id)

    def activate(self, pack_id: str) -> PackEntry:
        entry = self._find(pack_id)
        prev = next((p for p in self.pack_list if p.active and p.manifest.kind == entry.manifest.kind), None)
        if prev is not None and prev.id != pack_id:
            self.history.setdefault(entry.manifest.kind, []).append(prev.id)
        return self._set_active(entry)

    def rollback_to(self, kind: str) -> Optional[PackEntry]:
        ids = {p.id for p in self.pack_list}
        earlier = [h for h in self.history.get(kind, []) if h in ids]
        return self._find(earlier[-1]) if earlier else None

    def rollback(self, kind: str) -> PackEntry:
        history = self.history.get(kind, [])
        if not history:
            raise HatboxError(f"no earlier {kind} pack to roll back to")
        return self._set_active(self._find(history.pop()))

    def snapshot(self) -> tuple[list[PackEntry], dict[str, list[str]]]:
        return list(self.pack_list), {k: list(v) for k, v in self.history.items()}

    def restore(self, snapshot: tuple[list[PackEntry], dict[str, list[str]]], kind: str) -> None:
        """Put back the ``kind`` slot's active pack and history as :meth:`snapshot` read them; the other slots stay."""
        was = {p.id for p in snapshot[0] if p.active and p.manifest.kind == kind}
        self.pack_list = [replace(p, active=p.id in was) if p.manifest.kind == kind else p for p in self.pack_list]
        self.history[kind] = list(snapshot[1].get(kind, []))

    def tags(self) -> dict[str, int]:
        return {t: len(s) for t, s in sorted(self.library.items())}

    def samples(self, tag: str, limit: int | None = None) -> list[Sample]:
        return list(self.library.get(tag, []))[:limit]

    def similar(self, path: str, k: int | None = 8) -> list[Sample]:
        if path not in self.embeddings:
            return []
        def cosine(a: list[float], b: list[float]) -> float:      # as the box's library ranks (device.library)
            norm = (sum(x * x for x in a) * sum(y * y for y in b)) ** 0.5
            return sum(x * y for x, y in zip(a, b)) / norm if norm else 0.0
        ref = self.embeddings[path]
        scored = [(cosine(ref, v), p) for p, v in self.embeddings.items() if p != path]
        return [Sample(p, s) for s, p in sorted(scored, reverse=True)[:k]]

    def unsure(self, k: int = 50) -> list[Sample]:
        """The ``k`` least confident samples (lowest score; no scores of other tags in memory), corrected ones left out."""
        seen = {s.path: (s, t) for t, samples in self.library.items() for s in samples if not s.corrected}
        ranked = sorted(seen.values(), key=lambda st: (st[0].score, st[0].path))[:k]
        return [Sample(s.path, s.score, guess=t) for s, t in ranked]

    def set_tags(self, path: str, tags: list[str]) -> None:
        """The file leaves every tag and joins ``tags`` (first in each, as a correction); no tags: back to the
        tagger's (as device.library.fixes.set_tags), where it was with its score; HatboxError, nothing changed, for a
        file corrected before this memory knew the tagger's tags (:meth:`tagger_tags` None)."""
        held = self._held(path)
        if not any(s.corrected for _, s in held):
            self.tagger[path] = held                  # the tagger's, as it gave them
        if not tags and path not in self.tagger:      # (p57 R1 5: a made-up tag "100% sure" was given back)
            raise HatboxError(f"the tagger's tags of {Path(path).name} are not known: its correction stays")
        for tag in self.library:
            self.library[tag] = [s for s in self.library[tag] if s.path != path]
        for tag in tags:
            self.library[tag] = [Sample(path, 1.0, True), *self.library.get(tag, [])]
        for tag, sample in [] if tags else self.tagger.pop(path):
            self.library[tag] = sorted([*self.library.get(tag, []), sample], key=lambda s: (not s.corrected, -s.score))

    def _held(self, path: str) -> list[tuple[str, Sample]]:
        """(tag, sample) of each tag ``path`` is listed under; HatboxError when none."""
        held = [(t, s) for t, samples in self.library.items() for s in samples if s.path == path]
        if not held:
            raise HatboxError(f"{Path(path).name} is not in the library")
        return held

    def tagger_tags(self, path: str) -> Optional[list[str]]:
        """The tags the tagger gave ``path``, alphabetical, where this memory knows them (listed as the tagger's, or
        before its first correction here); None for a file it holds only as corrected."""
        held = self.tagger.get(path) or [(t, s) for t, s in self._held(path) if not s.corrected] or None
        return sorted(t for t, _ in held) if held else None

    def file_tags(self, path: str) -> tuple[list[str], bool]:
        """(the file's tags, alphabetical; whether its library takes several per file)."""
        tags = sorted(t for t, samples in self.library.items() if any(s.path == path for s in samples))
        if not tags:
            raise HatboxError(f"{Path(path).name} is not in the library")
        return tags, self.multi_label

    def settings(self) -> dict[str, str]:
        return dict(self.setting)

    def shelf(self) -> list[Shelved]:
        return list(self.shelved)


class StoreData:
    """The box's pack store (device/store.py) and its tagged libraries (``<store>/libraries/*/tags.db``).

    ``settings`` (pairing code, audio device, MIDI...) are given by whoever starts the panel and
    can be updated with :meth:`set` (e.g. the API's ``on_code`` hook shows a new pairing code);
    ``pairing`` is set by whoever starts the API beside the panel (the "new code" button).
    """

    def __init__(self, root: str | Path, settings: dict[str, str] | None = None,
                 require_signature: bool = False) -> None:
        from device.store import PackStore
        self.store = PackStore(root)
        self.setting = dict(settings or {})
        self.pairing: Optional[PairingButton] = None
        self.kit: Optional[KitDesk] = None               # the API's kit (device/api/box_kit.BoxKit), set with it
        # the API's Box.tag_waiting_libraries, set with it: a tagger made active here tags the libraries that waited
        self.on_tagger: Optional[Callable[[], Any]] = None
        # the API's Libraries.list, where set with it: a tagging's progress (in memory while it runs); None: the records
        self.listing: Optional[Callable[[], list[dict[str, Any]]]] = None
        # the MIDI controllers connected now (device.midi_ports.PortWatcher.connected), set when MIDI runs: the
        # Settings page's MIDI row names them, so a player sees the keyboard just plugged in was found
        self.controllers: Optional[Callable[[], list[str]]] = None
        self.unopened: Optional[Callable[[], list[str]]] = None      # plugged in but busy (PortWatcher.not_opened)
        self.require_signature = require_signature      # `device run --require-signature`: as the API refuses
        self._manifests: dict[str, Manifest] = {}
        self._names: dict[str, str] | None = None        # library id -> the name shown (_library_names), kept
        self._libraries = (self.store.root / "libraries").resolve()   # resolved once, not for every sample listed
        from device.ui.stamped import Stamped
        self.kept = Stamped()          # the libraries' figures while their files stand still (device/ui/stamped.py)

    def set(self, **values: Any) -> None:
        self.setting.update({k: str(v) for k, v in values.items()})

    def _manifest(self, pid: str) -> Manifest:
        """Pack ``pid``'s manifest, its manifest.json alone read (kept): the store checked the whole pack when it
        was installed and re-checks it at each start, the engine as it loads it; reading and hashing every pack here
        made the panel's first listing of a year of packs take seconds."""
        if pid not in self._manifests:
            from export.pack import read_manifest
            self._manifests[pid] = read_manifest(self.store.pack_path(pid))
        return self._manifests[pid]

    def packs(self) -> list[PackEntry]:
        from device.versions import install_seq
        active = set(v for v in self.store.active().values() if v)
        return [PackEntry(pid, self._manifest(pid), str(self.store.pack_path(pid)), pid in active,
                          install_seq(self.store.meta(pid))) for pid in self.store.ids()]

    def _entry(self, pid: str) -> PackEntry:
        from device.versions import install_seq
        path, seq = str(self.store.pack_path(pid)), install_seq(self.store.meta(pid))
        return PackEntry(pid, self._manifest(pid), path, True, seq)

    def _check_signed(self, pid: str) -> None:
        """HatboxError when this box plays only signed packs and ``pid`` is signed by no key it trusts now
        (the API's 409 "not signed", in the panel's words)."""
        if not self.require_signature:
            return
        from device.validate import unsigned_now
        if unsigned_now(self.store, pid, self.store.trusted()):
            m = self._manifest(pid)
            raise HatboxError(f"{m.name} {m.version} is not signed by a trusted key: this box plays only signed packs")

    def activate(self, pack_id: str) -> PackEntry:
        self._check_signed(pack_id)
        prev, meta = self.store.activate(pack_id)
        if prev != pack_id:
            said_change(f"{pack_words(meta)} made active on the Models page" + (f" (was {prev})" if prev else ""))
        self._tagger_changed(pack_id)
        return self._entry(pack_id)

    def _tagger_changed(self, pack_id: str) -> None:
        """After ``pack_id`` became active: when it is a tagger, the libraries uploaded while none was active are
        tagged with it (:attr:`on_tagger`, the API's; nothing when the panel runs without the API)."""
        if self.on_tagger is not None and self._manifest(pack_id).kind == "tagger":
            self.on_tagger()

    def rollback(self, kind: str) -> PackEntry:
        before = self.store.pointer()
        pid = self.store.rollback(kind)
        try:
            self._check_signed(pid)
        except HatboxError:
            self.store.restore_slot(before, kind)     # the pack active before stays, and plays on (its slot only)
            raise
        said_change(f"{kind} rolled back to {self._said_pack(pid)} on the Models page"
                    + (f" (was {before.slots.get(kind)})" if before.slots.get(kind) else ""))
        self._tagger_changed(pid)
        return self._entry(pid)

    def rollback_to(self, kind: str) -> Optional[PackEntry]:
        """The pack :meth:`rollback` would make active (device.store.PackStore.rollback_target), or None."""
        try:
            target = self.store.rollback_target(kind)
            return self._entry(target) if target else None
        except (OSError, ValueError, KeyError, HatboxError):
            return None

    def snapshot(self) -> Any:
        """The store's active pointer (slots and history), as the API keeps it around an activation."""
        return self.store.pointer()

    def _said_pack(self, pid: str) -> str:
        """Pack ``pid`` in a log line's words (its id alone when its record cannot be read)."""
        try:
            return pack_words(self.store.meta(pid))
        except (OSError, ValueError, KeyError, HatboxError):
            return pid

    def restore(self, snapshot: Any, kind: str) -> None:
        """Put back the ``kind`` slot of the pointer :meth:`snapshot` read (the engine did not load the pack made
        active there since), said in the log when it changes; a slot another front end changed meanwhile (a MIDI
        program change, the API) stays as it is now (p55 FR3 review 7: the whole pointer was put back)."""
        gone, pid = self.store.restore_slot(snapshot, kind), snapshot.slots.get(kind)
        if gone != pid:
            kept = self._said_pack(pid) if pid else f"no {kind} pack"
            said_change(f"{kept} active again: the engine did not load {gone}")

    def _dbs(self) -> list[Path]:
        dbs = sorted((self.store.root / "libraries").glob("*/tags.db"))
        held = {db.parent for db in dbs} | {r.parent for r in self._records()}
        self.kept.keep_only(lambda key: key[1].parent in held)       # a library deleted: its figures go
        return dbs

    def _records(self) -> list[Path]:
        return sorted((self.store.root / "libraries").glob("*/library.json"))

    def _figures(self, db: Path, what: str, read: Callable[[Path], Any]) -> Any:
        """``read(db)`` (a figure of one library's database), kept while the database and its WAL stand still."""
        return self.kept.get((what, db), (db, db.with_name(db.name + "-wal")), lambda: read(db))

    def _record(self, path: Path) -> dict[str, Any] | None:
        """A library's record (its library.json) without its file list, kept while the file stands still (one of
        4,000 files is 700 kB of json); None when it cannot be read or is not a record."""
        return self.kept.get(("record", path), (path,), lambda: record_of(path))

    def _library_names(self) -> dict[str, str]:
        """Library id -> the name a player reads: its own, with the end of its id where two libraries share it."""
        names: dict[str, str] = {}
        for record in self._records():
            info = self._record(record)
            names[record.parent.name] = str((info or {}).get("name") or record.parent.name)
        shared = {n for n in names.values() if list(names.values()).count(n) > 1}
        return {lid: f"{n} ({lid.rsplit('-', 1)[-1]})" if n in shared else n for lid, n in names.items()}

    def _sample(self, path: Path | str, score: float, corrected: bool = False, guess: str = "") -> Sample:
        """A :class:`Sample` of a library file, its :attr:`Sample.shown` path under its library's name."""
        path = Path(path)
        try:
            lid, files, *rest = self._in_libraries(path).parts
        except ValueError:
            lid, files, rest = "", "", []
        if files != "files" or not rest:
            return Sample(str(path), score, corrected, guess)
        if self._names is None or lid not in self._names:
            self._names = self._library_names()
        return Sample(str(path), score, corrected, guess, "/".join([self._names.get(lid, lid), *rest]))

    def _in_libraries(self, path: Path) -> Path:
        """``path`` relative to the box's libraries folder (ValueError: not in it).  A path a library database gives
        is under the folder already: no ``resolve`` (a realpath, a stat per part: 200 per tag step, p46 QA); any
        other is resolved first."""
        if path.is_absolute() and ".." not in path.parts:
            try:
                return path.relative_to(self._libraries)
            except ValueError:
                pass
        return path.resolve().relative_to(self._libraries)

    def tags(self) -> dict[str, int]:
        """Tag -> files over every library; last, :data:`NO_TAG` when a tagger of several tags per file gave some
        files no tag (they were under no row, so a player could not find them)."""
        from device.library import query
        out: dict[str, int] = {}
        none = 0
        for db in self._dbs():
            for tag, n in self._figures(db, "tags", query.list_tags).items():
                out[tag] = out.get(tag, 0) + n
            none += self._figures(db, "untagged", query.untagged_count)
        if none:
            out[NO_TAG] = none
        return out

    def shelf(self) -> list[Shelved]:
        """Every library on the box, oldest first (device/versions.py ``upload_order``: the upload sequence), as its
        record says (:attr:`listing`, the API's, where set: a tagging's progress is kept in memory while it runs; else
        each library.json) with what its tags.db adds: the files tagged so far (committed batch by batch) and those
        the tagger could not read."""
        if self.listing is not None:
            records = list(self.listing())
        else:
            records = [{"id": r.parent.name, **info} for r in self._records() if (info := self._record(r)) is not None]
        from device.versions import upload_order
        records.sort(key=upload_order)      # the upload sequence, not the box's clock (no battery clock: 1970)
        names, root = self._library_names(), self.store.root / "libraries"
        return [shelved({**i, "name": names.get(str(i.get("id")), i.get("name"))}, db, self._unread_counts(db))
                for i in records for db in [root / str(i.get("id")) / "tags.db"]]

    def _unread_counts(self, db: Path) -> Callable[[], tuple[int, int]]:
        """(files the tagger could not decode, files it found silent or too short) of library database ``db``."""
        return lambda: self._figures(db, "failures", unread_in)

    def samples(self, tag: str, limit: int | None = None) -> list[Sample]:
        """The first ``limit`` files tagged ``tag`` over every library (library by library, each in
        its own order), so a longer limit lists the same files first and more after them."""
        from device.library import query
        out: list[Sample] = []
        if tag == NO_TAG:                       # each with the tagger's best guess, as the unsure list shows
            found = [self._sample(p, sc, guess=t) for db in self._dbs() for p, t, sc in query.untagged(db)]
            return found if limit is None else found[:limit]
        for db in self._dbs():
            if limit is not None and len(out) >= limit:
                break
            if tag in self._figures(db, "tags", query.list_tags):
                left = None if limit is None else limit - len(out)
                out += [self._sample(h.path, h.score, h.corrected)
                        for h in query.files_with_tag(db, tag, limit=left)]
        return out

    def unsure(self, k: int = 50) -> list[Sample]:
        """The ``k`` files the tagger was least sure of, over every library (device.library.query.unsure)."""
        from device.library import query
        found = sorted((u for db in self._dbs() for u in query.unsure(db, k)), key=lambda u: u.margin)[:k]
        return [self._sample(u.path, u.margin, guess=" / ".join(t for t, _ in u.guesses)) for u in found]

    def _library_of(self, path: str) -> Path:
        """The database of the library that holds ``path``; HatboxError when none does."""
        from device.library import query
        for db in self._dbs():
            try:
                query.file_status(db, path)          # any file the library lists: tagged, skipped or failed
            except query.NotInLibrary:
                continue
            return db
        raise HatboxError(f"{Path(path).name} is not in a library on this box")

    def set_tags(self, path: str, tags: list[str]) -> None:
        """A correction, written into the database of the library that holds ``path`` (no tags: the correction goes,
        the tagger's tags stand again)."""
        from device.library import query
        query.set_tags(self._library_of(path), path, tags)

    def file_tags(self, path: str) -> tuple[list[str], bool]:
        """(the file's tags as listed, alphabetical; whether its library's tagger gives a file several):
        what the Library page's retag starts from."""
        from device.library import query
        db = self._library_of(path)
        return query.current_tags(db, path), not query.is_exclusive(db)

    def tagger_tags(self, path: str) -> Optional[list[str]]:
        """The tags the tagger gave ``path``, its correction aside ([]: none; device/ui/library_tagger.py)."""
        from device.ui.library_tagger import tagger_tags
        return tagger_tags(self._library_of(path), path)

    def similar(self, path: str, k: int | None = 8) -> list[Sample]:
        """The ``k`` files most like ``path`` over every library tagged by the same pack as its own (embeddings of
        two packs mean different things), best first (QA: only its own library was searched, while the page lists
        every library's files together).  Its own library's embeddings are read once for its list and the cosines its
        closeness is read against (query.similar_and_pack; p52: the first "more like this" read them twice)."""
        from device.library import query
        for db in self._dbs():
            try:
                own, vector, pack = query.similar_and_pack(db, path, k)     # its middle's cosines with them (p52)
            except HatboxError:
                continue
            hits = []
            for other in self._dbs():
                try:
                    if other == db:
                        hits += own
                    elif pack and query.pack_of(other) == pack:
                        hits += query.similar_to_vector(other, vector, k)
                except HatboxError:                 # a library being replaced or damaged: the others still answer
                    continue
            return [self._sample(h.path, h.score) for h in sorted(hits, key=lambda h: -h.score)[:k]]
        return []

    def settings(self) -> dict[str, str]:
        out = dict(self.setting)
        if self.controllers is not None:
            out["midi"] = midi_words(self.controllers(), self.unopened() if self.unopened is not None else [])
        return out


def midi_words(controllers: list[str], unopened: list[str] | tuple[str, ...] = ()) -> str:
    """The Settings page's MIDI row while MIDI runs: the controllers connected (short names; their count first when
    there are several, so a cut row still says it), those plugged in that would not open, then the box's own port,
    which a DAW connects to."""
    busy = [f"{name} (busy, not opened)" for name in unopened]
    if not controllers and not busy:
        return "no controller plugged in; port hatbox"
    names = ", ".join([*controllers, *busy])
    count = f"{len(controllers)} controllers: " if len(controllers) > 1 else ""
    return f"{count}{names}; port hatbox"
