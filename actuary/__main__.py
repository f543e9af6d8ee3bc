"""``python -m actuary`` runs the command-line interface."""

import sys

from actuary.cli import main

sys.exit(main())
