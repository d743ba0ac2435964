"""``python -m bench``: the wafer-scale benchmark (see bench/wafer.py); ``python -m bench edit``: bench/edit.py."""

import sys

from bench.wafer import main, register_group
from bench.window_scale import WHAT, run_group

register_group("window", WHAT, run_group)
if "edit" in sys.argv[1:]:  # the edit group (issue 12): single-site edits on a 1M-site design
    from bench.edit import cli

    cli(sys.argv[1:])
else:
    main()
