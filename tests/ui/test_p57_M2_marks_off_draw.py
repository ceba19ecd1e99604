"""p57 R2 review 7 (and R1 finding 3): on a box started with --require-signature the Models page's marks, the Effect
page's no-pack hint and Play's no-synth hint read the store and verified every pack in full (each member hashed,
the model too) on the panel's own thread: at the first Models visit and inside a draw.  Now that work is a job of
the panel's reader (device/ui/reader.py, where its other store reads run); the frame draws what is known."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import device.validate
from device.store import PackStore, file_sha256
from device.ui.data import StoreData
from device.ui.demo import manifest
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from device.ui.signed_only import REFUSED_MARK, SIGNED_ONLY_HINTS
from export.manifest import Knob
from export.pack import write_pack


class HeldReader:
    """A reader whose jobs run only when the test says (:meth:`run`), their ``done`` at the next :meth:`deliver`."""

    def __init__(self) -> None:
        self.jobs: list[Any] = []
        self.finished: list[Any] = []

    def submit(self, job: Any, done: Any, *, write: bool = False) -> None:
        self.jobs.append((job, done))

    def run(self) -> None:
        while self.jobs:
            job, done = self.jobs.pop(0)
            self.finished.append((done, job()))

    def deliver(self) -> int:
        n = len(self.finished)
        while self.finished:
            done, value = self.finished.pop(0)
            done(value, None)
        return n

    def close(self) -> None:
        pass


def _install(store: PackStore, kind: str, name: str) -> str:
    m = manifest(kind, name, "0.2.0", knobs=[Knob("gain", 0.0, 12.0, 3.0, "dB")] if kind == "effect" else [])
    upload = store.new_upload()
    write_pack(upload, m, {"model.onnx": f"placeholder {name}".encode()})
    return store.install(upload, m, file_sha256(upload), {})["id"]


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packs device.validate.unsigned_now checked (the full read of each), in order."""
    seen: list[str] = []
    real = device.validate.unsigned_now

    def counted(store: Any, pid: str, trusted: Any) -> Any:
        seen.append(pid)
        return real(store, pid, trusted)
    monkeypatch.setattr(device.validate, "unsigned_now", counted)
    return seen


def _panel(root: Path, reader: HeldReader) -> Panel:
    return Panel(RecordingControl(), StoreData(root, require_signature=True), (800, 480), reader=reader)


def test_the_models_marks_are_worked_out_by_the_reader_not_the_frame(pg: Any, tmp_path: Path,
                                                                     checks: list[str]) -> None:
    store = PackStore(tmp_path / "box")
    fuzz = _install(store, "effect", "fuzzbox")
    reader = HeldReader()
    panel = _panel(tmp_path / "box", reader)
    panel.show_title("Models")
    panel.draw(pg.Surface(panel.size))
    assert checks == [] and panel.page.refused == set()          # nothing verified on the panel's thread
    reader.run()
    assert checks == [fuzz]
    panel.draw(pg.Surface(panel.size))                            # the frame delivers the answer
    page = panel.page
    assert page.refused == {fuzz} and page.row_mark(page.packs[0]) == REFUSED_MARK


@pytest.mark.parametrize("title,kind", [("Effect", "effect"), ("Play", "synth")])
def test_the_no_pack_hint_is_worked_out_by_the_reader_not_the_draw(pg: Any, tmp_path: Path, checks: list[str],
                                                                   title: str, kind: str) -> None:
    store = PackStore(tmp_path / "box")
    pid = _install(store, kind, "organ")
    reader = HeldReader()
    panel = _panel(tmp_path / "box", reader)
    panel.show_title(title)
    frame = pg.Surface(panel.size)
    panel.draw(frame)
    assert checks == []                                            # the draw read and verified nothing
    reader.run()
    assert checks == [pid]
    panel.draw(frame)
    from device.ui.signed_only import marks_of
    assert marks_of(panel.ctx.data)._hints[kind][1] == SIGNED_ONLY_HINTS
