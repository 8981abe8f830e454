"""CR403 authorization-header-stripped: the token realm loses the `Authorization` header.

`docker login` to GitLab's registry fetches a token from GitLab's realm
(`/jwt/auth`) with the user's credentials in the `Authorization` header.
GitLab's troubleshooting guide: when a proxy in front of it drops that
header, or redirects the request (clients do not resend credentials to a
redirect), login fails with `access forbidden`. This reads nginx
configurations (the `location` nginx would pick for `/jwt/auth` in each
`server`), and registry configurations whose `auth: token: realm:` is plain
`http://` (a redirect to https loses the header) or names another host than
the `external_url` beside it.
"""

from __future__ import annotations

import re

from crlint.checks.base import Check
from crlint.facts.findings import Level, Related, Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.model import Facts, ProxyRoute

RULE = Rule(
    "CR403",
    "authorization-header-stripped",
    Level.ERROR,
    "A proxy in front of GitLab's token realm (`/jwt/auth`) drops or redirects the "
    "`Authorization` header: `docker login` fails with `access forbidden`.",
    security=True,
)

REALM_PATH = "/jwt/auth"


def check(facts: Facts) -> Iterator[Finding]:
    servers: dict[tuple[str, int], list[ProxyRoute]] = {}
    for route in facts.proxy_routes:
        servers.setdefault((route.location.path, route.server), []).append(route)
    for routes in servers.values():
        serves = serving(routes, REALM_PATH)
        if serves is None:
            continue
        for what, where in serves.strips_authorization:
            yield RULE.at(
                where,
                f"{what} for `{REALM_PATH}` (served by `location {_shown(serves)}`): `docker "
                "login` sends its credentials there in the `Authorization` header, and without "
                "it GitLab answers `access forbidden`; pass the header through unchanged, with "
                "no redirect",
                (Related(serves.location, "the location that serves `/jwt/auth`"),),
            )
    for config in facts.registry_configs:
        realm, at = config.realm, config.realm_location
        if realm is None or at is None:
            continue
        if realm.startswith("http://"):
            yield RULE.at(
                at,
                f"the token realm `{realm}` is plain http: GitLab redirects it to https, and "
                "clients do not resend credentials to a redirect, so `docker login` fails with "
                "`access forbidden`; use the `https://` URL",
            )
        elif config.external_url is not None and _host(realm) != _host(config.external_url):
            yield RULE.at(
                at,
                f"the token realm `{realm}` is on another host than GitLab's external URL "
                f"`{config.external_url}`; tokens must come from GitLab's own `/jwt/auth`, or "
                "`docker login` fails with `access forbidden`",
            )


def serving(routes: list[ProxyRoute], path: str) -> ProxyRoute | None:
    """The location nginx picks for `path`: an exact match; else the longest
    prefix if it is `^~`; else the first matching regular expression; else
    the longest prefix."""
    for route in routes:
        if route.modifier == "=" and route.match == path:
            return route
    prefixes = [r for r in routes if r.modifier in ("", "^~") and path.startswith(r.match)]
    longest = max(prefixes, key=lambda r: len(r.match), default=None)
    if longest is not None and longest.modifier == "^~":
        return longest
    for route in routes:
        if route.modifier in ("~", "~*"):
            flags = re.IGNORECASE if route.modifier == "~*" else 0
            try:
                if re.search(route.match, path, flags):
                    return route
            except re.error:
                continue
    return longest


def _shown(route: ProxyRoute) -> str:
    return f"{route.modifier} {route.match}" if route.modifier else route.match


def _host(url: str) -> str:
    rest = url.partition("://")[2] or url
    return rest.partition("/")[0].rpartition("@")[2].split(":")[0].lower()


CHECK = Check((RULE,), check, frozenset())
