"""``python -m passlm.data ARGS``: the same as ``passlm data ARGS``."""
import sys

from .cli import main

sys.exit(main())
