"""Small sizes of each effect architecture for tests that build every one of trainer.effect.models.ARCHS: an
architecture added there with no entry in a test's table fails with what to do, not a KeyError (p44 review)."""
from __future__ import annotations

from typing import Any

import pytest


def small_settings(table: dict[str, dict[str, Any]], arch: str, where: str) -> dict[str, Any]:
    """``table[arch]``, the model settings ``where`` (a test file) builds ``arch`` with; a test failure naming the
    file when ``arch`` has none there."""
    if arch not in table:
        pytest.fail(f"add SMALL settings for the new arch {arch!r} to {where} (model sizes that build and run in "
                    "milliseconds; its constructor's size arguments)", pytrace=False)
    return table[arch]
