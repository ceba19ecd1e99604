"""p51 M3 (7): a sample mapping's ``choke`` and ``latch`` are checked: the sampler took ``"choke": true`` as group 1
(the hi-hats') and a group over 127, and device.control.validate let any value through."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from device.audio.sampler import SamplerSource
from device.control import ControlError, validate


def _sample(**options: object) -> dict[str, object]:
    return {"op": "sample", "path": "kit/hat.wav", "velocity": 0, "note": 60, **options}


@pytest.mark.parametrize("options", [{"choke": True}, {"choke": 128}, {"choke": -1}, {"choke": 2.5},
                                     {"latch": 1}, {"latch": "yes"}, {"latch": None}])
def test_validate_refuses_a_mapping_s_bad_choke_or_latch(options: dict[str, object]) -> None:
    with pytest.raises(ControlError, match="choke|latch"):
        validate(_sample(**options))


def test_validate_takes_a_mapping_s_choke_and_latch() -> None:
    for options in ({"choke": 0}, {"choke": 127}, {"latch": True, "loop": True}, {"latch": False}, {}):
        assert validate(_sample(**options))


def test_the_sampler_reads_a_bool_or_a_group_past_127_as_general_midi_s(tmp_path: Path) -> None:
    path = tmp_path / "hat.wav"
    audiofile.write(path, np.zeros((1, 480), np.float32), 48000)
    s = SamplerSource(48000)
    for note, choke, group in ((60, True, 0), (42, False, 1), (61, 300, 0), (62, 5, 5), (42, 0, 0)):
        s.handle({"op": "sample", "path": str(path), "velocity": 0, "note": note, "choke": choke})
        assert s.choke_group[note] == group, (note, choke)
