"""Fixtures for the effect tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """Training (or loading the data) would be a failure of the check under test."""
    def boom(*_a, **_k):
        raise AssertionError("the check came after the data was loaded / training started")
    monkeypatch.setattr("trainer.effect.train.fit", boom)
    monkeypatch.setattr("trainer.effect.train.load_data", boom)
