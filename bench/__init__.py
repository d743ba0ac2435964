"""ballmask benchmarks (issue 6): ``python -m bench`` (or ``make bench``) runs them and prints one line per step."""
