"""After `hatbox unpair` a command says this computer is not paired, before it contacts the box (thirty-third stop's
QA: `hatbox status` reached the box and opened with "the box refused: this call needs a token")."""
from __future__ import annotations

from hatbox.cli import main
from tests.api.conftest import PairedServer


def test_a_command_after_unpair_says_pair_first_without_asking_the_box(paired_server: PairedServer, capsys) -> None:
    from hatbox.cmd_remote import load_config
    assert main(["unpair"]) == 0
    url = load_config()["url"]
    capsys.readouterr()
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert f"this computer is not paired with the box at {url} (no token here)" in err
    assert f"hint: pair first: hatbox pair {url}" in err and "refused" not in err
    assert main(["box-pack"]) == 2 and "not paired" in capsys.readouterr().err
