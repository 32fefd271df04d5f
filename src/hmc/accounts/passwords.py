"""Password rules and argon2 hashes; digests of session ids and tokens."""

from __future__ import annotations

import hashlib
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hmc.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 1024

hasher = PasswordHasher()


def check_new(password: str) -> None:
    """Refuse a password too short (or absurdly long) to be set.

    >>> check_new("short")
    Traceback (most recent call last):
    hmc.errors.InvalidInput: a password has at least 12 characters (this one has 5)
    """
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"a password has at least {MIN_LENGTH} characters (this one has {len(password)})"
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"a password has at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2 hash of a password that passed :func:`check_new`."""
    return hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (a malformed hash matches nothing)."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the hasher's current ones."""
    return hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    return hasher.hash("not the password of anyone")


def verify_nobody(password: str) -> None:
    """Spend the time of a verification, for a username that does not exist."""
    verify(_dummy_hash(), password)


def digest(secret: str) -> str:
    """The SHA-256 of a session id or token, in hex: what the database keeps of it.

    >>> digest("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(secret.encode("utf-8", "backslashreplace")).hexdigest()
