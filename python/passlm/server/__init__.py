"""A local server that keeps one engine warm for every compiler of a build.

``daemon`` runs it (``passlm serve``), ``client`` is what the plugin's
embedded Python uses, ``cache`` keeps its answers in SQLite, ``protocol`` is
the socket and wire format they share. Importing this package imports only
the standard library.
"""
