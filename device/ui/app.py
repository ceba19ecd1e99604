"""The panel's main loop: inputs -> pages -> control messages, and frames at the display's pace.

``run_panel(control, board=..., sim=...)`` is what ``hatbox device run`` calls.  The engine is
another process: this loop only calls ``control.send`` (as soon as an event produces a
message) and reads ``control.status()`` on a background thread, so neither a slow status
answer nor a slow frame holds the audio.  The Library page's database queries run on another
(:class:`~device.ui.reader.ThreadReader`), so a library that a tagging run holds locked never
holds a frame.  Between frames the loop sleeps on a wake-up that the
input drivers set, so a touch is handled when it arrives, not at the next frame.

``--sim``: the panel in a window; the mouse is a finger on the simulated touch controller,
keys and the scroll wheel turn the simulated encoders (see :data:`KEYS`) - the same drivers
as on the board decode them.

The engine process ending on its own (``ended``, from ``hatbox device run``) ends the loop: at once
after a clean end (``--seconds``, the end of ``--input``); after an error, once the stop screen
(device/ui/stopped.py: the engine's message, its hint) has been shown for ``STOPPED_S`` or tapped
away, so that `device run` exits 2 with that message and a service manager can restart the box.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from device.control import Control
from device.ui.data import MemoryData, PanelData
from device.ui.inputs import Inputs, SimHands
from device.ui.panel import Panel
from device.ui.reader import ThreadReader
from device.ui import stopped
from hardware.board import Board, load_board
from hatbox.errors import first_line


# --sim keyboard: (encoder index, detents) per key; presses on 1-4; the wheel turns encoder 1,
# with shift encoder 2, ctrl encoder 3, alt encoder 4.
KEYS = {"q": (0, 1), "a": (0, -1), "w": (1, 1), "s": (1, -1), "e": (2, 1), "d": (2, -1), "r": (3, 1), "f": (3, -1)}
PRESS_KEYS = {"1": 0, "2": 1, "3": 2, "4": 3}


@dataclass(frozen=True)
class EngineEnd:
    """The engine process has ended on its own: ``error`` is the one line it stopped on ("" for a clean
    end: ``--seconds``, the end of ``--input``), ``hint`` what to do about it ("" when it said nothing)."""

    error: str = ""
    hint: str = ""


Ended = Callable[[], "EngineEnd | None"]     # None while the engine process runs


class StatusPoller:
    """Reads ``control.status()`` at ``hz`` on its own thread; :attr:`latest` is the last answer.

    When the status does not answer, ``ended`` (when given) says whether the engine process has ended
    on its own, and how (:attr:`end`: an :class:`EngineEnd`; None while it runs or only does not answer)."""

    def __init__(self, control: Control, hz: float = 10.0, ended: Ended | None = None) -> None:
        self.control, self.period = control, 1.0 / hz
        self.ended = ended
        self.latest: dict[str, Any] = {}
        self.error = ""
        self.end: EngineEnd | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="panel-status", daemon=True)

    def start(self) -> "StatusPoller":
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.latest, self.error = dict(self.control.status()), ""
            except Exception as exc:  # noqa: BLE001 - an engine that does not answer is shown, never fatal
                self.error = f"engine not answering: {first_line(exc)}"
                self.end = self._ended()
            self._stop.wait(self.period)

    def _ended(self) -> EngineEnd | None:
        try:
            return self.ended() if self.ended is not None else None
        except Exception:  # noqa: BLE001 - not knowing leaves "engine not answering" on screen
            return None

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)


def resolve_board(board: Board | str | Path | None, sim: bool) -> Board:
    """A Board object; ``None`` means ``sim.toml`` with ``sim`` and the Jetson Orin Nano devkit without."""
    if isinstance(board, Board):
        return board
    if board is None:
        board = "sim" if sim else "jetson-orin-nano-devkit"
    return load_board(board)


class PanelApp:
    """Display + inputs + panel + status poller + library reader; :meth:`step` runs one pass of the loop."""

    def __init__(self, control: Control, board: Board, *, sim: bool, data: PanelData, fps: float = 30.0,
                 headless: bool = False, status_hz: float = 10.0, ended: Ended | None = None,
                 stopped_s: float | None = None) -> None:
        from hardware.display import open_display
        self.fps, self.sim = fps, sim
        self.stopped_s = stopped.STOPPED_S if stopped_s is None else stopped_s   # the stop screen's time
        self.wake = threading.Event()
        self.inputs = Inputs(board, sim=sim, wake=self.wake.set)        # first: a board that cannot open fails here
        try:
            # simulated hardware draws in a window whatever the board's screen is (a Jetson board's kmsdrm too: a
            # builder checks their wiring in the sim before the board has a screen)
            self.display = open_display(board.screen, driver="dummy" if headless else "window" if sim else None)
        except BaseException:
            self.inputs.close()          # a screen that cannot open gives the pins and the I2C bus back
            raise
        self.hands = SimHands(self.inputs) if sim else None
        self.reader = ThreadReader()
        self.panel = Panel(control, data, board.panel_size, reader=self.reader)
        self.status = StatusPoller(control, status_hz, ended).start()
        self.board = board
        self.running = True
        self.next_frame = time.monotonic()
        self.frame_ms: list[float] = []
        self._mouse_down = False

    def step(self) -> None:
        """Handle window and input events, draw a frame if one is due, then sleep until woken.  The
        loop ends (:attr:`running`) once the engine has ended cleanly, or its stop screen is over."""
        self._pump_window()
        for event in self.inputs.events():
            self.panel.handle(event)
        self.inputs.poll()
        problems = self.inputs.take_problems()          # no touch controller: said once on the panel
        if problems:
            self.panel.hardware_problems(problems)
        news = self.inputs.take_news()                  # touch works again after it was said to have stopped
        if news:
            self.panel.hardware_problems(news, alarm=False)
        now = time.monotonic()
        if now >= self.next_frame:
            self._frame()
            self.next_frame = max(self.next_frame + 1.0 / self.fps, now)
        if self.panel.finished():
            self.running = False
            return
        wait = self.next_frame - time.monotonic()
        self.wake.wait(max(0.0, min(wait, 0.004)))
        self.wake.clear()

    def _frame(self) -> None:
        t0 = time.perf_counter()
        end = self.status.end
        if end is not None and not end.error:
            self.running = False              # a clean end: nothing to say, the box has stopped as asked
            return
        if end is not None:
            self.panel.set_stopped(end.error, end.hint, self.stopped_s)
        self.panel.set_status(self.status.latest)
        self.panel.set_offline(self.status.error)       # cleared as soon as the status answers again
        self.panel.draw(self.display.panel)
        self.display.present()
        self.frame_ms.append((time.perf_counter() - t0) * 1000.0)
        if len(self.frame_ms) > 10000:
            del self.frame_ms[:5000]

    def run(self, seconds: float | None = None) -> None:
        end = None if seconds is None else time.monotonic() + seconds
        while self.running and (end is None or time.monotonic() < end):
            self.step()

    def close(self) -> None:
        self.status.stop()
        self.reader.close()
        self.inputs.close()
        self.display.close()

    # -- the window (quit keys; --sim: mouse and keys drive the simulated hardware) -----------
    def _pump_window(self) -> None:
        pygame = self.display.pygame
        for ev in pygame.event.get():
            if ev.type == pygame.QUIT or (ev.type == pygame.KEYDOWN and ev.key == pygame.K_ESCAPE):
                self.running = False
            elif self.hands is not None:
                self._sim_event(pygame, ev)

    def _sim_event(self, pygame: Any, ev: Any) -> None:
        hands = self.hands
        assert hands is not None
        if ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self._mouse_down = True
            hands.finger(0, *ev.pos)
        elif ev.type == pygame.MOUSEMOTION and self._mouse_down:
            hands.finger(0, *ev.pos)
        elif ev.type == pygame.MOUSEBUTTONUP and ev.button == 1:
            self._mouse_down = False
            hands.finger(0, None)
        elif ev.type == pygame.MOUSEWHEEL:
            hands.turn(_wheel_encoder(pygame), int(ev.y), rate=60.0)
        elif ev.type in (pygame.KEYDOWN, pygame.KEYUP):
            self._sim_key(ev.type == pygame.KEYDOWN, ev.unicode if ev.type == pygame.KEYDOWN else pygame.key.name(ev.key))

    def _sim_key(self, down: bool, key: str) -> None:
        assert self.hands is not None
        if down and key in KEYS:
            self.hands.turn(*KEYS[key])
        elif key in PRESS_KEYS:
            self.hands.press(PRESS_KEYS[key], down)


def _wheel_encoder(pygame: Any) -> int:
    mods = pygame.key.get_mods()
    return 1 if mods & pygame.KMOD_SHIFT else 2 if mods & pygame.KMOD_CTRL else 3 if mods & pygame.KMOD_ALT else 0


def run_panel(control: Control, *, board: Board | str | Path | None = None, sim: bool = False,
              data: PanelData | None = None, fps: float = 30.0, seconds: float | None = None,
              headless: bool = False, ended: Ended | None = None) -> int:
    """Run the panel until the window closes (Esc), ``seconds`` pass, the engine ends (``ended``) or
    Ctrl-C; returns 0.  Ctrl-C (KeyboardInterrupt; SIGTERM under ``hatbox device run``) closes the panel
    and is raised on, so the caller can tell a stop from the engine's end.

    ``board``: a Board, a board name / TOML path, or None (``sim`` -> "sim", else the Jetson Orin
    Nano devkit).  ``sim``: simulated pins/I2C behind the same drivers, panel in a window.
    ``data``: installed packs, libraries and settings (default: an empty :class:`MemoryData`;
    ``hatbox device run`` passes ``StoreData(store)``).  ``headless``: SDL's dummy video driver.
    ``ended``: whether the engine process has ended on its own, and how (None while it runs): after a
    clean end the panel closes at once; after an error it shows the stop screen for ``STOPPED_S`` seconds
    (or until tapped), then closes.
    """
    app = PanelApp(control, resolve_board(board, sim), sim=sim, data=data if data is not None else MemoryData(),
                   fps=fps, headless=headless, ended=ended)
    try:
        app.run(seconds)
    finally:
        app.close()
    return 0


__all__ = ["run_panel", "PanelApp", "StatusPoller", "EngineEnd", "resolve_board"]
