"""tracker: who supports, opposes or half-supports each point of a peace plan."""

__version__ = "0.1.0"
