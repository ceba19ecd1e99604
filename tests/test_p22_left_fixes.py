"""Small fixes from the README walk-through: a single-pair effect pack's name, the box's pairing-code hint."""
from __future__ import annotations

import pytest

from device.api.auth import AuthError, Pairing
from trainer.effect.train import _default_name


def test_a_single_pair_effect_pack_is_named_after_its_pack_file_not_the_di_file() -> None:
    assert _default_name(None, "recordings/di.wav", "packs/amp.hatpack") == "amp"
    assert _default_name(None, "recordings/di.wav") == "di"            # no --out: the input's name, as before
    assert _default_name("data/my-pedal", None, "x.hatpack") == "my-pedal"


def test_a_wrong_code_on_a_box_without_a_panel_points_at_its_terminal_not_its_log() -> None:
    pairing = Pairing()
    pairing.current()
    with pytest.raises(AuthError) as err:
        pairing.redeem("WRONG1", client="laptop")
    assert "terminal" in err.value.hint and "read the code in the box's log" not in err.value.hint
