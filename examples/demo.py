"""The course's three networks end to end: the same run as `axone demo` (and `make demo`).

    python examples/demo.py [--out DIR] [--quick]

The code of each network, written as the course writes it, is in
`src/axone/cli/demo.py`.
"""

import sys

from axone.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", *sys.argv[1:]]))
