"""Cold start of the command line (issue 12): ``ballmask check`` of the bundled 225-site BGA in fresh processes.

Run alone with ``python -m bench.check_cold [--runs N]``; ``python -m bench`` runs it as the group ``cold``. The
figure is CPU time (user + sys, from ``getrusage(RUSAGE_CHILDREN)``), the median of N fresh interpreters, so
other jobs on the machine change it less than wall time; target <= 0.2 s. Nearly all of it is imports, which is
why it is measured in a new process each time. The children get a private bytecode cache (one uncounted run
fills it), as an installed ``ballmask`` has compiled modules; ``PYTHONDONTWRITEBYTECODE`` would otherwise make
every run compile every module again. For scale the same is measured for an empty interpreter and for
``import numpy`` alone: the floor under any command that reads a design.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.memory import Step

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.2
CHECK = "import sys\nfrom cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
"""What the ``ballmask`` console script runs."""


def example_225() -> Path:
    """The bundled 225-site example (the BGA, 15 x 15 at 0.8 mm)."""
    from geometry.base.resources import resource_path

    return resource_path("examples", "bga-0.8mm-tapered.ballmask")


def _env(pycache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    return env


def cpu_of_runs(argv: Sequence[str], runs: int, env: dict[str, str]) -> tuple[list[float], float]:
    """CPU seconds (user + sys) of each of ``runs`` fresh processes, and their peak RSS (MB, the largest child's
    so far). A run that fails raises: a benchmark of an error message would mean nothing."""
    out: list[float] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(list(argv), capture_output=True, text=True, env=env, cwd=REPO, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):  # check: 0 passes, 1 has errors; anything else is a failure
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
        out.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return out, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def run_check_cold(say: Callable[[str], None], line: Callable[..., str], runs: int = 5) -> Step:
    """The ``check-cold`` step and, for scale, the interpreter's and numpy's own start-up."""
    design = example_225()
    with tempfile.TemporaryDirectory(prefix="ballmask-pyc-") as pycache:
        env = _env(pycache)
        check = [sys.executable, "-c", CHECK, "check", str(design)]
        cpu_of_runs(check, 1, env)  # fills the bytecode cache; not counted
        times, peak = cpu_of_runs(check, runs, env)
        bare = {**env, "OPENBLAS_NUM_THREADS": env.get("OPENBLAS_NUM_THREADS", "1")}  # as cli.main starts numpy
        floor = {what: statistics.median(cpu_of_runs([sys.executable, "-c", code], runs, bare)[0])
                 for what, code in (("python", "pass"), ("numpy", "import numpy"))}
    median = statistics.median(times)
    step = Step(f"check-cold: ballmask check, 225 sites, CPU median of {runs}", median, peak)
    say(line(step, f"<= {TARGET_S:g} s CPU", median <= TARGET_S)
        + f"  (runs {', '.join(f'{t:.3f}' for t in times)} s; an empty python {floor['python']:.3f} s, "
          f"python + import numpy {floor['numpy']:.3f} s)")
    return step


def main(argv: list[str] | None = None) -> None:
    """Run the step alone."""
    from bench.wafer import line

    p = argparse.ArgumentParser(prog="python -m bench.check_cold", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5, help="fresh processes to take the median of (default 5)")
    args = p.parse_args(argv)
    run_check_cold(lambda s: print(s, flush=True), line, max(1, args.runs))


if __name__ == "__main__":
    main()
