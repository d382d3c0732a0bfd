"""dealgraph.api."""
