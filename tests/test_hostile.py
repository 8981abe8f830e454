"""Hostile input: every fault the fuzzing found stays fixed (one test each).

crlint runs on untrusted merge requests in CI and on every commit in
pre-commit: it must finish on anything, never print a traceback, and never
read or write outside the repository it was pointed at. Inputs that used to
hang run in a subprocess with a generous timeout, so a regression fails here
rather than blocking the suite; how fast they finish is measured by
`bench/fuzz.py`, not asserted.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crlint.fix import atomic

from .conftest import write_tree

HANG = 60  # seconds: far beyond what any of these takes, short of blocking CI


def run(*args: str, cwd: Path, python_m: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crlint"] if python_m else [sys.executable, "-c", _CLI]
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, timeout=HANG, check=False
    )


_CLI = "import sys; from crlint.cli import main; sys.exit(main(sys.argv[1:]))"


def repository(root: Path, files: dict[str, str | bytes]) -> Path:
    write_tree(root, files)
    (root / ".git").mkdir(exist_ok=True)
    return root


def clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr


# -- security -------------------------------------------------------------------


def test_includes_that_resolve_outside_the_repository_are_cr005_and_never_read(tmp_path):
    outside = tmp_path / "outside"
    write_tree(outside, {"escape.yml": ".escaped:\n  script: [echo ESCAPE-MARKER]\n"})
    repo = repository(
        tmp_path / "repo",
        {
            ".gitlab-ci.yml": "include:\n  - local: '/../outside/escape.yml'\n"
            "  - local: '../outside/escape.yml'\n  - local: 'link.yml'\n"
            "  - local: '/../*/*.yml'\njob:\n  script: [make]\n"
        },
    )
    (repo / "link.yml").symlink_to(outside / "escape.yml")
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    assert "ESCAPE-MARKER" not in result.stdout + result.stderr
    messages = [f["message"] for f in json.loads(result.stdout)["findings"]]
    assert sum("resolves outside the repository" in m for m in messages) == 3
    assert sum("names files outside the repository" in m for m in messages) == 1
    assert all(f["rule"] == "CR005" for f in json.loads(result.stdout)["findings"])


def test_a_walked_link_to_a_file_outside_is_not_read(tmp_path):
    outside = tmp_path / "outside"
    write_tree(outside, {"Dockerfile": "FROM _SECRET_MARKER\n"})
    repo = repository(tmp_path / "repo", {"ok.txt": "x"})
    (repo / "Dockerfile").symlink_to(outside / "Dockerfile")
    result = run("--verbose", ".", cwd=repo)
    assert "_SECRET_MARKER" not in result.stdout + result.stderr
    assert "Dockerfile: skipped: a link to a file outside the repository" in result.stderr


def test_fix_never_writes_outside_the_repository(tmp_path):
    outside = tmp_path / "outside"
    template = (
        "build:\n  image: gcr.io/kaniko-project/executor:debug\n  script:\n"
        "    - /kaniko/executor --context . --destination $CI_REGISTRY_IMAGE\n"
    )
    write_tree(outside, {"tpl.yml": template})
    repo = repository(tmp_path / "repo", {".gitlab-ci.yml": "include: tpl.yml\n"})
    (repo / "tpl.yml").symlink_to(outside / "tpl.yml")
    result = run("--fix", ".", cwd=repo)
    clean(result)
    assert (outside / "tpl.yml").read_text() == template


def test_python_m_crlint_loads_no_plugin_from_the_linted_repository(tmp_path):
    marker = tmp_path / "pwned"
    repo = repository(
        tmp_path / "repo",
        {
            "Dockerfile": "FROM alpine\n",
            "evil-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n",
            "evil-1.0.dist-info/entry_points.txt": "[crlint.checks]\nevil = evil_mod:CHECKS\n",
            "evil_mod.py": f"open({str(marker)!r}, 'w').write('ran')\nCHECKS = []\n",
        },
    )
    result = run(".", cwd=repo, python_m=True)
    clean(result)
    assert not marker.exists()


def test_output_to_a_device_is_written_in_place_and_reports_get_the_umask_mode(tmp_path):
    repo = repository(tmp_path, {"Dockerfile": "FROM _bad\n"})
    result = run("--format", "sarif", "-o", os.devnull, ".", cwd=repo)
    clean(result)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    previous = os.umask(0o022)
    try:
        run("--format", "json", "-o", "reports/deep/crlint.json", ".", cwd=repo)
    finally:
        os.umask(previous)
    report = repo / "reports" / "deep" / "crlint.json"
    assert stat.S_IMODE(report.stat().st_mode) == 0o644
    assert json.loads(report.read_text())["findings"]
    to_stdout = run("--format", "json", "-o", "-", ".", cwd=repo)
    assert json.loads(to_stdout.stdout)["findings"] and not (repo / "-").exists()


def test_output_to_a_fifo_does_not_replace_it(tmp_path):
    repo = repository(tmp_path, {"Dockerfile": "FROM alpine\n"})
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    run("--format", "json", "-o", str(fifo), ".", cwd=repo)
    out, _ = reader.communicate(timeout=HANG)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(out)["findings"] == []


# -- bounded time and memory -------------------------------------------------------


def test_a_mapping_that_merges_itself_ends(tmp_path):
    repo = repository(tmp_path, {".gitlab-ci.yml": "a: &a {<<: [*a, *a]}\n"})
    clean(run(".", cwd=repo))


def test_an_alias_bomb_in_a_job_and_a_reference_fan_out_end(tmp_path):
    bomb = ['a: &a ["docker push registry.example.com/_bomb/x:1", "b", "c"]']
    previous = "a"
    for level in range(9):
        bomb.append(f"l{level}: &l{level} [{', '.join([f'*{previous}'] * 10)}]")
        previous = f"l{level}"
    bomb.append("job:\n  script: *l8")
    fan = [".r0:\n  script: ['docker push registry.example.com/_fan/x:1']"]
    fan += [f".r{k}:\n  script:\n" + f"    - !reference [.r{k - 1}, script]\n" * 10
            for k in range(1, 9)]  # fmt: skip
    fan.append("fan:\n  script:\n    - !reference [.r8, script]")
    repo = repository(tmp_path, {".gitlab-ci.yml": "\n".join(bomb) + "\n"})
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    found = [f["message"] for f in json.loads(result.stdout)["findings"]]
    assert sum("`_bomb`" in m for m in found) == 1  # one place, one finding
    write_tree(repo, {".gitlab-ci.yml": "\n".join(fan) + "\n"})
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    assert sum("`_fan`" in f["message"] for f in json.loads(result.stdout)["findings"]) == 1


def test_a_script_that_runs_itself_ends(tmp_path):
    repo = repository(tmp_path, {"x.sh": "sh x.sh\n" * 12 + "docker push _self/x:1\n"})
    result = run("--format", "json", "x.sh", cwd=repo)
    clean(result)
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["CR101"]


def test_scripts_that_run_each_other_ten_times_over_end(tmp_path):
    # Run with the same variables, a script's commands are read once; with a
    # variable set anew each time, the budget of scripts followed ends it.
    same = {f"s{n}.sh": f"sh s{n + 1}.sh\n" * 10 for n in range(5)}
    other = {f"t{n}.sh": "".join(f"X={i}\nsh t{n + 1}.sh\n" for i in range(10)) for n in range(5)}
    push = {"s5.sh": "docker push _deep/x:1\n", "t5.sh": "docker push _deep/y:1\n"}
    repo = repository(tmp_path, {**same, **other, **push})
    for first, note in (("s0.sh", False), ("t0.sh", True)):
        result = run("--verbose", "--format", "json", first, cwd=repo)
        clean(result)
        (finding,) = json.loads(result.stdout)["findings"]
        assert finding["path"] == first[0] + "5.sh"
        assert ("scripts not followed from here" in result.stderr) is note


def test_values_that_double_or_fan_out_stay_bounded_and_become_unknown(tmp_path):
    doubling = "X=_d\n" + "X=$X$X\n" * 22 + "docker push $X/app:1\n"
    chain = [f"  V{i}: {''.join(f'$V{i + 1}' for _ in range(20))}" for i in range(6)]
    fanout = "variables:\n" + "\n".join(chain) + "\n  V6: x\njob:\n  image: docker:$V0\n"
    repo = repository(tmp_path, {"x.sh": doubling, ".gitlab-ci.yml": fanout + "  script: [x]\n"})
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    assert json.loads(result.stdout)["findings"] == []  # too long to know: unknown, silent


def test_the_bounds_hold_as_the_input_grows(tmp_path):
    """The classes above, a hundred times larger: each still ends with its answer."""
    files = {
        # a script running itself on every line, read as a file
        "self.sh": "sh self.sh\n" * 1000 + "docker push registry.example.com/_self/x:1\n",
        # doubling a value two thousand times, then a name crlint can check
        "double.sh": "X=d\n" + "X=$X$X\n" * 2000 + "docker push $X\n"
        "docker push registry.example.com/_after/x:1\n",
        # two scripts that run each other two thousand times, from thirty jobs
        "a.sh": "sh b.sh\n" * 2000,
        "b.sh": "sh a.sh\n" * 2000,
        ".gitlab-ci.yml": "".join(f"j{i}:\n  script: [sh a.sh]\n" for i in range(30)),
        # five thousand anchors, each merging the one before
        "merges.gitlab-ci.yml": "a0: &a0 {x: 1}\n"
        + "".join(f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}], k{i}: 1}}\n" for i in range(1, 5000)),
    }
    repo = repository(tmp_path, files)
    result = run("--verbose", "--format", "json", ".", cwd=repo)
    clean(result)
    found = {(f["path"], f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {
        ("self.sh", "CR101", 1001),
        ("double.sh", "CR101", 2003),
        ("merges.gitlab-ci.yml", "CR001", 632),
    }
    assert "commands of scripts not read from here on" in result.stderr


def test_files_that_all_include_one_another_report_each_cycle_once(tmp_path):
    """Every file of a wildcard including the wildcard: one CR005 per include
    entry, naming only the cycle, however many CI files reach it."""
    job = "include: 'ci/*.yml'\n"
    small = {f"ci/{name}.yml": job + f"{name}:\n  script: [x]\n" for name in "abc"}
    repo = repository(tmp_path / "small", {".gitlab-ci.yml": job, **small})
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    found = sorted((f["path"], f["message"]) for f in json.loads(result.stdout)["findings"])
    rejects = "; GitLab rejects the pipeline"
    assert found == [
        ("ci/a.yml", "include cycle: ci/a.yml → ci/a.yml" + rejects),
        ("ci/b.yml", "include cycle: ci/a.yml → ci/b.yml → ci/a.yml" + rejects),
        ("ci/c.yml", "include cycle: ci/a.yml → ci/b.yml → ci/c.yml → ci/a.yml" + rejects),
    ]
    many = {f"ci/f{i:03}.yml": job + f"j{i}:\n  script: [x]\n" for i in range(300)}
    repo = repository(tmp_path / "many", {".gitlab-ci.yml": job, **many})
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    paths = [f["path"] for f in json.loads(result.stdout)["findings"]]
    assert len(paths) == len(set(paths)) > 0  # at most one per file, for 300 files


def test_a_suppression_reason_with_a_long_run_of_spaces_is_read_in_linear_time(tmp_path):
    """A lazy reason before trailing blanks retried every position: 20,000
    inner spaces took 2.4 s, 200,000 would take minutes."""
    reason = "base " + " " * 200_000 + "renamed upstream"
    dockerfile = f"# crlint: ignore[CR101] -- {reason}\nFROM registry.example.com/_x/base:1\n"
    repo = repository(tmp_path, {"Dockerfile": dockerfile})
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    assert json.loads(result.stdout)["findings"] == []  # suppressed, with its reason


def test_an_include_wildcard_of_many_stars_ends(tmp_path):
    repo = repository(
        tmp_path,
        {".gitlab-ci.yml": "include: 'd/" + "*" * 40 + "b.yml'\n", "d/" + "a" * 60 + "c.yml": ""},
    )
    clean(run(".", cwd=repo))


def test_fifos_and_devices_are_never_opened_for_reading(tmp_path):
    repo = repository(tmp_path, {".gitlab-ci.yml": "include: ci.yml\njob:\n  script: [x]\n"})
    os.mkfifo(repo / "ci.yml")
    os.mkfifo(repo / "Dockerfile")
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    report = json.loads(result.stdout)
    assert report["findings"] == []  # an include crlint cannot read is a notice
    (notice,) = report["not_analysed"]
    assert "not a regular file" in notice["message"]
    named = run("--verbose", "Dockerfile", cwd=repo)
    assert "Dockerfile: skipped: not a regular file" in named.stderr


def test_files_above_the_size_limit_are_skipped_with_their_reason(tmp_path):
    from crlint.discover.sources import MAX_FILE_BYTES

    repo = repository(tmp_path, {"Dockerfile": "FROM alpine\n#" + "x" * MAX_FILE_BYTES + "\n"})
    result = run("--verbose", "Dockerfile", cwd=repo)
    clean(result)
    assert "Dockerfile: skipped: larger than 2 MiB (2.0 MiB): not read" in result.stderr


def test_endless_standard_input_ends_and_fix_passes_what_it_cannot_read_through(tmp_path):
    from crlint.discover.sources import MAX_FILE_BYTES

    repo = repository(tmp_path, {})
    endless = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        result = subprocess.run(
            [sys.executable, "-c", _CLI, "--stdin-filename", "Dockerfile", "-"],
            cwd=repo, stdin=endless.stdout, capture_output=True, timeout=HANG, check=False,
        )  # fmt: skip
    finally:
        endless.kill()
        endless.wait()
    assert b"Dockerfile: skipped: larger than 2 MiB: not read" in result.stderr
    assert result.returncode == 0
    large = b"RUN true\n" * (MAX_FILE_BYTES // 9 + 1)
    for data in (large, b"FROM a\0b\n"):
        fixed = subprocess.run(
            [sys.executable, "-c", _CLI, "--fix", "--stdin-filename", "Dockerfile", "-"],
            cwd=repo, input=data, capture_output=True, timeout=HANG, check=False,
        )  # fmt: skip
        assert fixed.stdout == data
        assert b"skipped" in fixed.stderr


def test_a_megabyte_line_is_one_problem(tmp_path):
    repo = repository(tmp_path, {"a.sh": "docker push " + "x" * 1_000_000 + "\n"})
    result = run("--format", "json", "a.sh", cwd=repo)
    clean(result)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["message"].startswith("the reference is 1000000 characters long")


# -- crashes ----------------------------------------------------------------------


def test_unicode_white_space_before_an_instruction(tmp_path):
    repo = repository(tmp_path, {"Dockerfile": "\u00a0O\n"})
    result = run("--format", "json", "Dockerfile", cwd=repo)
    clean(result)
    assert [f["message"][:24] for f in json.loads(result.stdout)["findings"]] == [
        "unknown instruction `O`;"
    ]


def test_percent_signs_in_kubernetes_names(tmp_path):
    odd = "apiVersion: v1\nkind: '%'\nspec:\n  containers:\n  - image: x\n"
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: '%s %d'}\nspec:\n  containers:\n"
    pod += "  - {name: '%(x)s', image: 'registry.example.com/_bad/x:1'}\n"
    repo = repository(tmp_path, {"odd.yaml": odd, "pod.yaml": pod})
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["path"] == "pod.yaml" and finding["rule"] == "CR101"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "github"])
def test_a_directory_name_that_is_not_utf8(tmp_path, fmt):
    repo = repository(tmp_path, {})
    directory = os.path.join(os.fsencode(repo), b"d\xff")
    os.mkdir(directory)
    with open(os.path.join(directory, b"Dockerfile"), "w") as handle:
        handle.write("FROM A\n")
    result = run("--format", fmt, ".", cwd=repo)
    clean(result)
    assert result.returncode == 1
    shown = {
        "json": lambda: json.loads(result.stdout)["findings"][0]["path"],
        "gitlab": lambda: json.loads(result.stdout)[0]["location"]["path"],
        "sarif": lambda: json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0][
            "physicalLocation"
        ]["artifactLocation"]["uri"],
    }.get(fmt, lambda: result.stdout)()
    assert "d\\xff/Dockerfile" in shown or "d%5Cxff/Dockerfile" in shown


def test_a_gitignore_range_git_cannot_use_matches_nothing_and_in_exclude_is_an_error(tmp_path):
    repo = repository(tmp_path, {".gitignore": "[z-a]\n", "Dockerfile": "FROM _x\n"})
    result = run(".", cwd=repo)
    clean(result)
    assert result.returncode == 1  # the Dockerfile is still linted
    write_tree(repo, {".crlint.toml": 'exclude = ["[z-a]"]\n'})
    result = run(".", cwd=repo)
    assert result.returncode == 2
    assert "`exclude`: `[z-a]` is not a valid pattern" in result.stderr
    clean(result)


def test_a_dot_git_file_that_is_not_utf8(tmp_path):
    write_tree(tmp_path, {".gitlab-ci.yml": "job:\n  image: $CI_REGISTRY_IMAGE/x\n  script: [x]\n"})
    (tmp_path / ".git").write_bytes(b"gitdir: \xff\n")
    result = run(".", cwd=tmp_path)
    clean(result)
    assert result.returncode == 0


def test_tool_that_is_not_a_table_is_a_configuration_error(tmp_path):
    pyproject = "tool = 1\n# [tool.crlint]\n"  # the comment makes crlint read it
    repo = repository(tmp_path, {"pyproject.toml": pyproject, "Dockerfile": "FROM alpine\n"})
    result = run(".", cwd=repo)
    assert result.returncode == 2
    assert "`tool` must be a table" in result.stderr
    clean(result)


def test_deep_nesting_is_refused_before_any_parser_recurses(tmp_path):
    repo = repository(
        tmp_path,
        {
            "manifest.json": '{"schemaVersion": 2, "x": ' + "[" * 10_000 + "]" * 10_000 + "}\n",
            "nginx.conf": "events {}\n" + "http {" * 10_000 + "}" * 10_000 + "\nx y;\n",
            "build.py": "import subprocess\nsubprocess.run(['docker', 'push', "
            + "(" * 1281
            + "'x'"
            + ")" * 1281
            + "])\n",
            "deep.gitlab-ci.yml": "job: " + "[" * 200_000 + "]" * 200_000 + "\n",
            "Dockerfile": "FROM registry.example.com/_a/b\nENTRYPOINT " + "[" * 10_000 + "\n"
            "RUN " + "[" * 10_000 + "]" * 10_000 + "\n",
        },
    )
    result = run("--verbose", "--format", "json", ".", cwd=repo)
    clean(result)
    assert result.returncode == 1  # the files named as their kinds are CR001
    found = {f["path"]: f["message"] for f in json.loads(result.stdout)["findings"]}
    assert found["deep.gitlab-ci.yml"].startswith("invalid YAML: brackets nested more than 1000")
    assert found["nginx.conf"].startswith("blocks nested more than 100 deep")
    assert found["Dockerfile"].startswith("path component `_a` starts with an underscore")
    assert len(found) == 3
    assert "build.py: skipped: not Python that crlint can read: too many nested parentheses" in (
        result.stderr
    )
    assert "manifest.json: skipped: read as manifest from its content, but invalid JSON" in (
        result.stderr
    )


# -- wrong results --------------------------------------------------------------------


def test_fix_settles_on_yaml_holding_unicode_line_separators(tmp_path):
    task = (
        'apiVersion: tekton.dev/v1\nkind: "Task\u2028"\nspec:\n  steps:\n'
        "    - name: build\n      image: gcr.io/kaniko-project/executor:v1.23.2\n"
    )
    repo = repository(tmp_path, {"task.yaml": task})
    first = run("--format", "json", ".", cwd=repo)
    (finding,) = json.loads(first.stdout)["findings"]
    assert (finding["line"], finding["column"]) == (6, 14)
    run("--fix", ".", cwd=repo)
    fixed = (repo / "task.yaml").read_text()
    assert fixed.count("GODEBUG") == 1
    run("--fix", ".", cwd=repo)
    assert (repo / "task.yaml").read_text() == fixed


def test_a_write_that_fails_leaves_no_temporary_file_and_leftovers_are_removed(
    tmp_path, monkeypatch
):
    target = tmp_path / "report.json"
    target.write_text("old")
    leftover = tmp_path / ".crlint-999999999-deadbeef.tmp"  # a killed run's, pid long gone
    leftover.write_text("half")

    def broken_replace(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic.write(str(target), b"new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_utf16_ci_files_are_read_by_their_byte_order_mark(tmp_path):
    text = "job:\n  image: registry.example.com/_utf16/x:1\n  script: [x]\n"
    repo = repository(tmp_path, {".gitlab-ci.yml": b"\xff\xfe" + text.encode("utf-16-le")})
    result = run("--format", "json", ".", cwd=repo)
    clean(result)
    assert ["`_utf16`" in f["message"] for f in json.loads(result.stdout)["findings"]] == [True]


def test_escape_sequences_in_a_file_reach_the_terminal_as_visible_characters(tmp_path):
    title = "\x1b]0;owned\x07"
    repo = repository(
        tmp_path,
        {"Dockerfile": f"FROM registry.example.com/_x{title}/y:1\n", "a\x1b[2J.sh": ""},
    )
    result = run("--verbose", ".", cwd=repo)
    clean(result)
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "_x␛]0;owned␇/y:1" in result.stdout
    assert "a␛[2J.sh: skipped: empty file" in result.stderr
