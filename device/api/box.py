"""The box behind the API: :class:`Box`, everything the routes share (the pack store, the engine's control, tokens,
pairing, libraries, the kit, the worker threads that check uploads: one for packs, one for libraries), and
:class:`ApiConfig`, what it is built with.
Split out of device/api/app.py (which builds the app around one and re-exports these names)."""
from __future__ import annotations

import logging
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from device.api import models as M
from device.api.auth import Pairing, TokenStore
from device.api.errors import ApiError, _disk_error, _engine_stopped
from device.api.kit_routes import KitKeeper
from device.api.libraries import Libraries, Tagger, default_tagger, lower_priority
from device.api.library_rebuild import start_notes
from device.api.state import ENGINE_SLOTS
from device.control import Control, EngineStoppedError
from device.kit import KIT_FILE, kit_damage
from device.library.archive import Limits
from device.midi_programs import SwitchStopped
from device.store import TRUSTED_KEYS, PackStore, Pointer
from device.validate import EngineSpec

log = logging.getLogger("hatbox.api")
# s a stopping API waits for an upload's checks still running on its worker threads: uvicorn has cut its request
# off by then (device/api/cutoff.py), so it keeps nothing; a short wait lets a small pack's checks end cleanly
VALIDATE_STOP_S = 2.0
TAGGING_STOP_S = 10.0     # s a stopping box waits for its libraries' taggings to stop (each after its batch)
STOPPING = "box stopping"     # the error word of a request that came after the box began to stop
PACKS, LIBRARIES = "packs", "libraries"     # the box's two upload workers (Box.validator, Box.library_worker)


def log_code(code: str) -> None:
    """Show the pairing ``code`` on stderr (the terminal, a service's journal): never through ``logging``, whose
    handlers may write the box's log file (device/logs.py: STORE/logs/box.log, which ``GET /logs`` serves to any
    paired laptop); the code is a secret."""
    print(f"pairing code: {code}", file=sys.stderr, flush=True)


@dataclass
class ApiConfig:
    engine: EngineSpec = field(default_factory=EngineSpec)
    box_name: str = "hatbox"
    max_pack_bytes: int = 256 << 20
    max_library_bytes: int = 4 << 30
    require_signature: bool = False
    trusted_keys: Optional[Path] = None          # default: <store>/trusted_keys
    on_code: Callable[[str], None] = log_code    # shows the pairing code (panel, terminal); never to box.log
    tagger: Tagger = default_tagger
    library_limits: Limits = field(default_factory=Limits)
    validate_nice: int = 10                      # validation yields the CPU to the audio engine
    load_active: bool = True                     # start(): load the active packs (False: the engine has them)
    recovery: Optional[dict[str, Any]] = None    # what `device run` found recovering the store (not done twice)


