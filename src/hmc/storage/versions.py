"""Optimistic locking: a change is based on the version its writer read, or it is refused.

A row that people edit (a rating, a joint rating, minutes, a decision) carries a
``version`` that each save raises by one; a save names the version it was based on.
"""

from __future__ import annotations

from hmc.errors import Conflict


def check_version(what: str, current: int | None, based_on: int | None, by: str = "") -> None:
    """Refuse (Conflict, 409, with ``current_version``) a change of ``what`` based on another
    version than ``current``, the stored one (None: nothing stored yet); ``by``: who saved it.

    >>> check_version("this rating", 2, 2)
    >>> check_version("this rating", 3, 2, "member:4")
    Traceback (most recent call last):
    hmc.errors.Conflict: this rating changed by member:4 after you read version 2 (now version 3); \
read it again, then save
    """
    if current != based_on:
        who = f" by {by}" if by else ""
        raise Conflict(
            f"{what} changed{who} after you read version {based_on or 'none'} (now version"
            f" {current}); read it again, then save",
            current_version=current,
        )
