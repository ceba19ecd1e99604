"""p59 F2 1: the Models page's set-list row read the box's program switcher's last program change twice a frame (the
"map" button's label, then the row's words), each through a ProgramDesk made again.  One frame reads it once now, so
a program change heard between the two reads no longer makes the button name one program and the words another."""
from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from device.midi_programs import UNMAPPED, ProgramMap
from device.ui.data import MemoryData
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.test_p55_F4_program_change import DRIVE, FUZZ

HEARD_3 = {"program": 3, "channel": None, "at": 1.0, "result": UNMAPPED, "message": "program 3: nothing mapped"}


class ScriptedSwitcher:
    """The box's program switcher as the panel reads it (``last``, ``programs``: an empty in-memory map): ``last``
    answers ``script``'s first outcome at the first read, each next one at the next read, its last one from then on
    (a program change heard meanwhile); ``reads`` counts them."""

    def __init__(self, *script: Any) -> None:
        self.programs, self.script, self.reads = ProgramMap(None), list(script), 0

    @property
    def last(self) -> Any:
        self.reads += 1
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


def _models(switcher: ScriptedSwitcher) -> tuple[Panel, list[str]]:
    """A panel on the Models page with the API's program map beside it, and the list its frames' texts go to."""
    records = [{"id": p.id, "kind": p.manifest.kind, "name": p.manifest.name, "version": p.manifest.version}
               for p in (FUZZ, DRIVE)]
    data = MemoryData(pack_list=[FUZZ, DRIVE])
    data.kit = SimpleNamespace(box=SimpleNamespace(programs=switcher, store=SimpleNamespace(list=lambda: records)))
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Models")
    drawn: list[str] = []
    fonts, draw = panel.ctx.fonts, panel.ctx.fonts.draw

    def record(surface: Any, text: str, *args: Any, **kw: Any) -> Any:
        drawn.append(text)
        return draw(surface, text, *args, **kw)

    fonts.draw = record                                   # type: ignore[method-assign]
    return panel, drawn


def _programs(drawn: list[str]) -> tuple[int, int]:
    """(the program the "map" button names, the program the row's words name) in one frame's texts."""
    label = next(t for t in drawn if t.startswith("map "))
    words = next(t for t in drawn if re.match(r"p(rogram )?\d+\b", t))
    return int(re.search(r"\d+$", label).group()), int(re.match(r"p(?:rogram )?(\d+)", words).group(1))


def test_a_frame_of_the_models_page_reads_the_last_program_change_once(pg: Any) -> None:
    switcher = ScriptedSwitcher(HEARD_3)
    panel, drawn = _models(switcher)
    surface = pg.Surface((800, 480))
    before = switcher.reads
    for _ in range(3):
        panel.draw(surface)
    assert switcher.reads - before == 3                   # one a frame (it was two)
    assert _programs(drawn) == (3, 3)                     # the row is drawn, of the program heard


def test_a_program_change_heard_during_a_frame_shows_whole_at_the_next(pg: Any) -> None:
    switcher = ScriptedSwitcher(None, HEARD_3)            # heard right after the frame's first read
    panel, drawn = _models(switcher)
    surface = pg.Surface((800, 480))
    assert switcher.reads == 0
    panel.draw(surface)
    assert _programs(drawn) == (0, 0)                     # nothing heard yet: the first free program, both
    drawn.clear()
    panel.draw(surface)
    assert _programs(drawn) == (3, 3)                     # the program heard, both (the words said 3 a frame early)
    assert any("(just heard)" in t for t in drawn)


def test_the_row_read_outside_a_frame_is_the_map_now(pg: Any) -> None:
    switcher = ScriptedSwitcher(None, HEARD_3)
    panel, _ = _models(switcher)
    panel.draw(pg.Surface((800, 480)))                    # a frame: nothing heard
    assert panel.page.program_words()[0].startswith("program 3 (just heard): nothing mapped")
