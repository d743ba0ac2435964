"""Entry script for frozen bundles: the same `main` as the `ballmask` console script."""

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())
