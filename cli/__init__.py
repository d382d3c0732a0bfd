"""dealgraph.cli."""
