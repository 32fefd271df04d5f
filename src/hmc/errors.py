"""One error hierarchy: each error carries its HTTP status and a stable code.

Services raise these; the API turns them into its one JSON shape (``hmc.api.errors``), the
CLI prints the message in red and exits 1. A stack trace is never what a user sees.
"""

from __future__ import annotations

from typing import ClassVar


class HmcError(Exception):
    """Base of every error a user may see."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = details


class NotFound(HmcError):
    status = 404
    code = "not_found"


class InvalidInput(HmcError):
    """A value a user typed (an option, a query parameter) that cannot be used as given."""

    status = 422
    code = "invalid_request"


class Conflict(HmcError):
    status = 409
    code = "conflict"


class ConfigError(HmcError):
    """A commission configuration that cannot be loaded (names the file, line and key)."""

    status = 422
    code = "invalid_config"


class GateError(ConfigError):
    code = "invalid_gate"


class EvidenceError(HmcError):
    """Evidence that cannot be imported (names the file, row and field)."""

    status = 422
    code = "invalid_evidence"


class DatabaseError(HmcError):
    """The database cannot be used as it is (missing, behind the code, unreachable, locked)."""

    status = 503
    code = "database_unavailable"


class Busy(HmcError):
    """Another writer holds what this write needs (an import running at the same time)."""

    status = 409
    code = "busy"


class NotSignedIn(HmcError):
    """No valid session or token: sign in (an expired, ended or tampered one counts as none)."""

    status = 401
    code = "not_signed_in"


class Forbidden(HmcError):
    """The member is signed in but their party or role may not do this."""

    status = 403
    code = "forbidden"


class TooManyAttempts(HmcError):
    """Too many failed sign-ins for an account or from an address: wait, then try again."""

    status = 429
    code = "too_many_attempts"


class ChainBroken(HmcError):
    """The audit chain does not verify: a record was edited, deleted, reordered or cut off."""

    status = 409
    code = "audit_chain_broken"
