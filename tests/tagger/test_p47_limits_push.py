"""p47 F2: `hatbox push-library` checks a folder against the box's own limits (its ``GET /status``'s
``library_limits``), not the defaults: a box set up with a lower file limit refuses the folder before a byte is
packed or sent (it was packed, sent, then refused); one with a higher limit takes a folder over the defaults (it was
refused on the laptop).  A box that publishes none (an older box) is checked against the defaults, as before;
`hatbox status` says the limits in one line.  Small numbers: the limits (and, for "higher", the laptop's defaults)
are set low here instead of building 20,000 files."""
from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

import device.library.folder_tar as folder_tar
from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.library.archive_members import Limits
from hatbox import cmd_box_library, library_limits
from hatbox.archive_look import look_archive
from hatbox.cli import main
from hatbox import status_report
from tests.api.conftest import FAST_ENGINE, spy_uploads


def _wavs(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sf.write(folder / f"{i}.wav", np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    return folder


def _paired_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limits: Limits) -> Iterator[Any]:
    """A box set up with ``limits``, served on loopback, that the laptop is paired with (its app); stopped after."""
    from device.api.server import start_in_thread
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    codes: list[str] = []
    app = create_app(tmp_path / "box", RecordingControl(),
                     ApiConfig(engine=FAST_ENGINE, on_code=codes.append, library_limits=limits))
    running = start_in_thread(app)
    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        yield app
    finally:
        running.stop()


@pytest.fixture
def low_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from _paired_box(tmp_path, monkeypatch, Limits(max_files=3))


@pytest.fixture
def high_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from _paired_box(tmp_path, monkeypatch, Limits(max_files=10))


def test_a_box_with_a_lower_file_limit_refuses_the_folder_before_packing(tmp_path, low_box, monkeypatch,
                                                                         capsys) -> None:
    lib = _wavs(tmp_path / "kit", 5)
    packed: list[Path] = []
    monkeypatch.setattr(folder_tar, "pack_directory", lambda src, *a, **k: packed.append(src))
    sent = spy_uploads(monkeypatch, cmd_box_library)
    assert main(["push-library", str(lib), "--quiet", "--no-fixes"]) == 2
    err = capsys.readouterr().err
    assert f"{lib} holds 5 files; the box takes at most 3 in one library; nothing was packed or sent" in err, err
    assert "hint: split kit into folders of at most 3 files each" in err, err
    assert packed == [] and sent == [] and low_box.state.box.libraries.list() == []


def test_a_box_with_a_higher_file_limit_takes_a_folder_over_the_defaults(tmp_path, high_box, monkeypatch,
                                                                         capsys) -> None:
    lib = _wavs(tmp_path / "kit", 5)
    monkeypatch.setattr(library_limits, "box_limits", lambda: Limits(max_files=3))    # the defaults, set low
    assert main(["push-library", str(lib), "--quiet", "--no-fixes"]) == 0, capsys.readouterr().err
    [held] = high_box.state.box.libraries.list()
    assert held["accepted"] == 5


def test_a_box_that_publishes_no_limits_is_checked_against_the_defaults(tmp_path) -> None:
    """An older box: its status has no library_limits (a dropped answer the same): the defaults, as before; a box
    that publishes them: its own (p48: limits_from, push-library's one GET /status answer)."""
    assert library_limits.limits_from({"name": "old", "limits": {"max_library_bytes": 4 << 30}}) == Limits()
    assert library_limits.limits_from(None) == Limits()
    assert library_limits.limits_from({"library_limits": {"max_files": 12}}) == Limits(max_files=12)
    assert not hasattr(library_limits, "limits_on")          # p48 review: unused in production, gone


def test_the_archive_look_reads_with_the_boxs_limits(tmp_path) -> None:
    """A folder's archive (and a zip or tar sent as it is) is read by the box's limits: over a lower one it is
    refused before it is sent; under a higher one than the defaults it is not."""
    lib = _wavs(tmp_path / "kit", 5)
    tar = tmp_path / "kit.tar"
    with tarfile.open(tar, "w") as tf:
        tf.add(lib, arcname="kit")
    assert look_archive(tar, False, Limits(max_files=3)).refusal == "the archive holds more than 3 files"
    assert look_archive(tar, False, Limits(max_files=10)).refusal == ""


def test_hatbox_status_says_the_boxs_limits_in_one_line(low_box, capsys) -> None:
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "  one library: at most 3 files, 4 GiB in all, 1 GiB a file (push-library checks a folder against " \
           "them before packing)" in out, out
    assert status_report.library_limits_words({"name": "old"}) == ""                # an older box: no line
