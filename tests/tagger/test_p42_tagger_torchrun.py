"""`hatbox train tagger` under torchrun (p42's cloud QA): each process trained the whole model, printed the whole
summary and wrote the same pack; it is refused before any audio is read, in one process it trains as before."""
from __future__ import annotations

import pytest

from hatbox.errors import HatboxError
from trainer.tagger.pipeline import check_options

OPTIONS = {"minutes": 1.0, "steps": 10, "shots": None, "holdout": 0.15, "threads": 1}


def test_two_processes_under_torchrun_are_refused(monkeypatch) -> None:
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(HatboxError, match="trains in one process") as err:
        check_options(**OPTIONS)
    assert "without torchrun" in (err.value.hint or "")


@pytest.mark.parametrize("world", [None, "1"])
def test_one_process_is_not_refused(monkeypatch, world: str | None) -> None:
    if world is None:
        monkeypatch.delenv("WORLD_SIZE", raising=False)
    else:
        monkeypatch.setenv("WORLD_SIZE", world)
    check_options(**OPTIONS)
