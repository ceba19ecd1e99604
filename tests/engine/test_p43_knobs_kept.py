"""Knobs kept across a restart (forty-third stop, gig-soak QA): a knob the player set came back at its pack's default
after a power cut, a reboot or `hatbox device run` started again.  Now the engine process keeps its knob memory in
the store (STORE/knobs.json, device/knob_store.py) and puts it back before its start-up packs load.  Driven through
the engine process's own start (device/audio/server._engine_run's steps: restore, load, start; _finish: stop) on
_Child, and once through a real engine process started twice."""
from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

from device import knob_store
from device.audio.alsa_io import AudioConfig
from device.audio.server import EngineProcess, ServerConfig, _Child
from device.store import KNOB_FILE
from export.atomic import atomic_output
from export.manifest import Knob
from tests.engine.quick_loads import quick_loads  # noqa: F401 - autouse: loads without GIL pauses
from tests.engine.test_p42_knobs_carry import capture, drive, tone

FXD = "effect-fxd-1.0.0-0123456789ab"        # store ids (device.store.pack_id's form)
FXE = "effect-fxe-1.0.0-ba9876543210"


def _install(store: Path, pid: str, made: str) -> str:
    """The pack file ``made`` as the store holds an installed pack (STORE/packs/<id>/pack.hatpack)."""
    (store / "packs" / pid).mkdir(parents=True, exist_ok=True)
    return str(shutil.copy(made, store / "packs" / pid / "pack.hatpack"))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    (tmp_path / "store").mkdir()
    return tmp_path / "store"


@pytest.fixture
def fxd(store: Path, tmp_path: Path) -> str:
    return _install(store, FXD, capture(tmp_path / "d.hatpack", "fxD", drive(), tone()))


class Box:
    """The engine process's start and stop, as _engine_run and _finish do them, without its audio device."""

    def __init__(self) -> None:
        self.children: list[_Child] = []

    def start(self, packs: dict[str, str], every_s: float = 1.0) -> _Child:
        child = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
        child.knobs.every_s = every_s
        child.swapper.budget = 50.0          # a loaded machine is no refusal here (its real-time trial is not tested)
        self.children.append(child)
        child.extra["warnings"] += child.knobs.restore(packs)
        for slot, path in packs.items():
            child.request({"op": "load", "slot": slot, "path": path})
        child.extra.update(child.knobs.start())
        _blocks(child)
        return child

    @staticmethod
    def stop(child: _Child) -> None:
        child.knobs.stop()
        child.swapper.stop()


@pytest.fixture
def box() -> Iterator[Box]:
    b = Box()
    yield b
    for child in b.children:
        child.knobs.stop()
        child.swapper.stop()


def _blocks(child: _Child, n: int = 2) -> None:
    x, y = np.zeros(128, np.float32), np.zeros(128, np.float32)
    for _ in range(n):
        child.engine.process(x, y)


def _turn(child: _Child, name: str, value: float, slot: str = "effect") -> None:
    child.request({"op": "knob", "slot": slot, "name": name, "value": value})


def _knobs(child: _Child) -> dict[str, float]:
    return child.status()["slot_knobs"]["effect"]


def _kept(store: Path) -> dict[str, Any]:
    return json.loads((store / KNOB_FILE).read_text())


def _write(store: Path, pack: str, name: str, knobs: list[dict[str, Any]]) -> None:
    data = {"version": 1, "slots": {"effect": {"pack": pack, "name": name, "version": "1.0.0", "knobs": knobs}}}
    (store / KNOB_FILE).write_text(json.dumps(data))


def test_knobs_set_come_back_as_left_after_a_restart(box: Box, store: Path, fxd: str) -> None:
    first = box.start({"effect": fxd})
    assert _knobs(first) == {"drive": 12.0, "tone": 3500.0}          # the pack's defaults
    _turn(first, "drive", 18.0)
    _turn(first, "tone", 6000.0)
    box.stop(first)                                                   # a clean stop
    second = box.start({"effect": fxd})
    assert _knobs(second) == {"drive": 18.0, "tone": 6000.0}
    assert second.status()["knobs_restored"] == ("knobs restored as they were left: effect.drive 18 dB, "
                                                 "effect.tone 6000 Hz")
    assert "warnings" not in second.status()["active"]["effect"]
    assert _kept(store)["slots"]["effect"]["pack"] == FXD              # tied to the pack it was set on


