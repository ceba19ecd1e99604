"""p45 crash QA: re-running the same `hatbox push-library DIR --wait` after a power cut (the library on the box
already, tagging or tagged) exited 2 "... is already on the box ...; nothing was sent", did not follow the tagging,
and its hint named `hatbox box-library ID` while it was tagging.  Now the re-run finds its work done, as `hatbox
push` of a pack already there does: with --wait "...; following its tagging", then the same wait as a fresh upload
(exit 0 when the tagging ends); without --wait exit 0 with the note and the right hint."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _folder(tmp_path: Path) -> Path:
    kit = tmp_path / "biglib" / "kit"
    kit.mkdir(parents=True)
    for i in range(3):
        sf.write(kit / f"s{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    return tmp_path / "biglib"


def _tagged_once(server: PairedServer, tmp_path: Path, capsys) -> tuple[Path, str]:
    """A tagger pack active and the folder pushed and tagged; (the folder, its library's id)."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    lib = _folder(tmp_path)
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    [held] = server.app.state.box.libraries.list()
    assert held["state"] == "done"
    capsys.readouterr()
    return lib, held["id"]


def test_the_same_push_with_wait_again_follows_to_the_end_and_exits_0(paired_server: PairedServer, tmp_path: Path,
                                                                      capsys) -> None:
    lib, lid = _tagged_once(paired_server, tmp_path, capsys)
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert f"is already on the box as library {lid} ('biglib', done, 3 files); nothing was sent again; its tags " \
        "as the box has them:" in out, out                 # p47: the sentence finished
    assert "following" not in out                       # its tagging is done: nothing more to follow (p45 review)
    assert "tagging done:" in out and "error" not in err, err
    assert len(paired_server.app.state.box.libraries.list()) == 1


def test_a_rerun_while_the_box_still_tags_it_follows_the_tagging(paired_server: PairedServer, tmp_path: Path,
                                                               capsys) -> None:
    """The box came back and carries on tagging: the re-run follows it until it ends."""
    lib, lid = _tagged_once(paired_server, tmp_path, capsys)
    job = paired_server.app.state.box.libraries._jobs[lid]
    job["state"] = "tagging"                            # as a restart that carries the tagging on shows it
    ends = threading.Timer(1.0, lambda: job.__setitem__("state", "done"))
    ends.start()
    try:
        code = main(["push-library", str(lib), "--wait", "--quiet"])
    finally:
        ends.cancel()
        ends.join()
    out = capsys.readouterr().out
    assert code == 0 and "tagging, 3 files); nothing was sent again; following its tagging" in out, out
    assert "tagging done:" in out


def test_the_same_push_without_wait_exits_0_with_the_right_hint(paired_server: PairedServer, tmp_path: Path,
                                                                capsys) -> None:
    lib, lid = _tagged_once(paired_server, tmp_path, capsys)
    paired_server.app.state.box.libraries._jobs[lid]["state"] = "tagging"
    try:
        code = main(["push-library", str(lib), "--quiet"])
    finally:
        paired_server.app.state.box.libraries._jobs[lid]["state"] = "done"
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    assert f"is already on the box as library {lid} ('biglib', tagging, 3 files); nothing was sent" in out
    assert f"the box is tagging it: hatbox box-library {lid} --wait follows it" in out
    assert "--again" in out and "following" not in out
