"""Every command can print a file name that is not valid UTF-8 (a Latin-1 "caf\\xe9.wav" from an old sample CD),
also to a strict UTF-8 stdout: hatbox.cli shows such a byte as \\xe9 instead of failing with an internal error."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "factory" / "synth-gm4.hatpack"


def _midi(path: Path) -> Path:
    mido = pytest.importorskip("mido")
    track = mido.MidiTrack([mido.Message("note_on", note=60, velocity=100, time=0),
                            mido.Message("note_off", note=60, velocity=0, time=120)])
    mid = mido.MidiFile(ticks_per_beat=480)
    mid.tracks.append(track)
    mid.save(str(path))
    return path


@pytest.mark.skipif(not PACK.exists(), reason="no factory synth pack")
def test_a_latin1_output_name_is_printed_escaped_on_a_strict_utf8_stdout(tmp_path: Path) -> None:
    out = os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9.wav")          # Latin-1 bytes, not UTF-8
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    run = subprocess.run([sys.executable, "-m", "hatbox", "play", str(PACK), "--midi", str(_midi(tmp_path / "a.mid")),
                          "--out", out, "--tail", "0.1"], env=env, capture_output=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    assert b"internal error" not in run.stderr
    assert f"wrote {tmp_path}/caf\\xe9.wav (".encode() in run.stdout
    assert os.path.exists(out)


def test_a_full_disk_anywhere_is_one_line_that_says_so(monkeypatch, capsys) -> None:
    """Before (twenty-sixth stop's QA): every trainer ended a full disk with "internal error ... please report it"."""
    import errno

    from hatbox import cli

    def full(args) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", "/media/usb/my-gear.hatpack")
    monkeypatch.setattr(cli, "build_parser", _parser_running(full))
    assert cli.main(["x"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hatbox: error: the disk is full writing /media/usb/my-gear.hatpack (No space left on "
                          "device)") and "internal error" not in err and "hint: make room on the disk" in err


def _parser_running(handler):
    import argparse

    def build() -> argparse.ArgumentParser:
        p = argparse.ArgumentParser(prog="hatbox")
        p.add_argument("cmd")
        p.set_defaults(func=handler)
        return p
    return build


def test_a_mistyped_command_is_named_with_the_closest_one(capsys) -> None:
    """Before (twenty-eighth stop's QA): `hatbox trian` got argparse's "invalid choice" and every command listed,
    while a mistyped option already got "did you mean"."""
    from hatbox.cli import main
    for argv, said in ((["trian", "tagger", "x"], "unknown command 'trian' (did you mean train?)"),
                       (["train", "tagr", "x"], "unknown command 'tagr' (did you mean tagger?)")):
        with pytest.raises(SystemExit) as ended:
            main(argv)
        assert ended.value.code == 2 and said in capsys.readouterr().err
