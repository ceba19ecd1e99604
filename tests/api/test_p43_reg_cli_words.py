"""p43 regression QA, the laptop's words: `push-library` of a Shift-JIS zip did not print the box's note (GET
/libraries/ID held "names read as Shift-JIS (a Japanese Windows zip)"); paths printed unquoted in the commands it
suggests (`hatbox push`, `hatbox keygen`); the status watch's fault line suggested `box-pack NAME --activate`,
which a name several packs of one name and version share is refused for."""
from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from device.library.zip_names import SHIFT_JIS_NOTE
from hatbox.cli import main
from tests.api.conftest import PairedServer, wav_bytes
from tests.api.p43_raw_zip import raw_zip
from tests.cli_run import run as _run


def test_push_library_says_the_box_s_note_on_a_shift_jis_zip(tmp_path: Path, paired_server: PairedServer,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from tests.api.packs import tagger_pack
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    arc = raw_zip(tmp_path / "sjis.zip", [("キット/キック.wav".encode("cp932"), wav_bytes())])
    capsys.readouterr()
    rc, out, err = _run(capsys, "push-library", str(arc), "--wait", "--quiet")
    assert rc == 0, err
    assert f"  note: {SHIFT_JIS_NOTE}" in out.splitlines(), out
    rc, out, err = _run(capsys, "box-library", "sjis")
    assert rc == 0, err
    assert f"  note: {SHIFT_JIS_NOTE}" in out.splitlines(), out


def test_a_plain_zip_has_no_note(tmp_path: Path, paired_server: PairedServer,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    arc = raw_zip(tmp_path / "plain.zip", [(b"kit/kick.wav", wav_bytes())])
    capsys.readouterr()
    rc, out, err = _run(capsys, "push-library", str(arc))
    assert rc == 0 and "note:" not in out, out + err


def test_the_fault_line_names_the_id_box_pack_takes(tmp_path: Path, paired_server: PairedServer,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox.status_watch import fault_line
    from tests.api.packs import gain_pack
    for i, pad in enumerate((0, 64)):                  # two trainings: one name and version, other bytes
        assert main(["push", str(gain_pack(tmp_path / f"{i}.hatpack", "fuzz", pad_bytes=pad)), "--activate",
                     "--quiet"]) == 0
    store = paired_server.app.state.box.store
    pid = store.active()["effect"]
    status = {"active": {"effect": {"name": "fuzz", "path": str(store.pack_path(pid))}}}
    line = fault_line({"slot": "effect", "name": "fuzz", "reason": "runaway"}, status)
    assert f"or hatbox box-pack {pid} --activate)" in line
    capsys.readouterr()
    assert main(shlex.split(line.split("or ", 1)[1].rstrip(")"))[1:]) == 0    # the command as said: taken
    assert main(["box-pack", "fuzz", "--activate"]) == 2                       # the name: refused, two share it
    other = {"active": {"effect": {"name": "drive", "path": str(store.pack_path(pid))}}}     # another fading in
    assert "hatbox box-pack fuzz --activate" in fault_line({"slot": "effect", "name": "fuzz"}, other)


def _hint_command(err: str, start: str) -> list[str]:
    """The command a hint suggests, from ``start`` ("hatbox keygen") to the words after it, as a shell splits it."""
    line = next(x for x in err.splitlines() if start in x)
    return shlex.split(line[line.index(start):].split(" (")[0])


def test_keygen_hints_quote_a_path_with_spaces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "my keys"
    folder.mkdir()
    rc, _, err = _run(capsys, "keygen", str(folder / "studio key.pub"))
    assert rc == 2
    assert _hint_command(err, "hatbox keygen") == ["hatbox", "keygen", str(folder / "studio key.pem")]
    rc, _, err = _run(capsys, "keygen", str(folder))
    assert rc == 2
    assert _hint_command(err, "hatbox keygen") == ["hatbox", "keygen", str(folder / "KEY.pem")]


def test_push_library_of_a_pack_hints_push_with_the_path_quoted(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from tests.api.packs import gain_pack
    (tmp_path / "my packs").mkdir()
    pack = gain_pack(tmp_path / "my packs" / "fuzz v2.hatpack", "fuzz")
    rc, _, err = _run(capsys, "push-library", str(pack))
    assert rc == 2
    assert shlex.split(err[err.index("hatbox push "):].splitlines()[0]) == ["hatbox", "push", str(pack), "--activate"]
