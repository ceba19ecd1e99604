import sys

from hatbox.cli import main

sys.exit(main())
