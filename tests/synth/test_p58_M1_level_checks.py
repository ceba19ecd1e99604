"""p58 R2 review 2, 3 and 5 on trainer.synth.level (a synth pack's playing level):

2: a signed pack levelled in place lost its signature without a word (a box started with --require-signature then
   refused it, under the same name and version): refused now without --out, and said with --out;
   scripts/factory_synth.sh gives the levelled factory synth its version.
3: a target above full scale was taken (the notes cannot pass the synth's limiter at +6 dBFS), and the line said the
   target, not what was measured: a pack whose notes already reach the limiter was mis-levelled by 6 dB.  A target
   above 0 dBFS is refused, the level is measured again at the level set and brought to the target, and the line
   says the figure measured.
5: an --out that cannot be written ended in a traceback after the notes were measured: checked first now, and a
   write that fails is one error line."""
from __future__ import annotations

import errno
import json
import re
import shlex
import shutil
import zipfile
from pathlib import Path

import pytest

from export.pack import SIGNATURE, Pack, read_pack
from export.signing import generate_key, sign_pack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def level(monkeypatch: pytest.MonkeyPatch) -> object:
    from trainer.synth import level
    monkeypatch.setattr(level, "FALLBACK_NOTES", (60,))          # one note a timbre: a quick measure
    return level


def _no_measure(level: object, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("measured before the arguments were checked")
    monkeypatch.setattr(level, "measure", refuse)


def _with_level(src: Path, dst: Path, level_db: float) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "manifest.json":
                m = json.loads(data)
                m["extras"]["level_db"] = level_db
                data = json.dumps(m).encode()
            zout.writestr(info.filename, data)
    return dst


def test_a_signed_pack_is_not_levelled_over_itself(tmp_path: Path, synth_pack: Pack, level: object,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    src = Path(shutil.copy(synth_pack.path, tmp_path / "mine.hatpack"))
    sign_pack(src, generate_key())
    before = src.read_bytes()
    assert SIGNATURE in read_pack(src).members
    _no_measure(level, monkeypatch)
    for same in ([], ["--out", str(src)]):
        assert level.main([str(src), *same]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {src} is signed:") and "--out" in err and "Traceback" not in err, err
    assert src.read_bytes() == before


def test_a_signed_pack_levelled_to_another_file_says_it_is_unsigned(tmp_path: Path, synth_pack: Pack, level: object,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    src = Path(shutil.copy(synth_pack.path, tmp_path / "mine.hatpack"))
    sign_pack(src, generate_key())
    out = tmp_path / "levelled.hatpack"
    assert level.main([str(src), "--peak", "-9", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "unsigned" in said and f"hatbox pack sign --key KEY {out}" in said, said
    assert SIGNATURE not in read_pack(out).members and SIGNATURE in read_pack(src).members


@pytest.mark.parametrize("peak", ["0.5", "12", "nan", "inf"])
def test_a_target_above_full_scale_is_refused_before_measuring(tmp_path: Path, synth_pack: Pack, level: object,
                                                               peak: str, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    src = Path(shutil.copy(synth_pack.path, tmp_path / "mine.hatpack"))
    before = src.read_bytes()
    _no_measure(level, monkeypatch)
    assert level.main([str(src), "--peak", peak]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --peak {peak} dBFS") and "nothing written" in err and "Traceback" not in err, err
    assert src.read_bytes() == before


def test_a_pack_at_the_limiter_is_levelled_to_what_is_measured(tmp_path: Path, synth_pack: Pack, level: object,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Its notes at +50 dB reach the synth's limiter (+6 dBFS): the first measure is clipped, so one step from it
    leaves the pack far from the target; it is measured again and brought there, and the line says what was heard."""
    loud = _with_level(Path(synth_pack.path), tmp_path / "loud.hatpack", 50.0)
    assert level.measure(read_pack(loud)).median_dbfs > 5.0                         # at the limiter
    assert level.main([str(loud), "--peak", "-9"]) == 0
    heard = level.measure(read_pack(loud)).median_dbfs
    assert abs(heard + 9.0) <= 0.25, heard
    said = capsys.readouterr().out
    got = re.search(r"now (-?\d+\.\d) dBFS \(measured\)", said)
    assert got and abs(float(got.group(1)) - heard) <= 0.05, said


def test_an_out_that_cannot_be_written_is_said_before_measuring(tmp_path: Path, synth_pack: Pack, level: object,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    src = Path(shutil.copy(synth_pack.path, tmp_path / "mine.hatpack"))
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    _no_measure(level, monkeypatch)
    assert level.main([str(src), "--out", str(tmp_path / "notes.txt" / "x.hatpack")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write --out") and "Traceback" not in err, err


def test_a_write_that_fails_is_one_error_line(tmp_path: Path, synth_pack: Pack, level: object,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    src = Path(shutil.copy(synth_pack.path, tmp_path / "mine.hatpack"))
    before = src.read_bytes()

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(level, "write_pack", full)
    assert level.main([str(src), "--peak", "-9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: could not write {src}: No space left on device") and "Traceback" not in err, err
    assert f"{src} is as it was" in err and src.read_bytes() == before


def test_the_factory_build_gives_the_levelled_synth_its_version() -> None:
    script = (ROOT / "scripts" / "factory_synth.sh").read_text()
    line = next(x for x in script.splitlines() if "trainer.synth.level" in x and not x.lstrip().startswith("#"))
    words = shlex.split(line)
    assert "--version" in words, line
    default = re.search(r'VERSION="\$\{2:-([0-9.]+)\}"', script)
    assert default and words[words.index("--version") + 1] == "$VERSION", line
    assert default.group(1) == read_pack(ROOT / "factory" / "synth-gm4.hatpack").manifest.version
