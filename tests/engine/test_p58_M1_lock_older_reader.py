"""p58 R2 review 4: the store lock's new three-line record put the command inside the first 32 bytes, where an older
hatbox (a box rolled back) reads its holder's pid (export.atomic.held_exclusively: the first 32 bytes, stripped, all
digits), so its refusal lost the pid.  The pid line is padded: an older reader still finds the pid alone there."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from export.atomic import held_exclusively
from hatbox.box_store_lock import BOX_LOCK, holder_record, one_box, read_holder


class _Busy(Exception):
    pass


def _older_reader(data: bytes) -> str:
    """The pid an older hatbox reads from a lock's bytes (its rule: the first 32 bytes, stripped, all digits)."""
    head = data[:32].decode("ascii", "replace").strip()
    return head if head.isdigit() else ""


@pytest.mark.parametrize("command", ["hatbox demo", "hatbox device run --sim --store 'my store' --input take.wav"])
def test_the_record_starts_with_the_pid_alone_in_its_first_32_bytes(command: str) -> None:
    assert _older_reader(holder_record(command)) == str(os.getpid())


def test_an_older_hatbox_refused_on_a_held_store_still_names_the_pid(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    with one_box(store, command="hatbox device run --sim"):
        with pytest.raises(_Busy) as refused:              # the older hatbox's own refusal, on the same lock file
            with held_exclusively(store / BOX_LOCK, lambda pid: _Busy(pid)):
                pass
        holder = read_holder(store / BOX_LOCK)           # and this hatbox still reads all three lines
    assert refused.value.args[0] == f" (pid {os.getpid()})"
    assert holder is not None and holder.pid == str(os.getpid()) and holder.command == "hatbox device run --sim"
    assert holder.since is not None
