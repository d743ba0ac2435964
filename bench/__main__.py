"""``python -m bench``: the wafer-scale benchmark (see bench/wafer.py)."""

from bench.wafer import main

main()
