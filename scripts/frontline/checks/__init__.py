"""Check loaded records: every rule of every record kind, all problems at once.

``check(dataset)`` returns a sorted list of Problems. Never prints, never exits, never raises on bad data.
"""

from .core import check

__all__ = ["check"]