class Box:
    """Everything the routes share: the store, the engine's control, tokens, libraries."""

    def __init__(self, store_dir: Path, control: Control, config: ApiConfig) -> None:
        self.config, self.control = config, control
        self.store = PackStore(store_dir)
        self.recovery = {**(config.recovery if config.recovery is not None else self.store.recover())}
        kit_damaged = kit_damage(self.store.root / KIT_FILE)    # read before the kit keeper sets it aside
        self.tokens = TokenStore(self.store.root / "tokens.json")
        self.pairing = Pairing(config.on_code)
        self.libraries = Libraries(self.store.root / "libraries", config.tagger, config.library_limits)
        self.install_lock = threading.Lock()
        self._pools: dict[str, ThreadPoolExecutor] = {}     # PACKS / LIBRARIES -> its worker, made on first use
        self._validator_lock = threading.Lock()
        self._stopping = False                              # :meth:`stop` was called: no new worker is made
        self._workers: list[threading.Thread] = []          # the workers' threads (both), as they start
        self.programs: Any = None   # the app's MIDI program switcher (device/api/program_routes.attach_programs)
        self.keys_dir = config.trusted_keys or self.store.root / TRUSTED_KEYS
        self.kit = KitKeeper(self.store.root / KIT_FILE)      # the sampler's notes (device/kit.py)
        self.recovery.update(start_notes(kit_damaged, self.libraries))     # what `hatbox status` says of the start
        self._signers: dict[tuple[str, str, tuple[str, ...]], str | None] = {}
        self.tagging_at_start: list[str] = []   # what start() set tagging, in words (see there)
        from device.api.store_totals import LibrarySizes
        from device.clock import ClockCheck
        self.clock = ClockCheck.for_store(self.store.root)       # a board with no battery clock: said (/status)
        self.library_sizes = LibrarySizes(self.store.root / "libraries")
        from device.api.pack_uploads import PackUploads
        self.pack_uploads = PackUploads()       # what became of the latest packs pushed (GET /packs/uploads/{sha256})

    @property
    def library_limits(self) -> Limits:
        """The limits this box unpacks a library within (``config.library_limits``, as its libraries hold them);
        ``GET /status`` publishes them for the laptop's checks before it packs or sends one."""
        return self.libraries.limits

    @property
    def validator(self) -> ThreadPoolExecutor:
        """The worker thread that checks and installs the packs pushed (one at a time, at ``config.validate_nice``);
        made on first use (its thread on the first push).  A library's unpacking has a worker of its own
        (:attr:`library_worker`): a pack pushed while a big library unpacks does not wait for it (p53 U).  After
        :meth:`stop` none is made again (a pool nobody would shut down): a late request gets 503 "the box is stopping"
        (:func:`stopping_error`)."""
        return self._worker(PACKS)

    @property
    def library_worker(self) -> ThreadPoolExecutor:
        """The worker thread that unpacks and checks the libraries uploaded (:meth:`take_library`), one at a time
        (device/api/libraries.py ``ingest`` relies on it), at ``config.validate_nice``; as :attr:`validator`
        otherwise (made on first use, refused after :meth:`stop`)."""
        return self._worker(LIBRARIES)

    def _worker(self, what: str) -> ThreadPoolExecutor:
        """The one-thread pool for ``what`` (:data:`PACKS`, :data:`LIBRARIES`), made on first use."""
        with self._validator_lock:
            if self._stopping:
                raise stopping_error()
            if what not in self._pools:
                self._pools[what] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"hatbox-validate-{what}",
                                                       initializer=self._worker_starts)
            return self._pools[what]

    def _worker_starts(self) -> None:
        """A worker's thread starts (its pool's initializer, before it takes any work): kept, under the lock, for
        :meth:`stop` to wait on, and reniced."""
        with self._validator_lock:
            self._workers.append(threading.current_thread())
        lower_priority(self.config.validate_nice)

    def _worker_threads(self) -> list[threading.Thread]:
        """The workers' threads started so far (both pools')."""
        with self._validator_lock:
            return list(self._workers)

    def stop(self, wait_s: float = VALIDATE_STOP_S, tagging_s: float = TAGGING_STOP_S) -> bool:
        """The API stops (the app's lifespan ends: device/api/app.py; a Box stopped directly: tests, the demo, the
        sim): program changes stop switching packs (:meth:`stop_programs`), the worker threads end (packs',
        libraries'), the libraries' taggings stop (carried on at the next start: Libraries.shutdown, which
        device/api/server.py's RunningServer.stop calls again, a no-op by then), and the MIDI relays that feed this
        box's control (device.midi_ports.close_relays).  The checks queued are dropped first; the program switch
        and the checks still running get ``wait_s`` in all to end (one deadline: a switch waiting for the install
        lock a check holds ends, nothing switched, once the check does), the taggings ``tagging_s``; past that the
        stop goes on without them (:func:`end_workers`).  A later use of :attr:`validator` or
        :attr:`library_worker` is refused.  True when nothing was left running."""
        with self._validator_lock:
            self._stopping = True
            pools, self._pools = list(self._pools.values()), {}
        end = time.monotonic() + max(0.0, wait_s)
        self.stop_programs()                    # no program change switches from now on; none is waited for yet
        ended = end_workers(pools, self._worker_threads, end - time.monotonic())   # queued checks dropped first
        ended = self.stop_programs(max(0.0, end - time.monotonic())) and ended
        stopped = self.libraries.shutdown(tagging_s)
        from device.midi_ports import close_relays
        close_relays(self.control)
        return ended and stopped

    def stop_programs(self, wait_s: float = 0.0) -> bool:
        """Program changes (MIDI, OSC ``/hatbox/program``, ``POST /midi/programs/{program}/fire``) stop switching
        packs (device/midi_programs.py ``ProgramSwitcher.stop``): one still waiting is answered at once, as the box's
        other work is while it stops (:func:`stopping_error`'s 503 for a fire), nothing of it switched; the switch
        already running gets ``wait_s`` to end (never cut half way).  Called first by device/api/server.py's
        RunningServer.stop (no wait: before uvicorn's 2 s for running requests, so the fire's answer still reaches
        the laptop), again by :meth:`stop`.  True when no switch is left running (or the box has no switcher)."""
        return self.programs is None or bool(self.programs.stop(wait_s))

    def start(self) -> None:
        """Show the pairing code and load the active packs into the engine (unless ``config.load_active`` is
        False: `hatbox device run` starts its engine with them)."""
        self.pairing.current()
        self.clock.note()                       # "the box's clock is not set", once in the log
        keys = self.trusted()                   # a file there that is no public key is logged now, not at a push
        if self.config.require_signature and not keys:
            log.warning("this box requires signed packs but trusts no key: every pack sent to it will be refused; "
                        "copy a KEY.pub (hatbox keygen) into %s", self.keys_dir)
        resumed = self.libraries.resume(lambda pid: self.store.pack_path(pid) if pid in self.store.ids() else None)
        waited = self.tag_waiting_libraries()  # a tagger made active while the box was off (or given at start)
        # for the terminal of `hatbox device run` (the log has them at info level, which only box.log keeps)
        self.tagging_at_start = [f"library {lid}: carrying on the tagging a restart cut off" for lid in resumed] + \
            [f"library {lid}: tagging it with the active tagger (it waited for one)" for lid in waited]
        self.kit.apply_in_background(self)     # the sampler decodes the kit while the API already answers
        for kind, pid in self.store.active().items() if self.config.load_active else ():
            if pid and kind in ENGINE_SLOTS and not self._unsigned(pid):
                try:
                    self._load(kind, pid)
                except ApiError as exc:
                    log.error("engine refused the active %s pack at start-up: %s", kind, exc)

    def _load(self, kind: str, pid: str) -> None:
        try:
            self.control.send({"op": "load", "slot": ENGINE_SLOTS[kind], "path": str(self.store.pack_path(pid))})
        except EngineStoppedError as exc:        # the box's trouble, not the pack's
            raise _engine_stopped(exc, f"pack '{pid}' was not loaded", "the box lists the pack active before it as "
                                  "active", "if the engine had begun loading it, it may yet finish (hatbox status "
                                  "says what plays)") from None
        except Exception as exc:  # noqa: BLE001 - any engine-side failure is reported the same way
            raise ApiError(502, "engine refused", f"the engine did not take pack '{pid}': {exc}") from None

    def activate(self, pid: str, stopping: Callable[[], bool] = lambda: False) -> M.SlotResult:
        """Make pack ``pid`` active (the pointer, then the engine's load), under ``install_lock``.  ``stopping()``
        is asked once the lock is held (a program change's switch may have waited there for a push's checks while
        the box began to stop): True raises :class:`~device.midi_programs.SwitchStopped`, nothing written."""
        with self.install_lock:
            if stopping():
                raise SwitchStopped(f"pack '{pid}' was not made active: the box is stopping")
            return self.activate_locked(pid)

    def _unsigned(self, pid: str) -> bool:
        """Whether this box takes only signed packs and pack ``pid`` is signed by no key it trusts now."""
        from device.validate import unsigned_now
        return self.config.require_signature and unsigned_now(self.store, pid, self.trusted())

    def check_signed(self, pid: str) -> None:
        """409 "not signed" when this box takes only signed packs (``require_signature``) and pack ``pid`` was
        installed without a trusted signature (before the box was started so): it stays installed, unplayed."""
        from device.signature_words import SIGN_HINT
        if self._unsigned(pid):
            raise ApiError(409, "not signed", f"pack '{pid}' is not signed by a trusted key, and this box takes only "
                           "signed packs (it was started with --require-signature)", hint=SIGN_HINT)

    def activate_locked(self, pid: str) -> M.SlotResult:
        """:meth:`activate` for a caller already holding ``install_lock``."""
        self.check_signed(pid)
        before = self.store.pointer()
        prev, meta = self.store.activate(pid)
        kind = meta["kind"]
        if kind in ENGINE_SLOTS:
            try:
                self._load(kind, pid)
            except ApiError:
                self.put_back(before, pid, kind)       # the engine kept playing the old pack
                raise
        tagging = self.tag_waiting_libraries() if kind == "tagger" else []
        return M.SlotResult(slot=kind, active=pid, previous=prev, tagging=tagging)

    def tag_waiting_libraries(self) -> list[str]:
        """Tag, with the active tagger pack, the libraries uploaded while none was active (Libraries.tag_waiting);
        returns the ids started (none when no tagger is active).  The tagger is read and the taggings started in one
        step under ``Libraries.starting``, the lock a library's commit takes to pick its tagger (Libraries.ingest):
        a library committed at the same moment is started by exactly one of the two, with the tagger active then.
        Never raises: what cannot start is logged."""
        with self.libraries.starting:
            found = self.active_tagger()
            if found is None:
                return []
            try:
                return self.libraries.tag_waiting(*found)
            except Exception:  # noqa: BLE001 - a hint of a start, never a failed activation
                log.exception("tagging the libraries that waited for a tagger did not start")
                return []

    def active_tagger(self) -> tuple[Path, str] | None:
        """The active tagger pack, as (its file, its id); None when none is active (or its pack is not installed).
        Read at a library's commit (Libraries.ingest's ``tagger_now``), under ``Libraries.starting``."""
        pid = self.store.active().get("tagger")
        if not pid or pid not in self.store.ids():
            return None
        return self.store.pack_path(pid), pid

    def take_library(self, once: bool, sha256: str | None, ingest: Callable[[], dict[str, Any]]
                     ) -> tuple[dict[str, Any], bool]:
        """An uploaded library, on :attr:`library_worker`'s thread (uploads are ingested there one at a time):
        ``ingest()`` (Libraries.ingest, its arguments bound), unless ``once`` and the box holds a library of the
        archive's digest ``sha256`` already (device/api/library_once.py): that one is the answer, nothing is unpacked
        or kept.  The look and the ingest are one step: of two uploads of the same bytes at once, the second finds the
        first.  Returns the library's record and whether it was held already."""
        from device.library.held import held_copy
        held = held_copy(self.libraries.list(), sha256) if once else None
        return (held, True) if held is not None else (ingest(), False)

    def put_back(self, before: Pointer, refused: str, kind: str) -> None:
        """Write back the pointer ``before`` after the engine refused pack ``refused`` (of slot ``kind``) that the
        store had just made active.  Should that fail (a full disk, failing storage), 507 / 500 "storage failed"
        saying what the box is left with: the engine plays the old pack, active.json names the refused one."""
        try:
            self.store.restore_pointer(before)
        except OSError as exc:
            log.error("putting back the %s pointer after the engine refused %s failed: %s", kind, refused, exc)
            old = f"'{before.slots[kind]}'" if before.slots[kind] else "nothing"
            raise _disk_error(exc, "pack", f"putting back the active {kind} pack after the engine refused pack "
                              f"'{refused}'", f"the engine plays {old} as before, but the box lists '{refused}' as "
                              f"the active {kind} pack: make the pack you want active again ({ACTIVATE_WAYS})",
                              PUT_BACK_ROOM_HINT) from None

    @property
    def midi(self) -> Any:
        """The box's MIDI map (device.midi.MidiHub) for the MIDI routes: ``hatbox device run`` hands it over on
        the control (``control.midi``) it serves the API with; None for an API without the box's MIDI."""
        return getattr(self.control, "midi", None)

    def playing(self, kind: str, pid: str) -> bool:
        """Whether pack ``pid`` (of kind ``kind``) is the active pack of its slot and, for an engine slot, the
        engine plays it (its status names the pack's file): activating it again would only reload it.  A
        tagger has no engine slot: active is enough.  False when the engine cannot say."""
        if self.store.pointer().slots.get(kind) != pid:
            return False
        if kind not in ENGINE_SLOTS:
            return True
        try:
            info = (self.control.status().get("active") or {}).get(ENGINE_SLOTS[kind])
        except Exception:  # noqa: BLE001 - an engine that cannot answer is asked to load it again
            return False
        return isinstance(info, dict) and info.get("path") == str(self.store.pack_path(pid))

    def trusted(self) -> list[Any]:
        from export.signing import load_trusted
        return load_trusted(self.keys_dir)

    def signer_now(self, meta: dict[str, Any], trusted: list[Any]) -> str | None:
        """The key in ``trusted`` that signed installed pack ``meta`` (its store record), checked now: a key taken
        out of trusted_keys/ since the install no longer shows as its signer, one copied in since does.  Each
        (pack, keys) answer is kept: /status lists every pack at each poll, and a check reads the whole pack."""
        from device.validate import signed_by_now
        from export.signing import key_id
        if not trusted:
            return None
        key = (str(meta["id"]), str(meta.get("sha256", "")), tuple(sorted(key_id(k) for k in trusted)))
        if key not in self._signers:
            if len(self._signers) > 256:
                self._signers.clear()
            self._signers[key] = signed_by_now(self.store.pack_path(meta["id"]), trusted)
        return self._signers[key]



