"""`hatbox status`'s free space (forty-fifth stop, crash-safety QA): a small or nearly full card showed "0.0 GiB free",
and nothing said that every upload would be refused (the box keeps 16 MiB in reserve: "the box has room for 0
(12558336 bytes free, 16777216 kept in reserve)").  Now MiB under 1 GiB, and the refusal said under the reserve."""
from __future__ import annotations

import pytest

from hatbox.status_report import UPLOAD_RESERVE_BYTES, disk_words, print_status


def _status(disk: dict) -> dict:
    return {"name": "box", "version": "x", "active": {"effect": None, "synth": None}, "engine": {"running": True},
            "packs": [], "libraries": 0, "disk": disk}


@pytest.mark.parametrize("free, words", [
    (5 * 2**30 + 2**29, "5.5 GiB free"),
    (512 * 2**20, "512 MiB free"),
    (40 * 2**20 + 2**19, "40.5 MiB free"),
])
def test_free_space_reads_in_a_sane_unit(free: int, words: str) -> None:
    assert disk_words({"free_bytes": free, "total_bytes": 2**34}) == words


def test_under_the_boxs_reserve_every_upload_is_said_to_be_refused(capsys: pytest.CaptureFixture[str]) -> None:
    print_status(_status({"free_bytes": 12558336, "total_bytes": 40 * 2**20}))
    out = capsys.readouterr().out
    assert ("12.0 MiB free: under the 16.0 MiB the box keeps in reserve, so every upload will be refused (make "
            "room: hatbox box-pack --prune, or hatbox box-library ID --delete)") in out
    assert "0.0 GiB" not in out
    assert disk_words({"free_bytes": 600 * 1024}).startswith("600 KiB free: under the 16.0 MiB")
    assert disk_words({"free_bytes": 20 * 2**20, "reserve_bytes": 32 * 2**20}).startswith("20.0 MiB free: under the "
                                                                                       "32.0 MiB")
    assert disk_words({}) == "free space unknown (the box cannot read its disk)"


def test_the_reserve_is_the_one_the_box_refuses_uploads_by() -> None:
    from device.api.uploads import UPLOAD_RESERVE_BYTES as BOX_RESERVE
    assert UPLOAD_RESERVE_BYTES == BOX_RESERVE


def test_a_status_saying_the_knobs_are_not_kept_is_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    words = "the box's disk is full: knobs play as turned, but after a restart they come back as of 14:05"
    print_status({**_status({"free_bytes": 0}), "engine": {"running": True, "knobs_not_kept": words}})
    assert f"  warning: {words}\n" in capsys.readouterr().out
