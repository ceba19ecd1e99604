"""Sample library tagging on the box (no torch): tag a folder with a tagger pack into SQLite,
then list it by tag and search it by similarity.

    from device.library import tag_library, files_with_tag, similar
    report = tag_library("/srv/lib", "tagger.hatpack", "/srv/lib.db", progress=lambda d, t: ..., cancel=event)
"""
from device.library.query import (Hit, NotInLibrary, Unsure, corrected_tags, corrections, current_tags, export_csv,
                                  failures, file_status, files_with_tag, is_exclusive, list_tags, root_of, set_tags,
                                  similar, similar_to_file, tagging_run, tags_of, unsure, untagged,
                                  untagged_count)
from device.library.tag import LibraryReport, tag_library

__all__ = ["Hit", "LibraryReport", "NotInLibrary", "Unsure", "corrected_tags", "corrections", "current_tags",
           "export_csv", "failures", "file_status", "files_with_tag", "is_exclusive", "list_tags", "root_of",
           "set_tags", "similar", "similar_to_file", "tag_library", "tagging_run", "tags_of", "unsure", "untagged",
           "untagged_count"]
