"""`python -m schedax`: the same as the `schedax` command."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
