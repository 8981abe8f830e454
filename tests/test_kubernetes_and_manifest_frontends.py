"""Kubernetes/Tekton containers and image manifests."""

from __future__ import annotations

from crlint.discover.sources import SourceFile
from crlint.facts.model import ManifestKind, display_text
from crlint.frontends import kubernetes, manifest
from crlint.frontends.base import Context

from .conftest import CORPUS, requires_shared

CONTEXT = Context({}, named=False)


def k8s(text: str):
    return kubernetes.extract(SourceFile("pod.yaml", "pod.yaml", text, "kubernetes"), CONTEXT)


def test_pod_containers_env_and_args():
    result = k8s(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: kaniko}\nspec:\n  containers:\n"
        "  - name: kaniko\n    image: gcr.io/kaniko-project/executor:latest\n"
        "    args: ['--destination=reg.example.com/app:1']\n"
        "    env:\n    - {name: GODEBUG, value: http2client=0}\n"
        "    - name: TOKEN\n      valueFrom: {secretKeyRef: {name: s, key: k}}\n"
    )
    (image,) = result.facts.images
    assert image.context == "container `kaniko` of Pod `kaniko`"
    (command,) = result.facts.commands
    assert [w.value for w in command.words] == ["--destination=reg.example.com/app:1"]
    assert command.env.get("GODEBUG").value == "http2client=0"
    assert command.env.get("TOKEN").value is None


def test_workload_templates_and_cronjobs_are_found():
    result = k8s(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n"
        "    spec:\n      template:\n        spec:\n          initContainers:\n"
        "          - {name: init, image: busybox:1.36}\n          containers:\n"
        "          - {name: main, image: alpine:3}\n"
    )
    assert [display_text(i.parts) for i in result.facts.images] == ["busybox:1.36", "alpine:3"]


@requires_shared
def test_tekton_param_defaults_fill_images():
    text = (CORPUS / "k8s" / "tektoncd__catalog__task__kaniko__0.6__kaniko.yaml").read_text()
    result = k8s(text)
    image, second = result.facts.images
    assert display_text(second.parts).startswith("docker.io/library/bash:5.1.4@sha256:")
    assert display_text(image.parts).startswith("gcr.io/kaniko-project/executor:v1.5.1@sha256:")
    assert image.written.text == "$(params.BUILDER_IMAGE)"


def test_envsubst_templates_are_unknown():
    result = k8s(
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: k\n    image: ${IMAGE}\n"
    )
    assert display_text(result.facts.images[0].parts) == "${IMAGE}"


def manifests(name: str, text: str):
    return manifest.extract(SourceFile(name, name, text, "manifest"), CONTEXT)


@requires_shared
def test_manifest_kinds():
    cases = {
        "schema2-to-schema1-by-docker.json": ManifestKind.SCHEMA1,
        "ociv1.image.index.json": ManifestKind.OCI_INDEX,
        "v2list.manifest.json": ManifestKind.MANIFEST_LIST,
        "v2s2.manifest.json": ManifestKind.IMAGE_MANIFEST,
    }
    for path in (CORPUS / "manifest").iterdir():
        for suffix, kind in cases.items():
            if path.name.endswith(suffix):
                (found,) = manifests(path.name, path.read_text()).facts.manifests
                assert found.kind is kind, path.name


@requires_shared
def test_manifest_list_entries_keep_platform_and_position():
    path = (
        CORPUS
        / "manifest"
        / "containers__image__internal__manifest__testdata__v2list.manifest.json"
    )
    (found,) = manifests(path.name, path.read_text()).facts.manifests
    assert len(found.entries) == 5
    assert found.entries[0].platform["architecture"] == "ppc64le"
    assert found.entries[0].location.line > found.location.line


@requires_shared
def test_manifest_tool_spec_images():
    path = CORPUS / "manifest" / "estesp__manifest-tool__integration__test-registry.yml"
    (found,) = manifests(path.name, path.read_text()).facts.manifests
    assert found.kind is ManifestKind.MANIFEST_TOOL_SPEC
    assert display_text(found.target.parts) == "__REGISTRY__/alpine:latest"
    assert [e.platform["architecture"] for e in found.entries] == [
        "ppc64le",
        "amd64",
        "s390x",
        "arm64",
    ]


def test_invalid_json_is_cr001_where_json_stops():
    result = manifests("m.json", '{"schemaVersion": 2,\n "mediaType": }\n')
    assert [
        (f.rule.id, f.location.line, f.location.column, f.message) for f in result.findings
    ] == [("CR001", 2, 15, "invalid JSON: Expecting value")]


def test_json_without_schema_version_key_is_not_a_manifest():
    assert manifests("x.json", '{"config": {"schemaVersion": 1}}').skipped
