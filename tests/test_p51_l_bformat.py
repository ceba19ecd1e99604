"""Ambisonic B-format is heard as its W channel (fifty-first stop, fixes L3 and L4).

L3: device.library.hot measures a float file's peak as the sampler plays it; of an .amb that is W's (already so:
device.library.decode.read_channels keeps W alone; this pins it down for the hot check, which goes by floats).
L4: a WAVE_FORMAT_EXTENSIBLE file whose SubFormat GUID is B-format's (PCM 00000001-0721-11d3-8644-c8c1ca000000,
float 00000003-...) is B-format under a .wav name too (device.audio.file_headers.bformat_header): it was read as
four channels and played, tagged and checked as their mean."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio.audiofile import ambisonic, read
from device.audio.file_headers import bformat_header
from device.library.decode import first_sound, peak_dbfs
from device.library.hot import hot_peak

RATE = 16000
PLAIN, BFORMAT = "00000000001000800000aa00389b71", "0000002107d3118644c8c1ca000000"      # the GUIDs after their code
GUIDS = {"PCM_24": (bytes.fromhex("01" + PLAIN), bytes.fromhex("01" + BFORMAT)),
         "FLOAT": (bytes.fromhex("03" + PLAIN), bytes.fromhex("03" + BFORMAT))}


def _wxyz(w_peak: float, xyz_peak: float) -> np.ndarray:
    """[N, 4]: W a tone peaking at ``w_peak`` from 0.1 s, X, Y, Z one at ``xyz_peak`` from the start."""
    t = np.arange(RATE // 2) / RATE
    s = np.sin(2 * np.pi * 220 * t)
    w = w_peak * s * (t >= 0.1)
    return np.stack([w, xyz_peak * s, xyz_peak * s, xyz_peak * s], axis=1).astype(np.float32)


def _bformat(path: Path, data: np.ndarray, subtype: str = "FLOAT", fmt: str = "WAVEX") -> Path:
    """``data`` written as WAVE_FORMAT_EXTENSIBLE (``fmt``: WAVEX, RF64, W64), its SubFormat made B-format's."""
    sf.write(path, data, RATE, format=fmt, subtype=subtype)
    plain, bformat = GUIDS[subtype]
    raw = path.read_bytes()
    assert raw.count(plain) == 1
    path.write_bytes(raw.replace(plain, bformat))
    return path


def test_an_amb_float_files_hot_peak_is_ws(tmp_path: Path) -> None:
    quiet_w = _bformat(tmp_path / "quiet.amb", _wxyz(0.5, 3.0))         # X, Y, Z over full scale, W not
    assert hot_peak(quiet_w) is None and peak_dbfs(quiet_w) == pytest.approx(20 * np.log10(0.5), abs=0.01)
    hot_w = _bformat(tmp_path / "hot.amb", _wxyz(1.5, 0.1))
    assert hot_peak(hot_w) == pytest.approx(20 * np.log10(1.5), abs=0.01)


@pytest.mark.parametrize("subtype", ["PCM_24", "FLOAT"])
def test_a_bformat_wav_is_heard_as_w(tmp_path: Path, subtype: str) -> None:
    data = _wxyz(0.5, 0.9)
    path = _bformat(tmp_path / "hit.wav", data, subtype)
    assert bformat_header(path) and ambisonic(path)
    audio, _ = read(path)
    assert audio.shape == (1, data.shape[0]) and np.allclose(audio[0], data[:, 0], atol=1e-4)
    assert peak_dbfs(path) == pytest.approx(20 * np.log10(0.5), abs=0.01)
    onset, _ = first_sound(path, 0.01)                                  # W sounds from 0.1 s, X from the start
    assert onset is not None and onset >= 0.1
    from device.audio.sample_decode import decode_file
    got, _ = decode_file(str(path), RATE, 2.0)                          # the sampler plays W
    assert np.max(np.abs(got.data[: int(0.1 * RATE)])) == 0.0 and np.max(np.abs(got.data[: got.n])) < 0.51


def test_a_hot_bformat_wav_is_checked_by_w(tmp_path: Path) -> None:
    assert hot_peak(_bformat(tmp_path / "quiet.wav", _wxyz(0.5, 3.0))) is None
    assert hot_peak(_bformat(tmp_path / "hot.wav", _wxyz(1.5, 0.1))) == pytest.approx(20 * np.log10(1.5), abs=0.01)


def test_rf64_and_wave64_headers_are_read_too(tmp_path: Path) -> None:
    import struct
    rf64 = _bformat(tmp_path / "hit.rf64", _wxyz(0.5, 0.9), "FLOAT", "RF64")
    assert bformat_header(rf64) and read(rf64)[0].shape[0] == 1
    w64_guid = bytes.fromhex("f3acd3118cd100c04f8edb8a")       # libsndfile writes no extensible Wave64: built here
    raw = _bformat(tmp_path / "x.wav", _wxyz(0.5, 0.9)).read_bytes()
    at = raw.index(b"fmt ")
    fmt = raw[at + 8: at + 48]

    def chunk(guid: bytes, body: bytes) -> bytes:
        return guid + struct.pack("<Q", 24 + len(body)) + body + b"\0" * (-len(body) % 8)
    body = b"wave" + w64_guid + chunk(b"junk" + w64_guid, b"x" * 5) + chunk(b"fmt " + w64_guid, fmt) + \
        chunk(b"data" + w64_guid, np.zeros(64, np.float32).tobytes())
    w64 = tmp_path / "hit.w64"
    w64.write_bytes(b"riff" + bytes.fromhex("2e91cf11a5d628db04c10000") + struct.pack("<Q", 24 + len(body)) + body)
    assert bformat_header(w64) and sf.info(str(w64)).channels == 4


def test_other_files_are_not_bformat(tmp_path: Path) -> None:
    quad = tmp_path / "quad.wav"
    sf.write(quad, _wxyz(0.5, 0.9), RATE, format="WAVEX", subtype="FLOAT")      # 4 channels, the float GUID
    plain = tmp_path / "plain.wav"
    sf.write(plain, _wxyz(0.5, 0.9), RATE, subtype="PCM_16")                     # WAVE_FORMAT_PCM
    flac = tmp_path / "a.flac"
    sf.write(flac, _wxyz(0.5, 0.9), RATE)
    short = tmp_path / "short.wav"
    short.write_bytes(b"RIFF\x04\x00\x00\x00WAVEfmt ")
    for path in (quad, plain, flac, short, tmp_path / "gone.wav"):
        assert not bformat_header(path), path
    assert read(quad)[0].shape[0] == 4 and read(plain)[0].shape[0] == 4
