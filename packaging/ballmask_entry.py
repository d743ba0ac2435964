"""Entry script for frozen bundles: the same `main` as the `ballmask` console script."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
