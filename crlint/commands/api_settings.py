"""Instance settings that scripts set through GitLab's API.

`curl --request PUT ".../api/v4/application/settings?container_registry_token_expire_delay=5"`,
the same setting in `--data`/`--form`, `wget --method PUT`, and `glab api
application/settings -f container_registry_token_expire_delay=5`: a
repository that administers its GitLab instance writes its settings so. A
command is read when one of its words names the `application/settings`
endpoint; each `name=value` of a setting crlint reads, in a query string or
a data argument, is one `InstanceSetting`, located at its value.
"""

from __future__ import annotations

import re

from crlint.commands.programs import program
from crlint.facts.expand import expand_word
from crlint.facts.model import InstanceSetting, Literal
from crlint.world.gitlab import TOKEN_EXPIRE_DELAY

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.model import Command, Facts, Word

PROGRAMS = frozenset({"curl", "wget", "glab"})
ENDPOINT = "application/settings"
_SETTING = re.compile(rf"(?:^|[?&\s\"'])({TOKEN_EXPIRE_DELAY})=([^&\s\"']*)")


def api_settings(facts: Facts) -> list[InstanceSetting]:
    """The settings the run's commands set through the API, once for every check."""
    return facts.derived(_api_settings)


def _api_settings(facts: Facts) -> list[InstanceSetting]:
    return [setting for command in facts.commands for setting in settings_of(command)]


def settings_of(command: Command) -> list[InstanceSetting]:
    found = program(command.words)
    if found is None or found[0] not in PROGRAMS:
        return []
    # The words as written: the host is often a variable (`$CI_API_V4_URL/…`),
    # and a value that is one (`…=$DELAY`) is no number, which checks pass over.
    words = command.words[found[1] + 1 :]
    if not any(_names_endpoint(word, command) for word in words):
        return []
    settings = []
    for word in words:
        written = word.written
        for match in _SETTING.finditer(written.text):
            start, end = match.span(2)
            settings.append(
                InstanceSetting(
                    match.group(1), match.group(2), written.location(start, end), "an API call"
                )
            )
    return settings


def _names_endpoint(word: Word, command: Command) -> bool:
    """Whether a word is the settings endpoint, as written or as its variables
    expand (`"$SETTINGS_URL?…"`)."""
    if ENDPOINT in word.written.text:
        return True
    if "$" not in word.written.text:
        return False
    expanded = expand_word(word.parts, command.env)
    return ENDPOINT in "".join(part.text for part in expanded if isinstance(part, Literal))
