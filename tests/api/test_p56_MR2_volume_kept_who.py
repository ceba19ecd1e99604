"""p56 MR2 (RD2 finding 1): ``GET /volume`` says who set the volume from the engine's own ``volume_set`` (put back
from knobs.json at a restart), as ``GET /status`` does, with no note of this run's: `hatbox device run` no longer
copies the engine's note into its VolumeSource at the start (one status round trip less)."""
from __future__ import annotations

import time
from typing import Any

import pytest

from tests.api.conftest import BoxUnderTest


def _kept_who(box: BoxUnderTest, monkeypatch: pytest.MonkeyPatch, db: float, at: float) -> None:
    """The engine reports ``db`` dB, set by 'vm' over the API at ``at`` (as its knob file put it back)."""
    box.control.send({"op": "volume", "db": db})
    status = box.control.status

    def with_who() -> dict[str, Any]:
        st = status()
        return {**st, "volume_set": {"db": st["volume_db"], "by": "api", "source": "vm", "at": at,
                                     "ago_s": max(0.0, time.time() - at)}}
    monkeypatch.setattr(box.control, "status", with_who)


def test_get_volume_says_who_the_engine_kept(box: BoxUnderTest, monkeypatch: pytest.MonkeyPatch) -> None:
    at = time.time() - 60
    _kept_who(box, monkeypatch, -3.0, at)
    r = box.client.get("/volume", headers=box.auth)
    assert r.status_code == 200, r.text
    said = r.json()
    assert (said["db"], said["set_by"], said["set_from"]) == (-3.0, "api", "vm")
    assert 59.0 <= said["set_ago_s"] < 70.0
    engine = box.client.get("/status", headers=box.auth).json()["engine"]
    assert (engine["volume_set"]["by"], engine["volume_set"]["source"]) == ("api", "vm")


def test_this_runs_change_is_said_over_the_engines_kept_one(box: BoxUnderTest) -> None:
    kept = {"op": "volume", "db": -3.0, "by": "api", "source": "vm", "set_at": time.time() - 3600}
    box.control.send(kept)                                    # as the engine puts knobs.json's back at its start
    r = box.client.put("/volume", json={"db": -6.0}, headers=box.auth)
    assert r.status_code == 200, r.text
    said = box.client.get("/volume", headers=box.auth).json()
    assert (said["db"], said["set_by"], said["set_from"]) == (-6.0, "api", "test") and said["set_ago_s"] < 60.0
