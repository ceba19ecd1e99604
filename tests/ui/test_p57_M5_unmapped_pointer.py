"""p57 QA_C 8: at 480x320 an unmapped program's notice read "program 11: nothing mapped, the box plays on as before"
and dropped its pointer to the Models page, though "program 11: nothing mapped (Models maps it)" fits: the form
without the pointer came first.  Each shorter form keeps the pointer now, until only the bare news is left."""
from __future__ import annotations

from typing import Any

from device.midi_programs import UNMAPPED
from device.ui import draw as D
from device.ui.program_notice import program_lines

MESSAGE_W = 480 - 20          # the tab bar's message line on a 480-px screen (panel.py: the width less 20 px)


def _unmapped(program: int, channel: int = 1) -> dict[str, Any]:
    return {"program": program, "channel": channel, "result": UNMAPPED, "at": 1.0,
            "message": f"program {program}: nothing mapped (hatbox box-midi --program {program} PACK maps it)"}


def test_the_unmapped_notice_at_480_keeps_its_pointer_to_models(pg: Any) -> None:
    lines, alarm = program_lines(_unmapped(11))
    line = D.fit(D.Fonts(), lines, 20, MESSAGE_W)
    assert not alarm and "Models" in line and line.startswith("program 11: nothing mapped"), line


def test_every_form_before_the_bare_news_points_at_models(pg: Any) -> None:
    lines, _ = program_lines(_unmapped(11))
    bare = [i for i, line in enumerate(lines) if line.endswith("nothing mapped")]
    assert bare and all("Models" in line for line in lines[:bare[0]]), lines
