"""p43 leftovers, `hatbox push-library` and `hatbox push` against a real box on loopback:

- the box's own check of an uploaded library said nothing of float samples over 0 dBFS (only the laptop did, of a
  folder's files): now each such file's ``warning`` in the box's answer says it, and push-library says it of a zip's
  or tar's files too, before sending (device.library.hot: one reading for both);
- a zip's or tar's member names were checked only on the box, after the whole upload: now on the laptop first, by the
  box's own rule (device.library.member_names);
- a push of the same bytes answered "already there" and never what the box's checks had found: now it says them (a
  library's rejected files and warnings, a pack's checks)."""
from __future__ import annotations

import io
import tarfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

import hatbox.cmd_box_library as cmd
from device.library.archive import unpack_archive
from device.library.member_names import refused_names
from hatbox.cli import main
from hatbox.hot_samples import over_full_scale
from tests.api.conftest import PairedServer, spy_uploads, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack

HOT = "peaks at +6.0 dBFS: the box's limiter will take that off when it plays; normalise it"


def _hit(peak: float, subtype: str = "PCM_16", fmt: str = "WAV") -> bytes:
    """A 0.2-s decaying 200 Hz hit at 48 kHz peaking at ``peak`` (linear; over 1 only as float)."""
    t = np.arange(9600) / 48000
    x = np.sin(2 * np.pi * 200 * t) * np.exp(-t * 20)
    buf = io.BytesIO()
    sf.write(buf, (x / np.abs(x).max() * peak).astype(np.float32), 48000, subtype=subtype, format=fmt)
    return buf.getvalue()


def _hot_zip(path: Path) -> Path:
    path.write_bytes(zip_bytes({"kit/snare_float_hot.wav": _hit(2.0, "FLOAT"), "kit/kick_float.wav": _hit(0.5, "FLOAT"),
                                "kit/kick.wav": _hit(0.9)}))
    return path


def _libraries(server: PairedServer) -> list[dict[str, Any]]:
    return server.app.state.box.libraries.list()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Path]]:
    return spy_uploads(monkeypatch, cmd)


# ------------------------------------------------------------------ 1: over full scale
def test_the_boxs_check_of_an_archive_warns_of_a_float_sample_over_full_scale(tmp_path: Path) -> None:
    report = unpack_archive(_hot_zip(tmp_path / "hot.zip"), tmp_path / "lib")
    warnings = {f.path: f.warning for f in report.files}
    assert warnings["kit/snare_float_hot.wav"] == HOT + " (e.g. sox IN.wav OUT.wav gain -n -1)"
    assert warnings["kit/kick_float.wav"] == "" and warnings["kit/kick.wav"] == ""
    assert len(report.accepted) == 3                                   # a warning, not a refusal


