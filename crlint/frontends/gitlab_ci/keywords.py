"""GitLab CI keywords crlint gives meaning to (the CI/CD YAML syntax reference)."""

from __future__ import annotations

# Top-level keys that are not jobs.
GLOBAL_KEYWORDS = frozenset(
    {
        "after_script",
        "before_script",
        "cache",
        "default",
        "image",
        "include",
        "pages:deploy",
        "services",
        "spec",
        "stages",
        "types",
        "variables",
        "workflow",
    }
)
# Keywords `default:` gives every job that lacks them; the deprecated
# top-level forms of the same keywords act the same way.
DEFAULT_KEYWORDS = ("image", "services", "before_script", "after_script", "cache", "tags")
SCRIPT_KEYS = ("before_script", "script", "after_script")
# The keys of a job that crlint reads. The others (`rules`, `artifacts`,
# `needs`, …) are converted from YAML only if a `!reference` reaches them.
JOB_KEYS_READ = frozenset(
    {"image", "services", "variables", "extends", "inherit", "rules", "parallel", *SCRIPT_KEYS}
)
