"""Evidence: sources, imports, events, published counts, links and the parties' accounts."""

import typing

OnError = typing.Literal["stop", "skip"]  # a bad row stops an import, or is skipped and listed

__all__ = ["OnError"]
