"""``python -m passlm.server ARGS`` is ``passlm serve ARGS``; the plugin's
client starts a server so: ``--background --lazy --socket PATH ...``."""
import sys

from ..cli import main

sys.exit(main(["serve", *sys.argv[1:]]))
