"""Forty-first stop, QA with the power cut: `push-library` whose corrections did not reach the box after the upload
(the box went off between the two) says so and how to send them, and sending the folder again sends them to the
library already there (before: "already on the box ... nothing was sent", and the corrections were lost for good)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.library import files_with_tag, tag_library
from hatbox import library_fixes
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _folder(tmp_path: Path) -> Path:
    """A folder of 3 samples, tagged on the laptop (its own .hatbox-tags.sqlite) with 1 file corrected."""
    kit = tmp_path / "lib4" / "kit"
    kit.mkdir(parents=True)
    for i in range(3):
        sf.write(kit / f"s{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    return tmp_path / "lib4"


def _cut_before_fixes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The box goes off after the upload: the corrections' request never reaches it."""
    real = library_fixes._call

    def call(client: Any, method: str, path: str, *args: Any, **kw: Any) -> Any:
        if path.endswith("/fixes") and method == "POST":
            raise HatboxError("cannot reach the box at https://127.0.0.1:1",
                              hint="is it on, and on the same network as this computer?")
        return real(client, method, path, *args, **kw)
    monkeypatch.setattr(library_fixes, "_call", call)


def test_corrections_cut_off_after_the_upload_are_sent_by_the_retry(tmp_path, paired_server, monkeypatch, capsys):
    pack = tagger_pack(tmp_path / "t.hatpack")
    lib = _folder(tmp_path)
    db = lib / ".hatbox-tags.sqlite"
    tag_library(lib, pack, db)
    assert main(["library", "fix", str(db), str(lib / "kit" / "s1.wav"), "djembe"]) == 0
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    with monkeypatch.context() as m:
        _cut_before_fixes(m)
        assert main(["push-library", str(lib), "--quiet"]) != 0
    said = capsys.readouterr()
    assert "3 files accepted" in said.out
    assert "is on the box, but your corrections of 1 file (from " in said.err and "did not reach it" in said.err
    assert f"send them to it: hatbox push-library {lib} (the library is there: only the corrections go)" in said.err
    box = paired_server.app.state.box
    (held,) = box.libraries.list()
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0          # was refused: nothing was sent
    out = capsys.readouterr().out
    assert f"is already on the box as library {held['id']}" in out and "its files were not sent again" in out, out
    assert "your corrections of 1 file (from " in out and ") went to it: the box keeps them" in out, out
    assert len(box.libraries.list()) == 1
    box.libraries.wait(held["id"], 20)
    hits = files_with_tag(box.libraries.db_path(held["id"]), "djembe")
    assert [(h.path.name, h.corrected) for h in hits] == [("s1.wav", True)]
    assert main(["push-library", str(lib), "--quiet"]) == 0                    # twice: the same, nothing more
    assert [h.path.name for h in files_with_tag(box.libraries.db_path(held["id"]), "djembe")] == ["s1.wav"]


def test_the_same_folder_without_corrections_is_still_refused(tmp_path, paired_server, capsys):
    pack = tagger_pack(tmp_path / "t.hatpack")
    lib = _folder(tmp_path)
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(lib), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push-library", str(lib), "--quiet"]) == 0             # p45: a note, not an error
    err = capsys.readouterr().out
    assert "is already on the box as library" in err and "nothing was sent" in err and "--again" in err, err
