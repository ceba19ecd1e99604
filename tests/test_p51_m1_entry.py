"""hatbox.entry keeps its own INTERRUPTED (it imports nothing, so that a Ctrl-C in a run's first moments meets its
try already): it must stay hatbox.exit_codes.INTERRUPTED's value (fifty-first stop, mend M1)."""
from __future__ import annotations

import signal


def test_entry_interrupted_is_exit_codes_interrupted() -> None:
    from hatbox import entry, exit_codes
    assert entry.INTERRUPTED == exit_codes.INTERRUPTED == 128 + int(signal.SIGINT) == 130
