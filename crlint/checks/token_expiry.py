"""CR404 registry-token-expiry: a registry token duration too short for large pushes.

GitLab's troubleshooting guide: `unauthorized: authentication required`
when pushing large images, because the registry's token expires while
layers are still uploading. "Tokens remain valid for 5 minutes by default,
and 15 minutes on GitLab.com"; the fix is to raise the instance's
"Authorization token duration" (`container_registry_token_expire_delay`).
It is an instance setting, out of a pipeline's reach, but a repository that
manages GitLab as code sets it: in Terraform's `gitlab_application_settings`
or in an API call. A value at or below the self-managed default of 5 minutes
is what the guide says large pushes outlast.
"""

from __future__ import annotations

from crlint.checks.base import Check
from crlint.commands.api_settings import PROGRAMS, api_settings
from crlint.facts.findings import Level, Rule
from crlint.world.gitlab import TOKEN_EXPIRE_DELAY

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.model import Facts

RULE = Rule(
    "CR404",
    "registry-token-expiry",
    Level.WARNING,
    "GitLab's registry token duration (`container_registry_token_expire_delay`) is set to 5 "
    "minutes or less: pushing a large image outlasts the token and fails with "
    "`unauthorized: authentication required`.",
)

DEFAULT_MINUTES = 5
"""Self-managed GitLab's default, which the troubleshooting guide says large pushes outlast."""
SUGGESTED_MINUTES = 15
"""GitLab.com's."""


def check(facts: Facts) -> Iterator[Finding]:
    for setting in (*facts.instance_settings, *api_settings(facts)):
        if setting.name != TOKEN_EXPIRE_DELAY or setting.value is None:
            continue
        value = setting.value.strip().strip("\"'")
        if not value.isdigit() or not 0 < int(value) <= DEFAULT_MINUTES:
            continue
        minutes = int(value)
        unit = "minute" if minutes == 1 else "minutes"
        message = (
            f"{setting.where} sets the registry's token duration to {minutes} {unit}: a push "
            f"that takes longer (a large image's layers) outlives its token and fails with "
            f"`unauthorized: authentication required`; set `{TOKEN_EXPIRE_DELAY}` to "
            f"{SUGGESTED_MINUTES} (GitLab.com's) or more"
        )
        yield RULE.at(setting.location, message)


CHECK = Check((RULE,), check, PROGRAMS)
