"""``python -m passlm``: the passlm command."""
import sys

from .cli import main

sys.exit(main())
