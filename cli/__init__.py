"""The ``dealgraph`` command line; see :mod:`dealgraph.cli.main`."""
