"""p50 FB: `hatbox push-library` against a box served on loopback, with what QA's folders held.

- A pack (.hatpack, a zip) or any .zip packed last: zipfile.is_zipfile found the inner zip's end record and the push
  read its own tar as that zip ("holds no audio file (only 3 other files)"; nothing sent).
- .amb / .bwf / .rf64 samples: uploaded, then "not audio" on the box.
- DAW sidecars (.asd, .reapeaks), Synology's @eaDir / @SynoEAStream, macOS's Icon\\r and recycle bins: packed, sent
  and listed one by one as "not audio" (Icon\\r: "rename it"), a recycle bin's deleted samples kept as samples."""
from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.push_steps import paired_box

RATE = 44100


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A served box, this laptop paired with it."""
    yield from paired_box(tmp_path, monkeypatch)


def _hit(seed: int, channels: int = 1) -> np.ndarray:
    """0.1 s of a decaying noise burst, [frames, channels] float (soundfile's layout)."""
    rng = np.random.default_rng(seed)
    env = np.exp(-np.linspace(0, 8, RATE // 10))[:, None]
    return (0.3 * env * rng.standard_normal((RATE // 10, channels))).astype(np.float32)


def _wav(path: Path, seed: int, **kw: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, _hit(seed, kw.pop("channels", 1)), RATE, **({"format": "WAV", "subtype": "PCM_16"} | kw))
    return path


def _pack_like(path: Path) -> None:
    """A zip holding what a hatbox pack holds (its names are what the pack check looks for)."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", "{}" + " " * 4000)
        zf.writestr("model.onnx", bytes(8000))


def test_a_folder_whose_pack_is_packed_last_is_pushed_as_the_folder(box: Any, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """QA's repro: samples in Kit/, tagger-drums.hatpack beside them (packed after Kit/): before, "holds no audio
    file (only 3 other files); nothing was sent"."""
    src = tmp_path / "B"
    for i in range(3):
        _wav(src / "Kit" / f"hit{i}.wav", i)
    _pack_like(src / "tagger-drums.hatpack")
    with zipfile.ZipFile(src / "zz old kit.zip", "w") as zf:        # and a zip, last of all
        zf.writestr("x.txt", "old kit " * 100)
    assert main(["push-library", str(src), "--name", "zipbug", "--quiet"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "holds no audio file" not in out
    assert ": 3 files accepted, 1 rejected" in out and "rejected zz old kit.zip: an archive inside" in out, out
    assert "not audio: tagger-drums.hatpack" in out, out


def test_ambisonic_broadcast_and_rf64_samples_are_taken_by_push_and_box(box: Any, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Before: each uploaded, then "not audio" (or "convert it") on the box."""
    src = tmp_path / "Formats"
    _wav(src / "a" / "room.amb", 1, channels=4)
    _wav(src / "a" / "take.bwf", 2, subtype="PCM_24")
    _wav(src / "a" / "long.rf64", 3, format="RF64")
    assert main(["push-library", str(src), "--quiet"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert ": 3 files accepted, 0 rejected" in out and "not audio" not in out, out


def _junk_folder(src: Path) -> None:
    """Samples with what a DAW, a NAS, Windows and macOS leave beside them."""
    _wav(src / "Kit" / "kick.wav", 1)
    _wav(src / "Kit" / "snare.wav", 2)
    for rel in ("Kit/kick.wav.asd", "Kit/snare.wav.reapeaks", "Kit/@eaDir/kick.wav@SynoEAStream",
                "Kit/kick.wav@SynoEAStream", "Icon\r", "Kit/Icon\r"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(b"\x00sidecar" * 50)
    for i, rel in enumerate(("#recycle/Kit/deleted clap.wav", "@Recycle/old snare.wav",
                             "$RECYCLE.BIN/S-1-5-21-1004336348-1001/$RZ3K9QX.wav", ".recycle/gone.wav")):
        _wav(src / rel, 10 + i)


def test_leftovers_of_daws_nases_and_recycle_bins_stay_behind_said_in_one_line(
        box: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "SAMPLES"
    _junk_folder(src)
    assert main(["push-library", str(src), "--quiet"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert ": 2 files accepted, 0 rejected" in out, out                 # the recycle bins' 4 samples stay behind
    assert "not audio" not in out and "rename" not in out and "Icon" not in out.replace("Icon\\r)", ""), out
    said = [line for line in out.splitlines() if "DAW sidecar" in line]
    assert said == ["note: left out of SAMPLES: 2 DAW sidecar files (.asd, .reapeaks...), 2 NAS metadata entries "
                    "(@eaDir, @SynoEAStream), 3 recycle bins (#recycle, @Recycle, $RECYCLE.BIN), 2 macOS folder "
                    "icon files (Icon\\r): no samples, not packed"], out


def test_the_box_skips_the_leftovers_in_an_uploaded_zip_as_other_metadata(box: Any, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A zip of the same folder (made by hand, so the leftovers are in it): the box unpacks the two samples and
    skips the rest as hidden or operating-system files, neither "not audio" nor "unsafe path" (Icon\\r)."""
    src = tmp_path / "SAMPLES"
    _junk_folder(src)
    archive = tmp_path / "samples.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(p for p in src.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(src).as_posix())
    assert main(["push-library", str(archive), "--quiet"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert ": 2 files accepted, 0 rejected" in out, out
    assert "skipped 10 hidden or operating-system files" in out, out
    assert "not audio" not in out and "unsafe" not in out and "rename" not in out, out


def test_a_tar_whose_last_member_is_a_zip_is_unpacked_as_the_tar_by_the_box(box: Any, tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """An uploaded .tar holding a zip last: before, the laptop and the box read the inner zip's files (one
    "x.txt", not audio) instead of the tar's samples."""
    src = tmp_path / "T"
    _wav(src / "Kit" / "a.wav", 1)
    _wav(src / "Kit" / "b.wav", 2)
    with zipfile.ZipFile(src / "zz.zip", "w") as zf:
        zf.writestr("x.txt", "hi " * 300)
    archive = tmp_path / "kit.tar"
    with tarfile.open(archive, "w") as tf:
        for rel in ("Kit/a.wav", "Kit/b.wav", "zz.zip"):
            tf.add(src / rel, rel)
    assert main(["push-library", str(archive), "--quiet"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert ": 2 files accepted, 1 rejected" in out and "zz.zip" in out and "x.txt" not in out, out
