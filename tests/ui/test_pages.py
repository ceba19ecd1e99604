"""Every page rendered headless and checked against the state: pixels, arcs and strings."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.demo import TIMBRES, demo_data, demo_status
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.pages.effect import format_value
from device.ui.pages.play import note_name, peak_frac
from device.ui.panel import MESSAGE_SIZE, Panel
from device.ui.shots import RecordingControl
from hatbox.errors import HatboxError
from tests.ui.conftest import click, find_text, pixel, tap


@pytest.fixture
def panel(pg: Any) -> Panel:
    p = Panel(RecordingControl(demo_status()), demo_data(), (800, 480))
    p.set_status(demo_status())
    return p


@pytest.fixture
def surface(pg: Any) -> Any:
    return pg.Surface((800, 480))


def test_pad_touch_sends_xy_and_draws_the_cursor_under_the_finger(panel: Panel, surface: Any) -> None:
    pad = panel.page.pad
    tx, ty = pad.x + 0.2 * (pad.width - 1), pad.y + 0.1 * (pad.height - 1)
    panel.handle(Touch("down", 0, tx, ty))
    panel.handle(Touch("move", 0, tx + 100, ty + 50))
    panel.handle(Touch("up", 0, tx + 100, ty + 50))
    sent = panel.control.sent
    assert [m["op"] for m in sent] == ["xy", "xy"]
    assert sent[0]["x"] == pytest.approx(0.2) and sent[0]["y"] == pytest.approx(0.9)
    panel.draw(surface)
    assert pixel(surface, tx + 100, ty + 50) == D.CURSOR
    assert pixel(surface, tx, ty) != D.CURSOR


def test_touch_outside_the_pad_moves_nothing(panel: Panel) -> None:
    pad = panel.page.pad
    panel.handle(Touch("down", 0, pad.right + 40, pad.centery))
    panel.handle(Touch("move", 0, pad.centerx, pad.centery))
    assert panel.control.sent == []


def test_corner_dials_choose_timbres_and_the_pad_shows_them(panel: Panel, surface: Any) -> None:
    assert panel.state.corners == TIMBRES[:4]
    panel.handle(EncoderTurn(2, 1, 1))
    panel.handle(EncoderTurn(0, -1, -1))
    assert panel.control.sent[-1] == {"op": "corners", "names": [TIMBRES[-1], TIMBRES[1], TIMBRES[3], TIMBRES[3]]}
    panel.draw(surface)
    assert find_text(surface, TIMBRES[-1], 24, D.TEXT)                     # "bell", the new top-left label
    assert not find_text(surface, TIMBRES[0], 24, D.TEXT)                  # "flute" is gone


def test_level_meter_and_notes_follow_the_status(panel: Panel, surface: Any) -> None:
    panel.set_status({**demo_status(), "peak_db": -30.0, "notes": [60, 64]})
    panel.draw(surface)
    m = panel.page.meter
    assert peak_frac(-30.0) == 0.5
    assert pixel(surface, m.centerx, m.bottom - 0.4 * m.height) == D.GOOD
    assert pixel(surface, m.centerx, m.bottom - 0.6 * m.height) == D.TRACK
    assert note_name(60) == "C4" and find_text(surface, "C4 E4", 26, D.TEXT)


def test_the_pad_is_read_back_from_the_engine_once_per_synth(panel: Panel, surface: Any) -> None:
    synth = {"name": "gm4", "version": "1.0.0", "path": "/packs/a.hatpack"}
    corners = [TIMBRES[3], TIMBRES[2], TIMBRES[1], TIMBRES[0]]
    engine = {**demo_status(), "active": {"effect": None, "synth": synth, "sampler": None},
              "synth": {"xy": [0.3, 0.6], "corners": corners}}
    panel.set_status(engine)                              # e.g. the panel restarted under a playing synth
    assert panel.state.xy == (0.3, 0.6) and panel.state.corners == corners
    panel.draw(surface)
    pad = panel.page.pad
    assert pixel(surface, pad.x + 0.3 * (pad.width - 1), pad.y + 0.4 * (pad.height - 1)) == D.CURSOR
    panel.handle(Touch("down", 0, pad.x + 0.8 * (pad.width - 1), pad.y + 0.5 * (pad.height - 1)))
    panel.set_status(engine)                              # a status older than the touch changes nothing
    assert panel.state.xy == pytest.approx((0.8, 0.5))
    panel.handle(Touch("up", 0, pad.x + 0.8 * (pad.width - 1), pad.y + 0.5 * (pad.height - 1)))
    other = {**engine, "active": {**engine["active"], "synth": {**synth, "path": "/packs/b.hatpack"}},
             "synth": {"xy": [0.0, 0.0], "corners": TIMBRES[:4]}}
    panel.set_status(other)                               # another synth pack: its pad is read back
    assert panel.state.xy == (0.0, 0.0) and panel.state.corners == TIMBRES[:4]


def test_effect_knob_arcs_show_their_values(panel: Panel, surface: Any) -> None:
    panel.show_title("Effect")
    page = panel.page
    assert panel.state.knobs["drive"] == 12.0                              # from the engine's status
    panel.handle(EncoderTurn(0, 1, 10))
    assert panel.control.sent[-1] == {"op": "knob", "slot": "effect", "name": "drive", "value": pytest.approx(14.4)}
    panel.draw(surface)
    (center, r, _) = page.dials[0]
    mid = r - r * 0.11
    assert pixel(surface, *D.dial_point(center, mid, D.dial_angle(0.55))) == D.ACCENT   # 14.4/24 = 0.6
    assert pixel(surface, *D.dial_point(center, mid, D.dial_angle(0.65))) == D.TRACK
    assert find_text(surface, "14.4 dB", max(18, int(r * 0.45)), D.TEXT)
    assert find_text(surface, "drive", 22, D.DIM) and find_text(surface, "Tube screamer 1.0.0", 32, D.TEXT)


def test_log_knob_turns_in_its_own_scale(panel: Panel) -> None:
    panel.show_title("Effect")
    tone = panel.page.knobs[1]
    panel.handle(EncoderTurn(1, 1, 100))
    assert panel.control.sent[-1]["value"] == pytest.approx(tone.max)
    assert format_value(tone, 1234.0) == "1.23 kHz"


def test_bypass_button(panel: Panel) -> None:
    panel.show_title("Effect")
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    assert panel.control.sent == [{"op": "bypass", "slot": "effect", "on": True}]


def test_library_browses_auditions_and_finds_similar(panel: Panel, surface: Any) -> None:
    panel.show_title("Library")
    page = panel.page
    assert page.tags[page.tag] == "clap"
    panel.handle(EncoderTurn(0, 3, 3))                                     # clap -> crash -> hat -> kick
    assert page.tags[page.tag] == "kick"
    panel.handle(Touch("down", 0, *page.sample_rows[2].center))
    assert panel.control.sent[-1] == {"op": "sample", "path": "/box/libraries/drums/files/kick_03.wav",
                                      "velocity": 100}
    panel.draw(surface)                                                    # a tag's list: how sure, in words
    sure = f"{round(100 * page.samples[0].score)}% sure"
    assert find_text(surface.subsurface(page.sample_rows[0]), sure, 20, D.DIM)
    panel.handle(Touch("down", 0, *page.more_btn.center))
    assert page.samples[0].name == "kick_03.wav" and all(s.name.startswith("kick") for s in page.samples[1:4])
    panel.draw(surface)
    assert find_text(surface, "like kick_03.wav", 20, D.DIM)
    assert find_text(surface.subsurface(page.sample_rows[0]), "this one", 20, D.DIM)      # the one it is like
    alike = f"{page.samples[1].closeness}/100 alike"          # the CLI's closeness (p51; was the raw cosine, "% alike")
    assert find_text(surface.subsurface(page.sample_rows[1]), alike, 20, D.DIM)
    assert find_text(surface, "snare", 26, D.TEXT) and find_text(surface, "kick_07.wav", 24, D.TEXT)


def test_library_retag_moves_a_sample_to_the_tag_you_tap(panel: Panel, surface: Any) -> None:
    panel.show_title("Library")
    page = panel.page
    panel.handle(EncoderTurn(0, 3, 3))                                     # kick
    kicks = page.tag_counts["kick"]
    panel.handle(EncoderTurn(1, 2, 2))
    moving = page.samples[page.sample]
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    assert page.retag == moving
    panel.draw(surface)
    assert find_text(surface, f"retag {moving.name}: tap its tag", 20, D.ACCENT)
    panel.handle(Touch("down", 0, *page.retag_btn.center))                 # pressed again: cancelled
    assert page.retag is None
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    snare_row = page.tag_rows[page.tags.index("snare")]
    tap(panel, *snare_row.center)
    assert page.retag is None and page.tags[page.tag] == "snare"
    assert page.samples[page.sample] == moving.__class__(moving.path, 1.0, True)
    assert page.tag_counts["kick"] == kicks - 1 and moving.path not in [s.path for s in panel.ctx.data.samples("kick")]
    assert panel.ctx.state.toast == f"{moving.name} -> snare" and not panel.control.sent
    panel.draw(surface)
    assert find_text(surface, "yours", 20, D.GOOD)
    panel.handle(EncoderPress(3, True))                                    # the same with the encoders
    panel.handle(EncoderTurn(0, -1, -1))                                   # snare -> kick
    click(panel, 0)
    assert page.tags[page.tag] == "kick" and page.samples[0].path == moving.path and page.samples[0].corrected


def test_library_retag_in_a_multi_label_library_toggles_tags_then_saves(pg: Any, surface: Any) -> None:
    from device.ui.data import MemoryData, Sample
    data = MemoryData(library={"dusty": [Sample("/lib/a.wav", 0.9)], "drums": [Sample("/lib/a.wav", 0.8),
                                                                             Sample("/lib/b.wav", 0.7)],
                               "bright": [Sample("/lib/b.wav", 0.6)]}, multi_label=True)
    panel = Panel(RecordingControl(demo_status()), data, (800, 480))
    panel.show_title("Library")
    page = panel.page
    assert page.tags == ["bright", "drums", "dusty"]
    panel.handle(EncoderTurn(0, 1, 1))                                     # drums: a.wav, b.wav
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    assert page.retag.path == "/lib/a.wav" and page.pending == {"drums", "dusty"}
    tap(panel, *page.tag_rows[0].center)               # + bright
    tap(panel, *page.tag_rows[2].center)               # - dusty
    panel.draw(surface)
    assert find_text(surface, "a.wav: bright + drums (tap tags, then save)", 20, D.ACCENT)
    assert find_text(surface, "bright", 26, D.GOOD) and find_text(surface, "dusty", 26, D.TEXT)
    assert find_text(surface, "save", 24, D.BG) and not find_text(surface, "retag", 24, D.BG)   # the lit button
    assert data.file_tags("/lib/a.wav") == (["drums", "dusty"], True)     # nothing written before saving
    panel.handle(EncoderPress(3, True))                                    # save, with the encoder
    assert page.retag is None and data.file_tags("/lib/a.wav") == (["bright", "drums"], True)
    assert panel.ctx.state.toast == "a.wav -> bright, drums"
    assert page.tags[page.tag] == "drums" and page.samples[page.sample] == Sample("/lib/a.wav", 1.0, True)
    panel.handle(EncoderPress(3, True))                                    # again: take every tag away
    panel.handle(EncoderTurn(0, -1, -1))                                   # bright (retag mode keeps the sample)
    click(panel, 0)
    panel.handle(EncoderTurn(0, 1, 1))
    click(panel, 0)
    assert page.pending == set()
    panel.handle(EncoderPress(3, True))
    assert panel.ctx.state.toast == "a sample keeps at least one tag: nothing changed"
    assert data.file_tags("/lib/a.wav") == (["bright", "drums"], True)
    portrait = Panel(RecordingControl(demo_status()), data, (480, 800))   # narrow: the line drops the file name
    portrait.show_title("Library")
    portrait.handle(Touch("down", 0, *portrait.page.retag_btn.center))
    tall = pg.Surface((480, 800))
    portrait.draw(tall)
    assert find_text(tall, "bright + drums (tap tags, then save)", 20, D.ACCENT)


def test_library_unsure_list_reviews_and_retags_in_place(panel: Panel, surface: Any) -> None:
    panel.show_title("Library")
    page = panel.page
    panel.handle(Touch("down", 0, *page.unsure_btn.center))
    scores = [s.score for s in page.samples]
    assert page.reviewing and scores == sorted(scores) and all(s.guess for s in page.samples)
    panel.draw(surface)
    assert find_text(surface, "least sure first: play, then retag the wrong ones", 20, D.DIM)
    assert find_text(surface, f"{page.samples[0].guess}?", 20, D.DIM)
    first, second = page.samples[0], page.samples[1]
    panel.handle(Touch("down", 0, *page.sample_rows[0].center))            # audition it
    assert panel.control.sent[-1]["path"] == first.path
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    tap(panel, *page.tag_rows[page.tags.index("tom")].center)
    assert page.reviewing and page.samples[0] == second and first.path not in [s.path for s in page.samples]
    assert panel.ctx.state.toast == f"{first.name} -> tom"
    panel.handle(EncoderTurn(0, 1, 1))                                     # back to browsing by tag
    assert not page.reviewing


def test_library_more_like_this_from_the_unsure_list_leaves_it(panel: Panel, surface: Any) -> None:
    # the bug: "more like this" pressed on the unsure list listed the similar samples while the page
    # stayed in unsure mode (button lit, a retag there went back to the unsure list)
    panel.show_title("Library")
    page = panel.page
    panel.handle(Touch("down", 0, *page.unsure_btn.center))
    assert page.reviewing
    ref = page.samples[1]
    panel.handle(EncoderTurn(1, 1, 1))
    panel.handle(Touch("down", 0, *page.more_btn.center))
    assert page.similar_to == ref.name and page.samples[0].path == ref.path and not page.reviewing
    panel.draw(surface)
    assert find_text(surface, f"like {ref.name}", 20, D.DIM)
    assert find_text(surface, "unsure first", 24, D.TEXT) and not find_text(surface, "unsure first", 24, D.BG)
    moving = page.samples[1]                                   # a retag there goes to the tag, not back to "unsure"
    panel.handle(EncoderTurn(1, 1, 1))
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    tap(panel, *page.tag_rows[page.tags.index("tom")].center)
    assert not page.reviewing and page.similar_to is None and page.tags[page.tag] == "tom"
    assert page.samples[page.sample].path == moving.path
    panel.handle(Touch("down", 0, *page.unsure_btn.center))   # and back to the unsure list, with the encoder too
    panel.handle(EncoderPress(2, True))
    assert page.similar_to is not None and not page.reviewing
    panel.handle(Touch("down", 0, *page.unsure_btn.center))
    assert page.reviewing and page.similar_to is None
    panel.draw(surface)
    assert find_text(surface, "unsure first", 24, D.BG) and find_text(surface, "least sure first: play, then retag the wrong ones", 20, D.DIM)


def test_library_status_lines_shorten_to_fit_portrait(pg: Any) -> None:
    panel = Panel(RecordingControl(demo_status()), demo_data(), (480, 800))
    panel.show_title("Library")
    page = panel.page
    tall = pg.Surface((480, 800))
    panel.handle(Touch("down", 0, *page.unsure_btn.center))
    panel.draw(tall)
    assert find_text(tall, "least sure first", 20, D.DIM)
    x, y = page.status_at
    band = pg.surfarray.array3d(tall)[x:, y - 10:y + 10]                    # the status line, to the screen's edge
    assert (band[-12:] == D.BG).all()                                      # ends before it: nothing cut off
    page.layout(pg.Rect(0, 0, 800, 480))                                   # the same page with room: the whole line
    wide = pg.Surface((800, 480))
    page.draw(wide)
    assert find_text(wide, "least sure first: play, then retag the wrong ones", 20, D.DIM)


@pytest.mark.parametrize("size", [(800, 480), (480, 800), (1024, 600)])
def test_library_buttons_fit_on_screen_in_every_orientation(pg: Any, size: tuple[int, int]) -> None:
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.show_title("Library")
    page = panel.page
    buttons = [page.play_btn, page.more_btn, page.retag_btn, page.unsure_btn]
    screen = page.rect
    assert all(screen.contains(b) for b in buttons)
    assert not any(a.colliderect(b) for i, a in enumerate(buttons) for b in buttons[i + 1:])
    assert not any(b.colliderect(r) for b in buttons for r in page.sample_rows + page.tag_rows)


def test_models_activate_and_roll_back_load_the_right_pack(panel: Panel, surface: Any) -> None:
    panel.show_title("Models")
    page = panel.page
    names = [(p.manifest.kind, p.manifest.version) for p in page.packs]
    assert names[0] == ("effect", "0.3.1")
    panel.handle(Touch("down", 0, *page.activate_btn.center))
    fuzz = next(p for p in page.packs if p.manifest.name == "Fuzz face")
    assert panel.control.sent[-1] == {"op": "load", "slot": "effect", "path": fuzz.path} and fuzz.active
    panel.handle(EncoderTurn(0, 1, 1))
    panel.handle(Touch("down", 0, *page.rollback_btn.center))
    screamer = next(p for p in page.packs if p.manifest.name == "Tube screamer")
    assert panel.control.sent[-1]["path"] == screamer.path and screamer.active
    panel.draw(surface)
    assert len(find_text(surface, "ACTIVE", 22, D.GOOD)) + len(find_text(surface, "ACTIVE", 22, D.BG)) == 3
    assert find_text(surface, "Fuzz face  0.3.1", 28, D.TEXT)


def test_pages_on_screen_pick_up_changes_and_keep_the_selection(panel: Panel, surface: Any, monkeypatch) -> None:
    import dataclasses

    import device.ui.panel as panel_mod
    panel.show_title("Models")
    page = panel.page
    panel.handle(EncoderTurn(0, 2, 2))
    chosen = page.packs[page.selected]
    data = panel.ctx.data
    fresh = dataclasses.replace(data.pack_list[0], id="effect-aaa-0", manifest=dataclasses.replace(
        data.pack_list[2].manifest, name="A new capture"))
    data.pack_list.append(fresh)                           # pushed through the API meanwhile
    panel.set_status(demo_status())
    assert fresh.id not in [p.id for p in page.packs]      # not before the refresh interval
    monkeypatch.setattr(panel_mod, "REFRESH_S", 0.0)
    panel.set_status(demo_status())
    assert fresh.id in [p.id for p in page.packs] and page.packs[page.selected].id == chosen.id
    panel.draw(surface)
    assert find_text(surface, "A new capture  1.0.0", 28, D.TEXT)

    panel.show_title("Library")
    page = panel.page
    panel.handle(EncoderTurn(0, 3, 3))                     # kick
    panel.handle(EncoderTurn(1, 2, 2))
    picked = page.samples[page.sample].path
    data.library = {"aaa": [data.library["kick"][0]], **data.library}   # a new tag sorts first
    panel.set_status(demo_status())
    assert page.tags[0] == "aaa" and page.tags[page.tag] == "kick" and page.samples[page.sample].path == picked


def test_models_errors_become_a_message_not_a_crash(panel: Panel, surface: Any) -> None:
    panel.show_title("Models")
    tagger = [i for i, p in enumerate(panel.page.packs) if p.manifest.kind == "tagger"][0]
    panel.handle(EncoderTurn(0, tagger, tagger))
    click(panel, 0)
    assert panel.control.sent == []                                        # taggers are not engine slots
    panel.handle(Touch("down", 0, *panel.page.rollback_btn.center))
    assert "no earlier tagger pack" in panel.state.toast
    panel.draw(surface)
    assert find_text(surface, panel.state.toast, MESSAGE_SIZE, D.ACCENT)


def test_settings_show_pairing_code_load_and_xruns(panel: Panel, surface: Any) -> None:
    panel.show_title("Settings")
    panel.set_status({**demo_status(), "xruns": 17, "load_mean": 0.5})
    panel.handle(EncoderTurn(0, -1, -4))
    assert panel.control.sent[-1] == {"op": "volume", "db": -2.0}
    panel.draw(surface)
    assert find_text(surface, "428 913", 72, D.ACCENT)
    assert find_text(surface, "17", 26, D.TEXT) and find_text(surface, "-2.0 dB", 26, D.TEXT)
    assert find_text(surface, "average 50%", 22, D.TEXT)


def test_settings_in_portrait_put_the_load_meters_under_the_rows(pg: Any) -> None:
    portrait = Panel(RecordingControl(demo_status()), demo_data(), (480, 800))
    portrait.show_title("Settings")
    tall = pg.Surface((480, 800))
    portrait.draw(tall)
    assert find_text(tall, "428 913", 72, D.ACCENT)                        # not drawn over by the meters
    (_, load_y), = find_text(tall, "CPU load (audio)", 24, D.DIM)
    (_, volume_y), = find_text(tall, "volume", 26, D.DIM)
    assert load_y > volume_y
    x, y = 200, volume_y - 5 * 36                                          # the MIDI row's value: cut to the screen
    band = pg.surfarray.array3d(tall)[x:, y:y + 20]
    assert (band[-12:] == D.BG).all() and (band[:-12] != D.BG).any()


def test_fit_takes_the_longest_option_that_fits_else_cuts_the_last(pg: Any) -> None:
    fonts = D.Fonts()
    long, short = "least sure first: play, then retag the wrong ones", "least sure first"
    assert D.fit(fonts, (long, short), 20, 1000) == long
    assert D.fit(fonts, (long, short), 20, fonts.font(20).size(short)[0]) == short
    cut = D.fit(fonts, (long,), 20, 120)
    assert cut.endswith("...") and long.startswith(cut[:-3]) and fonts.font(20).size(cut)[0] <= 120
    assert D.fit(fonts, ("abc",), 20, 1) == ""


def test_tabs_switch_pages(panel: Panel) -> None:
    for i, page in enumerate(panel.pages):
        panel.handle(Touch("down", 0, panel.tabs[i].centerx, 10))
        assert panel.page is page


def test_empty_box_pages_say_so(pg: Any, surface: Any) -> None:
    from device.ui.data import MemoryData
    empty = Panel(RecordingControl(), MemoryData(), (800, 480))
    for title, text in [("Play", "no synth pack active"), ("Effect", "no effect pack active"),
                        ("Library", "no tagged library on the box")]:
        empty.show_title(title)
        empty.draw(surface)
        assert find_text(surface, text, 26 if title == "Play" else 30, D.DIM), title
    # and what to do about it (before: three of the pages said only what was missing)
    for title, text, size in [("Play", "pick one on the Models page (or hatbox push PACK)", 20),
                              ("Effect", "pick one on the Models page, or send one from the laptop: hatbox push "
                                         "PACK --activate", 22),
                              ("Library", "send a folder of samples from the laptop: hatbox push-library FOLDER", 22)]:
        empty.show_title(title)
        empty.draw(surface)
        assert find_text(surface, text, size, D.DIM), title
    empty.handle(EncoderTurn(0, 1, 1))
    with pytest.raises(HatboxError):
        MemoryData().rollback("synth")
