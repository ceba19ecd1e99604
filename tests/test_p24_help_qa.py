"""Twenty-fourth stop, from a QA pass of the help texts: a mistyped option is named under its command's usage with
the closest one; copyable hints quote names with spaces; "MIDI off" is said once; `box-pack` takes a pack's name;
`play` says which timbres sit at the corners and where the pad was; `device run --require-signature`."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from device.given_packs import install_given
from device.store import PackStore
from hatbox.cli import main
from hatbox.cmd_midi import describe
from hatbox.pack_names import find_pack
from hatbox.cmd_synth import default_corners, pad_words, parse_xy
from hatbox.errors import AudioFileError, HatboxError
from tests.api.packs import gain_pack


@pytest.mark.parametrize("argv,usage,said", [
    (["tag", "lib", "--pakc", "t.hatpack"], "usage: hatbox tag ", "unknown option --pakc (did you mean --pack?)"),
    (["library", "query", "s.db", "--tg", "kick"], "usage: hatbox library query ",
     "unknown option --tg (did you mean --tag?)"),
    (["render", "p.hatpack", "--input", "a.wav", "--out", "r.wav", "--knobs", "drive=3"], "usage: hatbox render ",
     "unknown option --knobs (did you mean --knob?)"),
    (["--versoin"], "usage: hatbox [-h]", "unknown option --versoin (did you mean --version?)"),
    (["tag", "lib", "--pack", "t.hatpack", "--zzzzzz"], "usage: hatbox tag ", "unknown option --zzzzzz; hatbox tag"),
])
def test_a_mistyped_option_is_named_under_its_commands_usage(capsys, argv, usage, said) -> None:
    """Before: `tag lib --pakc x` said "the following arguments are required: --pack", and `library query s.db --tg
    kick` said "unrecognized arguments: --tg kick" under the top-level usage."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.startswith(usage) and said in err


def test_a_prefix_of_an_option_and_anything_after_a_double_dash_are_left_to_argparse(tmp_path, capsys) -> None:
    assert main(["tag", str(tmp_path / "none"), "--pa", "t.hatpack"]) == 2        # argparse takes --pa as --pack
    err = capsys.readouterr().err
    assert "unknown option" not in err and "no library folder" in err
    assert main(["tag", "--pack", "t.hatpack", "--", "--not-an-option"]) == 2         # a library of that name
    err = capsys.readouterr().err
    assert "unknown option" not in err and "no library folder at --not-an-option" in err


def test_the_resample_hint_quotes_a_name_with_spaces(tmp_path: Path) -> None:
    audiofile.write(tmp_path / "gtr 44k.wav", np.zeros(441, np.float32), 44100)
    with pytest.raises(AudioFileError) as err:
        audiofile.read(tmp_path / "gtr 44k.wav", expect_rate=48000)
    import shlex                              # the whole path (twenty-seventh stop: fx96/di.wav said "sox di.wav")
    src, dst = shlex.quote(str(tmp_path / "gtr 44k.wav")), shlex.quote(str(tmp_path / "gtr 44k-48k.wav"))
    assert f"sox {src} -r 48000 {dst}" in str(err.value)


def test_midi_off_is_said_once() -> None:
    state = {"midi": "off", "port": None, "note": "MIDI is off: the box was started with --no-midi",
             "bindings": [], "off": [], "overridden": [], "learning": None, "warnings": []}
    assert describe(state)[0] == "MIDI off: the box was started with --no-midi"


def _pack(pid: str, name: str) -> dict:
    return {"id": pid, "name": name}


