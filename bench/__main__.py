"""``python -m bench``: the benchmark (see bench/wafer.py); groups of other modules are registered here.

``python -m bench edit --model`` or ``--side=N`` runs bench/edit.py's own command line (one step, one size).
"""

import sys

from bench import edit, window_scale
from bench.wafer import main, register_group

register_group("window", window_scale.WHAT, window_scale.run_group)
register_group("edit", edit.WHAT, edit.run_group)
if "edit" in sys.argv[1:] and any(a == "--model" or a.startswith("--side=") for a in sys.argv[1:]):
    edit.cli(sys.argv[1:])
else:
    main()
