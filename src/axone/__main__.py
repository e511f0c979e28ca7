"""`python -m axone`: the `axone` command."""

import sys

from axone.cli import main

sys.exit(main())
