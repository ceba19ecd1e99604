"""p56 review R3 findings 7 and 8: the slip search of a missing CSV file had its own copy of the tagger's moved-file
search limit (20000 files), and listed (and looked at) the whole folder before applying it, a stat per entry on a
share without file types.  Now both searches use trainer.csvtext.SEARCH_MAX_FILES, and the listing stops one entry
past it."""
from __future__ import annotations

from trainer import csvtext
from trainer.effect import checks
from trainer.tagger import moved_files


def test_one_limit_for_both_searches_and_no_dead_check() -> None:
    assert moved_files.MAX_FILES == csvtext.SEARCH_MAX_FILES == 20000
    assert not hasattr(checks, "di_channel")              # no caller since the DI refusal (54509257)
