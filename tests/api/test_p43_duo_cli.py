"""p43 duo QA (two musicians, two laptops, one box), the laptop's side: what the other laptop did while a question
was open is said (or refused), not lost without a word."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.api.quick_waits import quick  # noqa: F401  (the fixture)
from tests.cli_run import run as _run

pytestmark = pytest.mark.usefixtures("quick")    # a RecordingControl box: no sampler warnings to wait for


def _libraries(tmp_path: Path, *names: str) -> None:
    """Libraries ``names`` on the paired box, each kit/boom.wav (corrected to kick) and kit/crack.wav (snare)."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    for lib in names:
        folder = tmp_path / lib / "kit"
        folder.mkdir(parents=True)
        for name, n in (("boom.wav", 4800), ("crack.wav", 9600)):
            sf.write(folder / name, np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
        assert main(["push-library", str(tmp_path / lib), "--wait", "--quiet"]) == 0
        assert main(["box-library", lib, "--fix", "kit/boom.wav", "kick"]) == 0
        assert main(["box-library", lib, "--fix", "kit/crack.wav", "snare"]) == 0


def _answer_after(monkeypatch: pytest.MonkeyPatch, meanwhile: Any, answer: str = "y") -> None:
    """The question on the terminal is answered ``answer`` after ``meanwhile()`` (the other laptop) ran."""
    def ask(prompt: str = "") -> str:
        print(prompt)
        meanwhile()
        return answer
    monkeypatch.setattr("builtins.input", ask)


def _id(server: PairedServer, name: str) -> str:
    return next(i["id"] for i in server.app.state.box.libraries.list() if i["name"] == name)


def test_from_and_map_say_what_the_kit_held_and_what_changed_while_asked(tmp_path: Path,
                                                                        paired_server: PairedServer,
                                                                        capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """One box with libraries kitA and kitB (made once: they were made four times), in order: (1) `box-kit --from`
    refuses when the kit changed while its question was open; (2) then, the kit holding the two notes set by hand,
    `--from --yes` says what it replaced; (3) `--map` on a note set says what that note played; (4) the kit
    emptied, a delete of kitB says the kit notes another laptop set from it while the delete's question was open."""
    _libraries(tmp_path, "kitA", "kitB")
    assert main(["box-kit", "--map", "C3", "kit/boom.wav", "--library", "kitA"]) == 0
    capsys.readouterr()
    # (1) --from refuses when the kit changed while its question was open
    with monkeypatch.context() as asked:
        _answer_after(asked, lambda: main(["box-kit", "--map", "D3", "kit/crack.wav", "--library", "kitA"]))
        rc, out, err = _run(capsys, "box-kit", "--from", "kitB")
    assert "the kit holds 1 note set by hand (C3 kit/boom.wav (library kitA))" in err   # p47: the question on stderr
    assert rc == 2 and "the kit changed since you were asked: D3 was set (kit/crack.wav, library kitA)" in err
    assert "run it again" in err
    notes = paired_server.app.state.box.kit.notes
    assert sorted(notes) == [48, 50] and {e.library for e in notes.values()} == {_id(paired_server, "kitA")}
    # (2) --from with --yes says what it replaced: C3 and D3 set by hand, as in (1)'s end
    rc, out, err = _run(capsys, "box-kit", "--from", "kitB", "--yes")
    assert rc == 0, err
    assert ("replaced 2 notes set by hand: C3 kit/boom.wav (library kitA), D3 kit/crack.wav (library kitA)"
            in out)                                    # (p49 M6: set by hand, whatever its library)
    # (3) --map on a note set says what it played
    assert main(["box-kit", "--map", "C3", "kit/boom.wav", "--library", "kitA"]) == 0
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-kit", "--map", "C3", "kit/crack.wav", "--library", "kitB")
    assert rc == 0, err
    assert "C3 plays kit/crack.wav now (was kit/boom.wav, library kitA)" in out
    # (4) a delete says the kit notes another laptop set meanwhile
    assert main(["box-kit", "--clear"]) == 0
    capsys.readouterr()
    _answer_after(monkeypatch, lambda: main(["box-kit", "--from", "kitB", "--yes"]))    # B, while A is asked
    rc, out, err = _run(capsys, "box-library", "kitB", "--delete")
    assert rc == 0, err
    assert "which go silent" not in out.split("[y/N]")[0]                 # the kit was empty when A was asked
    assert "; 2 notes of the kit left it" in out and "they went silent: C2 kit/boom.wav, D2 kit/crack.wav" in out
    rc, out, _ = _run(capsys, "box-kit")
    assert rc == 0 and "the kit is empty" in out
    assert "was deleted by" not in out     # p46: the laptop that deleted it was told then (the other laptops are:
    #                                        tests/api/test_p46_kit_own_deletion.py); this test's two are one pairing


def test_a_library_deleted_while_followed_says_so(tmp_path: Path, paired_server: PairedServer,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import hatbox.cmd_box_library as cbl
    _libraries(tmp_path, "kitB")
    real = cbl._follow

    def deleted_meanwhile(client: Any, lid: str, quiet: bool) -> dict[str, Any]:
        paired_server.app.state.box.libraries.delete(lid)            # another computer, or the panel
        return real(client, lid, quiet)
    monkeypatch.setattr(cbl, "_follow", deleted_meanwhile)
    capsys.readouterr()
    rc, _, err = _run(capsys, "box-library", "kitB", "--wait")
    assert rc == 2
    assert "was deleted from the box while it was being tagged (by another computer or the panel)" in err
    assert "no library 'lib-" not in err


def test_deleting_a_pack_a_rollback_goes_back_to_is_said_and_the_rollback_says_why(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.api.packs import gain_pack
    assert main(["push", str(gain_pack(tmp_path / "a.hatpack", "first")), "--activate", "--quiet"]) == 0
    assert main(["push", str(gain_pack(tmp_path / "b.hatpack", "second")), "--activate", "--quiet"]) == 0
    box = paired_server.app.state.box
    first = box.store.rollback_target("effect")
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    assert main(["box-pack", first, "--delete"]) == 0
    assert "it is what --rollback effect goes back to" in asked[0]
    assert main(["box-pack", first, "--delete", "--yes"]) == 0
    capsys.readouterr()
    rc, _, err = _run(capsys, "box-pack", "--rollback", "effect")
    assert rc == 2 and f"no earlier effect pack to roll back to: the one it went back to, {first}, was deleted" in err


def test_pairing_under_the_host_name_suggests_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from tests.api.conftest import start_remote_box
    running, codes, _, _ = start_remote_box(tmp_path, monkeypatch)
    try:
        rc, out, err = _run(capsys, "pair", running.url, "--code", codes[-1])
        assert rc == 0, err
        assert "(its host name): pair with --name NAME" in out
        rc, out, err = _run(capsys, "pair", running.url, "--code", codes[-1], "--name", "Ana's laptop")
        assert rc == 0 and "its host name" not in out, err
    finally:
        running.stop()
