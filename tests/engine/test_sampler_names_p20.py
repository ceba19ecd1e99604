"""The sampler names a file by its last two path parts ("Kit3/Kick.wav"), not its bare name: two kits'
Kick.wav, both cut, were one warning ("Kick.wav is 0:01 long: ..."; the warnings are de-duplicated, so
the second kit's was lost) and the Library page showed that one warning under either kit's Kick.wav."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.audio import sampler as sampler_mod
from device.audio.sampler import SamplerSource
from device.ui import faults
from device.ui.data import MemoryData, Sample
from device.ui.events import EncoderPress, EncoderTurn
from device.ui.panel import Panel
from hatbox.errors import HatboxError
from tests.ui.conftest import PanelClock, pg  # noqa: F401  (pg: headless pygame for the panel)
from tests.ui.test_sample_warnings_p19l import EngineControl

RATE = 48000


def _words(kit: str) -> str:
    return f"{kit}/Kick.wav is 0:01 long: the sampler plays only its first 0.5 s"


def _kicks(tmp_path: Path) -> list[str]:
    """Kit3/Kick.wav and Kit7/Kick.wav, 1 s each (past the sampler's 0.5 s), 16-bit at the engine rate."""
    paths = []
    for kit in ("Kit3", "Kit7"):
        (tmp_path / kit).mkdir()
        sf.write(tmp_path / kit / "Kick.wav", np.full(RATE, 0.1, np.float32), RATE, subtype="PCM_16")
        paths.append(str(tmp_path / kit / "Kick.wav"))
    return paths


@pytest.mark.parametrize("path, label", [("/box/libraries/lib-a/files/Kit3/Kick.wav", "Kit3/Kick.wav"),
                                         ("/box/libraries/lib-a/files/long70.wav", "long70.wav"),
                                         ("/my/files/long70.wav", "files/long70.wav"),
                                         ("Kit3/Kick.wav", "Kit3/Kick.wav"), ("/Kick.wav", "/Kick.wav"),
                                         ("Kick.wav", "Kick.wav"), ("/a b/ünï code.wav", "a b/ünï code.wav")])
def test_a_file_is_named_by_its_last_two_parts_alike_in_the_engine_and_on_the_panel(path: str, label: str) -> None:
    assert sampler_mod.file_label(path) == faults.sample_label(path) == label


def test_two_kits_kicks_keep_their_own_warnings_and_the_library_page_shows_the_played_ones(
        pg: Any, tmp_path: Path) -> None:  # noqa: F811
    kit3, kit7 = _kicks(tmp_path)
    control = EngineControl(max_seconds=0.5)
    panel = Panel(control, MemoryData(library={"kicks": [Sample(kit3, 0.9), Sample(kit7, 0.8)]}), (800, 480))
    panel.clock = PanelClock()
    panel.show_title("Library")
    page = panel.page
    panel.set_status(control.status())
    panel.handle(EncoderTurn(1, 1, 1))                                    # Kit7/Kick.wav
    panel.handle(EncoderPress(1, True))                                   # play it
    panel.set_status(control.blocks())
    assert control.status()["active"]["sampler"]["warnings"] == [_words("Kit7")]
    assert page.cut_words() == faults.warning_lines(_words("Kit7"))
    panel.handle(EncoderTurn(1, 1, -1))                                   # Kit3/Kick.wav: not played yet
    assert page.samples[page.sample].path == kit3 and page.cut_words() is None
    panel.handle(EncoderPress(1, True))
    panel.set_status(control.blocks())
    assert control.status()["active"]["sampler"]["warnings"] == [_words("Kit7"), _words("Kit3")]   # both kept
    assert page.cut_words() == faults.warning_lines(_words("Kit3"))
    panel.handle(EncoderTurn(1, 1, 1))
    assert page.cut_words() == faults.warning_lines(_words("Kit7"))


def test_a_refused_mapping_names_the_kit(tmp_path: Path) -> None:
    kit3, kit7 = _kicks(tmp_path)
    src = SamplerSource(RATE, cache_seconds=1.5)
    src.map_note(36, kit3)
    with pytest.raises(HatboxError, match="cannot map note 38 to Kit7/Kick.wav: the sampler already holds"):
        src.map_note(38, kit7)
