"""p47 F3: one size formatter, hatbox.text.size_words, for the laptop's words (box-pack, push's limit, the upload
bar, prune, status) and the box's (POST /packs/prune's message); device/api/prune_routes.py had its own copy."""
from __future__ import annotations

import pytest

from device.api import prune_routes
from hatbox import box_client, box_prune, pack_names
from hatbox.text import size_words


@pytest.mark.parametrize("size, words", [(0, "0 KiB"), (1, "1 KiB"), (1024, "1 KiB"), (1025, "2 KiB"),
                                         (2**20 - 1, "1024 KiB"), (2**20, "1.0 MiB"), (5 * 2**20 + 2**19, "5.5 MiB"),
                                         (163 * 2**20, "163.0 MiB")])
def test_sizes_in_kib_rounded_up_then_mib_to_a_tenth(size: int, words: str) -> None:
    assert size_words(size) == words


def test_the_box_and_the_laptop_say_a_size_alike() -> None:
    """The box's prune message and the laptop's lines use the one formatter (a second copy could drift)."""
    assert not hasattr(prune_routes, "_size_words")
    assert not hasattr(box_client, "_size_words")       # p47 review: no alias kept for importers (hatbox.text's)
    assert prune_routes._words(2, 5 * 2**20 + 2**19, False, 3, 0) == "2 packs deleted: freed 5.5 MiB"
    pack = {"id": "effect-fuzz-2.3.0-0123", "name": "fuzz", "version": "2.3.0", "kind": "effect", "size": 36 * 1024}
    assert box_prune.pruned_line(pack) == "  effect fuzz 2.3.0  36 KiB  (effect-fuzz-2.3.0-0123)"
    assert pack_names.pack_words(pack) == "pack effect-fuzz-2.3.0-0123 (fuzz 2.3.0, effect, 36 KiB)"
