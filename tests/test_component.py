"""The GitLab CI/CD component `templates/crlint.yml` works as users include it.

Read by crlint's own pipeline reader it is one job with the documented
inputs; crlint finds nothing wrong in it; interpolated with its defaults it
is valid against GitLab's CI schema (as check-jsonschema vendors it); and
its job writes Code Quality and SARIF from one run of a command the CLI
accepts.
"""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from pathlib import Path

import yaml
from jsonschema import Draft7Validator

from crlint.cli import _check_parser
from crlint.discover.sources import SourceCache
from crlint.frontends.gitlab_ci.includes import documents, parsed

ROOT = Path(__file__).resolve().parent.parent
COMPONENT = ROOT / "templates" / "crlint.yml"
INPUTS = {"stage", "paths", "fail-level", "version", "image", "allow-failure", "rule-pages"}


def spec_and_job() -> tuple[dict, dict]:
    header, job = yaml.safe_load_all(COMPONENT.read_text())
    return header["spec"]["inputs"], job


def interpolated(defaults: dict) -> dict:
    """The job with every `$[[ inputs.x ]]` replaced by its default, as GitLab does."""
    text = COMPONENT.read_text().split("\n---\n", 1)[1]

    def value(match: re.Match[str]) -> str:
        default = defaults[match.group(1)]["default"]
        return json.dumps(default) if isinstance(default, bool) else str(default)

    return yaml.safe_load(re.sub(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]", value, text))


def test_crlints_reader_sees_one_job_and_the_documented_inputs():
    files = SourceCache(str(ROOT))
    source = files.get(str(COMPONENT), "gitlab-ci", str(ROOT))
    assert len(documents(source, files)) == 2  # the spec header, then the configuration
    config = parsed(source, files)
    assert list(config.keys()) == ["crlint"]
    inputs, _ = spec_and_job()
    assert set(inputs) == INPUTS
    assert inputs["allow-failure"]["type"] == "boolean"
    assert set(inputs["fail-level"]["options"]) == {"error", "warning", "note", "never"}


def test_crlint_finds_nothing_wrong_in_its_component(crlint):
    run = crlint("--format", "json", str(COMPONENT), cwd=ROOT)
    assert run.code == 0 and run.json()["findings"] == []
    assert run.json()["summary"]["files"] == 1  # read as GitLab CI, not skipped


def test_interpolated_with_its_defaults_it_is_valid_gitlab_ci():
    inputs, _ = spec_and_job()
    config = interpolated(inputs)
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads(vendor.joinpath("gitlab-ci.json").read_text())
    errors = sorted(e.message for e in Draft7Validator(schema).iter_errors(config))
    assert errors == []
    assert config["crlint"]["allow_failure"] is False


def test_its_job_writes_both_reports_with_options_the_cli_accepts():
    inputs, _ = spec_and_job()
    script = interpolated(inputs)["crlint"]["script"]
    assert script[0].startswith("python3 -m pip install")
    assert "container-registry-lint==0.1.0" in script[0]
    words = shlex.split(script[1])
    assert words[0] == "crlint"
    options = _check_parser().parse_args(words[1:])
    assert [name for name, _ in options.output_format] == ["gitlab", "sarif"]
    assert options.paths == ["."] and options.fail_level == "warning"
    assert options.rule_pages is None  # empty by default: crlint has no public home to link
    reports = interpolated(inputs)["crlint"]["artifacts"]["reports"]
    assert reports == {"codequality": "gl-code-quality-report.json"}
