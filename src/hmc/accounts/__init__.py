"""Who acts: members of a party, or a named system actor for administrative commands."""

from hmc.accounts.actor import Actor

__all__ = ["Actor"]
