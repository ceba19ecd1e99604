"""The exit code of a command that an interrupt ended, by the shell's rule: 128 + the signal's number (130 after
Ctrl-C, which is SIGINT; 143 after SIGTERM; 129 after SIGHUP).  One rule for hatbox.cli.stopped_code (a command
stopped) and hatbox.train_output.stopped_code (a training stopped early, its pack written all the same): they kept a
rule and a table side by side.  Light: `hatbox --help` loads it."""
from __future__ import annotations

import signal

INTERRUPTED = 128 + int(signal.SIGINT)     # 130: Ctrl-C; what a stop whose signal is not known gets too


def signal_code(word: str) -> int:
    """The exit code after the stop ``word`` names: "Ctrl-C" -> 130, a signal's name ("SIGTERM", "SIGHUP",
    hatbox.errors.stopped_by's words) -> 128 + its number, anything else -> :data:`INTERRUPTED`."""
    sig = getattr(signal, word, None) if word.startswith("SIG") else None
    return 128 + int(sig) if isinstance(sig, signal.Signals) else INTERRUPTED
