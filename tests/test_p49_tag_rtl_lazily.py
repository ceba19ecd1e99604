"""p49: `export.manifest.tag_problem` asks whether a tag holds right-to-left letters (hatbox.text.holds_rtl, a
Unicode lookup per character) only of a tag with a bidi mark (LRM, RLM, ALM), the one case where the answer
matters; before, every tag checked (every tag of every file a library's tagging writes) was scanned for it.  The
answers are the same: a bidi mark is taken in a right-to-left tag, refused in any other."""
from __future__ import annotations

import pytest

import export.manifest as manifest
from hatbox.text import holds_rtl

RLM, LRM, ALM = "\u200f", "\u200e", "\u061c"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tags holds_rtl is asked of, through export.manifest's name for it."""
    seen: list[str] = []

    def counting(text: str) -> bool:
        seen.append(text)
        return holds_rtl(text)
    monkeypatch.setattr(manifest, "holds_rtl", counting)
    return seen


@pytest.mark.parametrize("tag", ["kick", "בס", "طبل", "snare 2", "hi\u200bhat", "caf\u00e9"])
def test_a_tag_without_a_bidi_mark_is_not_scanned_for_rtl_letters(tag: str, asked: list[str]) -> None:
    manifest.tag_problem(tag)
    manifest.tag_problem(tag, stored=True)
    assert asked == []


@pytest.mark.parametrize(("tag", "ok"), [("בס" + RLM, True), ("طبل" + ALM, True), (LRM + "בס", True),
                                         ("kick" + RLM, False), ("snare" + LRM, False), ("tom" + ALM, False)])
def test_a_bidi_mark_is_taken_only_in_a_right_to_left_tag(tag: str, ok: bool, asked: list[str]) -> None:
    problem = manifest.tag_problem(tag)
    assert (problem is None) == ok and asked == [tag]
    if not ok:
        assert problem is not None and "invisible character" in problem and "MARK" in problem
    assert manifest.tag_problem(tag, stored=True) is None          # kept before the forty-eighth stop: taken
