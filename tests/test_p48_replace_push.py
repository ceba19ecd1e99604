"""p48 F3: `hatbox push-library FOLDER --replace` against a served box with two paired laptops (A and B): A's older
library of the name goes once the new one is accepted, B's is left and said so; an unchanged folder sends nothing
(p48 review: and replaces your older ones with the library it is); an upload interrupted or refused deletes nothing;
--json says which ids went and which were left; one push reads the box's GET /status once."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import soundfile as sf

from hatbox import cmd_box_library
from hatbox.box_client import BoxRefused
from hatbox.cli import main
from hatbox.errors import Interrupted
from tests.api.conftest import start_remote_box
from tests.cli_run import run


class Duo:
    """A served box paired with laptopA and laptopB (each its own config, so its own pairing and pushed.json)."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.mp = tmp_path, monkeypatch
        self.running, codes, _, self.app = start_remote_box(tmp_path, monkeypatch)
        for name in ("laptopA", "laptopB"):
            self.be(name)
            assert main(["pair", self.running.url, "--code", codes[-1], "--name", name]) == 0

    def be(self, name: str) -> None:
        self.mp.setenv("HATBOX_CONFIG", str(self.tmp / name / "remote.json"))

    def ids(self) -> list[str]:
        return sorted(lib["id"] for lib in self.app.state.box.libraries.list())


@pytest.fixture
def duo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Duo]:
    monkeypatch.setenv("HATBOX_PROGRESS", "off")
    two = Duo(tmp_path, monkeypatch)
    yield two
    two.running.stop()


def folder(tmp_path: Path, where: str, n: int = 3) -> Path:
    """A library folder ``where``/kit of ``n`` ramps, its files dated 10 s back (remembered by push-library)."""
    kit = tmp_path / where / "kit"
    kit.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sf.write(kit / f"s{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    aged(kit.parent)
    return kit.parent


def aged(where: Path) -> None:
    for f in where.rglob("*.wav"):
        os.utime(f, ns=(f.stat().st_mtime_ns - 10**10,) * 2)


def test_replace_deletes_your_older_library_and_leaves_another_laptops(duo: Duo, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    duo.be("laptopB")
    assert main(["push-library", str(folder(tmp_path, "b", 2)), "--name", "lib", "--quiet"]) == 0
    [theirs] = duo.ids()
    duo.be("laptopA")
    mine = folder(tmp_path, "a")
    assert main(["push-library", str(mine), "--name", "lib", "--quiet"]) == 0
    [old] = [i for i in duo.ids() if i != theirs]
    sf.write(mine / "kit" / "new.wav", np.linspace(-0.5, 0.5, 7000, dtype=np.float32), 48000)
    rc, out, err = run(capsys, "push-library", str(mine), "--name", "lib", "--replace", "--quiet", "--json")
    got = json.loads(out)
    assert rc == 0 and got["files"] == 4 and got["id"] not in (old, theirs), err
    assert got["replaced"] == [old] and got["left"] == [theirs] and got["same_name"] == [theirs]
    assert set(got) == {"id", "name", "files", "state", "sent_before", "same_name", "replaced", "left"}
    assert duo.ids() == sorted([theirs, got["id"]])
    assert f"--replace: deleted your older library {old} ('lib', 3 files)" in err
    assert f"--replace: left library {theirs}: laptopB's library, not yours" in err


def test_without_replace_the_json_keys_are_as_before(duo: Duo, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    duo.be("laptopA")
    rc, out, _ = run(capsys, "push-library", str(folder(tmp_path, "a")), "--quiet", "--json")
    assert rc == 0 and set(json.loads(out)) == {"id", "name", "files", "state", "sent_before", "same_name"}


def test_replace_of_an_unchanged_folder_sends_nothing(duo: Duo, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    duo.be("laptopA")
    src = folder(tmp_path, "a")
    assert main(["push-library", str(src), "--name", "lib", "--quiet"]) == 0
    [held] = duo.ids()
    rc, out, err = run(capsys, "push-library", str(src), "--name", "lib", "--replace", "--quiet", "--json")
    got = json.loads(out)
    assert rc == 0 and got["id"] == held and got["replaced"] == [] and got["left"] == [] and duo.ids() == [held]
    assert "nothing was sent again" in err and f"--replace: nothing new was sent: library {held} is these files " \
        "already" in err and "--replace: no older library called 'lib' on the box: nothing to delete" in err


@pytest.mark.parametrize("how", ["interrupted", "refused"])
def test_an_upload_that_fails_deletes_nothing(how: str, duo: Duo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    duo.be("laptopA")
    src = folder(tmp_path, "a")
    assert main(["push-library", str(src), "--quiet"]) == 0
    [old] = duo.ids()
    sf.write(src / "kit" / "new.wav", np.linspace(-0.5, 0.5, 7000, dtype=np.float32), 48000)

    def fails(*_a: Any, **_k: Any) -> Any:
        if how == "interrupted":
            raise Interrupted("interrupted (Ctrl-C) after 40% of a: the box keeps nothing of an upload cut short")
        raise BoxRefused("the box says: no space", status=507, error="no space")
    monkeypatch.setattr(cmd_box_library, "upload", fails)
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet")
    assert rc == (130 if how == "interrupted" else 2) and duo.ids() == [old], err
    assert "--replace: the new library was not accepted, so nothing was deleted: your library called 'a' stays as " \
        "it was" in err


def test_a_push_reads_the_box_s_status_once(duo: Duo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    duo.be("laptopA")
    real, asked = cmd_box_library._client, []

    def counting(*a: Any, **k: Any) -> Any:
        client = real(*a, **k)
        client.event_hooks["request"].append(lambda req: asked.append(f"{req.method} {req.url.path}"))
        return client
    monkeypatch.setattr(cmd_box_library, "_client", counting)
    for src in (folder(tmp_path, "a"), _zipped(folder(tmp_path, "z"))):
        asked.clear()
        assert main(["push-library", str(src), "--quiet"]) == 0
        assert asked.count("GET /status") == 1, asked


def _zipped(src: Path) -> Path:
    import zipfile
    out = src.parent / "z.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for f in sorted(src.rglob("*.wav")):
            zf.write(f, f.relative_to(src).as_posix())
    return out


def test_yes_without_replace_is_refused_before_the_box_is_reached(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "push-library", str(folder(tmp_path, "a")), "--yes", "--url", "http://127.0.0.1:1",
                     "--token", "t")
    assert rc == 2 and "--yes goes with --replace" in err
