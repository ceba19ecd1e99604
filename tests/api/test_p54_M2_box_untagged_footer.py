"""p54 QA_B finding 6, the box's side: `box-library ID --untagged` said "every file the tagger heard carries a tag"
over a file the producer marked none of the words; it now says the laptop's line (hatbox.query_lines.all_heard_line),
and --json is as before."""
from __future__ import annotations

import json

from tests.api.test_p44_listings_box import _tagged_library
from tests.cli_run import run as _run


def test_box_untagged_names_the_file_marked_none(tmp_path, paired_server, capsys):
    lid = _tagged_library(tmp_path, paired_server)               # every file tagged by the producer
    assert _run(capsys, "box-library", lid, "--fix", "hit 2.wav", "--none")[0] == 0
    rc, out, err = _run(capsys, "box-library", lid, "--untagged")
    assert rc == 0, err
    assert ("every file the tagger heard carries a tag, except the 1 you marked none of the words (listed under "
            "'none of the words, yours')") in err and "every file the tagger heard carries a tag\n" not in err, err
    assert out.splitlines()[0] == "none of the words, yours (1):" and out.splitlines()[1].endswith("hit 2.wav")
    rc, out, _ = _run(capsys, "box-library", lid, "--untagged", "--json")
    rows = json.loads(out)
    assert rc == 0 and [(r["path"], r["none"]) for r in rows] == [("hit 2.wav", True)]