def test_push_library_of_a_zip_warns_before_sending_and_once(
        tmp_path: Path, paired_server: PairedServer, sent: list[tuple[str, Path]],
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push-library", str(_hot_zip(tmp_path / "hot.zip")), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"  warning kit/snare_float_hot.wav: {HOT}" in out
    assert out.index("warning kit/snare_float_hot.wav") < out.index("library lib-hot-")    # before the upload's answer
    assert out.count("peaks at") == 1                                  # the box's answer does not say it again
    [lib] = _libraries(paired_server)
    files = {f["path"]: f for f in paired_server.app.state.box.libraries.get(lib["id"])["files"]}
    assert files["kit/snare_float_hot.wav"]["warning"].startswith(HOT)      # the box's own answer holds it


def test_an_archives_float_samples_are_read_as_the_box_reads_them(tmp_path: Path) -> None:
    tgz = tmp_path / "kit.tar.gz"
    with tarfile.open(tgz, "w:gz") as tf:
        for name, data in (("a/hot.caf", _hit(2.0, "FLOAT", "CAF")), ("a/ok.wav", _hit(0.9, "FLOAT")),
                           ("a/._hot.wav", _hit(2.0, "FLOAT")), ("a/hot.aiff", _hit(1.5, "FLOAT", "AIFF"))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    assert [(rel, round(peak, 1)) for rel, peak in over_full_scale(tgz)] == [("a/hot.caf", 6.0), ("a/hot.aiff", 3.5)]
    assert over_full_scale(tmp_path / "missing.zip") == []


# ------------------------------------------------------------------ 2: names the box refuses
def _named_zip(path: Path) -> Path:
    nfc = unicodedata.normalize("NFC", "kit/café.wav")
    with zipfile.ZipFile(path, "w") as zf:
        for name in (nfc, unicodedata.normalize("NFD", nfc), "kit/bad\x07bell.wav", "kit/readme.txt",
                     "__MACOSX/kit/._café.wav", "kit/kick.wav"):
            zf.writestr(name, wav_bytes())
    return path


def test_the_laptops_name_check_is_the_boxs_own(tmp_path: Path) -> None:
    archive = _named_zip(tmp_path / "named.zip")
    refused = refused_names(archive)
    assert [name for name, _ in refused] == ["kit/café.wav", "kit/bad\x07bell.wav"]
    report = unpack_archive(archive, tmp_path / "lib")
    assert refused == [(f.path, f.reason) for f in report.rejected]   # the box refuses these, in these words


def test_push_library_says_the_names_the_box_refuses_before_sending(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push-library", str(_named_zip(tmp_path / "named.zip")), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "note: the box will refuse 2 files of named.zip for their names, and keep the rest:" in out
    assert "  refused kit/bad\\x07bell.wav: unsafe path: " in out and "rename it in the archive" in out
    assert out.index("will refuse") < out.index("library lib-named-")
    assert "rejected kit/" not in out                                  # not said again after the upload
    assert "2 rejected" in out


def test_an_archive_whose_every_audio_name_is_refused_is_not_sent(
        tmp_path: Path, paired_server: PairedServer, sent: list[tuple[str, Path]],
        capsys: pytest.CaptureFixture[str]) -> None:
    tar = tmp_path / "latin.tar"
    with tarfile.open(tar, "w", format=tarfile.GNU_FORMAT, encoding="latin-1") as tf:
        info = tarfile.TarInfo("kit/caf\xe9.wav")
        data = wav_bytes()
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    assert main(["push-library", str(tar), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "the box refuses the name of every audio file of latin.tar" in err and "nothing was sent" in err
    assert "not valid UTF-8" in err and "Traceback" not in err
    assert sent == [] and _libraries(paired_server) == []


# ------------------------------------------------------------------ 3: the same bytes again
def test_the_same_library_again_says_what_the_boxs_checks_found(
        tmp_path: Path, paired_server: PairedServer, sent: list[tuple[str, Path]],
        capsys: pytest.CaptureFixture[str]) -> None:
    short = wav_bytes(48000)[:-40000]                                  # its header claims more than it holds
    archive = tmp_path / "kit.zip"
    archive.write_bytes(zip_bytes({"kit/short.wav": short, "kit/hot.wav": _hit(2.0, "FLOAT"),
                                   "kit/kick.wav": _hit(0.9)}))
    assert main(["push-library", str(archive), "--quiet"]) == 0
    first = capsys.readouterr().out
    assert "rejected kit/short.wav" in first
    assert main(["push-library", str(archive), "--quiet"]) == 0        # nothing sent again (p45: exit 0, a note)
    out, err = capsys.readouterr()
    lid = _libraries(paired_server)[0]["id"]
    assert f"kit.zip as the box's checks found it when it was sent (library {lid}):" in out
    assert "  rejected kit/short.wav: " in out
    assert out.count("peaks at +6.0 dBFS") == 1                        # said by the laptop's own check, once
    assert "is already on the box as library" in out and len(sent) == 1


def test_the_same_pack_again_says_its_checks(tmp_path: Path, paired_server: PairedServer,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    pack = tagger_pack(tmp_path / "t.hatpack")
    assert main(["push", str(pack), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push", str(pack), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "was on the box already" in out and "nothing was sent again" in out
    assert "  when it was installed it passed every check that applies: archive, onnx" in out
    assert "signature: unsigned" in out and "(what each found: hatbox box-pack tagger-tags-1.0.0-" in out
