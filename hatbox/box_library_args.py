"""The options of `hatbox push-library` and `hatbox box-library` (hatbox/cmd_box_library.py registers the two
commands; cmd_remote adds its --url/--token/--ca after these)."""
from __future__ import annotations

import argparse

from hatbox import box_words, library_browse
from hatbox.argtypes import whole
from hatbox.library_audition import STOP_HELP
from hatbox.library_limits import HELP as LIMITS_HELP
from hatbox.library_replace import REPLACE_HELP

PATH_WORDS = ("PATH: a path inside the library; or the file on this laptop in the folder you pushed as it; or a "
              "file name, or the end of a path, that only one of its files has")


def push_library_options(p: argparse.ArgumentParser) -> None:
    """`hatbox push-library`'s own options on ``p`` (its help's epilog: the box's limits on a library)."""
    p.epilog = LIMITS_HELP
    p.add_argument("source", help="a folder of samples, or a .zip / .tar(.gz) archive")
    p.add_argument("--name", help="the library's name on the box (default: the folder's name)")
    p.add_argument("--wait", action="store_true", help="follow tagging until it ends")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--again", action="store_true",
                   help="send it even when the box already holds a library from the same files (a second copy)")
    p.add_argument("--fixes", metavar="FILE", help="send your corrections with it: a tag database (hatbox library "
                   "fix) or the CSV box-library --export-fixes wrote; default: the folder's own database "
                   "(.hatbox-tags.sqlite), when hatbox tag kept one there")
    p.add_argument("--no-fixes", action="store_true", help="send no corrections with it")
    p.add_argument("--replace", action="store_true", help=REPLACE_HELP)
    p.add_argument("--yes", action="store_true", help="with --replace: delete your older libraries of the name even "
                   "where they hold corrections made on the box (box-library ID --export-fixes keeps them first)")
    p.add_argument("--json", action="store_true", help="print the library as JSON on stdout at the end ({id, name, "
                   "files, state, sent_before, same_name}; with --replace also replaced and left: the ids it "
                   "deleted and the other libraries of the name it left); the other lines go to stderr")


def box_library_options(p: argparse.ArgumentParser) -> None:
    """`hatbox box-library`'s own options on ``p``: the library, then one action at most (a mutually exclusive
    group)."""
    p.add_argument("id", nargs="?", help="a library id (from the list); without it: list the libraries")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--tag", help="list the files under this tag (your corrections first)")
    g.add_argument("--unsure", action="store_true", help="the files the tagger was least sure of (check these first)")
    g.add_argument("--untagged", action="store_true",
                   help="the files the tagger gave no tag (sure of none of its words), with its best guess")
    g.add_argument("--fix", nargs="+", metavar=("PATH", "TAG"),
                   help="give a file (PATH: see --like) your tags; no TAG gives it back to the tagger")
    g.add_argument("--like", metavar="PATH", help=f"more like this: the files that sound most like PATH, closest "
                   f"first, each with its closeness 0-100 ({PATH_WORDS})")
    g.add_argument("--export-fixes", metavar="CSV", help="write the corrections made on the box as the CSV hatbox "
                   "train tagger takes (path,tag...: paths under --folder, default the CSV's folder)")
    box_words.add_options(p, g)                     # --rename-word, --drop-word, --none (p49 F8)
    g.add_argument("--play", metavar="PATH", help="play PATH (see --like) on the box's speakers")
    g.add_argument("--stop", action="store_true", help=STOP_HELP)
    g.add_argument("--delete", action="store_true",
                   help="delete the library from the box: its files, tags and your corrections (asks first; "
                        "tagging in progress is stopped)")
    g.add_argument("--retag", action="store_true",
                   help="tag the library again with the box's active tagger pack (after you pushed a new one); "
                        "your corrections stay")
    g.add_argument("--cancel", action="store_true",
                   help="stop the library's tagging (after the file it is on); --retag goes on with it later")
    p.add_argument("--yes", "--force", dest="yes", action="store_true", help="with --delete: do not ask; with "
                   "--export-fixes: write over a CSV hatbox did not write")
    p.add_argument("--folder", help="with --export-fixes: the library's folder on this laptop (the one you sent)")
    p.add_argument("--wait", action="store_true", help="follow the library's tagging until it ends (alone, or with "
                                                       "--retag)")
    p.add_argument("--quiet", action="store_true", help="with --retag --wait: no progress bar")
    p.add_argument("-k", type=whole(1), default=None,
                   help="how many files --tag, --unsure, --untagged or --like list (default 50; with --json every "
                        "one, and a line on stderr when -k left some out)")
    p.add_argument("--json", action="store_true", help=library_browse.JSON_HELP)
