"""p60 F3 (left by p59): an effect pack whose own scores are worse than no effect at all (held-out error 1.28 against
bypass's 0.743) became active from the panel's Models page (activate, roll back) and by a MIDI program change with no
word, where `hatbox push --activate` asks.  On stage nothing is asked: the panel's message line says it once, after
what it did, in push's words cut short ("fxbad 1.0.0 active; it scored worse than no effect at all: held-out error
1.28 against bypass's 0.743"), and keeps "worse than no effect" on a 320-px screen; a pack that beats bypass, or one
without the figures, is said as before."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.midi_programs import Entry, Hooks, ProgramMap, ProgramSwitcher, held_out_figures
from device.store import PackStore, file_sha256
from device.ui import draw as D
from device.ui.data import StoreData
from device.ui.demo import demo_status, manifest
from device.ui.events import Touch
from device.ui.panel import MESSAGE_SIZE, Panel
from device.ui.program_notice import program_lines, with_worse, worse_words
from device.ui.shots import RecordingControl, headless_surface
from export.pack import write_pack
from tests.ui.conftest import PanelClock

WORSE = "it scored worse than no effect at all: held-out error 1.28 against bypass's 0.743"
BAD = {"val_esr": 1.278, "val_bypass_esr": 0.7433}
GOOD = {"val_esr": 0.0597, "val_bypass_esr": 0.664}


def _install(store: PackStore, name: str, metrics: dict[str, Any]) -> str:
    m = manifest("effect", name, "1.0.0", metrics=dict(metrics))
    upload = store.new_upload()
    write_pack(upload, m, {"model.onnx": f"placeholder {name}".encode()})
    return store.install(upload, m, file_sha256(upload), {})["id"]


def _panel(root: Path, size: tuple[int, int] = (800, 480)) -> Panel:
    panel = Panel(RecordingControl(demo_status()), StoreData(root, {"pairing_code": "123 456"}), size)
    panel.clock = PanelClock()
    return panel


def _shown(panel: Panel) -> str:
    """The message line as drawn on the panel's screen (its wordings fitted to the width)."""
    text, _ = panel.message()
    lines = panel.state.toast_lines()[0] if text == panel.state.toast else (text,)
    return D.fit(panel.ctx.fonts, lines, MESSAGE_SIZE, panel.size[0] - 20)


def _press(panel: Panel, store: PackStore, pid: str, button: str) -> None:
    panel.show_title("Models")
    page = panel.page
    page.selected = [p.id for p in page.packs].index(pid)
    page.layout(panel.content)
    panel.handle(Touch("down", 0, *page.button_rects()[button].center))


def test_the_words_are_pushs_cut_short() -> None:
    assert worse_words(BAD) == (WORSE, "it scored worse than no effect at all", "worse than no effect")
    assert worse_words({"val_esr": 0.5, "val_bypass_esr": 0.5})[-1] == "no better than no effect"
    assert worse_words(GOOD) == worse_words({"val_esr": 1.3}) == worse_words(None) == ()
    lines = with_worse(("a 1.0 active", "a active"), worse_words(BAD))
    assert lines[0] == f"a 1.0 active; {WORSE}" and lines[-1] == "a active; worse than no effect"
    assert all("no effect" in line for line in lines) and with_worse(("x",), ()) == ("x",)


def test_activate_on_models_says_it_and_a_good_pack_as_before(pg: Any, tmp_path: Path) -> None:
    store = PackStore(tmp_path / "box")
    bad, good = _install(store, "fxbad", BAD), _install(store, "fxgood", GOOD)
    panel = _panel(tmp_path / "box")
    _press(panel, store, bad, "activate")
    assert store.active()["effect"] == bad
    assert panel.state.toast == f"fxbad 1.0.0 active; {WORSE}" and not panel.state.toast_lines()[1]   # not red
    _press(panel, store, good, "activate")
    assert panel.state.toast == "fxgood 1.0.0 active" and "no effect" not in " ".join(panel.state.toast_lines()[0])


def test_a_small_screen_keeps_the_warning(pg: Any, tmp_path: Path) -> None:
    store = PackStore(tmp_path / "box")
    bad = _install(store, "fxbad", BAD)
    panel = _panel(tmp_path / "box", (320, 240))
    _press(panel, store, bad, "activate")
    panel.draw(headless_surface((320, 240)))
    assert "worse than no effect" in _shown(panel) and "fxbad" in _shown(panel)


def test_roll_back_on_models_says_it(pg: Any, tmp_path: Path) -> None:
    store = PackStore(tmp_path / "box")
    bad, good = _install(store, "fxbad", BAD), _install(store, "fxgood", GOOD)
    store.activate(bad)
    store.activate(good)
    panel = _panel(tmp_path / "box")
    _press(panel, store, good, "roll back")
    assert store.active()["effect"] == bad
    assert panel.state.toast == f"rolled back: fxbad 1.0.0 active, was fxgood 1.0.0; {WORSE}"


def _switcher(store: PackStore) -> ProgramSwitcher:
    """The box's switcher over ``store`` (its list, as the API's hooks give it), program 1 -> fxbad, 2 -> fxgood."""
    def activate(pid: str) -> str | None:
        before = store.active()["effect"]
        store.activate(pid)
        return before
    hooks = Hooks(packs=store.list, playing=lambda kind, pid: store.active().get(kind) == pid, activate=activate)
    programs = ProgramMap(None)
    for n, name in ((1, "fxbad"), (2, "fxgood")):
        (pid,) = [p for p in store.ids() if name in p]
        programs.set(Entry(n, None, pid, "effect", name, "1.0.0", False))
    return ProgramSwitcher(programs, hooks, settle_s=0.0)


def _program(panel: Panel, switcher: ProgramSwitcher, program: int) -> dict[str, Any]:
    switcher.received(program, 0).wait(5.0)
    status = demo_status()
    switcher.add_status(status)
    panel.set_status(status)
    return status["midi_program"]


def test_a_program_change_to_it_says_it(pg: Any, tmp_path: Path) -> None:
    store = PackStore(tmp_path / "box")
    bad, good = _install(store, "fxbad", BAD), _install(store, "fxgood", GOOD)
    panel, switcher = _panel(tmp_path / "box"), _switcher(store)
    panel.set_status(demo_status())
    panel.show_title("Play")
    outcome = _program(panel, switcher, 1)
    assert panel.message() == (f"program 1: fxbad 1.0.0 active; {WORSE}", D.ACCENT) and store.active()["effect"] == bad
    assert outcome["metrics"] == {"val_esr": 1.278, "val_bypass_esr": 0.7433}
    panel.clock.now += 10.0
    panel.message()
    _program(panel, switcher, 2)
    assert panel.message() == ("program 2: fxgood 1.0.0 active", D.ACCENT) and store.active()["effect"] == good
    lines, alarm = program_lines({**outcome, "result": "playing"})
    assert not alarm and "no effect" not in " ".join(lines)         # playing already: said when it was switched in


def test_the_figures_are_the_records() -> None:
    assert held_out_figures({"kind": "effect", "scores": {"val_esr": 1.2}, "bypass_esr": 0.7}) == \
        {"val_esr": 1.2, "val_bypass_esr": 0.7}
    assert held_out_figures({"kind": "synth", "scores": {}}) is None and held_out_figures(None) is None
    assert held_out_figures({"kind": "effect", "scores": None}) == {"val_esr": None, "val_bypass_esr": None}
