"""p48 QA: `hatbox box-knob volume -6dB` and `"-6 dB"` were refused ("-6dB is no option of hatbox box-knob; write
./-6dB"), although docs/osc-shared-network.md gives them; a knob that goes negative (`box-knob effect.drive -3dB`)
the same.  Now a negative number with its unit is box-knob's value; any other command still names a word that starts
with - as no option of it."""
from __future__ import annotations

import pytest

from hatbox.cli import build_parser, check_options, main
from hatbox.cmd_box_knob import number
from tests.api.conftest import PairedServer, paired_server  # noqa: F401  (the fixture)

DRIVE = {"slot": "effect", "name": "drive", "value": 0.0, "min": -12.0, "max": 12.0, "default": 0.0, "unit": "dB"}


def _parsed(argv: list[str]) -> list[str]:
    parser = build_parser()
    check_options(parser, argv)
    return list(parser.parse_args(argv).value)


@pytest.mark.parametrize("argv, value", [
    (["box-knob", "volume", "-6dB"], ["-6dB"]),
    (["box-knob", "volume", "-6 dB"], ["-6 dB"]),
    (["box-knob", "volume", "-6", "dB"], ["-6", "dB"]),
    (["box-knob", "effect.drive", "-3dB"], ["-3dB"]),
    (["box-knob", "effect.drive", "-3.5 dB", "--json"], ["-3.5 dB"]),
    (["box-knob", "effect.drive", "-.5dB"], ["-.5dB"]),
    (["box-knob", "synth.cutoff", "-20%"], ["-20%"]),
])
def test_a_negative_value_with_its_unit_is_a_value(argv: list[str], value: list[str]) -> None:
    assert _parsed(argv) == value


@pytest.mark.parametrize("argv", [["box-knob", "volume", "-x"], ["box-knob", "volume", "-6dB-"],
                                  ["tag", "lib", "-6dB"]])
def test_anything_else_that_starts_with_a_dash_is_still_no_option(argv: list[str],
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        check_options(build_parser(), argv)
    assert exc.value.code == 2
    assert "is no option of hatbox" in capsys.readouterr().err


@pytest.mark.parametrize("text, value", [("-3dB", -3.0), ("-3 dB", -3.0), ("-12", -12.0)])
def test_a_negative_knob_value_reads_in_the_knobs_unit(text: str, value: float) -> None:
    assert number(DRIVE, text) == value


@pytest.mark.parametrize("args, db", [(["volume", "-6dB"], -6.0), (["output.volume", "-6 dB"], -6.0),
                                      (["volume", "-60dB"], -60.0)])
def test_box_knob_sets_a_negative_volume_with_its_unit(paired_server: PairedServer,  # noqa: F811
                                                       capsys: pytest.CaptureFixture[str], args: list[str],
                                                       db: float) -> None:
    assert main(["box-knob", *args]) == 0
    assert [m["db"] for m in paired_server.control.sent if m["op"] == "volume"] == [db]
    assert capsys.readouterr().out.startswith(f"output.volume        {db:g} dB")
