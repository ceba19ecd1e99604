"""Steps the p49 push-library tests share (tests/api/test_p49_regrown_push.py, tests/test_p49_replace_after_repush.py):
run a command (tests.cli_run.run, kept here under its old name), write a file the push will remember, list the
box's libraries, and push a folder of a few files with one of them corrected on the box."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.packs import tagger_pack
from tests.cli_run import run


def write(folder: Path, rel: str, n: int) -> None:
    """A ramp of ``n`` frames at ``folder/rel``, its times set 10 s back (older than library_memory's RACY_S: the
    push remembers its files' marks)."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
    back = path.stat().st_mtime_ns - 10**10
    os.utime(path, ns=(back, back))


def library_ids(server: Any) -> list[str]:
    """The served box's library ids, oldest first."""
    return [lib["id"] for lib in sorted(server.app.state.box.libraries.list(), key=lambda x: x["uploaded"])]


def pushed_fixed(server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, rel: str) -> Path:
    """A tagger pack active, folder ``tmp_path/name`` of 4 files (``rel`` with {i} in it) pushed and tagged, the
    first file corrected to kick on the box; the folder."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    folder = tmp_path / name
    for i in range(4):
        write(folder, rel.format(i=i), 2400 + 480 * i)
    assert run(capsys, "push-library", str(folder), "--wait", "--quiet")[0] == 0
    assert run(capsys, "box-library", library_ids(server)[0], "--fix", rel.format(i=0), "kick")[0] == 0
    return folder


def paired_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str = "laptopA") -> Iterator[Any]:
    """A served box (its app yielded), this laptop paired with it under its own config (so its own pushed.json);
    the box stopped after.  For a fixture: ``yield from paired_box(tmp_path, monkeypatch)``."""
    from tests.api.conftest import start_remote_box
    monkeypatch.setenv("HATBOX_PROGRESS", "off")
    running, codes, _, app = start_remote_box(tmp_path, monkeypatch)
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "laptop" / "remote.json"))
    assert main(["pair", running.url, "--code", codes[-1], "--name", name]) == 0
    yield app
    running.stop()


def send_kitb(server: Any, frames: int = 2400, device: str = "laptop") -> str:
    """A real POST /libraries of a small kitB (one file of ``frames`` frames: sends of other lengths differ) from the
    paired ``device`` (a tests.api.conftest.PairedServer ``server``); the new library's id."""
    import httpx

    from tests.api.conftest import wav_bytes, zip_bytes
    _, token = server.app.state.box.tokens.issue(device)
    r = httpx.post(f"{server.running.url}/libraries", params={"name": "kitB"}, headers={
        "Authorization": f"Bearer {token}"}, content=zip_bytes({"kit/a.wav": wav_bytes(frames)}), timeout=30)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])
