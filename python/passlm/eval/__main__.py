"""``python -m passlm.eval ARGS`` is ``passlm eval ARGS``."""
import sys

from ..cli import main

sys.exit(main(["eval", *sys.argv[1:]]))
