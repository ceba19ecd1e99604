"""p48 last review: the output volume was kept only on a box that started with a pack from its store (the knob file
was found through the packs), so a box that plays the sampler alone wrote and put back none: left at -12 dB, it came
back at 0 dB, 12 dB louder.  Now the engine process is given the store folder (ServerConfig.store, set by `hatbox
device run`) and keeps the volume with no pack.  Driven through the engine process's own start
(device/audio/server._start_child) and stop (the keeper's last save, as _finish does it)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from device import knob_store
from device.audio.alsa_io import AudioConfig
from device.audio.server import ServerConfig, _Child, _start_child
from device.store import KNOB_FILE
from tests.engine.test_p43_knobs_kept import FXD, _blocks, _kept, fxd, store  # noqa: F401  (fixtures)

Started = list[_Child]


@pytest.fixture
def started() -> Iterator[Started]:
    children: Started = []
    yield children
    for child in children:
        child.knobs.stop()
        child.swapper.stop()


def _start(started: Started, store: Path | None, packs: dict[str, str] | None = None) -> _Child:
    """The engine process's start with the store folder ``store`` (None: not given, as a test's engine or a bench)."""
    cfg = ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False,
                       packs=dict(packs or {}), store=None if store is None else str(store))
    child = _start_child(cfg)
    child.swapper.budget = 50.0          # a loaded machine is no refusal here (its real-time trial is not tested)
    started.append(child)
    _blocks(child)
    return child


def _stop(child: _Child) -> None:
    child.swapper.stop()
    child.knobs.stop()


def test_a_box_playing_the_sampler_alone_comes_back_as_loud_as_it_was_left(started: Started,
                                                                          store: Path) -> None:  # noqa: F811
    first = _start(started, store)
    first.request({"op": "volume", "db": -12.0})
    _stop(first)
    assert _kept(store)["volume_db"] == -12.0
    second = _start(started, store)
    assert second.status()["volume_db"] == -12.0                    # was 0 dB: 12 dB louder than left
    assert second.status()["knobs_restored"] == "knobs restored as they were left: output.volume -12 dB"
    assert not second.status()["warnings"]


def test_knobs_kept_for_a_store_pack_survive_a_start_with_no_pack(started: Started, store: Path,  # noqa: F811
                                                                  fxd: str) -> None:  # noqa: F811
    """The file's knobs for a pack the box does not start are held for it (as before), and the volume put back."""
    knobs = [knob_store.SetKnob("drive", 18.0, "dB", on="fxD")]
    kept = {"effect": {"pack": FXD, "name": "fxD", "version": "1.0.0", "knobs": knobs}}
    (store / KNOB_FILE).write_bytes(knob_store.kept_bytes(kept, 100.0, -6.0))
    child = _start(started, store)
    assert child.status()["volume_db"] == -6.0
    child.request({"op": "load", "slot": "effect", "path": fxd})
    assert child.status()["slot_knobs"]["effect"]["drive"] == 18.0
    _stop(child)
    assert _kept(store)["volume_db"] == -6.0
    assert _kept(store)["slots"]["effect"]["knobs"][0]["value"] == 18.0


def test_an_engine_given_no_store_and_no_pack_keeps_nothing(started: Started, store: Path,  # noqa: F811
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test's engine or a bench (no store given) writes no knob file anywhere, as before."""
    monkeypatch.chdir(tmp_path)
    child = _start(started, None)
    child.request({"op": "volume", "db": -12.0})
    _stop(child)
    assert not list(tmp_path.rglob(KNOB_FILE))
