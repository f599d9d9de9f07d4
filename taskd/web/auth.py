"""Who may see the page and press its buttons: the API's rules, carried by a cookie for browsers.

- On the Unix socket (mode 0600; the service checks the peer's uid) every request is the user's.
- On TCP the API wants `Authorization: Bearer <taskd api token>`. A browser cannot send that
  header on a navigation, so `GET /?token=<token>` once sets the cookie `taskd_token`
  (HttpOnly, SameSite=Strict) and redirects to `/` (the token leaves the address bar and the
  history). Every later request, POSTs included, must carry the header or that cookie.
- CSRF: a cross-site form POST carries no SameSite=Strict cookie, so it fails the token check;
  on top of that a POST whose Origin is another host, or whose Sec-Fetch-Site says it came from
  another site, is refused before anything runs (this also stops DNS-rebinding pages).

The token comes from `request.app.state.taskd.token` (taskd.api.context.ApiContext); an app on
TCP without one refuses everything rather than serve the page to anyone. The service's guard
passes taskd.web.PUBLIC_PATHS through without a bearer header, so these checks are the page's.
A note on ports: cookies are not kept apart by port, and another page on 127.0.0.1:OTHER is
"same-site", so SameSite=Strict alone would let it post here with the cookie; the Origin and
Sec-Fetch-Site checks are what refuse it.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

COOKIE = "taskd_token"
COOKIE_MAX_AGE = 30 * 24 * 3600  # a month: a bookmark of `/` keeps working, a lost laptop not forever


def on_unix_socket(scope: dict[str, Any]) -> bool:
    """uvicorn reports a Unix socket's server address as (path, None); TCP has a port."""
    server = scope.get("server")
    return server is not None and server[1] is None


def expected_token(request: Request) -> str | None:
    token = request.app.state.taskd.token
    return str(token) if token else None


def _same(given: str | None, want: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), want.encode())


def presented_token(request: Request) -> str | None:
    """The token a request carries: the bearer header (scripts) or the cookie (the browser)."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.cookies.get(COOKIE)


def allowed(request: Request) -> bool:
    if on_unix_socket(request.scope):
        return True
    want = expected_token(request)
    return want is not None and _same(presented_token(request), want)


def query_token_ok(request: Request) -> bool:
    """`/?token=…`: the one-time way in for a browser on TCP."""
    want = expected_token(request)
    return want is not None and _same(request.query_params.get("token"), want)


def cross_site(request: Request) -> bool:
    """A POST that a page of another site made the browser send."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False  # scripts and old browsers: the token (header or Strict cookie) still holds
    if origin == "null":
        return True
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc.lower() != host.lower()


def cookie_kwargs() -> dict[str, Any]:
    # No `secure`: the listener is plain HTTP on loopback; a Secure cookie would never come back.
    return {"key": COOKIE, "httponly": True, "samesite": "strict", "max_age": COOKIE_MAX_AGE,
            "path": "/"}
