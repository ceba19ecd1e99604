#!/usr/bin/env bash
# Set up (if needed) and run the test suite.  Usage: bash scripts/test.sh [pytest args]
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYTHONDONTWRITEBYTECODE=1
# Three workers (pytest-xdist), each file's tests on one of them, on 2 cores: about a third of the suite's time is
# spent waiting (engines paced by the clock, boxes answering, child processes starting), so a third worker fills it
# (fifty-eighth stop, same tree: 817 s with two, 659 s with three). HATBOX_TEST_WORKERS=0 runs it in this one process.
.venv/bin/python -m pytest -q -p no:cacheprovider -n "${HATBOX_TEST_WORKERS:-3}" --dist loadfile "$@"
rc=$?
if [[ $rc -eq 5 ]]; then
  echo "no tests were collected: treating that as a failure" >&2
  exit 1
fi
exit $rc
