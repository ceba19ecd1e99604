"""p53 final read (MF2): lines over 120 characters in files of the box's checks and their tests (the project's limit),
wrapped with their words unchanged; device/validate.py stays under 600 lines."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).parents[2]
WRAPPED = ("tests/api/test_bad_uploads.py", "tests/api/test_p22_push_precheck.py", "device/validate.py")


@pytest.mark.parametrize("name", WRAPPED)
def test_p53_MF2_no_line_is_over_120_characters(name: str) -> None:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    assert [n for n, line in enumerate(lines, 1) if len(line) > 120] == [], name
    assert len(lines) <= 600


def test_p53_MF2_the_wrapped_handshake_hint_says_the_same() -> None:
    from device.validate import EngineSpec, check_handshake
    from hatbox.errors import PackError
    pack = SimpleNamespace(manifest=SimpleNamespace(kind="effect", sample_rate=44_100))
    with pytest.raises(PackError) as err:
        check_handshake(pack, EngineSpec(sample_rate=48000))  # type: ignore[arg-type]
    assert err.value.hint == ("resample the recordings to 48000 Hz (e.g. sox in.wav -r 48000 out.wav, for each file) "
                              "and train the pack again (hatbox train effect), or start the box at the pack's rate "
                              "(hatbox device run --rate 44100); no command changes a trained pack's rate")   # p60 M4
