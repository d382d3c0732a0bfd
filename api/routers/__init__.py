"""One router per resource, gathered by :func:`dealgraph.api.main.create_app`."""
