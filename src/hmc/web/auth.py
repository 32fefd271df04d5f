"""Sign-in, sign-out and the member's own account page (password change).

The sign-in form is protected against cross-site posting by a double-submit token: a random
value in a short-lived cookie and in the form, which must match. A successful sign-in sets
a new session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) whatever the browser had.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hmc.accounts import change_password, sign_in, sign_out
from hmc.deps import COOKIE, DatabaseDep, ViewerDep
from hmc.errors import HmcError
from hmc.web.render import frame, page

PRE = "hmc_signin"  # the sign-in form's double-submit cookie
public = APIRouter(include_in_schema=False)
router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another site).

    >>> safe_next("/commissions/x?lang=ar"), safe_next("//evil.example"), safe_next(None)
    ('/commissions/x?lang=ar', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _form(
    request: Request, lang: str | None, next_: str, code: int = 200, problem: str | None = None
) -> HTMLResponse:
    token, target, base = secrets.token_urlsafe(24), safe_next(next_), frame(lang, None, [])
    switch = {"lang": base["other_lang"], **({"next": target} if target != "/" else {})}
    response = page(
        "sign_in.html",
        code,
        base,
        current=None,
        switch=f"/sign-in?{urlencode(switch)}",  # in the other language, to the same page
        token=token,
        next=target,
        problem=problem,
    )
    response.set_cookie(
        PRE, token, max_age=3600, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


@public.api_route("/sign-in", methods=["GET", "HEAD"], response_class=HTMLResponse)
def sign_in_page(request: Request, lang: str | None = None, next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return _form(request, lang, next)


@public.post("/sign-in", response_class=HTMLResponse)
def sign_in_form(
    request: Request,
    database: DatabaseDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
    lang: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    """Check the password; on success a fresh session cookie and on to ``next``."""
    expected = request.cookies.get(PRE, "")
    if not expected or not hmac.compare_digest(expected, token):
        return _form(request, lang, next, 403, "sign_in_expired")
    address = request.client.host if request.client else "unknown"
    try:
        with database.write(lock=False) as session:  # sign_in locks once the password is checked
            signed = sign_in(session, username=username, password=password, address=address)
    except HmcError as exc:
        if exc.status not in (401, 429):
            raise
        return _form(request, lang, next, exc.status, exc.message)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.delete_cookie(PRE)
    response.set_cookie(
        COOKIE,
        signed.token,
        max_age=int((signed.expires_at - datetime.now(UTC).replace(tzinfo=None)).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


@router.post("/sign-out")
def sign_out_form(database: DatabaseDep, viewer: ViewerDep) -> Response:
    """End this session and forget its cookie."""
    if viewer.session is not None:
        with database.write() as session:
            sign_out(session, token=viewer.session)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.api_route("/account", methods=["GET", "HEAD"], response_class=HTMLResponse)
def account_page(viewer: ViewerDep, lang: str | None = None, done: bool = False) -> HTMLResponse:
    """The member's own account: who they are, and a form to change the password."""
    return _account(viewer, lang, 200, "password_changed" if done else None)


def _account(viewer: ViewerDep, lang: str | None, code: int, message: str | None) -> HTMLResponse:
    base = frame(lang, None, [], viewer)
    return page(
        "account.html",
        code,
        base,
        current=None,
        switch=f"/account?lang={base['other_lang']}",
        message=message,
    )


@router.post("/account/password", response_class=HTMLResponse)
def password_form(
    database: DatabaseDep,
    viewer: ViewerDep,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    lang: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    """Change the password; the member's other sessions end, this one stays."""
    try:
        with database.write(lock=False) as session:  # locked after the password check
            change_password(
                session,
                actor=viewer.actor,
                current=current,
                new=new,
                keep_session_token=viewer.session,
            )
    except HmcError as exc:
        if exc.status >= 500:
            raise
        return _account(viewer, lang, exc.status, exc.message)
    return RedirectResponse("/account?done=1", status_code=303)