def test_nothing_kept_says_nothing_and_starts_at_the_defaults(box: Box, store: Path, fxd: str) -> None:
    child = box.start({"effect": fxd})
    assert _knobs(child) == {"drive": 12.0, "tone": 3500.0}
    assert "knobs_restored" not in child.status()


def test_turns_are_written_at_most_once_a_second_off_the_audio_and_control_threads(
        box: Box, store: Path, fxd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[tuple[float, str]] = []
    real = knob_store.write_atomic

    def counted(path: Path, data: bytes) -> None:
        writes.append((time.monotonic(), threading.current_thread().name))
        real(path, data)
    monkeypatch.setattr(knob_store, "write_atomic", counted)
    child = box.start({"effect": fxd}, every_s=0.5)
    time.sleep(0.3)
    writes.clear()                                   # (the start writes what the start-up pack took)
    t0 = time.monotonic()
    for i in range(200):                             # an encoder spun for 1.2 s
        _turn(child, "drive", i * 0.1)
        time.sleep(0.006)
    spun = time.monotonic() - t0
    time.sleep(0.8)                                  # the last turn is in the file within one interval
    assert _kept(store)["slots"]["effect"]["knobs"][0]["value"] == pytest.approx(19.9)
    assert 1 <= len(writes) <= spun / 0.5 + 2, writes                       # not 200
    assert {name for _, name in writes} == {"hatbox-knobs"}                # the keeper's thread alone
    gaps = np.diff([t for t, _ in writes])
    assert (gaps >= 0.45).all(), gaps


def test_a_value_outside_the_packs_range_or_a_knob_it_lacks_starts_at_its_default(
        box: Box, store: Path, fxd: str) -> None:
    _write(store, FXD, "fxD", [{"name": "drive", "value": 99.0, "unit": "dB", "on": "fxD"},
                               {"name": "gone", "value": 3.0, "unit": "", "on": "fxD"},
                               {"name": "tone", "value": 5000.0, "unit": "Hz", "on": "fxD"}])
    child = box.start({"effect": fxd})
    assert _knobs(child) == {"drive": 12.0, "tone": 5000.0}
    notes = child.status()["active"]["effect"]["warnings"]
    assert any(n.startswith("knob 'drive' at 99 dB on 'fxD' when the box stopped was not restored") and
               "it starts at its default 12 dB" in n for n in notes), notes
    assert any(n.startswith("knob 'gone' at 3 on 'fxD' when the box stopped was not restored") for n in notes), notes
    assert child.status()["knobs_restored"] == "knobs restored as they were left: effect.tone 5000 Hz"


def test_a_pack_replaced_by_a_new_upload_takes_the_knobs_it_has_as_a_pack_switched_in(
        box: Box, store: Path, tmp_path: Path) -> None:
    _write(store, FXD, "fxD", [{"name": "drive", "value": 20.0, "unit": "dB", "on": "fxD"},
                               {"name": "tone", "value": 6000.0, "unit": "Hz", "on": "fxD"}])
    fxe = _install(store, FXE, capture(tmp_path / "e.hatpack", "fxE", drive(), tone(1.5, 8.0, 3.5, "kHz")))
    child = box.start({"effect": fxe})
    assert _knobs(child) == {"drive": 20.0, "tone": 6.0}              # 6000 Hz is 6 kHz (KnobMemory's rules)
    fxf = _install(store, "effect-fxf-1.0.0-00000000000f",
                   capture(tmp_path / "f.hatpack", "fxF", Knob("drive", 0.0, 1.0, 0.5, "%"), tone()))
    box.stop(child)
    other = box.start({"effect": fxf})                                # drive in % there: its default, a note
    assert _knobs(other) == {"drive": 0.5, "tone": 6000.0}
    [note] = other.status()["active"]["effect"]["warnings"]
    assert "knob 'drive' at 20 dB on 'fxE' when the box stopped was not restored" in note


def test_a_damaged_file_is_set_aside_said_and_every_knob_starts_at_its_default(
        box: Box, store: Path, fxd: str) -> None:
    (store / KNOB_FILE).write_bytes(b'{"version": 1, "slots": {"effect": {"knobs": [{"name": "drive", "val')
    child = box.start({"effect": fxd})
    assert _knobs(child) == {"drive": 12.0, "tone": 3500.0}
    [warning] = child.status()["warnings"]
    assert warning.startswith("the knobs kept from the last run (knobs.json) were damaged (")
    assert warning.endswith("every knob starts at its pack's default; the file is kept as knobs.json.damaged")
    assert (store / "knobs.json.damaged").read_bytes().endswith(b'"val')
    _turn(child, "drive", 7.0)
    box.stop(child)
    assert _kept(store)["slots"]["effect"]["knobs"][0]["value"] == 7.0     # a whole file again


@pytest.mark.parametrize("bad", [b"", b"[1, 2]", b'{"version": 1, "slots": {"effect": {"knobs": [{"name": "drive", '
                                               b'"value": NaN}]}}}', b'{"version": 9, "slots": {}}', b"\xff\xfe"])
def test_what_is_not_a_knob_file_reads_as_damaged(store: Path, bad: bytes) -> None:
    (store / KNOB_FILE).write_bytes(bad)
    kept, _, warning = knob_store.read_kept(store / KNOB_FILE)
    assert kept == {} and warning is not None and (store / "knobs.json.damaged").exists()


def test_a_power_cut_mid_write_leaves_the_file_as_it_was_and_its_half_is_removed(
        box: Box, store: Path, fxd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = box.start({"effect": fxd})
    _turn(first, "drive", 18.0)
    box.stop(first)
    before = (store / KNOB_FILE).read_bytes()

    def cut(path: Path, data: bytes) -> None:           # the power goes half way through the write
        with atomic_output(path) as fh:
            fh.write(data[:len(data) // 2])
            raise OSError(5, "Input/output error")
    half = store / f".{KNOB_FILE}.leftover"
    half.write_bytes(b'{"version": 1, "slo')             # what a cut left of an earlier write
    monkeypatch.setattr(knob_store, "write_atomic", cut)
    second = box.start({"effect": fxd})
    assert not half.exists()                             # taken away at the start
    _turn(second, "drive", 3.0)
    assert second.knobs.save() is False
    assert (store / KNOB_FILE).read_bytes() == before    # whole, as before the cut write
    third = box.start({"effect": fxd})                   # the box comes back after the cut (no clean stop)
    assert _knobs(third)["drive"] == 18.0
    for child in (third, second):                        # their keepers' writes (cut too) end: none half-kept
        child.knobs._stop.set()
        child.knobs._dirty.set()
        child.knobs._thread.join(5)
    assert [p.name for p in store.glob(f".{KNOB_FILE}*")] == []


def test_a_slot_emptied_keeps_its_knobs_for_the_next_start(box: Box, store: Path, fxd: str) -> None:
    first = box.start({"effect": fxd})                    # (p46: an emptied slot kept nothing before)
    _turn(first, "drive", 18.0)
    first.request({"op": "unload", "slot": "effect"})
    box.stop(first)
    assert _kept(store)["slots"]["effect"]["pack"] == FXD
    assert _knobs(box.start({"effect": fxd})) == {"drive": 18.0, "tone": 3500.0}


def test_packs_from_outside_a_store_keep_nothing(box: Box, tmp_path: Path) -> None:
    loose = capture(tmp_path / "loose.hatpack", "fxD", drive(), tone())
    child = box.start({"effect": loose})
    _turn(child, "drive", 18.0)
    box.stop(child)
    assert list(tmp_path.rglob(KNOB_FILE)) == []


def test_a_real_engine_process_started_again_plays_the_knobs_as_left(store: Path, fxd: str, tmp_path: Path) -> None:
    cfg = ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", pace=True, realtime=False,
                       output_wav=str(tmp_path / "out.wav"), packs={"effect": fxd})
    engine = EngineProcess(cfg).start()
    try:
        engine.send({"op": "knob", "slot": "effect", "name": "drive", "value": 21.0})
    finally:
        assert engine.stop() == 0
    again = EngineProcess(cfg).start()
    try:
        status = again.status()
    finally:
        again.stop()
    assert status["slot_knobs"]["effect"]["drive"] == 21.0
    assert status["knobs_restored"] == "knobs restored as they were left: effect.drive 21 dB"


def test_hatbox_status_prints_the_knobs_put_back_at_the_start(capsys) -> None:
    from hatbox.status_report import print_status
    line = "knobs restored as they were left: effect.drive 18 dB"
    print_status({"name": "box", "version": "x", "active": {"effect": None, "synth": None},
                  "engine": {"running": True, "knobs_restored": line}, "packs": [], "libraries": 0, "disk": {}})
    assert f"  at its start: {line}\n" in capsys.readouterr().out     # p43 regression QA: not the knobs now
