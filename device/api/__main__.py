"""``python -m device.api --sim --store DIR``: the API with a simulated engine."""
import sys

from device.api.server import main

sys.exit(main())
