"""How the box's process (``hatbox device run``) takes signals: SIGTERM ends it as Ctrl-C does, and its clean-up
at the end lets one more Ctrl-C or SIGTERM pass.  Split from hatbox/cmd_device.py."""
from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any, Iterator

from hatbox.errors import Terminated


def _stop(signum: int) -> KeyboardInterrupt:
    """What ``signum`` raises: KeyboardInterrupt for Ctrl-C (SIGINT), :class:`~hatbox.errors.Terminated` naming
    SIGTERM, by which the CLI says "interrupted (SIGTERM)" and exits 143 (hatbox.cli.stopped_code) where it ends
    the box."""
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signal.Signals(signum).name)


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """The box's clean-up at its end (front ends stopped, the engine asked to stop and its output file
    finished): one Ctrl-C or SIGTERM meanwhile is let pass (the box is stopping already: a terminal's
    Ctrl-C at the very end, a service manager's SIGTERM as it exits), a second one cuts it short
    (KeyboardInterrupt: the CLI's one line).  Nothing to do off the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    seen = [0]

    def once(signum: int, _frame: Any) -> None:
        seen[0] += 1
        if seen[0] > 1:
            raise _stop(signum)

    previous = {sig: signal.signal(sig, once) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop_on_sigterm() -> Any:
    """SIGTERM ends the box as Ctrl-C does (front ends stopped, the engine's output file finished).
    Returns what puts the previous handler back (nothing to do off the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, _frame: Any) -> None:
        raise _stop(signum)

    previous = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)
