"""The bypass comparison in words: a capture within 5 % of bypass read "is 1x lower than bypass's"."""
from __future__ import annotations

from trainer.effect.evaluate import bypass_warning, times_text


def test_a_model_within_five_percent_of_bypass_is_hardly_lower_or_higher() -> None:
    assert times_text(0.0586, 0.0587) == "hardly lower"
    assert times_text(0.0600, 0.0587) == "hardly higher"
    assert times_text(0.05, 0.10) == "2x lower" and times_text(0.2, 0.1) == "2x higher"
    said = bypass_warning({"val_esr": 0.0586, "val_bypass_esr": 0.0587})
    assert said is not None and "is hardly lower than bypass's 0.0587" in said and "1x" not in said
