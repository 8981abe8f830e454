"""Schema 1 manifests (CR202) and what writes them (CR204).

GitLab's troubleshooting guide: pulling or pushing fails with `404 Not
Found` or `Unknown Manifest` when a schema 1 manifest meets a registry that
no longer serves them (GitLab's registry rejects them; distribution dropped
them). CR202 reports manifest files with `schemaVersion: 1`, signed
(`v1+prettyjws`) or not, and the shape errors (an entry without `digest`,
`mediaType` or `platform`) that make registries reject a list or index, as
notes. CR204 reports what produces schema 1: `skopeo copy|sync --format
v2s1`, and a registry configuration with `compatibility: schema1: enabled:
true`.
"""

from __future__ import annotations

from crlint.checks.base import Check
from crlint.commands.invocations import invocations, skopeo_copy
from crlint.facts.findings import Level, Rule
from crlint.facts.model import ManifestKind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.model import Facts

MANIFEST_RULE = Rule(
    "CR202",
    "schema-v1-manifest",
    Level.ERROR,
    "A schema 1 image manifest: registries that no longer serve them answer `404 Not Found` "
    "or `Unknown Manifest`.",
)
OUTPUT_RULE = Rule(
    "CR204",
    "schema-v1-output",
    Level.WARNING,
    "A tool or registry configured to write schema 1 manifests (`skopeo --format v2s1`, "
    "`compatibility: schema1: enabled: true`).",
)

REPLACEMENTS = (
    "`application/vnd.docker.distribution.manifest.v2+json` (schema 2) or "
    "`application/vnd.oci.image.manifest.v1+json` (OCI)"
)


def check_manifests(facts: Facts) -> Iterator[Finding]:
    for manifest in facts.manifests:
        if manifest.kind is ManifestKind.SCHEMA1:
            signed = "signed " if manifest.media_type and "prettyjws" in manifest.media_type else ""
            yield MANIFEST_RULE.at(
                manifest.location,
                f"a {signed}schema 1 manifest (`schemaVersion: 1`): GitLab's registry and "
                "current registries refuse it, and a pull answers `404 Not Found` or `Unknown "
                f"Manifest`; rebuild or convert the image to {REPLACEMENTS} "
                "(`skopeo copy --format v2s2`)",
            )
        elif manifest.kind in (ManifestKind.MANIFEST_LIST, ManifestKind.OCI_INDEX):
            kind = "manifest list" if manifest.kind is ManifestKind.MANIFEST_LIST else "index"
            for entry in manifest.entries:
                missing = [
                    name
                    for name, value in (
                        ("digest", entry.digest),
                        ("mediaType", entry.media_type),
                        ("platform", entry.platform),
                    )
                    if not value and not (name == "platform" and kind == "index")
                ]
                if missing:
                    names = ", ".join(f"`{name}`" for name in missing)
                    finding = MANIFEST_RULE.at(
                        entry.location,
                        f"this {kind} entry has no {names}; registries reject a {kind} "
                        "whose entries cannot be resolved to a platform's manifest",
                    )
                    yield finding._replace(level=Level.NOTE)


def check_output(facts: Facts) -> Iterator[Finding]:
    for config in facts.registry_configs:
        if config.schema1 is not None:
            yield OUTPUT_RULE.at(
                config.schema1,
                "the registry accepts and serves schema 1 manifests "
                "(`compatibility: schema1: enabled`), which clients on current engines and "
                "GitLab's registry refuse (`404`, `Unknown Manifest`); remove the setting and "
                "convert the images to schema 2",
            )
    for found in invocations(facts):
        copy = skopeo_copy(found)
        if copy is None or copy.format is None or copy.format.value != "v2s1":
            continue
        yield OUTPUT_RULE.at(
            copy.format.written.location(),
            f"`skopeo {copy.subcommand.value} --format v2s1` writes schema 1 manifests, which "
            "GitLab's registry refuses and current clients cannot pull (`Unknown Manifest`); "
            "use `--format v2s2` or `oci`, or leave `--format` out",
        )


CHECKS = (
    Check((MANIFEST_RULE,), check_manifests, frozenset()),
    Check((OUTPUT_RULE,), check_output, frozenset({"skopeo"})),
)