def test_box_pack_finds_a_pack_by_its_name_or_the_start_of_its_id() -> None:
    packs = [_pack("effect-mypedal-0.1.0-2d24aa", "mypedal"), _pack("effect-fuzz-1.0.0-0123ab", "Fuzz"),
             _pack("effect-fuzz-1.1.0-4567cd", "Fuzz")]
    assert find_pack(packs, "mypedal")["id"] == "effect-mypedal-0.1.0-2d24aa"
    assert find_pack(packs, "MyPedal")["id"] == "effect-mypedal-0.1.0-2d24aa"
    assert find_pack(packs, "effect-fuzz-1.1")["id"] == "effect-fuzz-1.1.0-4567cd"
    assert find_pack(packs, "effect-fuzz-1.0.0-0123ab")["name"] == "Fuzz"
    with pytest.raises(HatboxError, match="2 packs on the box match 'fuzz': effect-fuzz-1.0.0-0123ab, effect-fuzz"):
        find_pack(packs, "fuzz")
    with pytest.raises(HatboxError, match="the box has no pack 'pedal'"):
        find_pack(packs, "pedal")


def test_play_says_the_corners_and_the_pad() -> None:
    corners = default_corners(["clarinet", "flute", "trumpet"])
    assert corners == ["clarinet", "flute", "trumpet", "clarinet"]
    assert pad_words(corners, parse_xy("0,0")) == ("corners A clarinet, B flute, C trumpet, D clarinet; pad at 0,0 "
                                                   "(A alone; --xy moves it)")
    assert pad_words(corners, parse_xy("0.5,0.25")).endswith("; pad at 0.5,0.25")
    assert pad_words(corners, parse_xy("0:0,0;2:1,1")).endswith("; pad moving over 2 points (0 s to 2 s)")


def test_require_signature_refuses_an_unsigned_given_pack(tmp_path: Path) -> None:
    pack = gain_pack(tmp_path / "g.hatpack")
    with pytest.raises(HatboxError, match="--effect g.hatpack refused by the box's check 'signature'"):
        install_given(tmp_path / "store", {"effect": str(pack)}, 48000, 128, require_signature=True)
    assert PackStore(tmp_path / "store").ids() == []


def test_the_status_line_says_load_and_dropouts_in_words_and_the_sampler_once() -> None:
    from hatbox.status_line import status_words
    st = {"load_mean": 0.1, "load_p999": 0.278, "xruns": 2, "peak_db": -12.34, "fault_count": 0,
          "active": {"effect": {"name": "hatbox-drive"}, "synth": None, "sampler": {"name": "sampler"}}}
    assert status_words(st) == ("audio load 10.0% (99.9% of blocks under 27.8%) | xruns (dropouts) 2 | "
                                "peak -12.3 dBFS | faults 0 | effect hatbox-drive, sampler")
    assert status_words({**st, "active": {}}).endswith("| nothing loaded")
    played = {**st, "blocks": 22500, "block": 128, "rate": 48000}            # 60 s: p25, the time they count over
    assert "| xruns (dropouts) 2 in 1 min | " in status_words(played)
    assert "xruns (dropouts) 2 in 2 h 05 min" in status_words({**played, "blocks": 2812500})
    assert "xruns (dropouts) 2 in 0 s" in status_words({**played, "blocks": 0})


def test_info_of_a_missing_file_or_a_folder_says_so(tmp_path: Path) -> None:
    """Before: "cannot read /tmp/nope.wav: system error" (libsndfile's words), where read() said "no audio file at"."""
    with pytest.raises(AudioFileError, match="^no audio file at .*nope.wav$"):
        audiofile.info(tmp_path / "nope.wav")
    with pytest.raises(AudioFileError, match="is a folder, not an audio file"):
        audiofile.info(tmp_path)


def test_pack_inspect_says_the_scores_in_words_and_each_kind_its_own_audio(capsys) -> None:
    root = Path(__file__).resolve().parents[1] / "factory"
    said = {}
    for name in ("effect-drive", "synth-gm4", "tagger-drums"):
        assert main(["pack", "inspect", str(root / f"{name}.hatpack")]) == 0
        said[name] = capsys.readouterr().out.splitlines()
    assert said["effect-drive"][0].endswith("(effect, 48000 Hz, mono in, mono out, latency 0 samples)")
    assert any(line.startswith("  held-out error 0.00") and "under 0.02 is close" in line for line in said["effect-drive"])
    assert said["synth-gm4"][0].endswith("(synth, 48000 Hz, mono out)")          # was "1 in / 1 out": it takes none
    assert any(re.fullmatch(r"  spectral distance to the held-out notes 0\.7\d+ \(lower is better\)", line)
               for line in said["synth-gm4"]), said["synth-gm4"]
    assert said["tagger-drums"][0].endswith("(tagger, 32000 Hz)")
    held = [re.match(r"  held-out macro-F1 (0\.\d+) ", line) for line in said["tagger-drums"]]
    assert [float(m.group(1)) for m in held if m][0] >= 0.85     # the factory pack's own hold-out (0.902 since p47)
    assert any(line.startswith("  trained 900 steps in ") for line in said["tagger-drums"])
    assert not any(line.startswith("  figure val_esr:") for line in said["effect-drive"])   # said once, in words


