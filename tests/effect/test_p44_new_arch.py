"""Adding an effect architecture (p44 review): a size setting of a new one that has no range of its own in
trainer/effect/config.py is checked against a small default range (before: ``hatbox: internal error: KeyError:
'taps'``); the --arch help names the registry's architectures; a test table that lacks the new one says what to
add, not KeyError."""
from __future__ import annotations

from pathlib import Path

import pytest
from torch import nn

from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.effect.small_archs import small_settings
from tests.effect.synth import drive_folder
from trainer.effect import models
from trainer.effect.config import DEFAULT_MODEL_RANGE, _MODEL_RANGE, make_config, model_settings


class TapsEffect(models.EffectModel):
    """A stand-in new architecture: a learnt FIR of ``taps`` samples; state: the last taps - 1 inputs [1, taps-1]."""

    arch = "fir"

    def __init__(self, knobs: int, taps: int = 8) -> None:
        super().__init__(knobs, taps=taps)
        self.taps = taps
        self.fir = nn.Linear(taps, 1)

    def state_shapes(self) -> list[tuple[int, ...]]:
        return [(1, self.taps - 1)]


@pytest.fixture
def fir_arch(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(models.ARCHS, "fir", TapsEffect)
    return "fir"


def test_a_new_architectures_own_setting_is_checked_against_the_default_range(fir_arch: str) -> None:
    assert "taps" not in _MODEL_RANGE and model_settings(fir_arch) == ["taps"]
    assert make_config(arch=fir_arch, model={"taps": 16}).model == {"taps": 16}
    low, high = DEFAULT_MODEL_RANGE
    make_config(arch=fir_arch, model={"taps": high})
    with pytest.raises(HatboxError, match=rf"setting model.taps must be a whole number within {low}..{high}, "
                                          r"got 100000"):
        make_config(arch=fir_arch, model={"taps": 100_000})
    with pytest.raises(HatboxError, match="unknown model setting 'model.tap' for --arch fir"):
        make_config(arch=fir_arch, model={"tap": 16})


def test_the_cli_says_a_new_architectures_setting_out_of_range_in_words(
        tmp_path: Path, fir_arch: str, capsys: pytest.CaptureFixture[str], no_training: None) -> None:
    data = drive_folder(tmp_path / "data", seconds=0.5, settings=(0,))
    code = main(["train", "effect", str(data), "--out", str(tmp_path / "x.hatpack"), "--arch", fir_arch,
                 "--set", "model.taps=100000"])
    err = capsys.readouterr().err
    assert code == 2 and "internal error" not in err, err
    assert "model.taps must be a whole number within 1..64" in err


def test_every_registered_architectures_settings_have_their_own_range() -> None:
    """The default range is a safety net for users; a developer gives each new setting its own."""
    left = [f"model.{key} ({arch})" for arch in models.ARCHS for key in model_settings(arch)
            if key not in _MODEL_RANGE]
    assert not left, ("add a range for " + ", ".join(left) + " to _MODEL_RANGE in trainer/effect/config.py "
                      "(until then it is checked against DEFAULT_MODEL_RANGE)")


def test_the_arch_help_names_the_registrys_architectures() -> None:
    from hatbox.cmd_effect import ARCH_NAMES
    assert list(ARCH_NAMES) == list(models.ARCHS), ("trainer/effect/models.py ARCHS changed: give ARCH_NAMES in "
                                                    "hatbox/cmd_effect.py (the --arch help) the same names")
    assert ARCH_NAMES[0] == models.DEFAULT_ARCH


def test_the_arch_help_is_built_from_arch_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "effect", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "gru (default), lstm, tcn, tcn_gru, or auto" in text


def test_a_test_table_without_the_new_arch_says_what_to_add(fir_arch: str) -> None:
    with pytest.raises(pytest.fail.Exception, match="add SMALL settings for the new arch 'fir' to tests/x.py"):
        small_settings({"gru": {"hidden": 8}}, fir_arch, "tests/x.py")
    assert small_settings({"fir": {"taps": 4}}, fir_arch, "tests/x.py") == {"taps": 4}



def test_an_architecture_registered_as_a_function_names_its_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry entry may be a function, as gru's and lstm's are: its named arguments are its settings (they
    were ``model.args, model.kwargs``, read off a function object's ``__init__``)."""
    monkeypatch.setitem(models.ARCHS, "fir", lambda knobs, taps=8: TapsEffect(knobs, taps=taps))
    assert model_settings("fir") == ["taps"]
    assert make_config(arch="fir", model={"taps": 12}).model == {"taps": 12}
    monkeypatch.setitem(models.ARCHS, "fir", lambda knobs, **kw: TapsEffect(knobs, **kw))
    with pytest.raises(HatboxError, match="unknown model setting 'model.taps' for --arch fir") as err:
        make_config(arch="fir", model={"taps": 12})
    assert "kwargs" not in str(err.value)          # (its hint included)
