"""p56 read RD1 finding 5 (device/logs.py): STAMP_STEP_MS was re-exported from device.logs though nothing read it
there; _ChangesFile took a path and a ``switches`` flag, its caller working out both again.  Now
_ChangesFile(store, name, stamps) takes its size, older files and filter from the file's name."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from device.log_stamps import AheadStamps
from device.logs import (CHANGES_FILE, CHANGES_MAX_BYTES, LOG_DIR, SWITCHES_FILE, SWITCHES_MAX_BYTES, _ChangesFile,
                         in_changes_log, is_switch)


@pytest.mark.parametrize("name, most, kept", [(CHANGES_FILE, CHANGES_MAX_BYTES, in_changes_log),
                                              (SWITCHES_FILE, SWITCHES_MAX_BYTES, is_switch)])
def test_a_changes_file_is_made_from_its_name(tmp_path: Path, name: str, most: int, kept: object) -> None:
    (tmp_path / LOG_DIR).mkdir()
    handler = _ChangesFile(tmp_path, name, AheadStamps.after([]))
    try:
        assert Path(handler.baseFilename) == (tmp_path / LOG_DIR / name).resolve()
        assert (handler.maxBytes, handler.backupCount, handler.level) == (most, 1, logging.INFO)
        assert handler.filters == [kept]
    finally:
        handler.close()
