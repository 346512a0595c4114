"""HTTP clients that send a token only to its own origin: a redirect anywhere else is refused, in one line.

httpx already drops ``Authorization`` on a redirect to another origin; the rehearsal and the
ticket commands go further and stop there, because a hub or an API that redirects the token's
requests elsewhere is misconfigured (or hostile), and following without the token would only
fail later with a less clear message. An upgrade from http to https on the same host is followed.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from .sanitize import one_line

#: Said with every refused redirect: the token may have been sent there by an earlier version.
ROTATE = "if an earlier run followed this redirect, rotate the token"


class RedirectRefused(httpx.RequestError):
    """A request was redirected away from the token's origin; the message is one line, without the token."""


def origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of a URL, with the scheme's default port filled in."""
    parsed = httpx.URL(url) if isinstance(url, str) else url
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    return parsed.scheme, parsed.host.lower(), parsed.port or default


def same_origin(home: tuple[str, str, int | None], url: httpx.URL) -> bool:
    """Whether ``url`` is at ``home``'s origin, or is its https upgrade on the same host (default ports)."""
    there = origin(url)
    if there == home:
        return True
    return home[0] == "http" and home[2] == 80 and there == ("https", home[1], 443)


def token_client(home_url: str, headers: Mapping[str, str], timeout: float, what: str) -> httpx.Client:
    """A client that sends ``headers`` (the token among them) to ``home_url``'s origin and nowhere else.

    ``what`` names the token in the refusal ("the hub token", "GITHUB_TOKEN").
    """
    home = origin(home_url)

    def check(request: httpx.Request) -> None:
        if not same_origin(home, request.url):
            where = f"{request.url.scheme}://{request.url.netloc.decode('ascii', 'replace')}"
            raise RedirectRefused(
                one_line(
                    f"redirected to {where}, another origin than {home[0]}://{home[1]}:{home[2]}; "
                    f"{what} is sent only to its own origin, so the request stopped ({ROTATE})"
                ),
                request=request,
            )

    return httpx.Client(headers=dict(headers), timeout=timeout, follow_redirects=True, event_hooks={"request": [check]})
