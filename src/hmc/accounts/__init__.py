"""The members of each party: sign-in, sessions, API tokens and the member list."""

from hmc.accounts.records import Authenticated, MemberInfo, SignedIn, TokenInfo
from hmc.accounts.service import (
    add_member,
    authenticate,
    change_password,
    disable_member,
    get_member,
    list_members,
    reset_password,
    sign_in,
    sign_out,
)
from hmc.accounts.tokens import authenticate_token, create_token, list_tokens, revoke_token

__all__ = [
    "Authenticated",
    "MemberInfo",
    "SignedIn",
    "TokenInfo",
    "add_member",
    "authenticate",
    "authenticate_token",
    "change_password",
    "create_token",
    "disable_member",
    "get_member",
    "list_members",
    "list_tokens",
    "reset_password",
    "revoke_token",
    "sign_in",
    "sign_out",
]
