"""The laptop's box commands after a hands-on QA pass over a musician's first evening (twenty-fifth stop)."""
from __future__ import annotations

from pathlib import Path

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def test_a_second_rollback_says_where_the_packs_went_and_not_that_the_box_is_busy(paired_server: PairedServer,
                                                                                  tmp_path: Path, capsys) -> None:
    """Before: "the box cannot do that now: no earlier effect pack to roll back to", no hint: it read as busy."""
    assert main(["push", str(gain_pack(tmp_path / "a.hatpack", "fuzz", "1.0.0")), "--activate", "--quiet"]) == 0
    assert main(["push", str(gain_pack(tmp_path / "b.hatpack", "fuzz", "2.0.0")), "--activate", "--quiet"]) == 0
    assert main(["box-pack", "--rollback", "effect"]) == 0
    capsys.readouterr()
    assert main(["box-pack", "--rollback", "effect"]) == 2
    err = capsys.readouterr().err
    assert "the box cannot do that: no earlier effect pack to roll back to" in err and " now" not in err
    assert "the packs rolled back from stay installed: make one active again with hatbox box-pack ID --activate" in err
