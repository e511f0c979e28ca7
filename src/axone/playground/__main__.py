"""`python -m axone.playground`: start the playground server."""

import sys

from axone.playground.launcher import main

sys.exit(main())
