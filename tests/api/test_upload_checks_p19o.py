"""Library uploads, QA round 19 again: what the sampler refuses to play is refused at upload with the
sampler's words (a float WAV written at integer scale; NaN samples), by one shared rule
(device.audio.audiofile.MAX_FLOAT_PEAK); an MP3 whose Xing/Info header gives its length and that decodes
short of it (a half-finished download) is refused as cut short, while one without the header (whose
length libsndfile guesses) and a free-format one (which cannot be checked) are kept with a warning."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from device.audio.file_headers import _id3v2_end, _mp3_frame, mp3_frames
from device.library.archive import audio_problem, audio_warning, unpack_archive
from hatbox.errors import AudioFileError

RATE = 44100


def _float_wav(path: Path, samples: np.ndarray, rate: int = 48000) -> Path:
    sf.write(path, samples.astype(np.float32), rate, subtype="FLOAT")
    return path


def _upload(tmp_path: Path, members: dict[str, bytes]) -> dict[str, tuple[bool, str, str]]:
    """{path: (accepted, reason, warning)} for a zip of ``members`` unpacked as the box unpacks an upload."""
    arc = tmp_path / "up.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    report = unpack_archive(arc, tmp_path / "lib" / "files")
    return {f.path: (f.ok, f.reason, f.warning) for f in report.files}


# ------------------------------------------------------------------------------- integer-scale float WAVs
def test_an_integer_scale_float_wav_is_refused_at_upload_as_the_sampler_refuses_it(tmp_path: Path) -> None:
    from device.audio.sampler import MAX_PEAK, SamplerSource

    assert MAX_PEAK is getattr(audiofile, "MAX_FLOAT_PEAK", None) == 16.0   # one rule
    t = np.arange(48000) / 48000
    hot = _float_wav(tmp_path / "int_scaled_float.wav", 16384 * np.sin(2 * np.pi * 220 * t))
    why, frames, rate, channels = audio_problem(hot)
    with pytest.raises(AudioFileError) as played:
        SamplerSource(48000).load(hot)
    said = str(played.value).splitlines()[0].split(": ", 1)[1]         # the sampler's words, after the path
    assert why.startswith(said + "; ") and "16384" in why and "not as float audio" in why
    assert played.value.hint in why and "volume=1/32768" in why
    assert (frames, rate, channels) == (48000, 48000, 1)

    report = _upload(tmp_path, {"kit/int_scaled_float.wav": hot.read_bytes()})
    ok, reason, _ = report["kit/int_scaled_float.wav"]
    assert not ok and reason == why and str(tmp_path) not in reason
    assert not (tmp_path / "lib" / "files" / "kit" / "int_scaled_float.wav").exists()


def test_a_float_wav_up_to_the_limit_is_kept_and_played(tmp_path: Path) -> None:
    from device.audio.sampler import SamplerSource

    edge = _float_wav(tmp_path / "edge.wav", np.r_[np.zeros(70000), [16.0, -16.0]])   # the peak in the 2nd block
    assert audio_problem(edge)[0] == "" and SamplerSource(48000).load(edge).size
    over = _float_wav(tmp_path / "over.wav", np.r_[np.zeros(70000), [-16.5]])
    assert audio_problem(over)[0].startswith("its float samples peak at 16.5, far beyond full scale")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_float_wav_with_nan_or_infinite_samples_is_refused_at_upload(tmp_path: Path, bad: float) -> None:
    path = _float_wav(tmp_path / "bad.wav", np.r_[np.zeros(70000), [bad], np.zeros(10)])
    assert audio_problem(path)[0] == "contains NaN or infinite samples: it is not audio the box can play"


# ------------------------------------------------------------------------------- MP3 lengths
def _mp3(seconds: float = 4.0, mode: str = "VARIABLE", rate: int = RATE, channels: int = 1) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    x = (0.4 * np.sin(2 * np.pi * 330 * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.7 * t))).astype(np.float32)
    buf = io.BytesIO()
    sf.write(buf, np.stack([x] * channels, 1), rate, format="MP3", subtype="MPEG_LAYER_III", bitrate_mode=mode)
    return buf.getvalue()


def _first_frame_end(data: bytes) -> int:
    """The offset past the first frame (an encoder's Xing/Info header frame)."""
    pos = _id3v2_end(data)
    head = int.from_bytes(data[pos:pos + 4], "big")
    return pos + _mp3_frame(head, head)[0]


def test_an_mp3_with_a_xing_header_that_decodes_short_is_refused_as_cut_short(tmp_path: Path) -> None:
    whole = _mp3()
    (tmp_path / "whole.mp3").write_bytes(whole)
    (tmp_path / "half.mp3").write_bytes(whole[:len(whole) // 2])          # a download that stopped halfway
    assert audiofile.mp3_length_header(tmp_path / "whole.mp3") and audiofile.mp3_length_header(tmp_path / "half.mp3")
    assert audio_problem(tmp_path / "whole.mp3") == ("", 4 * RATE, RATE, 1)
    why, frames, rate, _ = audio_problem(tmp_path / "half.mp3")
    assert frames < 2.2 * RATE and rate == RATE
    assert why.startswith("cut short: its Xing/Info header says 4.0 s of audio but only ") and "again" in why
    report = _upload(tmp_path, {"kit/half.mp3": whole[:len(whole) // 2], "kit/whole.mp3": whole,
                                "kit/last_frame_cut.mp3": whole[:-100]})
    assert report["kit/half.mp3"] == (False, why, "")
    assert report["kit/whole.mp3"] == (True, "", "")
    assert report["kit/last_frame_cut.mp3"] == (True, "", "")                # within a frame or two: kept


def test_an_mp3_without_a_xing_header_is_still_kept_with_a_warning(tmp_path: Path) -> None:
    whole = _mp3()
    bare = tmp_path / "noxing.mp3"
    bare.write_bytes(whole[_first_frame_end(whole):])
    assert not audiofile.mp3_length_header(bare) and mp3_frames(bare) is not None
    why, frames, rate, _ = audio_problem(bare)
    assert why == "" and frames < 2 * RATE                                  # libsndfile's guess
    assert "without a Xing/Info header" in audio_warning(bare, frames, rate)


def test_joined_mp3s_whose_header_counts_only_the_first_are_kept_with_a_warning_that_says_so(tmp_path: Path) -> None:
    whole = _mp3(2.0, "CONSTANT")
    joined = tmp_path / "joined.mp3"
    cut = _first_frame_end(whole)
    joined.write_bytes(whole[:cut] + whole[cut:] * 3)
    assert audiofile.mp3_length_header(joined)
    why, frames, rate, _ = audio_problem(joined)
    assert why == "" and frames == 2 * RATE
    warning = audio_warning(joined, frames, rate)
    assert warning.startswith("plays 2.0 s of the 6.1 s it holds: its Xing/Info header counts only the first part")


@pytest.mark.parametrize("rate, channels", [(48000, 2), (44100, 1)])
def test_a_free_format_mp3_that_decodes_short_is_kept_with_a_warning_not_refused(tmp_path: Path, rate: int,
                                                                                  channels: int) -> None:
    """(At 44.1 kHz mono a stray sync inside it looks like one MPEG-2 frame: mp3_frames counts that frame
    and stops at what follows, a lower bound that checks nothing.)"""
    data = bytearray(_mp3(4.0, "CONSTANT", rate, channels))
    pos = _id3v2_end(data)
    first = int.from_bytes(data[pos:pos + 4], "big")
    while pos + 4 <= len(data):                                           # every frame's bitrate index -> 0
        length = _mp3_frame(int.from_bytes(data[pos:pos + 4], "big"), first)[0]
        if not length:
            break
        data[pos + 2] &= 0x0F
        pos += length
    free = tmp_path / "free.mp3"
    free.write_bytes(bytes(data))
    counted = mp3_frames(free)
    assert (counted is None or not counted[1]) and not audiofile.mp3_length_header(free)
    declared = sf.info(str(free)).frames
    why, frames, got_rate, _ = audio_problem(free)
    assert got_rate == rate
    assert why == "" and frames + 4 * 1152 < declared                      # it used to be refused for that
    warning = audio_warning(free, frames, rate)
    assert warning.startswith(f"plays {frames / rate:.1f} s where the decoder first reckoned {declared / rate:.1f} s")
    assert "free format" in warning and "WAV or FLAC" in warning
