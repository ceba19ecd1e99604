"""AlsaIO checks what ALSA opened, and keeps its playback headroom through an underrun.

pyalsaaudio opens a PCM with whatever the device takes when it refuses the format asked (float32 on an integer-only
device came up as S8: each float played as four 8-bit samples, full-scale noise).  And its ``write`` answers an
underrun with -EPIPE, the device prepared again with an empty buffer and the block not written (pyalsaaudio 0.11's
alsapcm_write); the silence primed at open was never queued again, so every later block ran one period from dry."""
from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest

from device.audio.alsa_io import AlsaIO, AudioConfig, AudioDeviceError

RATE = 48000


@pytest.fixture
def int_only_pcm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An ALSA PCM (alsa-lib's linear plugin over null) that takes 8/16-bit integers only, as many hw: devices do."""
    conf = tmp_path / "asoundrc"
    conf.write_text('pcm.hatbox_int_only { type linear; slave { pcm "null"; format S16_LE } }\n')
    monkeypatch.setenv("ALSA_CONFIG_PATH", f"/usr/share/alsa/alsa.conf:{conf}")
    return "hatbox_int_only"


def test_a_device_that_opens_in_another_format_is_refused_by_name(int_only_pcm: str) -> None:
    with pytest.raises(AudioDeviceError, match=r"'hatbox_int_only' opened with format S8 \(asked float32\)") as err:
        AlsaIO(AudioConfig(device=int_only_pcm, rate=RATE, period=128, periods=3, capture=False))
    assert "plughw" in str(err.value.hint)


def test_the_null_device_opens_as_asked_and_queues_nothing_before_the_first_block() -> None:
    io = AlsaIO(AudioConfig(device="null", rate=RATE, period=128, periods=3, capture=False))
    try:
        assert io.info["playback"]["format_name"] == "FLOAT_LE" and not io._primed
        assert io.write(np.zeros(128, np.float32)) and io._primed
    finally:
        io.close()


class UnderrunPcm:
    """A playback PCM with pyalsaaudio 0.11's answer to an underrun: -EPIPE, buffer emptied, nothing written."""

    def __init__(self) -> None:
        self.queued, self.dry = 0, False

    def write(self, data: bytes) -> int:
        if self.dry:
            self.dry, self.queued = False, 0
            return -errno.EPIPE
        self.queued += len(data) // 4
        return len(data) // 4


def test_an_underrun_queues_the_headroom_again_and_writes_the_block() -> None:
    io = object.__new__(AlsaIO)
    io.cfg, io.xruns = AudioConfig(device="hw:9", rate=RATE, period=128, periods=3), 0
    io.capture, io.playback = None, UnderrunPcm()
    block = np.full(128, 0.25, np.float32)
    assert io.write(block)
    assert io.playback.queued == 3 * 128                     # two periods of silence ahead of the first block
    io.playback.dry = True                                   # the engine was late: the device ran dry
    assert not io.write(block) and io.xruns == 1
    assert io.playback.queued == 3 * 128                     # the headroom again, and the block after it
