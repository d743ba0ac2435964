"""The documented bounds of every input (docs/file-format.md, "Limits"): one place for the numbers.

A design describes a physical mask, so every number has a physical range: lengths from 1 nm to 1 m, counts up to
what a 1 m sheet could hold, and a total number of sites that this program can carry through every pass (sites,
checks, relief, export) in the memory of the machine it was sized on. Anything outside is refused where it enters
(the file reader, the command line, the window's fields), before any computation, with a message naming the
field and the bound.
"""

from __future__ import annotations

MIN_LENGTH_MM = 1e-6
"""The smallest positive length: 1 nm (smaller values are typos or denormals, not masks)."""

MAX_LENGTH_MM = 1000.0
"""The largest length and the largest coordinate magnitude: 1 m."""

MAX_RATIO = 1000.0
"""The largest unitless rule value (a ratio of the ball diameter or a factor of the thickness)."""

MAX_GRID_SIDE = 100_000
"""The most rows or columns of a grid (and the largest centre void or ring count): 10 um pitch over 1 m."""

MAX_SITES = 3_500_000
"""The most sites a design may generate. Measured on the 24 GB build machine with ``new grid``, ``check`` and
``export --format all`` (checks, merged relief, DXF, Gerber and PDF in one process, the heaviest pass) in one
process: peak 535 MB for 300 x 300 sites and 1,360 MB for 500 x 500, i.e. about 5.2 kB per site. 3.5 million
sites keep that pass near 18 GB, leaving room for the system (the streamed single-format exports need about a
quarter of that per site: the bench's 1.1 million site wafer peaks at 1.4 GB)."""

MAX_DESIGN_FILE_BYTES = 512 * 2**20
"""The largest design file read (512 MiB: an explicit list of millions of sites in compact columns)."""

MAX_CSV_FILE_BYTES = 256 * 2**20
"""The largest CSV file read (a profilometer export of millions of lines)."""

MAX_CSV_CELL_CHARS = 131_072
"""The longest CSV cell (Python's csv module refuses longer ones)."""

MAX_NESTING = 64
"""The deepest nesting of JSON lists and objects in a design file (a design needs fewer than 10)."""

MAX_NUMBER_CHARS = 100
"""The longest number literal in a design file; integers must also fit :data:`MAX_INT_DIGITS`."""

MAX_INT_DIGITS = 18
"""The most digits of an integer in a design file (counts and versions; 5,000-digit integers are refused before
conversion)."""

MAX_NAME_CHARS = 256
"""The longest name, label, layer name or site name."""

MAX_TEXT_CHARS = 100_000
"""The longest free text (notes)."""

MAX_SEGMENTS_PER_CIRCLE = 4096
"""When arcs are written as straight segments, a full circle gets at most this many, whatever the chord
tolerance (a 1e-9 mm tolerance would otherwise ask for millions per arc)."""
