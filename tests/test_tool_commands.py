"""Logins, skopeo copies and manifest-list assembly, as the checks read them; nginx."""

from __future__ import annotations

import pytest

from crlint.checks.token_realm import serving
from crlint.commands import shell
from crlint.commands.invocations import invocation, list_assemblies, password_argument, skopeo_copy
from crlint.facts.locations import LocatedText, Location
from crlint.facts.model import EMPTY_ENV, Command, ProxyRoute
from crlint.frontends import nginx


def command(text: str) -> Command:
    located = LocatedText.at(text, "ci.sh", 1, 1)
    (simple,) = shell.parse(located).commands
    return Command(simple.words, (), EMPTY_ENV, "test", Location.point("ci.sh", 1))


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("docker login -u u -p s r.io", "s"),
        ("docker login -u u -ps r.io", "s"),
        ("docker --config /c login --password s r.io", "s"),
        ("podman login --password=s r.io", "s"),
        ("crane auth login r.io -u u -p s", "s"),
        ("docker login -u u --password-stdin r.io", None),
        ("docker run -p 80:80 nginx", None),
        ("crane auth get r.io", None),
    ],
)
def test_password_arguments(text, secret):
    found = invocation(command(text))
    login = password_argument(found) if found else None
    assert (login.password.value if login else None) == secret


@pytest.mark.parametrize(
    ("text", "all_images", "between", "format_"),
    [
        ("skopeo copy docker://a/b:1 docker://c/d:1", False, True, None),
        ("skopeo copy --all docker://a/b:1 docker://c/d:1", True, True, None),
        ("skopeo copy --multi-arch all docker://a/b:1 docker://c/d:1", True, True, None),
        ("skopeo copy -f v2s1 docker://a/b:1 oci:/x", False, False, "v2s1"),
        ("skopeo --debug sync --src docker --dest docker a c", False, True, None),
        ("skopeo sync --src docker --dest dir a /x", False, False, None),
    ],
)
def test_skopeo_copies(text, all_images, between, format_):
    found = invocation(command(text))
    copy = skopeo_copy(found) if found else None
    assert copy is not None
    assert (copy.all_images, copy.between_registries) == (all_images, between)
    assert (copy.format.value if copy.format else None) == format_


@pytest.mark.parametrize(
    ("text", "lists"),
    [
        ("docker manifest create --amend t s1 s2", [("t", ["s1", "s2"])]),
        ("docker buildx imagetools create -t t1 -t t2 s1 s2", [("t1", ["s1", "s2"]), ("t2", ["s1", "s2"])]),
        ("docker buildx imagetools create -t t s", []),  # one source: a re-tag
        ("podman manifest add --arch arm64 t docker://r/s", [("t", ["r/s"])]),
        ("buildah manifest create t s1 s2", [("t", ["s1", "s2"])]),
        ("crane index append -t t -m s1 -m s2", [("t", ["s1", "s2"])]),
        ("regctl index create t --ref s1 --ref s2", [("t", ["s1", "s2"])]),
        ("manifest-tool --username u push from-args --platforms p --template r/a:ARCH --target r/a", [("r/a", ["r/a:ARCH"])]),
        ("docker manifest push t", []),
    ],
)  # fmt: skip
def test_list_assembly(text, lists):
    found = invocation(command(text))
    assert found is not None
    assemblies = list_assemblies(found)
    assert [(a.target.value, [s.value for s in a.sources]) for a in assemblies] == lists


def test_nginx_tokens_keep_positions_quotes_and_comments():
    text = 'server { # comment\n  proxy_set_header Authorization "";\n}\n'
    directives = nginx.parse(text)
    ((server),) = directives
    assert server.name.text == "server"
    assert server.block is not None
    (header,) = server.block
    assert [t.text for t in header.args] == ["Authorization", ""]
    assert (header.name.line, header.name.column) == (2, 3)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("server {\n  listen 80;\n", "not closed", 2),
        ("listen 80\n", "no `;`", 1),
        ("}\n", "unexpected `}`", 1),
        ('add_header X "open\n;', "quoted string is not closed", 1),
        ("init_by_lua_block {\n  x = 1\n", "Lua block is not closed", 3),
    ],
)
def test_nginx_errors_say_where(text, message, line):
    with pytest.raises(nginx.NginxError) as raised:
        nginx.parse(text)
    assert message in str(raised.value)
    assert raised.value.line == line


def test_nginx_reads_words_as_nginx_does():
    """`${var}` is a variable, `}` inside a word is a character, a quoted string
    may span lines, and an OpenResty Lua block is opaque (mendersoftware's
    storage proxy, postgres-ai's envsubst template)."""
    text = (
        "location / {\n"
        "  proxy_pass http://${DLE_HOST}:${DLE_PORT}$request_uri;\n"
        '  log_format main "a\n b";\n'
        "}\n"
        "init_by_lua_block {\n"
        '  ngx.log(ngx.WARN, "}" .. (os.getenv("X") or "{"))  -- a } in a comment\n'
        "  if x then y = { 1 } end\n"
        "}\n"
        "server { listen 80; }\n"
    )
    location, lua, server = nginx.parse(text)
    assert location.block is not None
    proxy, log_format = location.block
    assert [t.text for t in proxy.args] == ["http://${DLE_HOST}:${DLE_PORT}$request_uri"]
    assert log_format.args[1].text == "a\n b"
    assert lua.name.text == "init_by_lua_block" and lua.block == ()
    assert (server.name.line, server.name.column) == (10, 1)


def route(match: str, modifier: str = "") -> ProxyRoute:
    return ProxyRoute(match, modifier, 1, Location.point("n.conf", 1), ())


@pytest.mark.parametrize(
    ("routes", "chosen"),
    [
        ([route("/"), route("/jwt/auth", "=")], 1),
        ([route("/"), route("/jwt")], 1),
        ([route("/jwt", "^~"), route("^/jwt", "~")], 0),
        ([route("/jwt"), route("^/jwt", "~")], 1),
        ([route("/JWT", "~*"), route("/")], 0),
        ([route("/api")], None),
    ],
)
def test_nginx_picks_locations_as_nginx_does(routes, chosen):
    served = serving(routes, "/jwt/auth")
    assert served is (routes[chosen] if chosen is not None else None)


def test_a_password_attached_to_its_option_is_the_rest_of_the_word():
    from crlint.commands.invocations import invocation, password_argument

    found = invocation(command('buildah login -p"$TOKEN" -u ci registry.example.com'))
    assert found is not None
    login = password_argument(found)
    assert login is not None and login.password.written.text.strip('"') == "$TOKEN"
