"""The built-in checks, listed in one place (no import-time registration)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.checks.base import Check


def builtin_checks() -> tuple[Check, ...]:
    from crlint.checks import (
        branch_names,
        docker_engine,
        image_reference,
        kaniko_http2,
        manifest_lists,
        project_registry,
        registry_login,
        schema_v1,
        skopeo_copies,
        token_expiry,
        token_realm,
    )

    return (
        image_reference.CHECK,
        branch_names.CHECK,
        *project_registry.CHECKS,
        kaniko_http2.CHECK,
        registry_login.CHECK,
        skopeo_copies.CHECK,
        docker_engine.CHECK,
        *schema_v1.CHECKS,
        manifest_lists.CHECK,
        token_realm.CHECK,
        token_expiry.CHECK,
    )