ACTIVATE_WAYS = "on the box's Models page, or hatbox box-pack ID --activate"
# the same, when putting the pointer back after the engine refused a pack filled the disk (Box.put_back)
PUT_BACK_ROOM_HINT = ("make room: hatbox box-pack lists the packs, hatbox box-pack ID --delete removes an old one "
                      f"(or hatbox box-library ID --delete a library); then make the pack you want active again "
                      f"({ACTIVATE_WAYS})")


def stopping_error() -> ApiError:
    """503 for work asked of a box that has begun to stop (:meth:`Box.stop`): nothing of it was done."""
    return ApiError(503, STOPPING, "the box is stopping: it takes no more work, and nothing of this request was kept",
                    hint="send it again once the box is back (hatbox status says when it answers)")


def end_workers(pools: list[ThreadPoolExecutor], threads_of: Callable[[], list[threading.Thread]],
                wait_s: float) -> bool:
    """Shut ``pools`` down without waiting on them for ever: what is queued is dropped (cancelled: its requests were
    cut off), the work running gets ``wait_s`` seconds in all (both pools together) to end, then the caller goes on
    (a thread ends with its work, idle at last; a warning says so).  ``threads_of()``: their threads, asked once the
    pools are shut down, so that a thread whose pool was just made is waited for if it took any work (one that had
    not begun then finds none: its work was dropped).  True when every thread has ended."""
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
    threads = threads_of()
    end = time.monotonic() + max(0.0, wait_s)
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    if any(t.is_alive() for t in threads):
        log.warning("an upload's checks (a pack's, or a library's unpacking) were still running as the API stopped: "
                    "the stop goes on without waiting for them (their request was cut off: device/api/cutoff.py)")
        return False
    return True