def test_play_does_not_point_at_xy_when_it_was_given() -> None:
    corners = default_corners(["a", "b", "c", "d"])
    assert pad_words(corners, parse_xy("1,0"), moved=True).endswith("; pad at 1,0 (B alone)")


def test_pack_inspect_says_a_newer_trainers_figure_by_its_key_and_leaves_out_what_it_said() -> None:
    """Before: every figure but the scores was its raw key (val_esr_torch, others_cores, onnx_parity_max_abs...)."""
    from hatbox.cmd_pack import figure_lines
    lines = figure_lines({"arch": "tcn", "params": 1234, "val_esr": 0.01, "others_cores": 1.5, "single_pair": True,
                          "onnx_parity_max_abs": 3e-8, "latency": {"a.wav": 2}, "new_key": 7, "sample_rate": 48000,
                          "gear_max_gain_db": None})
    assert lines == ["model tcn, 1,234 parameters",
                     "the gear's recording lags its input by (samples, per pair): a.wav: 2",
                     "figure new_key: 7",
                     "the exported model plays as the trained one did: largest sample difference -150 dBFS",
                     "other programs kept 1.5 cores busy while it trained",
                     "trained from one recording pair (--input/--target), not a pairs.csv set"]



def test_pack_inspect_tells_its_three_held_out_errors_apart() -> None:
    """Before (twenty-seventh stop): "held-out error 0.00195", "held-out error over all pairs as one recording 0.00259"
    and "held-out error while training, before export 0.000358" read as one figure given three times."""
    from hatbox.cmd_pack import figure_lines
    lines = figure_lines({"val_esr": 0.00195, "val_esr_pooled": 0.00259, "val_esr_torch": 0.000358})
    assert len(lines) == 2
    pooled, check = sorted(lines, key=lambda line: "pooled" not in line)
    assert "pooled into one recording 0.00259" in pooled and "loud pairs weigh more" in pooled
    assert "trainer's own check windows 0.000358" in check and "picked the best model" in check


def test_box_pack_by_a_name_several_versions_share_is_the_active_one() -> None:
    """Thirty-ninth stop's QA: a bypassed pack's line says "hatbox box-pack hatbox-drive --activate", which six
    versions of that name on the box made an error; the active one is meant (none active: still asked which)."""
    packs = [_pack("effect-fuzz-1.0.0-0123ab", "Fuzz"), {**_pack("effect-fuzz-1.1.0-4567cd", "Fuzz"), "active": True}]
    assert find_pack(packs, "fuzz")["id"] == "effect-fuzz-1.1.0-4567cd"
    with pytest.raises(HatboxError, match="2 packs on the box match 'fuzz'"):
        find_pack([{**p, "active": False} for p in packs], "fuzz")


def test_an_empty_404_is_another_server_not_the_box() -> None:
    """Thirty-ninth stop's QA: any web server at the address was taken for the box ("the box says: Not Found", no
    hint); a JSON 404 of another FastAPI app sent to "hatbox status", which failed the same way."""
    import httpx

    from hatbox.box_client import VERSION_HINT, _checked
    req = httpx.Request("GET", "http://127.0.0.1:8793/status")
    with pytest.raises(HatboxError, match="answered 404 .* that is not a hatbox box's answer"):
        _checked(httpx.Response(404, content=b"", request=req), "http://127.0.0.1:8793", "GET /status")
    assert "hatbox status" not in VERSION_HINT and "box's address" in VERSION_HINT
