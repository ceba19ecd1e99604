"""p53 final read MF3 #5: push-library of a folder too new to remember before packing (device's Settle path)
records the box's name for it only when the push succeeded: a push that answered an error recorded the name of a
library the box may not hold."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from hatbox import cmd_box_library
from hatbox.cli import main
from hatbox.library_memory import RACY_S
from tests.api.conftest import PairedServer
from tests.api.test_p53_M4_push_name import _folder, _names


def _fresh(tmp_path: Path) -> Path:
    """:func:`_folder` as if copied in just now, settled by the push's end (its files' times within RACY_S of the
    push's first walk, no more after :func:`_slow`)."""
    folder = _folder(tmp_path)
    just = time.time() - RACY_S + 0.3
    for f in folder.iterdir():
        os.utime(f, (just, just))
    return folder


def _slow(send: Callable[..., int]) -> Callable[..., int]:
    def sent(self: Any, *args: Any) -> int:
        time.sleep(0.5)
        return send(self, *args)
    return sent


def test_a_failed_push_of_a_new_folder_records_no_name(tmp_path: Path, paired_server: PairedServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _fresh(tmp_path)
    real = cmd_box_library._Push._send
    monkeypatch.setattr(cmd_box_library._Push, "_send", _slow(lambda self, *args: 1))
    assert main(["push-library", str(folder), "--name", "Samples", "--quiet"]) != 0
    assert "Samples" not in _names()
    (tmp_path / "again").mkdir()
    folder = _fresh(tmp_path / "again")
    monkeypatch.setattr(cmd_box_library._Push, "_send", _slow(real))
    assert main(["push-library", str(folder), "--name", "Samples", "--quiet"]) == 0
    assert _names() == ["Samples"]          # the Settle path records it once the box holds it
