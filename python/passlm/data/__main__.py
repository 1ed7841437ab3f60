"""``python -m passlm.data ARGS`` is ``passlm data ARGS``."""
import sys

from ..cli import main

sys.exit(main(["data", *sys.argv[1:]]))
