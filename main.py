"""nanoBragg Studio: ``python main.py`` opens the viewer (see ``app.main`` for the options)."""

import sys

from app.main import main

if __name__ == "__main__":
    sys.exit(main())
