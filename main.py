"""nanoBragg Studio: ``python main.py`` opens the viewer (see ``app.main`` for the options)."""

import sys

if __name__ == "__main__":
    try:
        from app.main import main
        code = main()
    except KeyboardInterrupt:  # Ctrl-C while the libraries load
        print("nanobragg-studio: interrupted", file=sys.stderr)
        code = 130
    sys.exit(code)
