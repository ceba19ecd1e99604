"""p60 QA A finding 4: a box at ``--rate 44100`` refusing a 48 kHz effect pack said "hint: re-export the pack at 44100
Hz or start the engine at 48000 Hz (--rate)", and no command re-exports a pack (its recordings' rate decides it).
The box's refusal (device/audio/swap.py) and validate's (`--effect`, a push, `pack check`) now give one hint,
device.validate.rate_hint, naming the commands there are: resample the recordings and `hatbox train effect` again, or
`hatbox device run --rate` at the pack's rate."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from device.validate import EngineSpec, check_handshake, rate_hint
from export.pack import read_pack
from hatbox.errors import PackError
from tests.engine.helpers import device_run_in_process
from tests.engine.packs import effect_pack


def _box_refusal(tmp_path: Path, pack_rate: int, box_rate: int) -> PackError:
    from device.audio.swap import handshake
    pack = read_pack(effect_pack(tmp_path / "p.hatpack", "gain", 0.0, rate=pack_rate))
    with pytest.raises(PackError, match=f"runs at {pack_rate} Hz but the engine runs at {box_rate} Hz") as err:
        handshake(pack, "effect", box_rate)
    return err.value


def _commands_exist(hint: str) -> list[str]:
    """Each `hatbox WORDS [--option]` the hint names, checked against hatbox's own parser; returns them."""
    from hatbox.cli import _sub_choices, build_parser
    named = re.findall(r"hatbox ((?:[a-z]+ )*[a-z]+)(?: (--[a-z-]+))?", hint)
    assert named, hint
    for words, option in named:
        parser = build_parser()
        for word in words.split():
            parser = _sub_choices(parser)[word]
        if option:
            assert option in parser._option_string_actions, (words, option)
    return [" ".join(n).strip() for n in named]


def test_the_box_s_refusal_names_commands_that_exist(tmp_path: Path) -> None:
    hint = _box_refusal(tmp_path, 48_000, 44_100).hint
    assert "re-export" not in hint and "export" not in hint, hint          # "re-export the pack at 44100 Hz"
    assert "resample the recordings to 44100 Hz" in hint and "sox in.wav -r 44100 out.wav" in hint
    assert "hatbox device run --rate 48000" in hint and "no command changes a trained pack's rate" in hint
    assert _commands_exist(hint) == ["train effect", "device run --rate"]


def test_the_box_and_validate_say_one_hint(tmp_path: Path) -> None:
    box = _box_refusal(tmp_path, 44_100, 48_000).hint
    pack = SimpleNamespace(manifest=SimpleNamespace(kind="effect", sample_rate=44_100))
    with pytest.raises(PackError) as err:
        check_handshake(pack, EngineSpec())  # type: ignore[arg-type]
    assert err.value.hint == box == rate_hint(44_100, 48_000)
    assert "hatbox device run --rate 44100" in box and "resample the recordings to 48000 Hz" in box


def test_a_synth_pack_at_another_rate_is_not_refused(tmp_path: Path) -> None:
    from device.audio.swap import handshake
    synth = SimpleNamespace(manifest=SimpleNamespace(kind="synth", sample_rate=48_000, name="s"))
    handshake(synth, "synth", 44_100)  # type: ignore[arg-type]     # no rate hint to give: it plays at any rate


def test_device_run_at_another_rate_says_the_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capfd: pytest.CaptureFixture[str]) -> None:
    """`hatbox device run --rate 44100 --effect PACK48k`: refused before it starts, in the same hint."""
    run: Any = device_run_in_process(tmp_path, monkeypatch, capfd, ["--sim"])
    r = run(["--rate", "44100"])
    assert r.returncode == 2 and "refused by the box's check 'handshake'" in r.stderr, r.stderr
    assert f"hint: {rate_hint(48_000, 44_100)}" in r.stderr and "Traceback" not in r.stderr
