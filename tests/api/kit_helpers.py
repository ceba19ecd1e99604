"""Helpers the kit's API tests share (p50 FC and the fifty-first stop's latch and choke tests): a box whose kit holds
a loop mapped by hand, its notes as GET /kit lists them, and how loud its sampler plays now."""
from __future__ import annotations

from typing import Any

import numpy as np

from tests.api.test_kit import SamplerBehind, _tagged_library


def kit_with_a_hand_loop(tmp_path: Any) -> tuple[Any, str, SamplerBehind]:
    """A box whose kit is made of library kitA (kick 36 boom, snare 38 crack, 60 fx) plus note 70 mapped by hand
    to kit/fx.wav as a loop; the library's id; the sampler wired behind the box's control."""
    box, old = _tagged_library(tmp_path)
    wired = SamplerBehind(box.control)
    assert box.client.post("/kit/from-library", json={"library": old}, headers=box.auth).status_code == 200
    r = box.client.put("/kit/notes/70", json={"library": old, "file": "kit/fx.wav", "loop": True}, headers=box.auth)
    assert r.status_code == 200, r.text
    return box, old, wired


def kit_notes(box: Any) -> dict[int, dict[str, Any]]:
    """Note -> its entry in the box's GET /kit."""
    return {n["note"]: n for n in box.client.get("/kit", headers=box.auth).json()["notes"]}


def held_level(wired: SamplerBehind, blocks: int = 3) -> float:
    """The peak of the last of ``blocks`` blocks of 0.1 s the sampler renders now."""
    out = np.zeros((4800,), np.float32)
    for _ in range(blocks):
        out[:] = 0.0
        wired.sampler.render(out)
    return float(np.abs(out).max())
