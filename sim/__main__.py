"""``python -m sim <nanoBragg flags>``: see ``sim.cli``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
