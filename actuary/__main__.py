"""``python -m actuary`` runs the command-line interface."""

import sys

from actuary.cli import main

if __name__ == "__main__":
    sys.exit(main())
