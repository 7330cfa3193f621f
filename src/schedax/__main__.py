"""`python -m schedax`: the same as the `schedax` command."""

import sys

from ._cli import main

sys.exit(main())
