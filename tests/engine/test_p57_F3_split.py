"""p57 F3: device/audio/engine.py and device/audio/audiofile.py were at the 600-line limit; the engine's installs and
knob turns moved to device/audio/engine_installs.py (SlotInstalls, the Engine's base class) and the take recorder to
device/audio/wav_recorder.py.  An effect installed through the base class is still switched
to and counted; the recorder opens its files through wav_recorder's ``open`` (the full-disk tests replace it)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def test_an_effect_installed_through_the_base_class_is_switched_to_and_counted(tmp_path: Path) -> None:
    """SlotInstalls._switch_to asks the slot whether it holds an effect: an effect's swap is counted, a source's not."""
    from device.audio.engine import Engine, EngineConfig

    class Gain:
        knob_names = ["gain"]

        def __init__(self) -> None:
            self.gain = 1.0

        def set_knob(self, name: str, value: float) -> None:
            self.gain = value

        def process(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
            y = x * self.gain
            if out is not None:
                out[:] = y
            return y

        def reset(self) -> None:
            pass

    eng = Engine(EngineConfig(rate=48000, block=64, live_input=False))
    eng.install("effect", Gain(), {"name": "gain"})
    eng.process(None, np.zeros(64, np.float32))
    assert list(eng.swap_blocks) == [0] and eng.playing_info("effect") == {"name": "gain"}
    eng._on_knob({"op": "knob", "slot": "effect", "name": "gain", "value": 0.5})
    assert eng.slots["effect"].target_unit.gain == 0.5


def test_the_recorder_opens_its_files_through_wav_recorders_open(tmp_path: Path, monkeypatch) -> None:
    from device.audio import audiofile, wav_recorder
    opened: list[str] = []

    def counting(path, mode="r", *args, **kwargs):
        opened.append(Path(path).name)
        return open(path, mode, *args, **kwargs)
    monkeypatch.setattr(wav_recorder, "open", counting, raising=False)
    rec = audiofile.WavRecorder(tmp_path / "take.wav", 48000)
    rec.write(np.zeros(480, np.float32))
    rec.close()
    assert opened == ["take.wav"] and audiofile.info(tmp_path / "take.wav") == (48000, 1, 480)
