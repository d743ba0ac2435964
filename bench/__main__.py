"""``python -m bench``: the wafer-scale benchmark (see bench/wafer.py)."""

from bench.wafer import main, register_group
from bench.window_scale import WHAT, run_group

register_group("window", WHAT, run_group)
main()
