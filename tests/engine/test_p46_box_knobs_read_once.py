"""Forty-sixth stop: the box's start reads knobs.json once (device/knob_store.py ``KnobKeeper.restore``): before, it was
read for the clean-stop mark's check, again for the knobs, and again for when it was written (three opens after a
clean stop, two otherwise)."""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from device import knob_store
from device.knob_store import KNOB_FILE, KnobKeeper, _set_mark, kept_bytes

PID = "effect-fxd-1.0.0-0123456789ab"


class Engine:
    """What the keeper asks of the engine at start: where to put the knobs back."""

    def __init__(self) -> None:
        self.knobs_changed: Any = None
        self.recalled: list[tuple[str, str, list[Any]]] = []

    def recall_knobs(self, slot: str, name: str, knobs: list[Any]) -> None:
        self.recalled.append((slot, name, knobs))


def _store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A store with one installed pack's file (as device.store.installed_in knows it) and its knobs kept."""
    store = tmp_path / "store"
    (store / "packs" / PID).mkdir(parents=True)
    (store / "packs" / PID / "pack.hatpack").write_bytes(b"")
    kept = {"effect": {"pack": PID, "name": "fxd", "version": "1.0.0",
                       "knobs": [knob_store.SetKnob("drive", 18.0, "dB", "fxd")]}}
    (store / KNOB_FILE).write_bytes(kept_bytes(kept, 1.8e9))
    return store, {"effect": str(store / "packs" / PID / "pack.hatpack")}


def _opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file opened from now on, by name."""
    opened: list[str] = []
    real = io.open

    def counting(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(str(file)).name)
        return real(file, *args, **kwargs)
    monkeypatch.setattr(io, "open", counting)
    return opened


@pytest.mark.parametrize("clean_stop", [False, True])
def test_the_start_reads_the_knob_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_stop: bool) -> None:
    store, packs = _store(tmp_path)
    if clean_stop:
        _set_mark(store / KNOB_FILE)
    engine = Engine()
    keeper = KnobKeeper(engine)
    opened = _opens(monkeypatch)
    assert keeper.restore(packs) == []
    assert opened.count(KNOB_FILE) == 1
    assert [(s, n, [k.name for k in ks]) for s, n, ks in engine.recalled] == [("effect", "fxd", ["drive"])]
    assert keeper.kept_at == 1.8e9 and keeper.clean is clean_stop and keeper.had_file


def test_a_damaged_knob_file_read_once_is_set_aside_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, packs = _store(tmp_path)
    (store / KNOB_FILE).write_text(json.dumps({"version": 1, "slots": {"effect": {"knobs": [{"name": ""}]}},
                                               "kept_at": 1.8e9}))
    keeper = KnobKeeper(Engine())
    opened = _opens(monkeypatch)
    warnings = keeper.restore(packs)
    assert opened.count(KNOB_FILE) == 1
    assert len(warnings) == 1 and "were damaged" in warnings[0] and (store / (KNOB_FILE + ".damaged")).exists()
    assert keeper.kept_at is None and not keeper.had_file
