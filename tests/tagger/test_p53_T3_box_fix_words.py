"""p53 QA T3 #2 and #3: `hatbox box-library ID --fix` says what the laptop's `library fix` says (the tags kept as
yours and what the tagger says of the file: PUT /libraries/{id}/files/tags' answer carries the tagger's ``hits`` and
``not_tagged`` now), a name typed that was taken as another library path is said as that ("note: K2.FLAC matched
k2.flac ..."), and box-library's lines name tagger packs as the laptop does ("mywords 0.1.1"), not by their id."""
from __future__ import annotations

from export.pack import read_pack
from hatbox.box_words import fix_line, tagger_part
from hatbox.cli import main
from hatbox.library_fixes import stopped_retag_line
from hatbox.library_packs import from_id, names_of, pack_said
from hatbox.tagging_end_words import stop_words
from tests.tagger.conftest import box_with_kicks

OLD, NEW = "tagger-mywords-0.1.1-6ada1388e7b0", "tagger-mywords-0.1.2-0123456789ab"


def test_the_box_fix_line_says_yours_and_what_the_tagger_says(library_dir, small_pack, tmp_path, monkeypatch,
                                                               capsys):
    """The --fix lines (#2, #3), then on the same box (one box set up for both checks) the --retag line:
    _the_retag_line_names_the_pack_by_name_and_version."""
    with box_with_kicks(library_dir, small_pack, tmp_path, monkeypatch):
        capsys.readouterr()
        assert main(["box-library"]) == 0
        lid = capsys.readouterr().out.split()[0]
        assert main(["box-library", lid, "--fix", "k2.flac", "kick", "808"]) == 0
        line = capsys.readouterr().out.splitlines()[0]
        assert line.startswith("k2.flac: 808, kick (yours; the tagger says "), line
        assert main(["box-library", lid, "--fix", "k2.flac"]) == 0
        assert capsys.readouterr().out.startswith("k2.flac: back to the tagger (the tagger says ")
        assert main(["box-library", lid, "--fix", "k2.flac", "--none"]) == 0
        assert capsys.readouterr().out.startswith("k2.flac: none of your words (the tagger says ")
        assert main(["box-library", lid, "--fix", "K2.FLAC", "kick"]) == 0          # a name the box does not hold
        said = capsys.readouterr()
        assert said.err == "note: K2.FLAC matched k2.flac (the library's one file whose path ends so, in its " \
                           "letter case)\n", said.err
        assert said.out.startswith("k2.flac: kick (yours; the tagger says ")
        _the_retag_line_names_the_pack_by_name_and_version(small_pack, lid, capsys)


def _the_retag_line_names_the_pack_by_name_and_version(small_pack, lid: str, capsys) -> None:
    """`box-library ID --retag` names the tagger pack by its name and version, as the laptop does, not by its id."""
    m = read_pack(small_pack).manifest
    capsys.readouterr()
    assert main(["box-library", lid, "--retag", "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"tagging again with {m.name} {m.version}; your corrections stay" in out, out
    assert "tagger-" not in out, out


def test_an_older_boxs_answer_gives_the_line_it_gave():
    assert tagger_part({"path": "a.wav", "tags": ["kick"], "model": {"kick": 0.9}}) == ""    # no hits: not said
    assert fix_line("a.wav", ["kick"], "") == "a.wav: kick"
    assert fix_line("a.wav", [], "") == "a.wav: back to the tagger"
    said = tagger_part({"tags": [], "model": {"kick": 0.4, "hat": 0.2}, "hits": [], "not_tagged": None})
    assert said == "the tagger says none of its words, its best guess kick 0.40"
    assert tagger_part({"tags": [], "model": {}, "hits": [], "not_tagged": "silent"}) == \
        "not tagged by the tagger: silent"
    assert fix_line("808/808_Clap.wav", ["808", "punchy"], tagger_part({"hits": [["808", 0.83]], "model": {}})) == \
        "808/808_Clap.wav: 808, punchy (yours; the tagger says 808 0.83)"


def test_packs_are_named_as_the_laptop_names_them():
    packs = [{"id": OLD, "name": "MyWords", "version": "0.1.1"}, {"id": NEW, "name": "MyWords", "version": "0.1.2"}]
    names = names_of(packs)
    assert pack_said(OLD, names) == "MyWords 0.1.1"
    assert pack_said("tagger-gone-2.0.0-aaaaaaaaaaaa", names) == "gone 2.0.0"          # deleted since: from its id
    assert pack_said("t1", names) == "t1" and pack_said(OLD) == OLD                     # not an id / box not asked
    assert from_id("tagger-my-kit-808-1.0-abcdefabcdef") == "my-kit-808 1.0"
    twins = names_of([{"id": OLD, "name": "a", "version": "1"}, {"id": NEW, "name": "a", "version": "1"}])
    assert twins[OLD] == "a 1 (6ada1388)" and twins[NEW] == "a 1 (01234567)"
    lib = {"id": "lib-a-1", "tagger": OLD, "stopped_retag": {"tagger": NEW, "done": 2, "total": 6}}
    assert "a re-tag with MyWords 0.1.2 stopped at 2 of 6: every file keeps its tags from MyWords 0.1.1" in \
        stopped_retag_line(lib, names)
    said = stop_words({"id": "lib-a-1", "progress": {"done": 2, "total": 6}, "tagger": NEW, "tags_from": OLD}, names)
    assert "re-tagging with MyWords 0.1.2 stops" in said and "keeps its tags from MyWords 0.1.1" in said
    assert "tagger-" not in said
