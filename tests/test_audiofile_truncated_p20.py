"""Truncated AIFF and Wave64 files, QA round 20: libsndfile decodes a file cut short as far as it goes without a
word, for these as for WAV.  A WAV whose header claims more audio than it holds is refused at library upload
(device.audio.audiofile.wav_header_problem); an AIFF / AIFF-C or a Wave64 is now refused the same way
(header_problem), the reason saying how many frames are missing.  Honest files of every kind pass."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.archive import unpack_archive
from device.library.member_checks import audio_problem

FRAMES, RATE = 4800, 48000
CASES = [("AIFF", "PCM_16", ".aiff", 2), ("AIFF", "PCM_24", ".aif", 3), ("AIFF", "FLOAT", ".aifc", 4),
         ("AIFF", "ULAW", ".aifc", 1), ("W64", "PCM_16", ".w64", 2), ("W64", "FLOAT", ".w64", 4)]
IDS = [f"{fmt}-{sub}" for fmt, sub, _, _ in CASES]


def _audio(fmt: str, subtype: str, channels: int = 1, frames: int = FRAMES) -> bytes:
    buf = io.BytesIO()
    ramp = np.linspace(-0.5, 0.5, frames, dtype=np.float32)
    sf.write(buf, np.stack([ramp] * channels, axis=1), RATE, format=fmt, subtype=subtype)
    return buf.getvalue()


@pytest.mark.parametrize(("fmt", "subtype", "suffix", "width"), CASES, ids=IDS)
def test_truncated_file_is_refused_saying_how_much_is_missing(tmp_path: Path, fmt: str, subtype: str, suffix: str,
                                                              width: int) -> None:
    cut_frames = 1000
    data = _audio(fmt, subtype)
    p = tmp_path / f"cut{suffix}"
    p.write_bytes(data[:len(data) - cut_frames * width])
    assert sf.info(str(p)).frames < FRAMES                   # what libsndfile makes of it: shorter, no error
    why, *_ = audio_problem(p)
    assert why.startswith(f"{'W64' if fmt == 'W64' else 'AIFF'} header claims {FRAMES} frames"), why
    assert f"({cut_frames} frames" in why and "missing" in why and "cut short" in why, why


@pytest.mark.parametrize(("fmt", "subtype", "suffix", "width"), CASES, ids=IDS)
@pytest.mark.parametrize("channels", [1, 2])
def test_honest_files_pass(tmp_path: Path, fmt: str, subtype: str, suffix: str, width: int, channels: int) -> None:
    from device.audio.audiofile import header_problem
    for frames in (0, 1, 7, FRAMES):
        p = tmp_path / f"ok{suffix}"
        p.write_bytes(_audio(fmt, subtype, channels, frames))
        assert header_problem(p) == "", (frames, header_problem(p))
        if frames:
            assert audio_problem(p)[0] == "", frames


def test_compressed_aifc_cut_short_counts_bytes(tmp_path: Path) -> None:
    """IMA ADPCM has no fixed frame size: the SSND chunk's size is held against the file, as for a WAV."""
    from device.audio.audiofile import header_problem
    data = _audio("AIFF", "IMA_ADPCM")
    p = tmp_path / "cut.aifc"
    p.write_bytes(data[:len(data) - 600])
    why = header_problem(p)
    assert why.startswith("AIFF header claims") and "(600 bytes missing)" in why, why


def test_an_aiff_named_wav_is_checked_as_what_it_is(tmp_path: Path) -> None:
    data = _audio("AIFF", "PCM_16")
    p = tmp_path / "liar.wav"
    p.write_bytes(data[:-2000])
    assert "AIFF header claims 4800 frames" in audio_problem(p)[0]


def test_library_upload_refuses_truncated_aiff_and_w64_keeps_the_rest(tmp_path: Path) -> None:
    arc = tmp_path / "kit.zip"
    aiff, w64 = _audio("AIFF", "PCM_16"), _audio("W64", "PCM_16")
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("kit/cut.aiff", aiff[:-2000])
        zf.writestr("kit/cut.w64", w64[:-2000])
        zf.writestr("kit/good.aiff", aiff)
        zf.writestr("kit/good.w64", w64)
    report = unpack_archive(arc, tmp_path / "out")
    assert sorted(f.path for f in report.accepted) == ["kit/good.aiff", "kit/good.w64"]
    reasons = {f.path: f.reason for f in report.rejected}
    assert "AIFF header claims 4800 frames of audio but the file holds 3800 (1000 frames" in reasons["kit/cut.aiff"]
    assert "W64 header claims 4800 frames of audio but the file holds 3800 (1000 frames" in reasons["kit/cut.w64"]
    assert not (tmp_path / "out" / "kit" / "cut.aiff").exists() and not (tmp_path / "out" / "kit" / "cut.w64").exists()
