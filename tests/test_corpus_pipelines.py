"""`crlint inspect` on real CI files: job names and command counts, checked by hand.

Each expectation was read off the file itself: the runnable jobs (hidden
`.templates` never run) and the simple commands of `before_script`,
`script` and `after_script` after `extends`/`!reference`, counting the
commands inside `$( … )` and each side of `|`, `&&` and `||`.
"""

from __future__ import annotations

import pytest

from .conftest import CORPUS, requires_shared

pytestmark = requires_shared

EXPECTED = {
    # two plain jobs: login, build, push
    "gitlabhq__gitlabhq__lib__gitlab__ci__templates__Docker.gitlab-ci.yml": {
        "build-master": 3,
        "build": 3,
    },
    "firecow__gitlab-ci-local__examples__docker-in-docker-build__.gitlab-ci.yml": {
        "alpine-image": 3
    },
    # `docker rm … || true` in after_script is two commands, and what the two
    # `docker exec`s run in the container (`cat`, and the `echo` of `sh -c "…"`) two more
    "firecow__gitlab-ci-local__tests__test-cases__dind-tls__.gitlab-ci.yml": {"test-job": 9},
    # script is a `!reference` to a template of four `!reference`s, two of which
    # name templates from other files: the two literal ones remain
    "msclock__gitlab-ci-templates__jobs__Docker-Build.gitlab-ci.yml": {"docker_build": 2},
    # a multi-line plain scalar holding if/else/fi
    "noheton__shepard__.gitlab__ci__jobs__build-backend.yml": {"build_backend": 7},
    # four jobs extending one template; `V=…$(jq …)` is an assignment plus jq
    "24HeuresINSA__Overbookd__.gitlab__ci__docker-publish.gitlab-ci.yml": {
        "preprod_overbookd-api_publish": 7,
        "preprod_overbookd-web_publish": 7,
        "prod_overbookd-api_publish": 7,
        "prod_overbookd-web_publish": 7,
    },
    # a folded multi-line `docker buildx build` is one command
    "cnative-dev__auto-build-image__.gitlab__ci__build.gitlab-ci.yml": {"build": 7},
    # `bash -c "$(curl …)"` is two commands, `x || true` two
    "detecttechnologies__Gitlab-CI-CD-Templates__build__container__.gitlab-ci.yml": {"build": 10},
    "elemenx__auto-build-image__.gitlab__ci__release.gitlab-ci.yml": {
        "release-tag": 10,
        "publish": 2,
        "publish-dryrun": 2,
    },
    "organisation-de-l-ombre__devhouse-archive__developers-house__ops__gitlab-ci-collection"
    "__developers-house__ops__gitlab-ci-collection__kaniko.gitlab-ci.yml": {"build": 9},
    # a literal block of seven echos; `export R=$(grep … | cut …)` is three
    "time-IO__tsm-orchestration__.gitlab__ci__02-build.gitlab-ci.yml": {
        "build-and-push-images": 15
    },
    # gitlab-runner's release jobs, built from anchors and `extends`; the pulp
    # ones are a job per `parallel:matrix` value (7 and 10 of them)
    "gitlabhq__gitlab-runner__.gitlab__ci__release.gitlab-ci.yml": {
        "development S3": 8,
        "bleeding edge S3": 8,
        "stable S3": 8,
        "unstable pulp: [debian]": 4,
        "unstable pulp: [opensuse]": 4,
        "stable pulp: [raspbian]": 4,
        "stable pulp: [opensuse]": 4,
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_jobs_and_command_counts(name: str, crlint):
    run = crlint("inspect", "--format", "json", name, cwd=CORPUS / "gitlab-ci")
    assert run.code == 0, run.err
    jobs = run.json()["jobs"]
    counts = {job: len(jobs[job]["commands"]) for job in EXPECTED[name]}
    assert counts == EXPECTED[name]
    assert set(EXPECTED[name]) <= set(jobs)


@pytest.mark.parametrize(
    "path", sorted((CORPUS / "gitlab-ci").glob("*")), ids=lambda p: p.name[:60]
)
def test_every_corpus_ci_file_resolves(path, crlint):
    run = crlint("inspect", "--format", "json", path.name, cwd=path.parent)
    assert run.code == 0 and run.err == "", run.err
    document = run.json()
    for job in document["jobs"].values():
        for command in job["commands"]:
            assert command["argv"] and command["line"] >= 1
